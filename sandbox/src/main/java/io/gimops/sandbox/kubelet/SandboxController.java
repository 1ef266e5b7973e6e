package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.kubelet.Key.Kind;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Plays the kubelet and the Deployment, ReplicaSet, StatefulSet and Job controllers against an
 * API server that has none (the fabric8 mock in CRUD mode stores objects and runs nothing), so
 * that {@code helm upgrade --wait}, rollbacks, uninstalls and an observer see what a cluster
 * would show.
 *
 * <h2>What it does, per namespace it is given</h2>
 * <ul>
 *   <li>Deployments get ReplicaSets {@code <deployment>-<pod-template-hash>} and pods
 *       {@code <replicaset>-<5 chars>}; StatefulSets get pods {@code <statefulset>-<ordinal>}.
 *       Pods carry the template's labels, annotations and spec, and an owner reference to their
 *       ReplicaSet or StatefulSet (a ReplicaSet's own owner is its Deployment).</li>
 *   <li>A pod is Pending ({@code ContainerCreating}; {@code status.startTime} and the
 *       {@code PodScheduled} condition tell since when) for the ready delay, then Running and
 *       Ready. A template change (helm upgrade or rollback) replaces pods rolling; the workloads'
 *       status counts follow. Deleting a workload deletes its pods; deleting a pod makes its
 *       workload create another.</li>
 *   <li>A GIM pod ({@code app.kubernetes.io/name=gim}) runs its jobs inside itself, as the real
 *       GIM does ({@link GimStartup}): when its template says
 *       {@code gimops.io/schema-change: "true"} and the Info Mart is not migrated for its chart,
 *       {@code Job_MigrateGIM} for the job duration, then {@code Job_TransformGIM} for the job
 *       duration; it is Running and not Ready meanwhile, and Ready after its transformation.
 *       Each run is a row of the Info Mart's ETL history ({@link #etlHistory()}; in a real
 *       PostgreSQL's {@code CTL_ETL_HISTORY} when {@link Builder#infoMart} names one). No
 *       Kubernetes object exists for them. Every Job in the namespaces (a chart's hook Jobs) runs
 *       for the job duration, then completes ({@code startTime}, {@code completionTime},
 *       {@code succeeded: 1}, condition Complete).</li>
 *   <li>{@link #inject injected failures}, per service and version (the version in the pod's
 *       {@code helm.sh/chart} label):
 *       <ul>
 *         <li>{@link Failure#IMAGE_MISSING}: phase Pending, each container waiting
 *             {@code ErrImagePull}, then {@code ImagePullBackOff}, alternating every failure
 *             interval; never Ready.</li>
 *         <li>{@link Failure#CRASH_LOOP}: phase Running, each container waiting
 *             {@code CrashLoopBackOff} with {@code lastState.terminated} (exit code 1, reason
 *             Error), {@code restartCount} one higher every failure interval; never Ready.</li>
 *         <li>{@link Failure#STUCK_PENDING}: phase Pending, not scheduled
 *             ({@code spec.nodeName} unset, {@code PodScheduled=False}, reason
 *             {@code Unschedulable}), no start time, no container statuses.</li>
 *         <li>{@link Failure#MIGRATION_FAILS}: each GIM migration run ends {@code FAILED}; the
 *             pod still turns Ready after its transformation. A later pod (a restart) reruns the
 *             migration, which succeeds once the failure is cleared.</li>
 *         <li>{@link Failure#MIGRATION_STOPS_HALFWAY}: the first migration run of the version
 *             ends {@code FAILED} halfway; the next pod (a restart) resumes and completes it.</li>
 *       </ul>
 *       A failure applies to pods that are not Ready yet; clearing it lets them go on. The pod
 *       failures rank STUCK_PENDING (before scheduling), then IMAGE_MISSING, then CRASH_LOOP.</li>
 * </ul>
 *
 * <h2>How</h2>
 * Informers (list and watch, with a resync period) on Deployments, ReplicaSets, StatefulSets,
 * Pods and Jobs only queue keys; one thread takes the keys and reconciles each from the live
 * state it reads back from the API server, never from the event (the caches only say what to look
 * at, and that an owner still exists; a missing owner is confirmed live before anything is
 * deleted), so a missed or repeated event,
 * a dropped watch or a restart of the controller changes nothing: the next resync or event
 * brings every object to where it should be. The same thread runs the timers (ready delay, job
 * duration, failure interval) and writes the Info Mart's history. Timestamps come from the {@link Clock}; delays are real time.
 *
 * <p>The client is borrowed, not closed: it belongs to whoever made it (the informers' callbacks
 * run on its executor). {@link #close()} stops the informers (and so their watches) and the
 * controller's one thread.
 */
public final class SandboxController implements AutoCloseable {

  private static final Logger LOG = System.getLogger(SandboxController.class.getName());

  private final KubernetesClient client;
  private final List<String> namespaces;
  private final Duration resyncPeriod;
  private final Injections injections = new Injections();
  private final Caches caches = new Caches();
  private final WorkQueue queue;
  private final Kubelet kubelet;
  private final DeploymentController deployments;
  private final ReplicaSetController replicaSets;
  private final StatefulSetController statefulSets;
  private final JobController jobs;
  private final InfoMart infoMart;
  private boolean started;
  private boolean closed;

  private SandboxController(Builder b) {
    this.client = b.client;
    this.namespaces = List.copyOf(b.namespaces);
    this.resyncPeriod = b.resyncPeriod;
    this.queue = new WorkQueue(b.threadName, this::reconcile);
    Templates templates = new Templates(client.getKubernetesSerialization());
    Owners owners = new Owners(client, caches);
    this.infoMart = new InfoMart(Optional.ofNullable(b.infoMartUrl), b.infoMartUser);
    this.kubelet = new Kubelet(client, b.clock, b.readyDelay, b.failureInterval, injections,
        new GimStartup(b.clock, b.jobDuration, injections, infoMart), owners, queue);
    this.deployments = new DeploymentController(client, b.clock, templates, owners);
    this.replicaSets = new ReplicaSetController(client, templates, owners);
    this.statefulSets = new StatefulSetController(client, templates, owners);
    this.jobs = new JobController(client, b.clock, b.jobDuration, owners, queue);
  }

  /** A controller over {@code client}'s API server; configure it, then {@link #start()} it. */
  public static Builder builder(KubernetesClient client) {
    return new Builder(client);
  }

  /**
   * Starts the informers (each lists its namespace before this returns) and so the
   * reconciliation of everything already there.
   *
   * @throws IllegalStateException if started before or closed
   */
  public synchronized SandboxController start() {
    if (started || closed) {
      throw new IllegalStateException(closed ? "the sandbox controller is closed" : "the sandbox controller is running");
    }
    started = true;
    long resync = resyncPeriod.toMillis();
    try {
      for (String ns : namespaces) {
        caches.add(Kind.DEPLOYMENT,
            client.apps().deployments().inNamespace(ns).inform(handler(this::onDeployment), resync));
        caches.add(Kind.STATEFUL_SET,
            client.apps().statefulSets().inNamespace(ns).inform(handler(this::onStatefulSet), resync));
        caches.add(Kind.REPLICA_SET,
            client.apps().replicaSets().inNamespace(ns).inform(handler(this::onReplicaSet), resync));
        caches.add(Kind.POD, client.pods().inNamespace(ns).inform(handler(this::onPod), resync));
        caches.add(Kind.JOB, client.batch().v1().jobs().inNamespace(ns).inform(handler(this::onJob), resync));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.log(Level.DEBUG, () -> "sandbox controller watching " + namespaces);
    return this;
  }

  /**
   * Injects a failure for every pod (or, for the migration failures, every GIM migration run) of
   * this service at this version from now on. Several failures may be injected at once.
   */
  public void inject(ServiceKind service, Version version, Failure failure) {
    injections.inject(service, version, failure);
    requeueAll();
  }

  /** Clears one injected failure; pods held by it go on. */
  public void clear(ServiceKind service, Version version, Failure failure) {
    injections.clear(service, version, failure);
    requeueAll();
  }

  /** Clears every failure injected for this service at this version. */
  public void clear(ServiceKind service, Version version) {
    injections.clear(service, version);
    requeueAll();
  }

  /** Clears every injected failure. */
  public void clearAll() {
    injections.clearAll();
    requeueAll();
  }

  /** The failures injected for this service at this version. */
  public Set<Failure> injected(ServiceKind service, Version version) {
    return injections.get(service, version);
  }

  /**
   * The runs of GIM's jobs so far, oldest first, each as GIM records it in its ETL history
   * ({@code CTL_ETL_HISTORY}): job name, version, status ({@code COMPLETE} or {@code FAILED}),
   * start and end.
   */
  public List<String> etlHistory() {
    return infoMart.history().stream().map(r -> r.namespace() + "/" + r.release() + " " + r.job() + " "
        + r.version() + " " + r.status() + " " + r.started() + " " + r.ended()).toList();
  }

  /** The namespaces this controller runs. */
  public List<String> namespaces() {
    return namespaces;
  }

  /** Stops the informers and the controller's thread; idempotent. The client stays open. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (SharedIndexInformer<?> informer : caches.all()) {
      try {
        informer.close();
      } catch (RuntimeException e) {
        LOG.log(Level.DEBUG, "closing an informer failed", e);
      }
    }
    queue.close();
  }

  // --- events: each only queues keys, and skips what it knows changes nothing ---
  // An update that only touched status is the controller's own write (or its effect) and needs
  // no reconcile of the object itself; a resync (same resourceVersion) always does.

  private void onDeployment(Deployment old, Deployment d, boolean deleted) {
    if (deleted || changed(old, d, Deployment::getSpec)) {
      queue.add(Key.of(Kind.DEPLOYMENT, d));
    }
  }

  private void onReplicaSet(ReplicaSet old, ReplicaSet rs, boolean deleted) {
    if (deleted || changed(old, rs, ReplicaSet::getSpec)) {
      queue.add(Key.of(Kind.REPLICA_SET, rs));
    }
    // The Deployment counts what its ReplicaSets report.
    Owners.controllerOf(rs).filter(ref -> "Deployment".equals(ref.getKind()))
        .ifPresent(ref -> queue.add(new Key(Kind.DEPLOYMENT, rs.getMetadata().getNamespace(), ref.getName())));
  }

  private void onStatefulSet(StatefulSet old, StatefulSet sts, boolean deleted) {
    if (deleted || changed(old, sts, StatefulSet::getSpec)) {
      queue.add(Key.of(Kind.STATEFUL_SET, sts));
    }
  }

  private void onPod(Pod old, Pod pod, boolean deleted) {
    if (deleted || changed(old, pod, Pod::getSpec)) {
      queue.add(Key.of(Kind.POD, pod));
    }
    // Workloads count pods and their readiness; the rest of a pod's status is not theirs.
    if (deleted || changed(old, pod, PodStatuses::isReady)) {
      Owners.controllerOf(pod).map(ref -> Caches.kindOf(ref.getKind()))
          .filter(kind -> kind == Kind.REPLICA_SET || kind == Kind.STATEFUL_SET)
          .ifPresent(kind -> queue.add(new Key(kind, pod.getMetadata().getNamespace(),
              Owners.controllerOf(pod).get().getName())));
    }
  }

  private void onJob(Job old, Job job, boolean deleted) {
    if (deleted || changed(old, job, Job::getSpec)) {
      queue.add(Key.of(Kind.JOB, job));
    }
  }

  /** True for an add, a resync, or an update that changed {@code aspect}. */
  private static <T extends HasMetadata> boolean changed(T old, T now, Function<T, ?> aspect) {
    return old == null
        || Objects.equals(old.getMetadata().getResourceVersion(), now.getMetadata().getResourceVersion())
        || !Objects.equals(aspect.apply(old), aspect.apply(now));
  }

  private void requeueAll() {
    caches.list(Kind.POD).forEach(p -> queue.add(Key.of(Kind.POD, p)));
    caches.list(Kind.JOB).forEach(j -> queue.add(Key.of(Kind.JOB, j)));
  }

  private void reconcile(Key key) {
    switch (key.kind()) {
      case DEPLOYMENT:
        deployments.reconcile(key);
        break;
      case REPLICA_SET:
        replicaSets.reconcile(key);
        break;
      case STATEFUL_SET:
        statefulSets.reconcile(key);
        break;
      case POD:
        kubelet.reconcile(key);
        break;
      case JOB:
        jobs.reconcile(key);
        break;
      default:
        throw new IllegalArgumentException("unknown kind " + key.kind());
    }
  }

  /** What an informer reports: an add ({@code old} null), an update, or a delete. */
  private interface Listener<T> {
    void on(T old, T now, boolean deleted);
  }

  private static <T extends HasMetadata> ResourceEventHandler<T> handler(Listener<T> listener) {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        listener.on(null, obj, false);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        listener.on(oldObj, newObj, false);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        listener.on(null, obj, true);
      }
    };
  }

  /** Settings for a {@link SandboxController}; every duration must be positive. */
  public static final class Builder {
    private final KubernetesClient client;
    private final Set<String> namespaces = new LinkedHashSet<>();
    private Duration readyDelay = Duration.ofSeconds(3);
    private Duration jobDuration = Duration.ofSeconds(5);
    private Duration failureInterval = Duration.ofSeconds(5);
    private Duration resyncPeriod = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();
    private String threadName = "sandbox-controller";
    private String infoMartUrl;
    private String infoMartUser;

    private Builder(KubernetesClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** The namespaces to run; at least one. */
    public Builder namespaces(String... namespaces) {
      return namespaces(Arrays.asList(namespaces));
    }

    public Builder namespaces(Iterable<String> namespaces) {
      namespaces.forEach(ns -> this.namespaces.add(Objects.requireNonNull(ns, "namespace")));
      return this;
    }

    /** How long a scheduled pod stays Pending before it runs (default 3 s). */
    public Builder readyDelay(Duration readyDelay) {
      this.readyDelay = positive(readyDelay, "readyDelay");
      return this;
    }

    /** How long a Job runs before it completes or fails (default 5 s). */
    public Builder jobDuration(Duration jobDuration) {
      this.jobDuration = positive(jobDuration, "jobDuration");
      return this;
    }

    /** How often a failing pod retries: pull again, or restart (default 5 s). */
    public Builder failureInterval(Duration failureInterval) {
      this.failureInterval = positive(failureInterval, "failureInterval");
      return this;
    }

    /** How often the informers replay their whole cache, the backstop for missed events (default 10 s). */
    public Builder resyncPeriod(Duration resyncPeriod) {
      this.resyncPeriod = positive(resyncPeriod, "resyncPeriod");
      return this;
    }

    /** The clock timestamps are written from (default UTC system clock); delays are real time. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The name of the controller's thread (default {@code sandbox-controller}). */
    public Builder threadName(String threadName) {
      this.threadName = Objects.requireNonNull(threadName, "threadName");
      return this;
    }

    /**
     * A real PostgreSQL that plays GIM's Info Mart database: GIM's job runs are written to its
     * {@code CTL_ETL_HISTORY} (created if missing), as real GIM records them. Without one the
     * history is kept in memory only.
     */
    public Builder infoMart(String jdbcUrl, String user) {
      this.infoMartUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      this.infoMartUser = Objects.requireNonNull(user, "user");
      return this;
    }

    public SandboxController build() {
      if (namespaces.isEmpty()) {
        throw new IllegalStateException("give the sandbox controller at least one namespace to run, e.g. namespaces(\"gim\")");
      }
      return new SandboxController(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive, was " + d);
      }
      return d;
    }
  }
}
