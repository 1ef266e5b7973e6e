package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.BotProcess;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SignedSlack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Every story ends": the bot, as its own process and talking to a local fake of Slack, is killed
 * with SIGKILL during GSP's helm upgrade in a cycle confirmed from Slack; a new process against
 * the same cluster resumes the cycle and finishes the story in the same messages: the progress
 * message posted by the first process is updated to its final state, and the notifications
 * channel gets exactly one final report.
 */
class SlackStoryAfterKillTest {

  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static final String CHANNEL = "C0GIMOPS";
  static final Duration AWAIT = Duration.ofSeconds(120);

  @Test
  void killedDuringGspsHelmCallTheResumedCycleEndsItsStoryOnce(@TempDir Path work) throws Exception {
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work)) {
      int port = freePort();
      Path config1 = config(sandbox, slack, "story-1", port, work);
      Path config2 = config(sandbox, slack, "story-2", port, work);
      SignedSlack signed = new SignedSlack(port, SECRET, slack);
      try (BotProcess first = BotProcess.start(config1, work.resolve("story-1.log"))) {
        first.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> signed.send(signed.slashCommand("console-operator", CHANNEL,
            "status")).body().contains("in_channel"));
        signed.send(signed.slashCommand("console-operator", CHANNEL, "upgrade all"));
        await().atMost(AWAIT).until(() -> sandbox.journaledCycle().map(o -> o.state() == OperationState.AWAITING_CONFIRMATION)
            .orElse(false) && slack.calls("chat.postMessage").stream().anyMatch(c -> c.param("blocks").contains("gimops.confirm")));
        Operation waiting = sandbox.journaledCycle().orElseThrow();
        signed.send(signed.buttonClick("console-operator", CHANNEL, SlackBlocks.CONFIRM, waiting.id()));
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(10)).until(() -> sandbox.world().api().client().secrets()
            .inNamespace("gsp").withName("sh.helm.release.v1.gsp.v2").get() != null);
        first.kill();
      }
      Operation atKill = sandbox.journaledCycle().orElseThrow();
      assertThat(atKill.state().ended()).as("killed before the end").isFalse();
      assertThat(atKill.posted()).as("the first process journaled its progress message").containsKey(SlackFrontEnd.PROGRESS);
      String progressTs = atKill.posted().get(SlackFrontEnd.PROGRESS).split(" ")[1];

      try (BotProcess second = BotProcess.start(config2, work.resolve("story-2.log"))) {
        second.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(200)).until(() ->
            sandbox.journaledCycle().map(o -> o.state().ended()).orElse(false));
        Operation end = sandbox.journaledCycle().orElseThrow();
        assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
        // The progress message the first process posted reaches its final state, in place.
        await().atMost(Duration.ofSeconds(30)).until(() -> slack.calls("chat.update").stream()
            .anyMatch(c -> progressTs.equals(c.param("ts")) && c.param("text").contains("succeeded")));
        // One final report, however the story was split between two processes.
        await().atMost(Duration.ofSeconds(30)).until(() -> reports(slack, end.id()).size() == 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> reports(slack, end.id()).size() == 1);
        assertThat(sandbox.journaledCycle().orElseThrow().posted()).containsKey(SlackFrontEnd.FINAL + "succeeded");
      }
      assertThat(sandbox.upgradesOf("gsp")).as("no second helm upgrade of gsp: " + sandbox.helmCalls()).isEqualTo(1);
      assertThat(slack.calls("chat.postMessage").stream().filter(c -> CHANNEL.equals(c.param("channel"))
          && c.param("thread_ts").isEmpty() && c.param("text").startsWith(atKill.id() + " upgrade all")).count())
          .as("one progress message").isEqualTo(1);
    }
  }

  private static List<FakeSlack.Call> reports(FakeSlack slack, String opId) {
    return slack.calls("chat.postMessage").stream().filter(c -> "C0NOTIFY".equals(c.param("channel"))
        && c.param("text").startsWith(opId)).toList();
  }

  private static Path config(SandboxBots sandbox, FakeSlack slack, String replica, int port, Path work) {
    String yaml = sandbox.config(replica, SandboxWorld.Pace.TEST)
        .replace("channels: [" + SandboxWorld.CHANNEL + "]", "channels: [" + SandboxWorld.CHANNEL + ", " + CHANNEL + "]")
        + slack.httpConfigYaml(SECRET, port);
    Path f = work.resolve(replica + ".yaml");
    try {
      Files.writeString(f, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  private static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
