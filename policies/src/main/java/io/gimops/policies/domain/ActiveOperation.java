package io.gimops.policies.domain;

import java.time.Instant;
import java.util.Objects;

/** A lifecycle operation that has started and not yet ended, as rule 4 sees it. */
public record ActiveOperation(
    String id, String environment, String summary, Actor startedBy, Instant startedAt) {

  public ActiveOperation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(startedBy, "startedBy");
    Objects.requireNonNull(startedAt, "startedAt");
  }
}
