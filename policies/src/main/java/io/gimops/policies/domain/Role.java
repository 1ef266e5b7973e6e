package io.gimops.policies.domain;

/** What a person may do in an environment; each role includes the ones before it. */
public enum Role {
  /** Sees status, releases, history, plans and operations. */
  VIEWER,
  /** Also upgrades, rolls back, updates export views, restarts the GIM pod, cancels. */
  OPERATOR,
  /** Also uninstalls and overrides the all-healthy precondition with a written reason. */
  ADMIN;

  public boolean atLeast(Role other) {
    return compareTo(other) >= 0;
  }

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
