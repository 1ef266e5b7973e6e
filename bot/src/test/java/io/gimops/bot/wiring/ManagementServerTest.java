package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The management server alone, on a real Vert.x and real HTTP: {@code /readyz} says 503 and which
 * condition is not met, then 200 once it is; {@code /metrics} wants its bearer token when one is
 * configured.
 */
class ManagementServerTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> get(int port, String path, Optional<String> token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10));
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyzIs503UntilItsConditionsAreMet_andMetricsWantsTheToken() throws Exception {
    Vertx vertx = Vertx.vertx();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.counter("gimops_test").increment();
    AtomicBoolean synced = new AtomicBoolean();
    Map<String, ManagementServer.Check> ready = new LinkedHashMap<>();
    ready.put("configuration", Optional::empty);
    ready.put("observers", () -> synced.get() ? Optional.empty() : Optional.of("not synced yet"));
    ManagementServer s = ManagementServer.start(vertx, "127.0.0.1", 0, 2, ready, registry, Optional.of("s3cret"));
    try {
      HttpResponse<String> before = get(s.port(), "/readyz", Optional.empty());
      assertThat(before.statusCode()).isEqualTo(503);
      assertThat(before.body()).contains("\"configuration\":\"ok\"").contains("\"observers\":\"not synced yet\"")
          .contains("\"ready\":false");
      synced.set(true);
      HttpResponse<String> after = get(s.port(), "/readyz", Optional.empty());
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).contains("\"ready\":true");

      assertThat(get(s.port(), "/metrics", Optional.empty()).statusCode()).isEqualTo(401);
      assertThat(get(s.port(), "/metrics", Optional.of("wrong")).statusCode()).isEqualTo(401);
      HttpResponse<String> m = get(s.port(), "/metrics", Optional.of("s3cret"));
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.body()).contains("gimops_test_total 1.0");
      assertThat(get(s.port(), "/healthz", Optional.empty()).statusCode()).isEqualTo(200);
    } finally {
      s.close();
      vertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }
}
