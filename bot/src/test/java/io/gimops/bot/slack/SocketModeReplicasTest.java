package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket Mode with two replicas. Slack hands each envelope of an app to one of its open
 * connections; the local Socket Mode server here (FakeSlack: {@code apps.connections.open}, a
 * WebSocket on loopback, {@code hello}, acks; no real Slack can be reached) spreads them
 * round-robin over every open connection. Two full bots share one embedded API server, each with
 * its own Leadership: only the leader holds a connection, so every command reaches the replica
 * that acts; when the leader stops, the standby takes the lead and connects, and the next
 * commands act on it.
 */
class SocketModeReplicasTest {

  static final String CHANNEL = "C0GIMOPS";
  static final Duration AWAIT = Duration.ofSeconds(60);
  /**
   * Who sends the commands: a viewer's {@code upgrade all} is decided by the replica that leads
   * (refused by rule 12, answered on the response URL, audited as one decision) and runs no helm,
   * so a hundred of them take seconds; on a standby it is answered "try again" and not decided.
   */
  static final String VIEWER = "console-viewer";

  @Test
  void onlyTheLeaderHoldsTheConnectionSoEveryCommandActsOnceAndNoneIsAnsweredTryAgain(@TempDir Path work) {
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work)) {
      String yaml = "slack:\n  botToken: xoxb-test-token\n  appToken: xapp-test-token\n  apiUrl: '" + slack.apiUrl()
          + "'\n  notificationsChannel: C0NOTIFY\n";
      Bot first = sandbox.botWithChannel("replica-a", SandboxWorld.Pace.TEST, CHANNEL, yaml);
      SandboxBots.awaitLeading(first);
      Bot second = sandbox.botWithChannel("replica-b", SandboxWorld.Pace.TEST, CHANNEL, yaml);
      await().atMost(AWAIT).until(slack::socketConnected);
      await().atMost(AWAIT).until(() -> second.leader().filter("replica-a"::equals).isPresent());

      List<String> batch = send(slack, "a", 100);
      Map<String, List<String>> acks = awaitAcks(slack, batch);
      Map<String, List<FakeSlack.Call>> answers = awaitAnswers(slack, batch);
      long tryAgain = answers.values().stream().flatMap(List::stream)
          .filter(c -> c.param("text").contains("is a standby")).count();
      System.out.println("socket mode, two replicas: " + tryAgain + " of " + batch.size()
          + " commands answered 'try again'; open connections " + slack.openSockets());
      assertThat(tryAgain).as("commands answered 'try again' by the standby").isZero();
      assertThat(acks.values()).as("each envelope acknowledged once").allSatisfy(a -> assertThat(a).hasSize(1));
      assertThat(answers.values()).as("each command answered once").allSatisfy(a -> assertThat(a).hasSize(1));
      assertThat(slack.openSockets()).as("only the leader is connected").isEqualTo(1);
      assertThat(answers.values()).allSatisfy(a -> assertThat(a.get(0).param("text")).contains("Refused", "rule 12"));
      await().atMost(AWAIT).until(() -> decisions(sandbox) >= batch.size());
      assertThat(decisions(sandbox)).as("each command decided once").isEqualTo(batch.size());

      // The leader stops: it disconnects and hands the Lease over; the standby leads and connects.
      long stopped = System.nanoTime();
      first.stop(Duration.ofSeconds(5));
      SandboxBots.awaitLeading(second);
      await().atMost(AWAIT).until(() -> slack.openSockets() == 1 && second.slack().orElseThrow().socketModeConnected());
      System.out.println("socket mode, failover: the standby connected " + (System.nanoTime() - stopped) / 1_000_000
          + " ms after the leader stopped");

      List<String> after = send(slack, "b", 10);
      Map<String, List<String>> acksAfter = awaitAcks(slack, after);
      Map<String, List<FakeSlack.Call>> answersAfter = awaitAnswers(slack, after);
      assertThat(acksAfter.values()).allSatisfy(a -> assertThat(a).hasSize(1));
      assertThat(answersAfter.values()).allSatisfy(a -> assertThat(a).hasSize(1)
          .noneMatch(c -> c.param("text").contains("is a standby")));
      await().atMost(AWAIT).until(() -> decisions(sandbox) >= batch.size() + after.size());
      assertThat(decisions(sandbox)).isEqualTo(batch.size() + after.size());
    }
  }

  @Test
  void aLeaderThatLosesTheLeadWithoutStoppingDisconnectsAndTheNewLeaderConnects(@TempDir Path work) {
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work)) {
      String yaml = "slack:\n  botToken: xoxb-test-token\n  appToken: xapp-test-token\n  apiUrl: '" + slack.apiUrl()
          + "'\n  notificationsChannel: C0NOTIFY\n";
      Bot first = sandbox.botWithChannel("replica-a", SandboxWorld.Pace.TEST, CHANNEL, yaml);
      SandboxBots.awaitLeading(first);
      Bot second = sandbox.botWithChannel("replica-b", SandboxWorld.Pace.TEST, CHANNEL, yaml);
      await().atMost(AWAIT).until(() -> first.slack().orElseThrow().socketModeConnected());

      // As a leader cut off from the API server: it stops renewing and stands down, still running.
      long lost = System.nanoTime();
      first.abandonLeadership();
      await().atMost(AWAIT).until(() -> !first.slack().orElseThrow().socketModeConnected());
      SandboxBots.awaitLeading(second);
      await().atMost(AWAIT).until(() -> slack.openSockets() == 1 && second.slack().orElseThrow().socketModeConnected());
      System.out.println("socket mode, lost lead: the new leader connected " + (System.nanoTime() - lost) / 1_000_000
          + " ms after the old one stopped renewing (Lease 10 s + retry 2 s)");
      assertThat(first.slack().orElseThrow().socketModeConnected()).as("the old leader stays disconnected").isFalse();

      List<String> after = send(slack, "c", 10);
      assertThat(awaitAcks(slack, after).values()).allSatisfy(a -> assertThat(a).hasSize(1));
      assertThat(awaitAnswers(slack, after).values()).allSatisfy(a -> assertThat(a).hasSize(1)
          .noneMatch(c -> c.param("text").contains("is a standby")));
      await().atMost(AWAIT).until(() -> decisions(sandbox) >= after.size());
      assertThat(decisions(sandbox)).isEqualTo(after.size());
    }
  }

  /** The viewer's commands decided so far, by either replica (both write the same audit file). */
  private static long decisions(SandboxBots sandbox) {
    return sandbox.auditLines().stream().filter(l -> l.contains("\"kind\":\"decision\"") && l.contains(VIEWER)).count();
  }

  /** Sends {@code n} slash commands ({@code /gim upgrade all}), each with its own trigger; returns their ids. */
  private static List<String> send(FakeSlack slack, String batch, int n) {
    List<String> ids = IntStream.range(0, n).mapToObj(i -> "sm-" + batch + "-" + i).toList();
    for (String id : ids) {
      JsonObject payload = new JsonObject().put("token", "unused").put("team_id", "T0GIMOPS").put("channel_id", CHANNEL)
          .put("user_id", VIEWER).put("user_name", "vera").put("command", "/gim").put("text", "upgrade all")
          .put("api_app_id", "A0GIMOPS").put("response_url", slack.responseUrl(id)).put("trigger_id", "trigger-" + id);
      slack.sendEnvelope(new JsonObject().put("envelope_id", "env-" + id).put("type", "slash_commands")
          .put("accepts_response_payload", true).put("payload", payload));
    }
    return ids;
  }

  private static Map<String, List<String>> awaitAcks(FakeSlack slack, List<String> ids) {
    Function<String, List<String>> acksOf = id -> slack.socketReceived().stream()
        .filter(m -> new JsonObject(m).getString("envelope_id", "").equals("env-" + id)).toList();
    await().atMost(AWAIT).until(() -> ids.stream().allMatch(id -> !acksOf.apply(id).isEmpty()));
    return ids.stream().collect(Collectors.toMap(id -> id, acksOf));
  }

  private static Map<String, List<FakeSlack.Call>> awaitAnswers(FakeSlack slack, List<String> ids) {
    Function<String, List<FakeSlack.Call>> answersOf = slack::responses;
    await().atMost(AWAIT).until(() -> ids.stream().allMatch(id -> !answersOf.apply(id).isEmpty()));
    return ids.stream().collect(Collectors.toMap(id -> id, answersOf));
  }
}
