package io.gimops.bot.wiring;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.StepRecord;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.signals.EventStream;
import io.gimops.policies.decision.PlanStep;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The bot's metrics in one Micrometer registry, scraped at the management port's {@code /metrics}:
 * operations by kind and outcome, helm calls by release and result, verifications, the Kafka
 * event stream's queue and losses, leadership, and the JVM's own. The operation metrics are
 * counted from the orchestrator's progress stream, the one place every step's end is said, so
 * they need no hook in the orchestrator.
 */
public final class BotMetrics implements AutoCloseable {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private MessageConsumer<OperationEvent> subscription;

  public BotMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** {@code gimops_leading}: 1 while this replica leads. */
  public void leadership(BooleanSupplier leading) {
    Gauge.builder("gimops_leading", () -> leading.getAsBoolean() ? 1 : 0)
        .description("1 while this replica leads (holds the gimops-leader Lease), else 0").register(registry);
  }

  /** The Kafka event stream's counters and its queue depth (it replaces the hand-written exposition). */
  public void events(EventStream events) {
    FunctionCounter.builder("gimops_events_published", events, e -> e.stats().published())
        .description("Audit records and lifecycle events given to the Kafka stream").register(registry);
    FunctionCounter.builder("gimops_events_delivered", events, e -> e.stats().delivered())
        .description("Records Kafka acknowledged (acks=all)").register(registry);
    FunctionCounter.builder("gimops_events_lost", events, e -> e.stats().lost())
        .description("Records lost from the stream because its buffer was full").register(registry);
    FunctionCounter.builder("gimops_events_failed", events, e -> e.stats().failed())
        .description("Records Kafka refused for good").register(registry);
    Gauge.builder("gimops_events_pending", events, e -> e.stats().pending())
        .description("Records waiting in the local buffer for Kafka (the event stream's queue depth)")
        .register(registry);
  }

  /** Slack Web API calls by method and status (429s among them), and the poster's queue depth. */
  public void slack(io.gimops.adapters.slack.SlackPoster poster) {
    Gauge.builder("gimops_slack_poster_queued", poster, io.gimops.adapters.slack.SlackPoster::queueDepth)
        .description("Slack posts and updates waiting to be sent").register(registry);
    poster.observeCalls((method, status) -> Counter.builder("gimops_slack_calls")
        .description("Slack Web API calls, by method and HTTP status (429: rate-limited)")
        .tag("method", method).tag("status", status).register(registry).increment());
  }

  /** Counts what the orchestrator says: operations as they finish, helm calls and verifications as their steps end. */
  public void follow(Orchestrator orchestrator) {
    subscription = orchestrator.subscribe(this::on);
  }

  private void on(OperationEvent e) {
    if (e instanceof OperationEvent.Finished f) {
      Counter.builder("gimops_operations").description("Operations finished, by request kind and outcome")
          .tag("kind", kind(f.op())).tag("outcome", f.op().state().name().toLowerCase(Locale.ROOT))
          .register(registry).increment();
    } else if (e instanceof OperationEvent.StepSucceeded s) {
      step(s.op(), s.index(), "succeeded");
    } else if (e instanceof OperationEvent.StepFailed s) {
      step(s.op(), s.index(), "failed");
    }
  }

  private void step(Operation op, int index, String result) {
    if (index < 0 || index >= op.steps().size()) {
      return;
    }
    StepRecord r = op.steps().get(index);
    Optional<Duration> took = r.startedAt().flatMap(a -> r.endedAt().map(b -> Duration.between(a, b)))
        .filter(d -> !d.isNegative());
    if (took.isEmpty()) {
      return;
    }
    Optional<String> release = release(r.step());
    if (release.isPresent()) {
      Timer.builder("gimops_helm_call").description("helm calls' duration, by release and result")
          .tag("release", release.get()).tag("result", result).register(registry).record(took.get());
    } else if (r.step() instanceof PlanStep.Verify v) {
      Timer.builder("gimops_verification").description("Verifications' duration, by service and result")
          .tag("service", v.service().id()).tag("result", result).register(registry).record(took.get());
    }
  }

  private static Optional<String> release(PlanStep s) {
    if (s instanceof PlanStep.HelmUpgrade u) {
      return Optional.of(u.release());
    }
    if (s instanceof PlanStep.HelmRollback r) {
      return Optional.of(r.release());
    }
    if (s instanceof PlanStep.HelmUninstall u) {
      return Optional.of(u.release());
    }
    return Optional.empty();
  }

  private static String kind(Operation op) {
    // Upgrade, UpgradeCycle, Rollback...: the request's record name, in snake case.
    return op.request().getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    if (subscription != null) {
      subscription.unregister();
    }
    gc.close();
    registry.close();
  }
}
