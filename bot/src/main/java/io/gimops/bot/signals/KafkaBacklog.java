package io.gimops.bot.signals;

import io.gimops.adapters.kafka.GroupLag;
import io.gimops.adapters.kafka.KafkaInspector;
import io.gimops.adapters.kube.MetricsSource;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * GIM's timestamp behind measured from Kafka itself (the group's oldest unconsumed record), a
 * second source for rules 2 and 8 when Prometheus has no backlog to say: Prometheus is missing,
 * unreachable, or GIM's metric is absent. Sampled every {@code every} on its own thread into a
 * window as long as the backlog rule's; when Kafka does not answer, or the group never committed,
 * there is no reading, never a made-up zero.
 *
 * <p>As a {@link MetricsSource} it wraps the primary one: presence is always the primary's (Kafka
 * cannot say whether GIM is scraped), backlog is the primary's when it has any, else Kafka's.
 */
public final class KafkaBacklog implements MetricsSource, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(KafkaBacklog.class.getName());
  private final Optional<MetricsSource> primary;
  private final KafkaInspector kafka;
  private final String group;
  private final Clock clock;
  private final Duration window;
  private final Deque<BacklogSample> samples = new ArrayDeque<>();
  private final ScheduledExecutorService thread;
  private volatile Optional<String> lastProblem = Optional.empty();

  public KafkaBacklog(Optional<MetricsSource> primary, KafkaInspector kafka, String group, Clock clock,
      Duration every, Duration window) {
    this.primary = primary;
    this.kafka = kafka;
    this.group = group;
    this.clock = clock;
    this.window = window;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kafka-backlog");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Takes one reading now (on the caller's thread). */
  public void sample() {
    try {
      GroupLag lag = kafka.lag(group);
      if (lag.neverCommitted()) {
        problem("GIM's consumer group " + group + " has committed no offset: its backlog is unknown");
        return;
      }
      add(new BacklogSample(lag.at(), lag.timestampBehind().toMillis() / 1000.0));
      lastProblem = Optional.empty();
    } catch (KafkaInspector.KafkaUnavailable e) {
      problem(e.getMessage());
    } catch (RuntimeException e) {
      problem("measuring GIM's lag failed: " + e.getMessage());
    }
  }

  private void problem(String why) {
    if (!lastProblem.equals(Optional.of(why))) {
      LOG.log(System.Logger.Level.WARNING, "no backlog reading from Kafka: {0}", why);
    }
    lastProblem = Optional.of(why);
    synchronized (samples) {
      // An old series would look current; without a reading, the backlog is unknown.
      samples.clear();
    }
  }

  private void add(BacklogSample s) {
    synchronized (samples) {
      samples.addLast(s);
      Instant oldest = clock.instant().minus(window);
      while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
        samples.removeFirst();
      }
    }
  }

  /** The readings from Kafka alone, oldest first. */
  public List<BacklogSample> kafkaSamples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  /** Why there is no reading now, if there is none. */
  public Optional<String> problem() {
    return lastProblem;
  }

  @Override
  public MetricPresence presence(ServiceKind service) {
    return primary.map(p -> p.presence(service)).orElse(MetricPresence.UNKNOWN);
  }

  /** The primary's: Kafka cannot say whether a service's success conditions hold. */
  @Override
  public List<io.gimops.policies.domain.ConditionReading> conditions(ServiceKind service) {
    return primary.map(p -> p.conditions(service)).orElse(List.of());
  }

  @Override
  public List<BacklogSample> backlog(ServiceKind service) {
    List<BacklogSample> fromPrimary = primary.map(p -> p.backlog(service)).orElse(List.of());
    return fromPrimary.isEmpty() && service == ServiceKind.GIM ? kafkaSamples() : fromPrimary;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
