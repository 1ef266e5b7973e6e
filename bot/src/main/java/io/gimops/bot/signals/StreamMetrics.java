package io.gimops.bot.signals;

import io.gimops.adapters.kafka.KafkaEventStream;

/** The event stream's counters in Prometheus's text format, served at {@code GET /metrics}. */
public final class StreamMetrics {

  private StreamMetrics() {}

  public static String text(KafkaEventStream.Stats s) {
    return counter("gimops_events_published_total", "Audit records and lifecycle events given to the Kafka stream.",
        s.published())
        + counter("gimops_events_delivered_total", "Records Kafka acknowledged (acks=all).", s.delivered())
        + counter("gimops_events_lost_total", "Records lost from the stream because its buffer was full.", s.lost())
        + counter("gimops_events_failed_total", "Records Kafka refused for good.", s.failed())
        + "# HELP gimops_events_pending Records waiting in the local buffer for Kafka.\n"
        + "# TYPE gimops_events_pending gauge\ngimops_events_pending " + s.pending() + "\n";
  }

  private static String counter(String name, String help, long value) {
    return "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " + value + "\n";
  }
}
