package io.gimops.policies.domain;

import java.time.Instant;
import java.util.Objects;

/** One revision in a Helm release's history. */
public record RevisionRecord(
    int revision, Version version, HelmStatus status, Instant updated, String description) {

  public RevisionRecord {
    if (revision < 1) {
      throw new IllegalArgumentException("Helm revisions start at 1");
    }
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(updated, "updated");
    description = description == null ? "" : description;
  }
}
