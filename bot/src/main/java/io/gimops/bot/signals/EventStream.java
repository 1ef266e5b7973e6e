package io.gimops.bot.signals;

import io.gimops.adapters.kafka.KafkaEventStream;
import io.gimops.bot.audit.AuditRecord;
import io.gimops.bot.audit.AuditSink;
import io.gimops.bot.audit.JsonLinesAudit;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.orchestrator.Orchestrator;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Optional;

/**
 * The audit trail and the lifecycle events, out to Kafka. Every audit record is written to the
 * local trail first (which must not lose it), then published; every event on the orchestrator's
 * progress stream is published too. JSON values, keyed by operation id ({@code env:<name>} for
 * what belongs to no operation), so that one operation's story stays in order on one partition:
 *
 * <pre>
 * {"type":"audit","record":{...the audit line...}}
 * {"type":"event","event":"StepStarted","operation":"op-12","environment":"prod","state":"RUNNING",
 *  "summary":"upgrade gim to 100.0.1000011","at":"...","index":0}
 * </pre>
 */
public final class EventStream implements AuditSink, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
  private final AuditSink local;
  private final KafkaEventStream stream;
  private MessageConsumer<OperationEvent> subscription;

  public EventStream(AuditSink local, KafkaEventStream stream) {
    this.local = local;
    this.stream = stream;
  }

  @Override
  public void record(AuditRecord record) {
    record(record, JsonLinesAudit.json(record));
  }

  @Override
  public void record(AuditRecord record, String json) {
    local.record(record, json);
    publish(record.operation().orElse("env:" + record.environment()), "{\"type\":\"audit\",\"record\":" + json + "}");
  }

  /** Publishes every lifecycle event of the orchestrator from now on. */
  public void follow(Orchestrator orchestrator) {
    subscription = orchestrator.subscribe(e -> {
      String key = e.operation().map(Operation::id)
          .orElseGet(() -> "env:" + (e instanceof OperationEvent.Notice n ? n.environment() : ""));
      publish(key, json(e).encode());
    });
  }

  private void publish(String key, String json) {
    try {
      stream.publish(key, json);
    } catch (IllegalStateException closed) {
      LOG.log(System.Logger.Level.WARNING, "an event after the Kafka stream closed stays in the local trail only: {0}", key);
    }
  }

  /** An event as JSON: its kind, its operation's essentials, and its own fields. */
  static JsonObject json(OperationEvent e) {
    JsonObject j = new JsonObject().put("type", "event").put("event", e.getClass().getSimpleName());
    Optional<Operation> op = e.operation();
    op.ifPresent(o -> j.put("operation", o.id()).put("environment", o.environment()).put("state", o.state().name())
        .put("summary", o.summary()).put("at", o.updatedAt().toString()).put("requestedBy", o.requestedBy().userId()));
    for (RecordComponent c : e.getClass().getRecordComponents()) {
      if (c.getType() == Operation.class) {
        continue;
      }
      try {
        j.put(c.getName(), plain(c.getAccessor().invoke(e)));
      } catch (ReflectiveOperationException ex) {
        j.put(c.getName(), "?");
      }
    }
    return j;
  }

  private static Object plain(Object v) {
    if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
      return v;
    }
    if (v instanceof Collection<?> c) {
      JsonArray a = new JsonArray();
      c.forEach(x -> a.add(plain(x)));
      return a;
    }
    if (v instanceof Optional<?> o) {
      return o.map(EventStream::plain).orElse(null);
    }
    return v.toString();
  }

  public KafkaEventStream.Stats stats() {
    return stream.stats();
  }

  @Override
  public void close() {
    if (subscription != null) {
      subscription.unregister();
    }
    stream.close();
  }
}
