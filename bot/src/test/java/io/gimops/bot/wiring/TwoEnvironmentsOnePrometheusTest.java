package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.adapters.metrics.PrometheusClient;
import io.gimops.adapters.metrics.PrometheusMetrics;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.Verification;
import io.gimops.sandbox.prometheus.LocalPrometheus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Production and staging on one real Prometheus (Debian's 2.42 on loopback), told apart by the
 * {@code cluster} label each one's series carry, as {@code environments[].signals.prometheusLabels}
 * says. Each environment has its own exporter standing in for its GIM and GSP; production's GSP
 * runs no Flink job and its GIM falls behind Kafka, staging's are healthy. Rule 8 fails
 * production and verifies staging from the same Prometheus. A third environment whose label no
 * series carries gets empty answers: unknown, never healthy.
 */
class TwoEnvironmentsOnePrometheusTest {

  static final Duration EVERY = Duration.ofSeconds(1);
  static final PolicySettings.BacklogSettings TREND = new PolicySettings.BacklogSettings(Duration.ofSeconds(10), 5,
      0.5, 0.05);
  static final PolicySettings POLICY = new PolicySettings(PolicySettings.DEFAULTS.pendingThreshold(), TREND,
      PolicySettings.DEFAULTS.verificationTimeout(), PolicySettings.DEFAULTS.minimumOverrideReason(),
      PolicySettings.DEFAULTS.secondApproverRole());
  static final Version GIM = Version.parse("100.0.116+2900");
  static final Version GSP = Version.parse("100.0.100+1400");

  /** One environment's exporter: GIM's backlog and GSP's running Flink jobs, as the test sets them. */
  record Exporter(HttpServer server, AtomicReference<Double> behind, AtomicReference<Integer> flinkJobs) {
    String address() {
      return "127.0.0.1:" + server.actualPort();
    }
  }

  static Exporter exporter(Vertx vertx, double behind, int flinkJobs) throws Exception {
    AtomicReference<Double> b = new AtomicReference<>(behind);
    AtomicReference<Integer> f = new AtomicReference<>(flinkJobs);
    HttpServer s = vertx.createHttpServer().requestHandler(r -> r.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4")
        .end("# TYPE gim_kafka_timestamp_behind gauge\ngim_kafka_timestamp_behind " + b.get() + "\n"
            + "# TYPE flink_jobmanager_numRunningJobs gauge\nflink_jobmanager_numRunningJobs " + f.get() + "\n"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new Exporter(s, b, f);
  }

  /** The targets service discovery would give: each service's pod, in its namespace, in its cluster. */
  static List<LocalPrometheus.Target> targets(String cluster, Exporter e) {
    return List.of(
        new LocalPrometheus.Target("gim", e.address(), Map.of("namespace", "gim", "pod", "gim-7d4b9-x2k", "cluster", cluster)),
        new LocalPrometheus.Target("gsp", e.address(), Map.of("namespace", "gsp", "pod", "gsp-0", "cluster", cluster)));
  }

  @Test
  void aFailingProductionMetricFailsProductionsVerificationAndNotStagings(@TempDir Path work) throws Exception {
    BotConfig config = BotConfig.parse("""
        helm: {binary: /bin/helm, charts: /charts}
        environments:
          - name: prod
            production: true
            signals: {prometheusLabels: {cluster: prod-eu}}
          - name: staging
            signals: {prometheusLabels: {cluster: staging-eu}}
          - name: dev
            signals: {prometheusLabels: {cluster: nowhere}}
        """);
    Vertx vertx = Vertx.vertx();
    Exporter prod = exporter(vertx, 2.0, 0);
    Exporter staging = exporter(vertx, 2.0, 1);
    List<LocalPrometheus.Target> all = new ArrayList<>(targets("prod-eu", prod));
    all.addAll(targets("staging-eu", staging));
    Map<String, PrometheusMetrics> byEnv = new HashMap<>();
    Map<String, Environment> models = new HashMap<>();
    try (LocalPrometheus prometheus = LocalPrometheus.start(work, all, EVERY)) {
      for (int i = 0; i < config.environments().size(); i++) {
        Environment env = config.environmentModels().get(i);
        models.put(env.name(), env);
        byEnv.put(env.name(), new PrometheusMetrics(vertx, new PrometheusClient(vertx, URI.create(prometheus.url()),
            Duration.ofSeconds(2), 2), config.environments().get(i).signalsOrDefaults().queries(env),
            Clock.systemUTC(), EVERY, TREND.window()));
      }
      Instant helmEnded = Instant.now();
      long grow = vertx.setPeriodic(500, t -> prod.behind().updateAndGet(v -> v + 0.5));

      // Production: GIM's backlog grows (fatal at once); GSP runs no Flink job (unmet, by name).
      await().atMost(Duration.ofSeconds(60)).until(() ->
          verify(byEnv.get("prod"), ServiceKind.GIM, helmEnded).status() == Verification.Status.FAILED);
      Verification.Result prodGim = verify(byEnv.get("prod"), ServiceKind.GIM, helmEnded);
      assertThat(prodGim.unmet()).anySatisfy(u -> assertThat(u).contains("growing"));
      Verification.Result prodGsp = verify(byEnv.get("prod"), ServiceKind.GSP, helmEnded);
      assertThat(prodGsp.status()).isEqualTo(Verification.Status.IN_PROGRESS);
      assertThat(prodGsp.unmet()).anySatisfy(u -> assertThat(u).startsWith("Flink jobs running not met: 0, needs >= 1")
          .contains("cluster=\"prod-eu\""));
      assertThat(verify(byEnv.get("prod"), ServiceKind.GSP, helmEnded, helmEnded.plus(POLICY.verificationTimeout())
          .plusSeconds(1)).status()).isEqualTo(Verification.Status.FAILED);

      // Staging, from the same Prometheus and the same namespaces: both verify.
      await().atMost(Duration.ofSeconds(60)).until(() ->
          verify(byEnv.get("staging"), ServiceKind.GIM, helmEnded).status() == Verification.Status.VERIFIED
              && verify(byEnv.get("staging"), ServiceKind.GSP, helmEnded).status() == Verification.Status.VERIFIED);
      assertThat(verify(byEnv.get("staging"), ServiceKind.GSP, helmEnded).passed())
          .contains("metrics present", "Flink jobs running: 1 (>= 1)");
      assertThat(verify(byEnv.get("prod"), ServiceKind.GIM, helmEnded).status()).isEqualTo(Verification.Status.FAILED);
      vertx.cancelTimer(grow);

      // An environment no series belongs to: every answer is empty, so unknown, never healthy.
      PrometheusMetrics dev = byEnv.get("dev");
      assertThat(dev.presence(ServiceKind.GSP)).isEqualTo(MetricPresence.UNKNOWN);
      assertThat(dev.backlog(ServiceKind.GIM)).isEmpty();
      assertThat(dev.conditions(ServiceKind.GSP)).singleElement().satisfies(r -> {
        assertThat(r.met()).isFalse();
        assertThat(r.unknown()).contains("the query returned nothing");
      });
      Verification.Result devGsp = verify(dev, ServiceKind.GSP, helmEnded);
      assertThat(devGsp.status()).isEqualTo(Verification.Status.IN_PROGRESS);
      assertThat(devGsp.unmet()).contains("metrics unknown (not read yet, or the presence query returned nothing)")
          .anySatisfy(u -> assertThat(u).startsWith("Flink jobs running unknown: the query returned nothing"));
    } finally {
      byEnv.values().forEach(PrometheusMetrics::close);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static Verification.Result verify(PrometheusMetrics metrics, ServiceKind kind, Instant helmEnded) {
    return verify(metrics, kind, helmEnded, Instant.now());
  }

  /** The service as the cluster would show it healthy, with what Prometheus says added, as the observer does. */
  private static Verification.Result verify(PrometheusMetrics metrics, ServiceKind kind, Instant helmEnded,
      Instant now) {
    Version v = kind == ServiceKind.GIM ? GIM : GSP;
    ServiceState s = ServiceState.builder(kind).deployed(2, v, HelmStatus.DEPLOYED).replicas(1, 1)
        .pods(List.of(PodState.ready(kind.id() + "-0", v)))
        .metrics(metrics.presence(kind)).backlog(metrics.backlog(kind)).conditions(metrics.conditions(kind)).build();
    return Verification.verify(s, v, false, helmEnded.minusSeconds(1), helmEnded, now, POLICY);
  }
}
