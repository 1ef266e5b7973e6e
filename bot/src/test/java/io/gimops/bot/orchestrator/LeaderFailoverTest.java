package io.gimops.bot.orchestrator;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.awaitState;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.StepRecord;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two replicas, one leader (a fabric8 LeaderElector on a Lease): the standby runs nothing; when
 * the leader stops renewing (it crashed) the standby takes over within 15 s, reloads the journal
 * and finishes the running cycle, with one helm upgrade per release.
 */
class LeaderFailoverTest {

  static final Actor OPERATOR = Actor.of("console-operator", "Olivia Operator");

  @Test
  void theStandbyTakesOverWithin15sAndFinishesTheCycle(@TempDir Path work) {
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      Bot a = sandbox.bot("replica-a", SandboxWorld.Pace.TEST.settling("2s"));
      SandboxBots.awaitLeading(a);
      Bot b = sandbox.bot("replica-b", SandboxWorld.Pace.TEST.settling("2s"));
      assertThat(b.isLeading()).isFalse();

      Operation op = accepted(join(a.orchestrator().submit(Request.of("l-1", OPERATOR, SandboxWorld.CHANNEL,
          SandboxWorld.ENVIRONMENT, new LifecycleRequest.UpgradeCycle()))));
      accepted(join(a.orchestrator().confirm(op.id(), "l-2", OPERATOR, Confirmations.confirmedBy(OPERATOR))));
      // Let the first service finish, then the leader "crashes": it stops renewing its lease.
      await().atMost(SandboxBots.AWAIT).until(() -> a.orchestrator().operation(op.id()).orElseThrow().steps().stream()
          .filter(s -> s.status() == StepRecord.Status.SUCCEEDED).count() >= 3);
      long crashed = System.nanoTime();
      a.abandonLeadership();

      await().atMost(Duration.ofSeconds(15)).until(b::isLeading);
      long tookMs = (System.nanoTime() - crashed) / 1_000_000;
      System.out.println("leader failover: the standby led " + tookMs + " ms after the leader stopped renewing");

      Operation end = awaitState(b.orchestrator(), op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
      assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
      for (String release : List.of("gim", "gim-monitoring", "gsp", "gca", "gca-monitoring")) {
        assertThat(sandbox.upgradesOf(release)).as(release + ": " + sandbox.helmCalls()).isEqualTo(1);
      }
      assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"resume\"") && l.contains("replica-b"));
    }
  }
}
