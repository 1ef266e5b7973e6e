package io.gimops.adapters.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach a Kafka cluster: its bootstrap servers and any further client properties
 * (security protocol, SASL, TLS), applied to every client the bot makes.
 *
 * @param timeout how long one request (a metadata call, a describe, a poll) may take before the
 *     answer is "unreachable"
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties, Duration timeout) {

  public KafkaConnection {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    if (bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("Kafka needs bootstrap servers (host:port,...)");
    }
    properties = Map.copyOf(properties);
    Objects.requireNonNull(timeout, "timeout");
  }

  public static KafkaConnection of(String bootstrapServers) {
    return new KafkaConnection(bootstrapServers, Map.of(), Duration.ofSeconds(5));
  }

  /** The configuration for one client: the connection's properties, then the client's own. */
  Map<String, Object> config(String clientId, Map<String, Object> own) {
    Map<String, Object> c = new HashMap<>(properties);
    c.put("bootstrap.servers", bootstrapServers);
    c.put("client.id", clientId);
    int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    c.putIfAbsent("request.timeout.ms", ms);
    c.putIfAbsent("default.api.timeout.ms", ms);
    c.putIfAbsent("reconnect.backoff.max.ms", 1000);
    c.putAll(own);
    return c;
  }
}
