package io.gimops.bot.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.adapters.helm.HelmConfig;
import io.gimops.adapters.helm.HelmExecutor;
import io.gimops.bot.journal.ConfigMapJournal;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.PinnedHelm;
import io.gimops.sandbox.kubelet.Failure;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bot finds when it takes the lead: a release another helm client left in
 * {@code pending-*} (reported with its remedy), an operation still waiting for confirmation
 * (kept), and ended operations past the journal's retention (forgotten).
 */
class RecoveryTest {

  static final Actor OPERATOR = Actor.of("console-operator", "Olivia Operator");

  @Test
  void onTakingTheLeadTheBotReportsStuckReleasesKeepsWaitingOperationsAndForgetsOldOnes(@TempDir Path work)
      throws Exception {
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      // A helm client dies (SIGKILL) in the middle of `upgrade --wait`: GCA stays pending-upgrade.
      Version next = sandbox.world().catalog().latest(ServiceKind.GCA).orElseThrow().version();
      sandbox.world().controller().inject(ServiceKind.GCA, next, Failure.STUCK_PENDING);
      HelmExecutor helm = new HelmExecutor(new HelmConfig(PinnedHelm.binary(), Optional.of(sandbox.world().api().kubeconfig()),
          Optional.empty(), sandbox.world().charts().dir(), sandbox.world().charts().dir(), Duration.ofSeconds(30),
          List.of("--wait"), Bot.helmHomes(work.resolve("other-client"))));
      CompletableFuture.runAsync(() -> helm.run(new PlanStep.HelmUpgrade(ServiceKind.GCA, "gca", "gca", next,
          Optional.of("gca-values.yaml"), "gca", Optional.of(Duration.ofMinutes(5)), Optional.empty()), line -> { }));
      await().atMost(Duration.ofSeconds(30)).until(() -> sandbox.history("gca", "gca").pending().isPresent());
      ProcessHandle.current().descendants().filter(p -> p.info().command().orElse("").endsWith("helm"))
          .forEach(ProcessHandle::destroyForcibly);

      // The journal holds an operation waiting for confirmation and one that ended long ago.
      ConfigMapJournal journal = new ConfigMapJournal(sandbox.world().api().client(), "gimops");
      Instant longAgo = Instant.now().minus(Duration.ofDays(40));
      Operation waiting = new Operation("op-wait22", "key-wait", SandboxWorld.ENVIRONMENT, SandboxWorld.CHANNEL, OPERATOR,
          LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), OperationState.AWAITING_CONFIRMATION, Optional.empty(),
          List.of(), List.of(), Confirmations.NONE, List.of(), Instant.now(), Instant.now(), Optional.empty(),
          Optional.of("waiting for confirmation"), List.of(), Optional.empty());
      Operation old = new Operation("op-old222", "key-old", SandboxWorld.ENVIRONMENT, SandboxWorld.CHANNEL, OPERATOR,
          LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP), OperationState.SUCCEEDED, Optional.empty(), List.of(),
          List.of(), Confirmations.NONE, List.of(), longAgo, longAgo, Optional.empty(), Optional.of("done"),
          List.of(), Optional.empty());
      journal.save(waiting);
      journal.save(old);

      Bot bot = sandbox.bot("bot-r", SandboxWorld.Pace.TEST);
      SandboxBots.awaitLeading(bot);
      await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.auditLines().stream()
          .anyMatch(l -> l.contains("stuck in pending-upgrade") && l.contains("helm rollback gca 1")));
      await().atMost(Duration.ofSeconds(10)).until(() -> bot.orchestrator().operation("op-wait22").isPresent());
      assertThat(bot.orchestrator().operation("op-old222")).isEmpty();
      assertThat(journal.load()).extracting(Operation::id).contains("op-wait22").doesNotContain("op-old222");
      // The same key still finds the operation it created.
      Submission again = SandboxBots.join(bot.orchestrator().submit(Request.of("key-wait", OPERATOR,
          SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))));
      assertThat(((Submission.Accepted) again).operation().id()).isEqualTo("op-wait22");
      // While GCA is stuck, rule 2 refuses upgrades and says why.
      Submission refused = SandboxBots.join(bot.orchestrator().submit(Request.of("key-new", OPERATOR,
          SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT, new LifecycleRequest.UpgradeCycle())));
      assertThat(refused).isInstanceOf(Submission.Refused.class);
      assertThat(((Submission.Refused) refused).message()).contains("gca");
      helm.close();
    }
  }

}
