package io.gimops.adapters.kube;

import java.util.Locale;

/** GIM's Jobs, as the label {@code gimops.io/job} names them. */
public enum JobKind {
  /** Migrates the Info Mart database after an upgrade with schema changes. */
  MIGRATION,
  /** GIM's transformation job; the first one after an upgrade gates GIM's readiness. */
  TRANSFORMATION,
  /** Any other value of the label. */
  OTHER;

  public static final String LABEL = "gimops.io/job";

  public static JobKind fromLabel(String value) {
    if (value == null) {
      return OTHER;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "migration" -> MIGRATION;
      case "transformation" -> TRANSFORMATION;
      default -> OTHER;
    };
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
