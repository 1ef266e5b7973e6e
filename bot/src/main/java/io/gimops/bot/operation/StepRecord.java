package io.gimops.bot.operation;

import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.Version;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One step of an operation's plan and what happened to it. A helm step records the release's
 * newest revision <em>before</em> helm started: after a crash, a newer revision in Helm's history
 * is proof that the call happened, so it is never made twice.
 *
 * @param revisionBefore the release's newest revision before helm started (empty: not installed)
 * @param versionBefore the version the service ran before the step (for schema-change checks)
 * @param revisionAfter the revision helm made
 * @param detail what happened, for people: the failure, the verification's last word
 */
public record StepRecord(
    PlanStep step,
    Status status,
    Optional<Instant> startedAt,
    Optional<Instant> endedAt,
    OptionalInt revisionBefore,
    Optional<Version> versionBefore,
    OptionalInt revisionAfter,
    List<String> detail) {

  /** How far a step got. */
  public enum Status {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    SKIPPED
  }

  public StepRecord {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(revisionBefore, "revisionBefore");
    Objects.requireNonNull(versionBefore, "versionBefore");
    Objects.requireNonNull(revisionAfter, "revisionAfter");
    detail = List.copyOf(detail);
  }

  public static StepRecord pending(PlanStep step) {
    return new StepRecord(step, Status.PENDING, Optional.empty(), Optional.empty(), OptionalInt.empty(),
        Optional.empty(), OptionalInt.empty(), List.of());
  }

  public StepRecord started(Instant at, OptionalInt revision, Optional<Version> version) {
    return new StepRecord(step, Status.RUNNING, Optional.of(at), Optional.empty(), revision, version,
        OptionalInt.empty(), List.of());
  }

  public StepRecord succeeded(Instant at, OptionalInt revision, List<String> what) {
    return new StepRecord(step, Status.SUCCEEDED, startedAt.or(() -> Optional.of(at)), Optional.of(at),
        revisionBefore, versionBefore, revision, what);
  }

  public StepRecord failed(Instant at, List<String> why) {
    return new StepRecord(step, Status.FAILED, startedAt.or(() -> Optional.of(at)), Optional.of(at),
        revisionBefore, versionBefore, revisionAfter, why);
  }

  public StepRecord skipped(String why) {
    return new StepRecord(step, Status.SKIPPED, startedAt, endedAt, revisionBefore, versionBefore,
        revisionAfter, List.of(why));
  }

  public StepRecord withDetail(List<String> what) {
    return new StepRecord(step, status, startedAt, endedAt, revisionBefore, versionBefore, revisionAfter, what);
  }

  public boolean done() {
    return status == Status.SUCCEEDED || status == Status.SKIPPED;
  }
}
