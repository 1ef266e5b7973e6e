package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.gimops.sandbox.kubelet.Labels.Target;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a starting GIM pod does inside itself before it reports Ready, after the vendor's page:
 * "If database migration is required, the upgraded GIM service automatically launches the
 * migration job", and "The GIM service does not report the Ready state until the first
 * post-upgrade transformation job has completed successfully". Like the real GIM, it runs
 * {@code Job_MigrateGIM} and {@code Job_TransformGIM} in its own process: no Kubernetes object
 * shows them, the Info Mart's ETL history does ({@link InfoMart}).
 *
 * <ol>
 *   <li>If the pod template says {@code gimops.io/schema-change: "true"} (the sample chart's
 *       stand-in for what the real image knows of its schema) and the Info Mart is not migrated
 *       for this chart, the pod migrates for the job duration. {@link Failure#MIGRATION_FAILS}
 *       fails every attempt while injected; {@link Failure#MIGRATION_STOPS_HALFWAY} stops the
 *       first attempt of that version halfway (a transitory condition: "losing connection to the
 *       database or exceeding the Helm timeout"), and the next pod resumes it "from where it left
 *       off", in half the time. A failed run is recorded {@code FAILED}; GIM goes on regardless
 *       ("can operate with [...] a half-migrated database").
 *   <li>Then it transforms for the job duration, records {@code Job_TransformGIM COMPLETE}, and
 *       reports Ready.
 * </ol>
 *
 * <p>A restarted pod is a new pod: it finds the schema out of date and migrates again, which is
 * how "restart the GIM pod" resumes a migration. Reconciler thread only.
 */
final class GimStartup {

  static final String MIGRATION_JOB = "Job_MigrateGIM";
  static final String TRANSFORMATION_JOB = "Job_TransformGIM";

  private enum Stage { MIGRATING, TRANSFORMING, READY }

  private static final class Progress {
    final String uid;
    Stage stage;
    long since;
    Instant startedAt;
    Duration length;

    Progress(String uid) {
      this.uid = uid;
    }
  }

  private final Clock clock;
  private final Duration jobDuration;
  private final Injections injections;
  private final InfoMart infoMart;
  private final Map<Key, Progress> pods = new HashMap<>();
  /** Versions whose migration already stopped halfway once (the transitory condition came and went). */
  private final Set<String> stoppedOnce = new HashSet<>();

  GimStartup(Clock clock, Duration jobDuration, Injections injections, InfoMart infoMart) {
    this.clock = clock;
    this.jobDuration = jobDuration;
    this.injections = injections;
    this.infoMart = infoMart;
  }

  /**
   * Moves the pod's start-up on; empty once it may report Ready, else how long until it should
   * be looked at again.
   */
  Optional<Duration> advance(Key key, Pod pod, long nanos) {
    String uid = pod.getMetadata().getUid();
    Progress p = pods.get(key);
    if (p == null || !p.uid.equals(uid)) {
      p = new Progress(uid);
      pods.put(key, p);
      begin(p, needsMigration(pod) ? Stage.MIGRATING : Stage.TRANSFORMING, nanos, lengthOf(pod));
    }
    while (p.stage != Stage.READY) {
      long left = p.length.toNanos() - (nanos - p.since);
      if (left > 0) {
        return Optional.of(Duration.ofNanos(left));
      }
      finish(p, pod, nanos);
    }
    return Optional.empty();
  }

  void forget(Key key) {
    pods.remove(key);
  }

  private boolean needsMigration(Pod pod) {
    return "true".equals(Labels.annotation(pod, Labels.SCHEMA_CHANGE))
        && !infoMart.migratedFor(pod.getMetadata().getNamespace(), release(pod), chart(pod));
  }

  /** A migration that stopped halfway before resumes where it left off: half the work is left. */
  private Duration lengthOf(Pod pod) {
    return stoppedOnce.contains(chart(pod)) ? jobDuration.dividedBy(2) : jobDuration;
  }

  private void begin(Progress p, Stage stage, long nanos, Duration length) {
    p.stage = stage;
    p.since = nanos;
    p.startedAt = clock.instant();
    p.length = length;
  }

  private void finish(Progress p, Pod pod, long nanos) {
    String ns = pod.getMetadata().getNamespace();
    String version = Labels.version(pod).map(Object::toString).orElse("unknown");
    Instant now = clock.instant();
    if (p.stage == Stage.MIGRATING) {
      Optional<Target> target = Labels.target(pod);
      boolean fails = injections.has(target, Failure.MIGRATION_FAILS);
      boolean stops = !fails && injections.has(target, Failure.MIGRATION_STOPS_HALFWAY) && stoppedOnce.add(chart(pod));
      if (fails || stops) {
        infoMart.record(ns, release(pod), MIGRATION_JOB, version, "FAILED", p.startedAt, now);
      } else {
        infoMart.markMigrated(ns, release(pod), chart(pod));
        infoMart.record(ns, release(pod), MIGRATION_JOB, version, "COMPLETE", p.startedAt, now);
      }
      begin(p, Stage.TRANSFORMING, nanos, jobDuration);
      return;
    }
    infoMart.record(ns, release(pod), TRANSFORMATION_JOB, version, "COMPLETE", p.startedAt, now);
    p.stage = Stage.READY;
  }

  private static String release(Pod pod) {
    String r = Labels.label(pod, Labels.INSTANCE);
    return r == null ? "" : r;
  }

  private static String chart(Pod pod) {
    String c = Labels.label(pod, Labels.CHART);
    return c == null ? "" : c;
  }
}
