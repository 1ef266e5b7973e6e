package io.gimops.policies.rules;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.EtlEvidence;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule 8: verification after an upgrade or a rollback, judged afresh from each snapshot until it
 * passes, fails, stalls, or runs out of time.
 *
 * <ol>
 *   <li>The release is {@code deployed} at the expected version; {@code failed} fails at once.
 *   <li>A new pod failing in a way waiting will not fix (CrashLoopBackOff, ImagePullBackOff, ...)
 *       or Pending past the threshold, counted from when helm returned, fails at once; a failing
 *       or Pending pod of the release being left (after a rollback, the broken one) is waited for
 *       until it is replaced.
 *   <li>Every desired replica is Ready and runs the expected version. For GIM this is also the
 *       transformation signal: GIM "does not report the Ready state until the first post-upgrade
 *       transformation job has completed successfully". GIM runs that job (and the migration)
 *       inside its pod, so no Kubernetes Job is asked for.
 *   <li>For GIM, when the Info Mart database is configured ({@link EtlEvidence}): a
 *       {@code Job_TransformGIM} completed since the evidence's {@code since} (helm's end), and
 *       after a schema change a {@code Job_MigrateGIM} completed since then. Without a database the migration is "not
 *       checked" and neither passes nor fails; a database that cannot be read is unknown, never
 *       healthy (waited for, then fails at the deadline).
 *   <li>Metrics are present, and the service's configured success conditions hold (see
 *       {@link SuccessConditions}; unknown is unmet).
 *   <li>For GIM, {@code gim_kafka_timestamp_behind} over samples taken since the action shows no
 *       growing backlog; growing fails, too few samples keeps waiting.
 *   <li>A migration that did not complete (failed, or did not run although GIM transformed) while
 *       everything else holds is {@link Status#STALLED}, not failed: "If Genesys Info Mart is
 *       operating normally after an upgrade in which there were schema changes, but the migration
 *       job either did not run or else did not complete successfully [...] Simply restart the GIM
 *       pod." Its remedies are <b>Restart pod</b> first, <b>Roll back</b> second.
 *   <li>Anything still unmet when {@code verificationTimeout} has passed since the action ended
 *       fails (a stalled migration is not "unmet": it waits for a person's choice).
 * </ol>
 */
public final class Verification {

  /** Where verification stands. */
  public enum Status {
    VERIFIED,
    IN_PROGRESS,
    /** GIM operates normally but its database migration did not complete: a person chooses. */
    STALLED,
    FAILED
  }

  /** What the bot offers when verification fails or stalls, in the order to offer it. */
  public enum Remedy {
    ROLL_BACK,
    RESTART_POD
  }

  /**
   * @param passed checks that hold (and, said as such, what was not checked)
   * @param unmet checks that do not hold (yet, or for good when failed; the stalled migration)
   * @param remedies what to offer on failure or stall, first choice first
   */
  public record Result(Status status, List<String> passed, List<String> unmet, List<Remedy> remedies) {
    public Result {
      passed = List.copyOf(passed);
      unmet = List.copyOf(unmet);
      remedies = List.copyOf(remedies);
    }
  }

  private Verification() {}

  /** As {@link #verify(ServiceState, Version, boolean, Instant, Instant, Instant, PolicySettings, EtlEvidence)} without a database. */
  public static Result verify(ServiceState s, Version expected, boolean schemaChange,
      Instant actionStarted, Instant actionEnded, Instant now, PolicySettings settings) {
    return verify(s, expected, schemaChange, actionStarted, actionEnded, now, settings, EtlEvidence.notConfigured());
  }

  /**
   * @param actionStarted when the helm upgrade or rollback started
   * @param actionEnded when helm returned; the verification deadline counts from here
   * @param schemaChange whether the upgrade crossed a schema change (GIM migrates its database)
   * @param db what the Info Mart database says of GIM's jobs since {@code actionEnded}; ignored
   *     for the other services
   */
  public static Result verify(ServiceState s, Version expected, boolean schemaChange,
      Instant actionStarted, Instant actionEnded, Instant now, PolicySettings settings, EtlEvidence db) {
    List<String> passed = new ArrayList<>();
    List<String> unmet = new ArrayList<>();
    List<String> fatal = new ArrayList<>();
    List<String> stalled = new ArrayList<>();
    String id = s.kind().id();

    if (!s.installed()) {
      fatal.add(id + " is not installed");
    } else if (s.helmStatus() == HelmStatus.FAILED) {
      fatal.add(id + " revision " + s.revision() + " failed");
    } else if (s.helmStatus() != HelmStatus.DEPLOYED) {
      unmet.add(id + " is " + s.helmStatus().helmName() + ", not deployed");
    } else if (!s.deployedVersion().orElseThrow().equals(expected)) {
      fatal.add(id + " runs " + s.deployedVersion().orElseThrow() + ", not " + expected);
    } else {
      passed.add(id + " " + expected + " deployed (revision " + s.revision() + ")");
    }

    for (PodState p : s.pods()) {
      // A failing pod of the release being left (after a rollback, the broken one) is waiting to
      // be replaced; only the new pods' failures are final.
      boolean old = p.version().filter(v -> !v.equals(expected)).isPresent();
      p.failingReason().ifPresent(r -> (old ? unmet : fatal).add((old ? "old pod " : "pod ") + p.name() + " is in " + r
          + (old ? ", waiting for it to be replaced" : "")));
      // Pending is judged on the pods of the release being verified, from when this step's helm
      // call ended: a pod that was Pending before (the broken one a rollback replaces) does not
      // count against the step.
      if (p.pendingLongerThan(settings.pendingThreshold(), now)) {
        if (old) {
          unmet.add("old pod " + p.name() + " Pending, waiting for it to be replaced");
        } else if (now.isAfter(actionEnded.plus(settings.pendingThreshold()))) {
          fatal.add("pod " + p.name() + " Pending longer than " + settings.pendingThreshold().toMinutes() + "m");
        }
      }
    }
    long readyNew = s.pods().stream()
        .filter(p -> p.ready() && p.version().map(expected::equals).orElse(false)).count();
    boolean allReady = s.desiredReplicas() > 0 && s.readyReplicas() >= s.desiredReplicas()
        && readyNew >= s.desiredReplicas();
    if (allReady) {
      passed.add(readyNew + " of " + s.desiredReplicas() + " new pods Ready");
    } else {
      unmet.add(readyNew + " of " + s.desiredReplicas() + " new pods Ready");
    }

    if (s.kind() == ServiceKind.GIM) {
      if (allReady) {
        passed.add("first post-upgrade transformation job completed (GIM reports Ready only after it)");
      } else {
        unmet.add("first post-upgrade transformation job not completed yet (GIM is not Ready)");
      }
      database(db, schemaChange, passed, unmet, stalled);
    }

    if (s.metrics() == MetricPresence.PRESENT) {
      passed.add("metrics present");
    } else {
      unmet.add(s.metrics() == MetricPresence.ABSENT ? "no metrics (is the image available?)"
          : "metrics unknown (not read yet, or the presence query returned nothing)");
    }
    SuccessConditions.judge(s, passed, unmet);

    if (s.kind() == ServiceKind.GIM) {
      List<BacklogSample> since = s.backlog().stream().filter(b -> !b.at().isBefore(actionEnded)).toList();
      BacklogTrend.Assessment a = BacklogTrend.assess(since, now, settings.backlog());
      if (a.isGrowing()) {
        fatal.add(a.explanation());
      } else if (a.isHealthy()) {
        passed.add(a.explanation());
      } else {
        unmet.add(a.explanation());
      }
    }

    List<Remedy> remedies = s.kind() == ServiceKind.GIM ? List.of(Remedy.ROLL_BACK, Remedy.RESTART_POD)
        : List.of(Remedy.ROLL_BACK);
    if (!fatal.isEmpty()) {
      List<String> all = new ArrayList<>(fatal);
      all.addAll(stalled);
      all.addAll(unmet);
      return new Result(Status.FAILED, passed, all, remedies);
    }
    if (unmet.isEmpty() && !stalled.isEmpty()) {
      return new Result(Status.STALLED, passed, stalled, List.of(Remedy.RESTART_POD, Remedy.ROLL_BACK));
    }
    if (unmet.isEmpty()) {
      return new Result(Status.VERIFIED, passed, List.of(), List.of());
    }
    List<String> open = new ArrayList<>(stalled);
    open.addAll(unmet);
    if (now.isAfter(actionEnded.plus(settings.verificationTimeout()))) {
      open.add("not verified within " + minutes(settings.verificationTimeout()));
      return new Result(Status.FAILED, passed, open, remedies);
    }
    return new Result(Status.IN_PROGRESS, passed, open, List.of());
  }

  private static String minutes(java.time.Duration d) {
    return d.toSeconds() % 60 == 0 ? d.toMinutes() + "m" : d.toSeconds() + "s";
  }

  /**
   * GIM's jobs as the Info Mart database shows them. The migration runs before the transformation
   * (GIM migrates, then transforms, then reports Ready), so no migration row while a
   * transformation row exists means the migration "did not run".
   */
  private static void database(EtlEvidence db, boolean schemaChange, List<String> passed, List<String> unmet,
      List<String> stalled) {
    switch (db.source()) {
      case NOT_CONFIGURED -> {
        if (schemaChange) {
          passed.add("migration not checked: no database configured");
        }
        return;
      }
      case UNREADABLE -> {
        unmet.add("database evidence unknown (the Info Mart database could not be read: " + db.detail() + ")");
        return;
      }
      case READ -> { }
    }
    // Rows count from the evidence's :since (helm's end, or a restart's start), to the second: the
    // journal keeps milliseconds, a database may not. A query that ignores :since is checked here.
    Instant since = db.since().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    boolean transformed = db.transformationCompleted().filter(t -> !t.isBefore(since)).isPresent();
    if (transformed) {
      passed.add("Job_TransformGIM completed at " + db.transformationCompleted().get() + " (CTL_ETL_HISTORY)");
    } else {
      unmet.add("no Job_TransformGIM completed since " + db.since() + " in CTL_ETL_HISTORY yet");
    }
    if (!schemaChange) {
      return;
    }
    String remedy = ": restart the GIM pod, the migration resumes where it left off";
    switch (db.migration()) {
      case COMPLETED -> passed.add("database migration completed (Job_MigrateGIM"
          + db.migrationEnded().map(t -> " at " + t).orElse("") + ", CTL_ETL_HISTORY)");
      case INCOMPLETE -> stalled.add("the database migration job Job_MigrateGIM did not complete"
          + db.migrationEnded().map(t -> " (failed at " + t + ")").orElse("") + remedy);
      case NONE -> {
        if (transformed) {
          stalled.add("the database migration job Job_MigrateGIM did not run" + remedy);
        } else {
          unmet.add("database migration not seen yet in CTL_ETL_HISTORY");
        }
      }
      case RUNNING -> unmet.add("database migration running (Job_MigrateGIM)");
      case UNKNOWN -> unmet.add("database migration unknown: " + db.detail());
    }
  }
}
