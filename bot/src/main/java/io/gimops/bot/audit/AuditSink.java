package io.gimops.bot.audit;

/**
 * Where the audit trail goes. Structured JSON lines, and with Kafka configured a topic too.
 * {@link #record} must not lose a record: it either stores it or throws.
 */
public interface AuditSink {

  void record(AuditRecord record);

  /** As {@link #record(AuditRecord)}, with the record already as JSON (one serialisation for several sinks). */
  default void record(AuditRecord record, String json) {
    record(record);
  }
}
