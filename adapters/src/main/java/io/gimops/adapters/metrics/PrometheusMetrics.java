package io.gimops.adapters.metrics;

import io.gimops.adapters.kube.MetricsSource;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics the rules need (rules 2, 8 and 9), asked of Prometheus in the background and
 * answered from memory, as {@link MetricsSource} requires:
 *
 * <ul>
 *   <li>presence: a service's metrics are PRESENT while its presence query (by default
 *       {@code up{job="<service>"}}) returns a sample of 1, ABSENT when it returns none or only 0;
 *   <li>GIM's backlog: the range query {@code max(gim_kafka_timestamp_behind)} over the backlog
 *       window, one point per refresh interval.
 * </ul>
 *
 * Prometheus unreachable, or an answer older than three refreshes, is UNKNOWN and no backlog:
 * never "healthy".
 */
public final class PrometheusMetrics implements MetricsSource, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(PrometheusMetrics.class.getName());

  /** What to ask: per service, the query whose samples say its metrics are there. */
  public record Queries(Map<ServiceKind, String> presence, String backlog) {
    public static Queries defaults() {
      Map<ServiceKind, String> p = new EnumMap<>(ServiceKind.class);
      for (ServiceKind k : ServiceKind.values()) {
        p.put(k, "up{job=\"" + k.id() + "\"}");
      }
      return new Queries(p, "max(gim_kafka_timestamp_behind)");
    }
  }

  private record Known<T>(T value, Instant at) {}

  private final PrometheusClient client;
  private final Queries queries;
  private final Clock clock;
  private final Duration interval;
  private final Duration window;
  private final Vertx vertx;
  private final Map<ServiceKind, Known<MetricPresence>> presence = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Known<List<BacklogSample>> backlog;
  private final long timer;

  /**
   * @param interval how often to ask, and the backlog's step
   * @param window how far back the backlog goes (the policy's backlog window)
   */
  public PrometheusMetrics(Vertx vertx, PrometheusClient client, Queries queries, Clock clock, Duration interval,
      Duration window) {
    this.vertx = vertx;
    this.client = client;
    this.queries = queries;
    this.clock = clock;
    this.interval = interval;
    this.window = window;
    refresh();
    this.timer = vertx.setPeriodic(interval.toMillis(), t -> refresh());
  }

  @Override
  public MetricPresence presence(ServiceKind service) {
    Known<MetricPresence> k = presence.get(service);
    return fresh(k) ? k.value() : MetricPresence.UNKNOWN;
  }

  @Override
  public List<BacklogSample> backlog(ServiceKind service) {
    Known<List<BacklogSample>> b = backlog;
    return service == ServiceKind.GIM && fresh(b) ? b.value() : List.of();
  }

  private boolean fresh(Known<?> k) {
    return k != null && !k.at().isBefore(clock.instant().minus(interval.multipliedBy(3)));
  }

  private void refresh() {
    Instant now = clock.instant();
    queries.presence().forEach((k, q) -> client.instant(q).onComplete(ar -> {
      if (ar.succeeded()) {
        boolean up = ar.result().stream().anyMatch(s -> s.value() >= 1);
        presence.put(k, new Known<>(up ? MetricPresence.PRESENT : MetricPresence.ABSENT, now));
      } else {
        presence.remove(k);
        LOG.log(System.Logger.Level.WARNING, "metrics of " + k.id() + " unknown: " + ar.cause().getMessage());
      }
    }));
    client.range(queries.backlog(), now.minus(window), now, interval).onComplete(ar -> {
      if (ar.succeeded()) {
        List<BacklogSample> samples = new ArrayList<>();
        ar.result().forEach(s -> s.points().forEach(p -> samples.add(new BacklogSample(p.at(), p.value()))));
        backlog = new Known<>(List.copyOf(samples), now);
      } else {
        backlog = null;
      }
    });
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    Objects.requireNonNull(client).close();
  }
}
