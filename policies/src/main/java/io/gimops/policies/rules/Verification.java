package io.gimops.policies.rules;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule 8: verification after an upgrade or a rollback, judged afresh from each snapshot until it
 * passes, fails, or runs out of time.
 *
 * <ol>
 *   <li>The release is {@code deployed} at the expected version; {@code failed} fails at once.
 *   <li>A new pod failing in a way waiting will not fix (CrashLoopBackOff, ImagePullBackOff, ...)
 *       or Pending past the threshold, counted from when helm returned, fails at once; a failing
 *       or Pending pod of the release being left (after a rollback, the broken one) is waited for
 *       until it is replaced.
 *   <li>Every desired replica is Ready and runs the expected version. GIM "does not report the
 *       Ready state until the first post-upgrade transformation job has completed successfully",
 *       so for GIM a transformation job completed since the action started is also required.
 *   <li>For GIM after a schema change, a migration that did not complete fails, offering
 *       <b>Restart pod</b> (which resumes the job where it left off) besides <b>Roll back</b>.
 *   <li>Metrics are present, and the service's configured success conditions hold (see
 *       {@link SuccessConditions}; unknown is unmet).
 *   <li>For GIM, {@code gim_kafka_timestamp_behind} over samples taken since the action shows no
 *       growing backlog; growing fails, too few samples keeps waiting.
 *   <li>Anything still unmet when {@code verificationTimeout} has passed since the action ended
 *       fails.
 * </ol>
 */
public final class Verification {

  /** Where verification stands. */
  public enum Status {
    VERIFIED,
    IN_PROGRESS,
    FAILED
  }

  /** What the bot offers when verification fails. */
  public enum Remedy {
    ROLL_BACK,
    RESTART_POD
  }

  /**
   * @param passed checks that hold
   * @param unmet checks that do not hold (yet, or for good when failed)
   * @param remedies what to offer on failure
   */
  public record Result(Status status, List<String> passed, List<String> unmet, List<Remedy> remedies) {
    public Result {
      passed = List.copyOf(passed);
      unmet = List.copyOf(unmet);
      remedies = List.copyOf(remedies);
    }
  }

  private Verification() {}

  /**
   * @param actionStarted when the helm upgrade or rollback started
   * @param actionEnded when helm returned; the verification deadline counts from here
   * @param schemaChange whether the upgrade crossed a schema change (GIM migrates its database)
   */
  public static Result verify(ServiceState s, Version expected, boolean schemaChange,
      Instant actionStarted, Instant actionEnded, Instant now, PolicySettings settings) {
    List<String> passed = new ArrayList<>();
    List<String> unmet = new ArrayList<>();
    List<String> fatal = new ArrayList<>();
    List<Remedy> remedies = new ArrayList<>(List.of(Remedy.ROLL_BACK));
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
    if (s.desiredReplicas() > 0 && s.readyReplicas() >= s.desiredReplicas() && readyNew >= s.desiredReplicas()) {
      passed.add(readyNew + " of " + s.desiredReplicas() + " new pods Ready");
    } else {
      unmet.add(readyNew + " of " + s.desiredReplicas() + " new pods Ready");
    }

    if (s.kind() == ServiceKind.GIM) {
      remedies.add(Remedy.RESTART_POD);
      // Kubernetes stamps a Job's completion to the second: compare at that precision.
      Instant since = actionStarted.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      if (s.lastTransformationCompleted().filter(t -> !t.isBefore(since)).isPresent()) {
        passed.add("first post-upgrade transformation job completed");
      } else {
        unmet.add("first post-upgrade transformation job not completed yet");
      }
      if (schemaChange) {
        if (s.migration() == MigrationState.INCOMPLETE) {
          fatal.add("the database migration job did not complete: Restart pod resumes it where it left off");
        } else if (s.migration() == MigrationState.COMPLETED) {
          passed.add("database migration completed");
        } else {
          unmet.add("database migration " + s.migration().name().toLowerCase(java.util.Locale.ROOT));
        }
      }
    }

    if (s.metrics() == MetricPresence.PRESENT) {
      passed.add("metrics present");
    } else {
      unmet.add(s.metrics() == MetricPresence.ABSENT ? "no metrics (is the image available?)"
          : "metrics not checked yet");
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

    if (!fatal.isEmpty()) {
      List<String> all = new ArrayList<>(fatal);
      all.addAll(unmet);
      return new Result(Status.FAILED, passed, all, remedies);
    }
    if (unmet.isEmpty()) {
      return new Result(Status.VERIFIED, passed, List.of(), List.of());
    }
    if (now.isAfter(actionEnded.plus(settings.verificationTimeout()))) {
      List<String> late = new ArrayList<>(unmet);
      late.add("not verified within " + settings.verificationTimeout().toMinutes() + "m");
      return new Result(Status.FAILED, passed, late, remedies);
    }
    return new Result(Status.IN_PROGRESS, passed, unmet, List.of());
  }
}
