package io.gimops.bot.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.orchestrator.Request;
import io.gimops.bot.orchestrator.Submission;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.sandbox.prometheus.LocalAlertmanager;
import io.gimops.sandbox.prometheus.LocalPrometheus;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole signal path with real components: a test exporter's {@code gim_kafka_timestamp_behind}
 * starts growing, real Prometheus (Debian's 2.42) fires an alert, real Alertmanager (0.25) calls
 * the bot's webhook with its bearer token, and the channel gets the alert with an offer to roll
 * back GIM, which changed minutes ago. Only Slack is a local fake (no real Slack here).
 */
class RealAlertmanagerTest {

  static final Actor OPERATOR = Actor.of("console-operator", "Olivia Operator");

  static final String RULES = String.join("\n",
      "groups:",
      "  - name: gim",
      "    rules:",
      "      - alert: GimBacklogGrowing",
      "        expr: deriv(gim_kafka_timestamp_behind[10s]) > 0.2",
      "        for: 2s",
      "        labels: {environment: sandbox, service: gim}",
      "        annotations: {summary: 'gim_kafka_timestamp_behind is growing'}",
      "");

  @Test
  void aGrowingBacklogFiresAnAlertThatReachesTheChannelWithARollbackOffer(@TempDir Path work) throws Exception {
    Vertx vertx = Vertx.vertx();
    AtomicReference<Double> behind = new AtomicReference<>(2.0);
    HttpServer exporter = vertx.createHttpServer().requestHandler(r -> r.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4")
        .end("# TYPE gim_kafka_timestamp_behind gauge\ngim_kafka_timestamp_behind " + behind.get() + "\n"))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work.resolve("sandbox"))) {
      String yaml = "slack:\n  botToken: xoxb-test\n  signingSecret: real-am-secret\n  apiUrl: '" + slack.apiUrl()
          + "'\n  httpPort: 0\n  host: 127.0.0.1\nalerts:\n  bearerToken: am-secret-token\n  recentChange: 2h\n";
      Bot bot = sandbox.botWithChannel("am-bot", SandboxWorld.Pace.TEST, "C0GIMOPS", yaml);
      SandboxBots.awaitLeading(bot);
      var o = bot.orchestrator();
      Operation up = ((Submission.Accepted) SandboxBots.join(o.submit(Request.of("r-1", OPERATOR, "C0GIMOPS",
          SandboxWorld.ENVIRONMENT, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))))).operation();
      SandboxBots.join(o.confirm(up.id(), "r-2", OPERATOR, Confirmations.confirmedBy(OPERATOR)));
      SandboxBots.awaitState(o, up.id(), OperationState.SUCCEEDED);
      await().atMost(Duration.ofSeconds(10)).until(() -> o.environment(SandboxWorld.ENVIRONMENT).orElseThrow()
          .observer().releases().get(ServiceKind.GIM).latestRevision().orElse(0) == 2);

      int port = bot.slack().orElseThrow().httpPort().orElseThrow();
      try (LocalAlertmanager am = LocalAlertmanager.start(work.resolve("am"),
              "http://127.0.0.1:" + port + "/alerts/alertmanager", "am-secret-token");
           LocalPrometheus prometheus = LocalPrometheus.start(work.resolve("prom"),
              Map.of("gim", List.of("127.0.0.1:" + exporter.actualPort())), Duration.ofSeconds(1), RULES,
              am.address())) {
        long grow = vertx.setPeriodic(250, t -> behind.updateAndGet(v -> v + 0.5));
        await().atMost(Duration.ofSeconds(60)).until(() -> slack.calls("chat.postMessage").stream()
            .anyMatch(c -> c.param("text").contains("GimBacklogGrowing")));
        vertx.cancelTimer(grow);
        FakeSlack.Call alert = slack.calls("chat.postMessage").stream()
            .filter(c -> c.param("text").contains("GimBacklogGrowing")).findFirst().orElseThrow();
        assertThat(alert.param("channel")).isEqualTo("C0GIMOPS");
        assertThat(alert.param("text")).startsWith("FIRING");
        assertThat(alert.param("blocks")).contains("gim_kafka_timestamp_behind is growing", "Roll back gim to revision 1");
        assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"alert\"") && l.contains("GimBacklogGrowing"));
      }
    } finally {
      vertx.close();
    }
  }
}
