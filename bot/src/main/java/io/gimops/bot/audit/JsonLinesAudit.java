package io.gimops.bot.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The audit trail as one JSON object per line, written and flushed before {@link #record}
 * returns, so that nothing audited is lost when the process dies right after. Safe for
 * concurrent callers; lines never interleave.
 */
public final class JsonLinesAudit implements AuditSink {

  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final OutputStream out;

  public JsonLinesAudit(OutputStream out) {
    this.out = out;
  }

  /** One record as a JSON object, the same in the file and in the Kafka stream. */
  public static String json(AuditRecord record) {
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an audit record as JSON: " + e.getMessage(), e);
    }
  }

  @Override
  public void record(AuditRecord record) {
    record(record, json(record));
  }

  @Override
  public void record(AuditRecord record, String json) {
    byte[] line = (json + "\n").getBytes(StandardCharsets.UTF_8);
    synchronized (this) {
      try {
        out.write(line);
        out.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the audit trail: " + e.getMessage(), e);
      }
    }
  }
}
