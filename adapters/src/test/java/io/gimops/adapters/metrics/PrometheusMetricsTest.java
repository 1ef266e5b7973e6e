package io.gimops.adapters.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.rules.BacklogTrend;
import io.gimops.sandbox.prometheus.LocalPrometheus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules 2 and 8's metrics from a real Prometheus (Debian's 2.42, started on loopback) scraping a
 * test exporter whose {@code gim_kafka_timestamp_behind} the test controls: presence per job,
 * a steady then growing backlog judged by the policy's trend, and "unknown" once Prometheus is
 * gone.
 */
class PrometheusMetricsTest {

  static final PolicySettings.BacklogSettings TREND = new PolicySettings.BacklogSettings(Duration.ofSeconds(10), 5,
      0.5, 0.05);

  @Test
  void presenceAndBacklogComeFromPrometheusAndUnreachableIsUnknown(@TempDir Path work) throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicReference<Double> behind = new AtomicReference<>(2.0);
    HttpServer exporter = vertx.createHttpServer().requestHandler(r -> r.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4")
        .end("# TYPE gim_kafka_timestamp_behind gauge\ngim_kafka_timestamp_behind " + behind.get() + "\n"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    String up = "127.0.0.1:" + exporter.actualPort();
    String down = "127.0.0.1:" + freePort();
    try (LocalPrometheus prometheus = LocalPrometheus.start(work, Map.of("gim", List.of(up), "gsp", List.of(down),
        "gca", List.of(up)), Duration.ofSeconds(1))) {
      PrometheusClient client = new PrometheusClient(vertx, URI.create(prometheus.url()), Duration.ofSeconds(2), 2);
      // The jobs are named after the services here; real ones are found by namespace and pod (SignalQueries).
      Map<ServiceKind, SignalQueries> byJob = new java.util.EnumMap<>(ServiceKind.class);
      for (ServiceKind k : ServiceKind.values()) {
        byJob.put(k, new SignalQueries("up{job=\"" + k.id() + "\"}", k == ServiceKind.GIM
            ? java.util.Optional.of("max(gim_kafka_timestamp_behind)") : java.util.Optional.empty(), List.of()));
      }
      try (PrometheusMetrics metrics = new PrometheusMetrics(vertx, client, byJob,
          Clock.systemUTC(), Duration.ofSeconds(1), Duration.ofSeconds(10))) {
        // Each job's first scrape lands at its own moment: wait for all three.
        await().atMost(Duration.ofSeconds(40)).until(() -> metrics.presence(ServiceKind.GIM) == MetricPresence.PRESENT
            && metrics.presence(ServiceKind.GCA) == MetricPresence.PRESENT
            && metrics.presence(ServiceKind.GSP) == MetricPresence.ABSENT);

        // Steady while the value holds...
        await().atMost(Duration.ofSeconds(40)).until(() -> BacklogTrend.assess(metrics.backlog(ServiceKind.GIM),
            Instant.now(), TREND).isHealthy());
        assertThat(metrics.backlog(ServiceKind.GSP)).isEmpty();
        // ...growing once GIM falls behind a second every second.
        long grow = vertx.setPeriodic(500, t -> behind.updateAndGet(v -> v + 0.5));
        await().atMost(Duration.ofSeconds(40)).until(() -> BacklogTrend.assess(metrics.backlog(ServiceKind.GIM),
            Instant.now(), TREND).isGrowing());
        vertx.cancelTimer(grow);
        assertThat(client.instant("gim_kafka_timestamp_behind{job=\"gim\"}").toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS)).singleElement().satisfies(s -> assertThat(s.value()).isGreaterThan(2.0));

        // Prometheus gone: unknown, and no backlog; never healthy.
        prometheus.stop();
        await().atMost(Duration.ofSeconds(20)).until(() -> metrics.presence(ServiceKind.GIM) == MetricPresence.UNKNOWN
            && metrics.backlog(ServiceKind.GIM).isEmpty());
        assertThat(client.instant("up").toCompletionStage().toCompletableFuture().handle((v, e) -> e)
            .get(20, TimeUnit.SECONDS)).hasMessageContaining("did not answer");
      }
    } finally {
      vertx.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
