package io.gimops.sandbox.metrics;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What Prometheus would say about the sandbox's services, derived from what its pods really do:
 * a service's metrics are present while one of its pods is Ready (a pod whose image cannot be
 * pulled exports nothing), and GIM's {@code gim_kafka_timestamp_behind} stays small and steady
 * while a GIM pod consumes, grows while none does, and drains when one is back. A fault makes it
 * grow even while GIM runs ({@link #growBacklog}). Sandbox only: production asks Prometheus.
 */
public final class SimulatedMetrics implements AutoCloseable {

  /** Readings kept: 15 minutes at one per second. */
  static final int KEPT = 900;
  static final double STEADY_SECONDS_BEHIND = 2.0;
  /** How fast the backlog grows while nobody consumes, in seconds behind per second. */
  static final double GROWTH = 1.0;
  /** Peak-to-peak noise on a reading: small beside the policy's tolerance over a short sandbox window. */
  static final double NOISE = 0.04;

  private final Clock clock;
  private final Duration interval;
  private final Random noise;
  private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
  private final Map<String, PodView> pods = new ConcurrentHashMap<>();
  private final Deque<BacklogSample> backlog = new ArrayDeque<>();
  private final ScheduledExecutorService sampler;
  private volatile boolean grow;
  private double behind = STEADY_SECONDS_BEHIND;
  private Instant last;

  private record PodView(ServiceKind service, boolean ready, boolean failing) {}

  private SimulatedMetrics(KubernetesClient client, Collection<String> namespaces, Clock clock, Duration interval,
      long seed) {
    this.clock = clock;
    this.interval = interval;
    this.noise = new Random(seed);
    for (String ns : Set.copyOf(namespaces)) {
      informers.add(client.pods().inNamespace(ns).inform(new ResourceEventHandler<Pod>() {
        @Override
        public void onAdd(Pod p) {
          see(p);
        }

        @Override
        public void onUpdate(Pod before, Pod p) {
          see(p);
        }

        @Override
        public void onDelete(Pod p, boolean finalStateUnknown) {
          pods.remove(key(p));
        }
      }, 0));
    }
    this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "simulated-metrics");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts watching the pods of {@code namespaces} and sampling the backlog every {@code interval}.
   *
   * @param seed makes the noise on the backlog repeatable
   */
  public static SimulatedMetrics start(KubernetesClient client, Collection<String> namespaces, Clock clock,
      Duration interval, long seed) {
    SimulatedMetrics m = new SimulatedMetrics(client, namespaces, clock, interval, seed);
    m.last = clock.instant();
    m.sampler.scheduleAtFixedRate(m::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return m;
  }

  /** PRESENT while a pod of the service is Ready; ABSENT when none is; UNKNOWN before the first look. */
  public MetricPresence presence(ServiceKind service) {
    if (!synced()) {
      return MetricPresence.UNKNOWN;
    }
    return pods.values().stream().anyMatch(p -> p.service() == service && p.ready() && !p.failing())
        ? MetricPresence.PRESENT : MetricPresence.ABSENT;
  }

  /** The readings of {@code gim_kafka_timestamp_behind}, oldest first. */
  public List<BacklogSample> backlog() {
    synchronized (backlog) {
      return List.copyOf(backlog);
    }
  }

  /** A consumer that runs but falls behind: the backlog grows even while GIM is Ready. */
  public void growBacklog(boolean on) {
    grow = on;
  }

  private boolean synced() {
    return informers.stream().allMatch(SharedIndexInformer::hasSynced);
  }

  private void sample() {
    if (!synced()) {
      return;
    }
    Instant now = clock.instant();
    boolean consuming = presence(ServiceKind.GIM) == MetricPresence.PRESENT;
    synchronized (backlog) {
      if (backlog.isEmpty()) {
        backfill(now, consuming);
      }
    }
    double seconds = Math.max(0, Duration.between(last, now).toMillis() / 1000.0);
    last = now;
    if (!consuming || grow) {
      behind += GROWTH * seconds;
    } else {
      // A consumer catches up quickly, then hovers around its steady lag.
      behind = Math.max(STEADY_SECONDS_BEHIND, behind - 5 * GROWTH * seconds);
    }
    double reading = behind + (noise.nextDouble() - 0.5) * NOISE;
    synchronized (backlog) {
      backlog.addLast(new BacklogSample(now, reading));
      while (backlog.size() > KEPT) {
        backlog.removeFirst();
      }
    }
  }

  /**
   * Prometheus had been scraping long before the bot started: the history it would hold, as the
   * service is now (steady while GIM consumes, growing while it does not).
   */
  private void backfill(Instant now, boolean consuming) {
    for (int i = KEPT - 1; i >= 1; i--) {
      double ago = i * interval.toMillis() / 1000.0;
      double value = consuming ? STEADY_SECONDS_BEHIND : Math.max(STEADY_SECONDS_BEHIND, behind - GROWTH * ago);
      backlog.addLast(new BacklogSample(now.minusMillis(i * interval.toMillis()),
          value + (noise.nextDouble() - 0.5) * NOISE));
    }
  }

  private void see(Pod p) {
    Optional<ServiceKind> k = Optional.ofNullable(p.getMetadata().getLabels())
        .map(l -> l.get("app.kubernetes.io/name")).flatMap(ServiceKind::fromName);
    if (k.isEmpty()) {
      return;
    }
    boolean ready = p.getStatus() != null && p.getStatus().getConditions() != null && p.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    boolean failing = p.getStatus() != null && p.getStatus().getContainerStatuses() != null
        && p.getStatus().getContainerStatuses().stream().map(ContainerStatus::getState)
            .anyMatch(s -> s != null && s.getWaiting() != null && s.getWaiting().getReason() != null
                && Set.of("ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff").contains(s.getWaiting().getReason()));
    pods.put(key(p), new PodView(k.get(), ready, failing));
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }

  public Duration interval() {
    return interval;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    informers.forEach(SharedIndexInformer::close);
  }
}
