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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Socket Mode, so no public URL is needed: the bot opens the connection Slack's
 * {@code apps.connections.open} names (a local WebSocket server here, standing in for Slack) and
 * answers a slash command's envelope with its acknowledgement.
 */
class SocketModeTest {

  @Test
  void aSlashCommandOverSocketModeIsAnswered(@TempDir Path work) {
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work)) {
      String yaml = "slack:\n  botToken: xoxb-test-token\n  appToken: xapp-test-token\n  apiUrl: '" + slack.apiUrl() + "'\n";
      Bot bot = sandbox.botWithChannel("socket-bot", SandboxWorld.Pace.TEST, "C0GIMOPS", yaml);
      SandboxBots.awaitLeading(bot);
      assertThat(bot.slack().orElseThrow().httpPort()).as("no HTTP endpoint without a signing secret").isEmpty();
      await().atMost(Duration.ofSeconds(20)).until(slack::socketConnected);
      assertThat(slack.calls("apps.connections.open")).isNotEmpty();

      JsonObject payload = new JsonObject().put("token", "unused").put("team_id", "T0GIMOPS").put("channel_id", "C0GIMOPS")
          .put("user_id", "console-operator").put("user_name", "olivia").put("command", "/gim").put("text", "status")
          .put("api_app_id", "A0GIMOPS").put("response_url", slack.responseUrl("sm-1")).put("trigger_id", "sm-trigger-1");
      slack.sendEnvelope(new JsonObject().put("envelope_id", "env-1").put("type", "slash_commands")
          .put("accepts_response_payload", true).put("payload", payload));

      await().atMost(Duration.ofSeconds(20)).until(() -> slack.socketReceived().stream().anyMatch(m -> m.contains("env-1")));
      String ack = slack.socketReceived().stream().filter(m -> m.contains("env-1")).findFirst().orElseThrow();
      assertThat(ack).contains("in_channel", "gim", "gsp", "gca");
    }
  }
}
