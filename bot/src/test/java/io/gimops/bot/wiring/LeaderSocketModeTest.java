package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import io.gimops.bot.testing.FakeSlack;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * One replica's Socket Mode across several terms of leadership, against the local Socket Mode
 * server (FakeSlack; no real Slack can be reached here) with Bolt's real client. The leadership
 * flag is driven directly here (the election itself is SocketModeReplicasTest's): the same client
 * disconnects when the lead is lost, stays disconnected, and opens a new connection
 * ({@code apps.connections.open} again) when the lead comes back.
 */
class LeaderSocketModeTest {

  static final Duration AWAIT = Duration.ofSeconds(30);

  @Test
  void connectsOnlyWhileLeadingAcrossTerms() {
    try (FakeSlack slack = new FakeSlack()) {
      SlackConfig config = new SlackConfig();
      config.setMethodsEndpointUrlPrefix(slack.apiUrl());
      App app = new App(AppConfig.builder().slack(Slack.getInstance(config)).singleTeamBotToken("xoxb-test-token")
          .signingSecret("socket-mode-only").build());
      AtomicBoolean leading = new AtomicBoolean();
      LeaderSocketMode socket = new LeaderSocketMode("xapp-test-token", app, leading::get);
      try {
        socket.followNow();
        assertThat(socket.connected()).as("a standby does not connect").isFalse();
        assertThat(slack.calls("apps.connections.open")).isEmpty();

        int opened = 0;
        for (int term = 1; term <= 3; term++) {
          leading.set(true);
          socket.follow();
          await().atMost(AWAIT).until(() -> socket.connected() && slack.openSockets() == 1);
          // Each term asks Slack for a new endpoint (Bolt's first start asks twice: its client's
          // constructor issues one URL, and its start connects to a fresh one).
          assertThat(slack.calls("apps.connections.open")).as("term " + term).hasSizeGreaterThan(opened);
          opened = slack.calls("apps.connections.open").size();

          leading.set(false);
          socket.follow();
          socket.follow();
          await().atMost(AWAIT).until(() -> !socket.connected() && slack.openSockets() == 0);
        }
        // Settled: a follow() queued behind the last stand-down changes nothing.
        socket.followNow();
        assertThat(slack.openSockets()).isZero();
        assertThat(slack.calls("apps.connections.open")).hasSize(opened);
      } finally {
        socket.close();
      }
      assertThat(slack.openSockets()).isZero();
    }
  }
}
