package io.gimops.adapters.metrics;

import io.gimops.adapters.kube.MetricsSource;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.ConditionReading;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.SuccessCondition;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The metrics the rules need (rules 2, 8 and 9) for one environment, asked of Prometheus in the
 * background and answered from memory, as {@link MetricsSource} requires. Each service's
 * {@link SignalQueries} are filled for the environment (namespace, release, the environment's
 * labels), so that one Prometheus scraping several environments answers each for its own:
 *
 * <ul>
 *   <li>presence: a service's metrics are PRESENT while its presence query returns a sample of 1,
 *       ABSENT when it returns only 0s, UNKNOWN when it returns nothing (no target is known, which
 *       says nothing of the service);
 *   <li>GIM's backlog: its backlog query as a range over the backlog window, one point per
 *       refresh interval;
 *   <li>success conditions: each condition's query, every sample compared with its threshold by
 *       the policies ({@link io.gimops.policies.rules.SuccessConditions}); nothing returned is unknown.
 * </ul>
 *
 * Prometheus unreachable, or an answer older than three refreshes, is UNKNOWN and no backlog:
 * never "healthy".
 */
public final class PrometheusMetrics implements MetricsSource, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(PrometheusMetrics.class.getName());

  private record Known<T>(T value, Instant at) {}

  private final PrometheusClient client;
  private final Map<ServiceKind, SignalQueries> queries;
  private final Clock clock;
  private final Duration interval;
  private final Duration window;
  private final Vertx vertx;
  private final Map<ServiceKind, Known<MetricPresence>> presence = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Known<List<BacklogSample>> backlog;
  private final Map<SuccessCondition, Known<ConditionReading>> readings = new java.util.concurrent.ConcurrentHashMap<>();
  private final long timer;

  /**
   * @param interval how often to ask, and the backlog's step
   * @param window how far back the backlog goes (the policy's backlog window)
   * @param queries per service of the environment, filled (see {@link SignalQueries.Template#fill})
   */
  public PrometheusMetrics(Vertx vertx, PrometheusClient client, Map<ServiceKind, SignalQueries> queries, Clock clock,
      Duration interval, Duration window) {
    this.vertx = vertx;
    this.client = client;
    this.queries = Map.copyOf(queries);
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

  @Override
  public List<ConditionReading> conditions(ServiceKind service) {
    SignalQueries q = queries.get(service);
    if (q == null) {
      return List.of();
    }
    List<ConditionReading> out = new ArrayList<>();
    for (SuccessCondition c : q.conditions()) {
      Known<ConditionReading> k = readings.get(c);
      out.add(fresh(k) ? k.value() : ConditionReading.unknown(c, k == null ? "not asked yet"
          : "Prometheus's last answer is older than " + interval.multipliedBy(3).toSeconds() + "s"));
    }
    return out;
  }

  private boolean fresh(Known<?> k) {
    return k != null && !k.at().isBefore(clock.instant().minus(interval.multipliedBy(3)));
  }

  private void refresh() {
    Instant now = clock.instant();
    queries.forEach((k, q) -> {
      client.instant(q.presence()).onComplete(ar -> {
        if (ar.succeeded()) {
          List<PrometheusClient.Sample> samples = ar.result();
          if (samples.isEmpty()) {
            // No series at all: Prometheus knows no target of the service, which is not "absent".
            presence.remove(k);
          } else {
            boolean up = samples.stream().anyMatch(s -> s.value() >= 1);
            presence.put(k, new Known<>(up ? MetricPresence.PRESENT : MetricPresence.ABSENT, now));
          }
        } else {
          presence.remove(k);
          LOG.log(System.Logger.Level.WARNING, "metrics of " + k.id() + " unknown: " + ar.cause().getMessage());
        }
      });
      for (SuccessCondition c : q.conditions()) {
        client.instant(c.query()).onComplete(ar -> readings.put(c, new Known<>(ar.succeeded()
            ? ConditionReading.of(c, ar.result().stream().map(PrometheusClient.Sample::value).toList())
            : ConditionReading.unknown(c, ar.cause().getMessage()), now)));
      }
    });
    SignalQueries gim = queries.get(ServiceKind.GIM);
    if (gim == null || gim.backlog().isEmpty()) {
      backlog = null;
      return;
    }
    client.range(gim.backlog().get(), now.minus(window), now, interval).onComplete(ar -> {
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
