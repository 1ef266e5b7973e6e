package io.gimops.bot.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.BotProcess;
import io.gimops.bot.testing.SandboxBots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM during GIM's helm upgrade, the bot as its own process: it refuses new work, lets the
 * helm call end within {@code shutdownGrace}, releases the leader Lease and exits 0 within the
 * grace; a second bot then leads at once, resumes the cycle from the journal and ends it with
 * exactly one helm upgrade per release.
 */
class StopOnSigtermTest {

  static final Duration GRACE = Duration.ofSeconds(30);

  @Test
  void sigtermDuringGimsHelmCall_exits0_releasesTheLease_andTheNextBotFinishes(@TempDir Path work) throws Exception {
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      Path config1 = sandbox.writeConfig("bot-1", SandboxWorld.Pace.TEST);
      Files.writeString(config1, Files.readString(config1) + "shutdownGrace: " + GRACE.toSeconds() + "s\n");
      Path config2 = sandbox.writeConfig("bot-2", SandboxWorld.Pace.TEST);
      List<String> firstSaid;
      try (BotProcess first = BotProcess.start(config1, work.resolve("bot-1.log"))) {
        first.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> "bot-1".equals(holder(sandbox)));
        first.type("/gim upgrade all");
        first.awaitLine(l -> l.contains("Type `confirm`"), Duration.ofSeconds(30));
        first.type("confirm");
        // GIM's helm upgrade has begun: its release's second revision is being written.
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(10)).until(() -> sandbox.world().api()
            .client().secrets().inNamespace("gim").withName("sh.helm.release.v1.gim.v2").get() != null);
        long t0 = System.nanoTime();
        first.terminate();
        assertThat(first.awaitExit(GRACE.plusSeconds(15))).as("exit status").isEqualTo(0);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(GRACE.plusSeconds(15));
        firstSaid = first.stdout().stream().filter(l -> !l.startsWith("{")).toList();
      }
      Lease lease = sandbox.world().api().client().leases().inNamespace("gimops").withName("gimops-leader").get();
      String holder = lease.getSpec().getHolderIdentity();
      ZonedDateTime renewed = lease.getSpec().getRenewTime();
      // fabric8's release keeps the holder and cuts the Lease to 1 s from now: the standby takes it at once.
      assertThat(holder == null || holder.isEmpty() || lease.getSpec().getLeaseDurationSeconds() <= 1)
          .as("the Lease is released: holder " + holder + ", renewed " + renewed + "; the bot said " + firstSaid + "; its log:\n"
              + String.join("\n", Files.readAllLines(work.resolve("bot-1.log")).stream()
                  .filter(l -> !l.startsWith("\tat ")).toList())).isTrue();
      Operation atStop = sandbox.journaledCycle().orElseThrow();
      assertThat(atStop.state().ended()).as("stopped before the end").isFalse();

      try (BotProcess second = BotProcess.start(config2, work.resolve("bot-2.log"))) {
        second.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() ->
            sandbox.journaledCycle().map(o -> o.state().ended()).orElse(false));
        Operation end = sandbox.journaledCycle().orElseThrow();
        assertThat(end.state()).as(end.outcome().orElse("") + "\n" + second.stdout()).isEqualTo(OperationState.SUCCEEDED);
      }
      for (String release : List.of("gim", "gim-monitoring", "gsp", "gca", "gca-monitoring")) {
        assertThat(sandbox.upgradesOf(release)).as("helm upgrade calls for " + release + ": " + sandbox.helmCalls())
            .isEqualTo(1);
      }
    }
  }

  private static String holder(SandboxBots sandbox) {
    Lease l = sandbox.world().api().client().leases().inNamespace("gimops").withName("gimops-leader").get();
    return l == null ? null : l.getSpec().getHolderIdentity();
  }
}
