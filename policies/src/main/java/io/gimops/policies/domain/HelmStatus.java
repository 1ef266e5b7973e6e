package io.gimops.policies.domain;

import java.util.Locale;

/** The status Helm records for a release revision. */
public enum HelmStatus {
  DEPLOYED,
  FAILED,
  SUPERSEDED,
  UNINSTALLING,
  UNINSTALLED,
  /** Left behind by a helm client that died mid-install. */
  PENDING_INSTALL,
  /** Left behind by a helm client that died mid-upgrade. */
  PENDING_UPGRADE,
  /** Left behind by a helm client that died mid-rollback. */
  PENDING_ROLLBACK,
  UNKNOWN;

  /** Helm's spelling: {@code pending-upgrade}. */
  public String helmName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public boolean isPending() {
    return this == PENDING_INSTALL || this == PENDING_UPGRADE || this == PENDING_ROLLBACK;
  }

  public static HelmStatus fromHelm(String status) {
    if (status != null) {
      for (HelmStatus s : values()) {
        if (s.helmName().equalsIgnoreCase(status)) {
          return s;
        }
      }
    }
    return UNKNOWN;
  }
}
