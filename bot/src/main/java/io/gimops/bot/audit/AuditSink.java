package io.gimops.bot.audit;

/**
 * Where the audit trail goes. Until Kafka carries it (the signals issue), structured JSON lines.
 * {@link #record} must not lose a record: it either stores it or throws.
 */
public interface AuditSink {

  void record(AuditRecord record);
}
