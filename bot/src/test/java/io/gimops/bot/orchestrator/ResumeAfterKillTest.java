package io.gimops.bot.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.StepRecord;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.BotProcess;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.sandbox.charts.SampleCharts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule 4 across restarts and "killed at any point of an upgrade cycle, the bot resumes": the bot
 * runs as its own process, is killed with SIGKILL (no graceful stop) during GIM's helm upgrade,
 * during verification, and between two steps; a new instance takes the lead, reconciles the
 * journal with Helm's history and finishes the cycle, with exactly one helm upgrade per release
 * (counted by a wrapper around helm, and by the release revisions).
 */
class ResumeAfterKillTest {

  static final Duration AWAIT = Duration.ofSeconds(120);

  @Test
  void killedDuringGimsHelmUpgrade(@TempDir Path work) {
    killAndResume(work, SandboxWorld.Pace.TEST, (sandbox, op) ->
        sandbox.world().api().client().secrets().inNamespace("gim").withName("sh.helm.release.v1.gim.v2").get() != null);
  }

  @Test
  void killedDuringVerification(@TempDir Path work) {
    killAndResume(work, SandboxWorld.Pace.TEST, (sandbox, op) -> op.isPresent()
        && op.get().state() == OperationState.VERIFYING);
  }

  @Test
  void killedBetweenTwoSteps(@TempDir Path work) {
    // A pause after each verified service makes "between two steps" a moment the test can hit.
    killAndResume(work, SandboxWorld.Pace.TEST.settling("4s"), (sandbox, op) -> op.isPresent()
        && op.get().steps().stream().anyMatch(s -> s.step() instanceof PlanStep.Verify && s.done())
        && op.get().steps().stream().filter(s -> s.step().service() == ServiceKind.GSP)
            .allMatch(s -> s.status() == StepRecord.Status.PENDING));
  }

  interface Moment {
    boolean reached(SandboxBots sandbox, Optional<Operation> op);
  }

  private static void killAndResume(Path work, SandboxWorld.Pace pace, Moment moment) {
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      Path config1 = sandbox.writeConfig("bot-1", pace);
      Path config2 = sandbox.writeConfig("bot-2", pace);
      try (BotProcess first = BotProcess.start(config1, work.resolve("bot-1.log"))) {
        first.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        awaitLeader(sandbox, "bot-1");
        first.type("/gim upgrade all");
        first.awaitLine(l -> l.contains("Type `confirm`"), Duration.ofSeconds(30));
        first.type("confirm");
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(10)).until(() -> moment.reached(sandbox, sandbox.journaledCycle()));
        first.kill();
      }
      Operation atKill = sandbox.journaledCycle().orElseThrow();
      assertThat(atKill.state().ended()).as("killed before the end").isFalse();

      try (BotProcess second = BotProcess.start(config2, work.resolve("bot-2.log"))) {
        second.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        await().atMost(AWAIT).pollInterval(Duration.ofMillis(200)).until(() ->
            sandbox.journaledCycle().map(o -> o.state().ended()).orElse(false));
        Operation end = sandbox.journaledCycle().orElseThrow();
        assertThat(end.state()).as(end.outcome().orElse("") + "\n" + second.stdout()).isEqualTo(OperationState.SUCCEEDED);
        second.awaitLine(l -> l.contains("Resuming operation " + end.id()), Duration.ofSeconds(5));
        second.awaitLine(l -> l.contains("[" + end.id() + "] SUCCEEDED"), Duration.ofSeconds(5));
      }

      for (String release : List.of("gim", "gim-monitoring", "gsp", "gca", "gca-monitoring")) {
        assertThat(sandbox.upgradesOf(release)).as("helm upgrade calls for " + release + ": " + sandbox.helmCalls())
            .isEqualTo(1);
      }
      for (ServiceKind k : ServiceKind.values()) {
        var h = sandbox.history(k.id(), k.id());
        List<io.gimops.policies.domain.Version> versions = SampleCharts.versions(k.id());
        assertThat(h.latestRevision()).as(k.id() + " revisions").hasValue(2);
        assertThat(h.status()).isEqualTo(HelmStatus.DEPLOYED);
        assertThat(h.version()).as("the newest published release").contains(versions.get(versions.size() - 2));
      }
    }
  }

  private static void awaitLeader(SandboxBots sandbox, String replica) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      var lease = sandbox.world().api().client().leases().inNamespace("gimops").withName("gimops-leader").get();
      return lease != null && replica.equals(lease.getSpec().getHolderIdentity());
    });
  }
}
