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
import io.gimops.bot.testing.SignedSlack;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alertmanager's webhook (version 4) into the channel: authenticated, validated, one message per
 * group, deduplicated by fingerprint, resolved alerts updating the original message, and a
 * rollback offer naming the revision to return to for a service changed recently; clicking it
 * rolls back. Alertmanager itself is stood in for by the requests it sends (its payload format).
 */
class AlertWebhookTest {

  static final Actor OPERATOR = Actor.of("console-operator", "Olivia Operator");
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void alertsBecomeOneMessagePerGroupWithARollbackOffer(@TempDir Path work) throws Exception {
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work)) {
      String yaml = "slack:\n  botToken: xoxb-test\n  signingSecret: alert-test-secret\n  apiUrl: '" + slack.apiUrl()
          + "'\n  httpPort: 0\n  host: 127.0.0.1\nalerts:\n  bearerToken: am-token\n  recentChange: 2h\n"
          + "  maxBodyBytes: 8192\n";
      Bot bot = sandbox.botWithChannel("alert-bot", SandboxWorld.Pace.TEST, "C0GIMOPS", yaml);
      SandboxBots.awaitLeading(bot);
      int port = bot.slack().orElseThrow().httpPort().orElseThrow();

      // GSP changes: revision 2 on top of revision 1.
      var o = bot.orchestrator();
      Operation up = ((Submission.Accepted) SandboxBots.join(o.submit(Request.of("a-1", OPERATOR, "C0GIMOPS",
          SandboxWorld.ENVIRONMENT, LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP))))).operation();
      SandboxBots.join(o.confirm(up.id(), "a-2", OPERATOR, Confirmations.confirmedBy(OPERATOR)));
      SandboxBots.awaitState(o, up.id(), OperationState.SUCCEEDED);
      await().atMost(Duration.ofSeconds(10)).until(() -> o.environment(SandboxWorld.ENVIRONMENT).orElseThrow()
          .observer().releases().get(ServiceKind.GSP).latestRevision().orElse(0) == 2);
      int postsBefore = slack.calls("chat.postMessage").size();

      String firing = notification("firing", "firing", "firing").encode();
      assertThat(post(port, firing, null).statusCode()).isEqualTo(401);
      assertThat(post(port, firing, "Bearer wrong").statusCode()).isEqualTo(401);
      HttpResponse<String> badVersion = post(port, firing.replace("\"version\":\"4\"", "\"version\":\"3\""), "Bearer am-token");
      assertThat(badVersion.statusCode()).isEqualTo(400);
      assertThat(badVersion.body()).contains("version 4");
      assertThat(post(port, "{not json", "Bearer am-token").statusCode()).isEqualTo(400);
      assertThat(post(port, "x".repeat(9000), "Bearer am-token").statusCode()).isEqualTo(413);

      assertThat(post(port, firing, "Bearer am-token").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("chat.postMessage").stream()
          .anyMatch(c -> c.param("text").startsWith("FIRING (2)")));
      FakeSlack.Call message = slack.calls("chat.postMessage").stream()
          .filter(c -> c.param("text").startsWith("FIRING (2)")).findFirst().orElseThrow();
      assertThat(message.param("channel")).isEqualTo("C0GIMOPS");
      assertThat(message.param("blocks")).contains("GspLagging", "GimBacklogGrowing", "Roll back gsp to revision 1",
          AlertIntake.ROLLBACK_ACTION);

      // Alertmanager repeats the notification: nothing new.
      assertThat(post(port, firing, "Bearer am-token").statusCode()).isEqualTo(200);
      // Then both resolve: the original message is updated, no new one is posted.
      assertThat(post(port, notification("resolved", "resolved", "resolved").encode(), "Bearer am-token").statusCode())
          .isEqualTo(200);
      await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("chat.update").stream()
          .anyMatch(c -> c.param("text").startsWith("RESOLVED")));
      assertThat(slack.calls("chat.update").stream().filter(c -> c.param("text").startsWith("RESOLVED")).findFirst()
          .orElseThrow().param("ts")).isNotBlank();
      assertThat(slack.calls("chat.postMessage").stream().filter(c -> c.param("text").contains("GspLagging")
          || c.param("text").contains("RESOLVED"))).hasSize(1);
      // Each alert audited when it arrived and when it resolved; the repeat changed nothing.
      assertThat(sandbox.auditLines()).filteredOn(l -> l.contains("\"kind\":\"alert\"")).hasSize(4)
          .satisfies(l -> assertThat(l).filteredOn(x -> x.contains("\"outcome\":\"firing\"")).hasSize(2))
          .satisfies(l -> assertThat(l).filteredOn(x -> x.contains("\"outcome\":\"resolved\"")).hasSize(2));
      assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"rejected\"") && l.contains("version 4"));

      // The offer, clicked (twice): a request for one rollback of gsp to revision 1, which asks for
      // confirmation like /gim rollback and runs once confirmed.
      SignedSlack signed = new SignedSlack(port, "alert-test-secret", slack);
      signed.send(signed.buttonClick(OPERATOR.userId(), "C0GIMOPS", AlertIntake.ROLLBACK_ACTION, "sandbox|gsp|1"));
      signed.send(signed.buttonClick(OPERATOR.userId(), "C0GIMOPS", AlertIntake.ROLLBACK_ACTION, "sandbox|gsp|1"));
      await().atMost(Duration.ofSeconds(20)).until(() -> o.operations().stream()
          .anyMatch(op -> op.request() instanceof LifecycleRequest.Rollback));
      Operation rollback = o.operations().stream().filter(op -> op.request() instanceof LifecycleRequest.Rollback)
          .findFirst().orElseThrow();
      assertThat(rollback.state()).isEqualTo(OperationState.AWAITING_CONFIRMATION);
      assertThat(sandbox.helmCalls()).noneMatch(c -> c.startsWith("rollback"));
      signed.send(signed.buttonClick(OPERATOR.userId(), "C0GIMOPS", "gimops.confirm", rollback.id()));
      Operation end = SandboxBots.awaitState(o, rollback.id(), OperationState.SUCCEEDED, OperationState.FAILED);
      assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
      assertThat(o.operations().stream().filter(op -> op.request() instanceof LifecycleRequest.Rollback)).hasSize(1);
      assertThat(slack.calls("chat.postMessage").size()).isGreaterThan(postsBefore);
    }
  }

  static JsonObject notification(String status, String gspStatus, String gimStatus) {
    return new JsonObject().put("version", "4").put("groupKey", "{}:{environment=\"sandbox\"}").put("status", status)
        .put("receiver", "gimops").put("groupLabels", new JsonObject().put("environment", "sandbox"))
        .put("commonLabels", new JsonObject().put("environment", "sandbox")).put("externalURL", "http://alertmanager")
        .put("alerts", new JsonArray()
            .add(alert(gspStatus, "GspLagging", "gsp", "fp-gsp-1", "GSP is falling behind"))
            .add(alert(gimStatus, "GimBacklogGrowing", "gim", "fp-gim-1", "gim_kafka_timestamp_behind is growing")));
  }

  static JsonObject alert(String status, String name, String service, String fingerprint, String summary) {
    return new JsonObject().put("status", status)
        .put("labels", new JsonObject().put("alertname", name).put("service", service).put("environment", "sandbox"))
        .put("annotations", new JsonObject().put("summary", summary))
        .put("startsAt", "2026-11-22T10:00:00Z").put("endsAt", "0001-01-01T00:00:00Z")
        .put("fingerprint", fingerprint).put("generatorURL", "http://prometheus/graph");
  }

  static HttpResponse<String> post(int port, String body, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts/alertmanager"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
