package io.gimops.adapters.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gimops.adapters.helm.HelmReleaseReader;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Watches one environment's services through fabric8 informers (watches, not polling) and keeps
 * the policies' {@link ClusterSnapshot} of it current; publishes what changes as
 * {@link ClusterEvent}s.
 *
 * <p>How it works:
 * <ol>
 *   <li>For each namespace of the environment (one per service, or one shared), one informer per
 *       kind: Deployments, StatefulSets, Pods (those with {@code app.kubernetes.io/instance} set
 *       while every service there is selected by it, else all, matched to each service by its
 *       {@link PodSelector}) and Helm's release Secrets ({@code owner=helm}). No Jobs: GIM runs its
 *       migration and transformation jobs inside its own pod, and says so by turning Ready; the
 *       Info Mart database says the rest (see {@code io.gimops.adapters.postgres.EtlHistory}).
 *   <li>Every informer callback asks for a recompute; recomputes run on the observer's one thread
 *       and coalesce. A recompute builds each service's state from the informers' caches (release
 *       Secrets are decoded once per resource version), compares it with the previous one, and
 *       publishes the events. Nothing is computed until every informer has listed once: that
 *       first state is the baseline and yields no events.
 *   <li>A health tick reads each informer's {@code isWatching()}. An informer that has not been
 *       watching for longer than the grace period makes the observer unhealthy: its snapshot is
 *       {@linkplain ClusterSnapshot#markedUnreliable(String) marked unreliable} with the reason,
 *       and {@link ClusterEvent.ObserverUnhealthy} is published. fabric8 keeps reconnecting; when
 *       the watch is back, that informer lists again (see {@link WatchSlot}), and once every
 *       informer is watching, {@link ClusterEvent.ObserverHealthy} follows. Changes made while
 *       blind surface as ordinary events first, and whoever sees "healthy" sees the relisted state.
 * </ol>
 *
 * <p>Thread-safe: {@link #snapshot()} and the other readers may be called from any thread;
 * listeners are called on the observer's thread, in order. The observer does not own the
 * client: closing the observer stops its informers, not the client.
 */
public final class ClusterObserver implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ClusterObserver.class.getName());

  private enum Health { STARTING, HEALTHY, UNHEALTHY }

  /** What readers see; replaced as a whole, and counted ({@code generation}) each time. */
  private record Published(ClusterView view, Health health, Optional<String> reason, long generation) {}

  private final KubernetesClient client;
  private final Environment environment;
  private final Clock clock;
  private final Optional<MetricsSource> metrics;
  private final Map<ServiceKind, PodSelector> selectors;
  private final Duration healthCheckEvery;
  private final Duration watchGrace;

  private final ScheduledExecutorService thread;
  private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
  private final AtomicBoolean recomputeQueued = new AtomicBoolean();
  private final AtomicBoolean healthCheckQueued = new AtomicBoolean();
  private final CompletableFuture<Void> firstHealthy = new CompletableFuture<>();
  private volatile Published published;
  private volatile boolean closed;

  // Confined to the observer's thread once started.
  private final List<WatchSlot<?>> slots = new ArrayList<>();
  private final List<WatchSlot<Deployment>> deployments = new ArrayList<>();
  private final List<WatchSlot<StatefulSet>> statefulSets = new ArrayList<>();
  private final List<WatchSlot<Pod>> pods = new ArrayList<>();
  private final List<WatchSlot<Secret>> secrets = new ArrayList<>();
  private final HelmReleaseReader reader = new HelmReleaseReader();
  private final Map<String, CachedRecord> decoded = new HashMap<>();
  private final ChangeDetector changes;
  private Health health = Health.STARTING;
  private Instant blindSince;
  private ScheduledFuture<?> ticks;

  private record CachedRecord(String resourceVersion, HelmReleaseReader.Decoded decoded) {}

  private ClusterObserver(Builder b) {
    this.client = b.client;
    this.environment = b.environment;
    this.clock = b.clock;
    this.metrics = Optional.ofNullable(b.metrics);
    this.selectors = Map.copyOf(b.selectors);
    this.healthCheckEvery = b.healthCheckEvery;
    this.watchGrace = b.watchGrace;
    this.changes = new ChangeDetector(environment.name());
    this.published = new Published(ClusterView.EMPTY, Health.STARTING,
        Optional.of("starting: the observer has not listed " + environment.name() + " yet"), 0);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gimops-observer-" + environment.name());
      t.setDaemon(true);
      return t;
    });
  }

  public static Builder builder(KubernetesClient client, Environment environment) {
    return new Builder(client, environment);
  }

  /** Options; all but the client and the environment have defaults. */
  public static final class Builder {
    private final KubernetesClient client;
    private final Environment environment;
    private Clock clock = Clock.systemUTC();
    private MetricsSource metrics;
    private final Map<ServiceKind, PodSelector> selectors = new EnumMap<>(ServiceKind.class);
    private Duration healthCheckEvery = Duration.ofSeconds(1);
    private Duration watchGrace = Duration.ofSeconds(3);

    private Builder(KubernetesClient client, Environment environment) {
      this.client = Objects.requireNonNull(client, "client");
      this.environment = Objects.requireNonNull(environment, "environment");
    }

    /** Stamps events and snapshots; the default is the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where metric presence and GIM's backlog come from; without one they are unknown. */
    public Builder metrics(MetricsSource source) {
      this.metrics = source;
      return this;
    }

    /**
     * Which pods are each service's, for charts that label their pods otherwise than with the
     * release's {@code app.kubernetes.io/instance} (the default for a service not named).
     */
    public Builder podSelectors(Map<ServiceKind, PodSelector> selectors) {
      this.selectors.putAll(selectors);
      return this;
    }

    /** How often the informers' watches are checked (default 1 s). */
    public Builder healthCheckEvery(Duration every) {
      this.healthCheckEvery = positive(every, "healthCheckEvery");
      return this;
    }

    /**
     * How long a watch may be down before the observer says it is blind (default 3 s). fabric8
     * closes and reopens every watch every 5 to 10 minutes; the grace keeps those reconnects from
     * making the observer flap.
     */
    public Builder watchGrace(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("watchGrace must not be negative");
      }
      this.watchGrace = grace;
      return this;
    }

    /** Starts the informers and returns at once; see {@link ClusterObserver#awaitHealthy}. */
    public ClusterObserver start() {
      ClusterObserver o = new ClusterObserver(this);
      try {
        // Slots live on the observer's thread from birth: informer callbacks may fire at once.
        o.thread.submit(o::startInformers).get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        o.close();
        throw new IllegalStateException("interrupted while starting the observer", e);
      } catch (ExecutionException e) {
        o.close();
        throw new IllegalStateException("could not start the observer of " + environment.name()
            + ": " + e.getCause().getMessage(), e.getCause());
      }
      return o;
    }

    private static Duration positive(Duration d, String what) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }
  }

  private void startInformers() {
    Instant now = clock.instant();
    Set<String> namespaces = new LinkedHashSet<>();
    environment.inCycleOrder().forEach(s -> namespaces.add(s.namespace()));
    for (String ns : namespaces) {
      // The API server filters by the instance label when every service here is selected by it;
      // a service with its own selector needs the namespace's pods, matched here.
      boolean byInstance = environment.inCycleOrder().stream().filter(s -> s.namespace().equals(ns))
          .allMatch(s -> ClusterView.selectorOf(s, selectors).isInstanceOf(s.releaseName()));
      deployments.add(slot("deployments in " + ns, () -> client.apps().deployments().inNamespace(ns).runnableInformer(0), now));
      statefulSets.add(slot("statefulsets in " + ns, () -> client.apps().statefulSets().inNamespace(ns).runnableInformer(0), now));
      pods.add(slot("pods in " + ns,
          () -> byInstance ? client.pods().inNamespace(ns).withLabel(ClusterView.INSTANCE).runnableInformer(0)
              : client.pods().inNamespace(ns).runnableInformer(0), now));
      secrets.add(slot("helm releases in " + ns,
          () -> client.secrets().inNamespace(ns).withLabel(HelmReleaseReader.OWNER_LABEL, "helm").runnableInformer(0), now));
    }
    long every = healthCheckEvery.toMillis();
    ticks = thread.scheduleWithFixedDelay(this::healthTick, every, every, TimeUnit.MILLISECONDS);
    // Until the first lists are in, look often: a bot is ready as soon as it sees its cluster.
    startupTicks = thread.scheduleWithFixedDelay(() -> {
      if (health == Health.STARTING) {
        healthTick();
      } else {
        startupTicks.cancel(false);
      }
    }, 20, 20, TimeUnit.MILLISECONDS);
  }

  private volatile java.util.concurrent.ScheduledFuture<?> startupTicks;

  private <T extends HasMetadata> WatchSlot<T> slot(String what, Supplier<SharedIndexInformer<T>> factory, Instant now) {
    WatchSlot<T> s = new WatchSlot<>(what, factory, new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        requestRecompute();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        requestRecompute();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        requestRecompute();
      }
    }, this::requestHealthCheck, now);
    slots.add(s);
    return s;
  }

  // ---------------------------------------------------------------- readers, any thread

  /**
   * The environment as last seen, stamped now. Marked unreliable, with the reason, while the
   * observer is starting or blind, or when a service's current Helm record cannot be used.
   */
  public ClusterSnapshot snapshot() {
    Published p = published;
    Map<ServiceKind, ServiceState> services = new EnumMap<>(ServiceKind.class);
    List<String> reasons = new ArrayList<>();
    p.reason().ifPresent(reasons::add);
    for (ClusterView.ServiceView s : p.view().services().values()) {
      services.put(s.spec().kind(), withMetrics(s.state()));
      s.unreliable().ifPresent(reasons::add);
    }
    ClusterSnapshot snap = new ClusterSnapshot(clock.instant(), services, Map.of(), Optional.empty());
    return reasons.isEmpty() ? snap : snap.markedUnreliable(String.join("; ", reasons));
  }

  private ServiceState withMetrics(ServiceState s) {
    if (metrics.isEmpty() || !s.installed()) {
      return s;
    }
    MetricPresence presence;
    List<io.gimops.policies.domain.BacklogSample> backlog;
    List<io.gimops.policies.domain.ConditionReading> conditions;
    try {
      presence = metrics.get().presence(s.kind());
      backlog = s.kind() == ServiceKind.GIM ? metrics.get().backlog(s.kind()) : List.of();
      conditions = metrics.get().conditions(s.kind());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "metrics source failed for " + s.kind().id(), e);
      return s;
    }
    return s.toBuilder().metrics(presence == null ? MetricPresence.UNKNOWN : presence)
        .backlog(backlog == null ? List.of() : backlog)
        .conditions(conditions == null ? List.of() : conditions).build();
  }

  /**
   * Changes whenever what {@link #snapshot()} is made of changes (a new view of the cluster, or
   * the observer's health), and only then; metrics, which the snapshot asks for as it is made,
   * are not counted. For readers that keep something derived from a snapshot.
   */
  public long version() {
    return published.generation();
  }

  /** Each service's Helm release as its Secrets say: revisions, chart, app version, problems. */
  public Map<ServiceKind, ReleaseHistory> releases() {
    Map<ServiceKind, ReleaseHistory> out = new EnumMap<>(ServiceKind.class);
    published.view().services().forEach((k, s) -> out.put(k, s.release()));
    return out;
  }

  /** True once every informer has listed and is watching, and while that lasts. */
  public boolean isHealthy() {
    return published.health() == Health.HEALTHY;
  }

  /** Why the observer is not healthy (starting, or which watches are down and why). */
  public Optional<String> unhealthyReason() {
    return published.reason();
  }

  /** Blocks until the observer is healthy for the first time; false if it is not within the timeout. */
  public boolean awaitHealthy(Duration timeout) throws InterruptedException {
    try {
      firstHealthy.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      return false;
    }
  }

  public Environment environment() {
    return environment;
  }

  /** Adds a listener; close the returned handle to remove it. */
  public Subscription subscribe(ClusterListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** A listener's subscription. */
  @FunctionalInterface
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  // ---------------------------------------------------------------- the observer's thread

  private void requestRecompute() {
    if (recomputeQueued.compareAndSet(false, true)) {
      submit(() -> {
        recomputeQueued.set(false);
        recompute();
      });
    }
  }

  private void requestHealthCheck() {
    if (healthCheckQueued.compareAndSet(false, true)) {
      submit(() -> {
        healthCheckQueued.set(false);
        healthTick();
      });
    }
  }

  private void submit(Runnable task) {
    if (closed) {
      return;
    }
    try {
      thread.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.ERROR, "observer of " + environment.name() + " failed a step; it goes on", e);
        }
      });
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  private void recompute() {
    if (closed || (!changes.hasBaseline() && !slots.stream().allMatch(WatchSlot::listed))) {
      return;
    }
    ClusterView view = ClusterView.of(environment, new ClusterView.Inputs(
        items(deployments), items(statefulSets), items(pods), items(secrets)), this::decode, selectors);
    pruneDecoded();
    List<ClusterEvent> events = changes.next(view, clock.instant());
    Published p = published;
    published = new Published(view, p.health(), p.reason(), p.generation() + 1);
    deliver(events);
  }

  private static <T extends HasMetadata> List<T> items(List<WatchSlot<T>> slotsOfKind) {
    List<T> all = new ArrayList<>();
    slotsOfKind.forEach(s -> all.addAll(s.items()));
    return all;
  }

  private HelmReleaseReader.Decoded decode(Secret s) {
    String uid = ClusterView.uidOf(s);
    String version = s.getMetadata().getResourceVersion();
    CachedRecord c = decoded.get(uid);
    if (c == null || !Objects.equals(c.resourceVersion(), version)) {
      c = new CachedRecord(version, reader.decode(s));
      decoded.put(uid, c);
    }
    return c.decoded();
  }

  private void pruneDecoded() {
    Set<String> live = new HashSet<>();
    secrets.forEach(slot -> slot.items().forEach(s -> live.add(ClusterView.uidOf(s))));
    decoded.keySet().retainAll(live);
  }

  private void healthTick() {
    if (closed) {
      return;
    }
    Instant now = clock.instant();
    boolean relisted = false;
    for (WatchSlot<?> s : slots) {
      relisted |= s.check(now, watchGrace);
    }
    boolean allUp = slots.stream().allMatch(s -> s.downSince().isEmpty());
    // A slow first list is no loss of sight: while starting, only a failing list or watch counts.
    boolean anyDown = slots.stream().anyMatch(s -> s.isDown() && (health != Health.STARTING || s.failing()));
    Health before = health;
    ClusterEvent transition = null;
    if (allUp && health != Health.HEALTHY) {
      Duration blindFor = blindSince == null ? Duration.ZERO : Duration.between(blindSince, now);
      health = Health.HEALTHY;
      blindSince = null;
      transition = new ClusterEvent.ObserverHealthy(environment.name(), now, blindFor);
    } else if (anyDown && health != Health.UNHEALTHY) {
      health = Health.UNHEALTHY;
      blindSince = slots.stream().map(WatchSlot::downSince).flatMap(Optional::stream).min(Instant::compareTo).orElse(now);
    }
    Optional<String> reason = reason();
    if (health == Health.UNHEALTHY && before != Health.UNHEALTHY) {
      transition = new ClusterEvent.ObserverUnhealthy(environment.name(), now, reason.orElse(""));
      LOG.log(System.Logger.Level.WARNING, "observer of " + environment.name() + " is blind: " + reason.orElse(""));
    }
    // The view first, health second: whoever sees "healthy" sees the relisted state, and the
    // changes made while blind are published before ObserverHealthy.
    if (relisted || health != before) {
      recompute();
    }
    Published p = published;
    if (health != p.health() || !reason.equals(p.reason())) {
      published = new Published(p.view(), health, reason, p.generation() + 1);
    }
    if (transition != null) {
      deliver(List.of(transition));
    }
    if (health == Health.HEALTHY) {
      firstHealthy.complete(null);
    }
  }

  private Optional<String> reason() {
    if (health == Health.HEALTHY) {
      return Optional.empty();
    }
    // Slots in the same trouble are named together: "pods in gim, secrets in gim: watch down (...)".
    Map<String, List<String>> byTrouble = new java.util.LinkedHashMap<>();
    Instant since = null;
    for (WatchSlot<?> s : slots) {
      Optional<Instant> down = s.downSince();
      if (down.isPresent()) {
        byTrouble.computeIfAbsent(s.trouble(), k -> new ArrayList<>()).add(s.what());
        since = since == null || down.get().isBefore(since) ? down.get() : since;
      }
    }
    String where = environment.name() + " (" + client.getMasterUrl() + ")";
    String prefix = health == Health.STARTING
        ? "starting: the observer has not listed " + where + " yet"
        : "the bot cannot see " + where + (since == null ? "" : " since " + since)
            + "; what it shows may be stale until its watches are back";
    List<String> parts = new ArrayList<>();
    byTrouble.forEach((trouble, what) -> parts.add(
        (what.size() == slots.size() && slots.size() > 1 ? "all " + what.size() + " watches" : String.join(", ", what))
            + ": " + trouble));
    return Optional.of(parts.isEmpty() ? prefix : prefix + ". " + String.join("; ", parts));
  }

  private void deliver(List<ClusterEvent> events) {
    for (ClusterEvent e : events) {
      for (ClusterListener l : listeners) {
        try {
          l.onEvent(e);
        } catch (RuntimeException ex) {
          LOG.log(System.Logger.Level.WARNING, "a listener failed on " + e.kind() + "; it stays subscribed", ex);
        }
      }
    }
  }

  /** Stops the informers and the observer's thread; the client stays open. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    CompletableFuture<Void> stopped = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        closed = true;
        if (ticks != null) {
          ticks.cancel(false);
          if (startupTicks != null) {
            startupTicks.cancel(false);
          }
        }
        slots.forEach(WatchSlot::stop);
        stopped.complete(null);
      });
      stopped.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.log(System.Logger.Level.WARNING, "observer of " + environment.name() + " did not stop cleanly", e);
    } finally {
      closed = true;
      thread.shutdownNow();
      firstHealthy.completeExceptionally(new IllegalStateException("closed"));
    }
  }

  /** How many times informers listed again after a gap; for tests. */
  int relists() {
    return slots.stream().mapToInt(WatchSlot::relists).sum();
  }
}
