package io.gimops.bot.orchestrator;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.awaitState;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.operation.StepRecord;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.OneBotInTheSandbox;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.charts.SampleCharts;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rule 3 end to end: {@code upgrade all} in the sandbox with the real helm CLI runs GIM, verify,
 * GSP, verify, GCA, verify, each helm call once, and the journal, the audit trail and the
 * progress stream say so.
 */
class UpgradeCycleTest extends OneBotInTheSandbox {

  @Test
  void rule3_upgradeAllRunsGimGspGcaInOrderAndVerifiesEachBeforeTheNext() {
    Orchestrator o = bot.orchestrator();
    // The vendor's newest releases, GIM's with a schema change, are published.
    sandbox.world().publishNewest();
    o.updateCatalog(sandbox.world().catalog());
    List<OperationEvent> events = SandboxBots.record(o);
    Request request = Request.of("k-1", OPERATOR, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT,
        new LifecycleRequest.UpgradeCycle());

    Operation op = accepted(join(o.submit(request)));
    assertThat(op.state()).isEqualTo(OperationState.AWAITING_CONFIRMATION);
    assertThat(op.pending()).isNotEmpty();
    assertThat(sandbox.helmCalls()).as("nothing runs before confirmation").isEmpty();

    Operation running = accepted(join(o.confirm(op.id(), "k-2", OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    assertThat(running.state()).isEqualTo(OperationState.RUNNING);
    Operation done = awaitState(o, op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(done.state()).as(done.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    // GIM migrated across 117's schema change: the vendor's preparatory step 3, quoted.
    assertThat(done.outcome().orElseThrow()).contains("You will need to re-create any custom database objects or"
        + " permissions that become lost or invalidated during the update process.");

    // Each helm call once, in cycle order.
    assertThat(sandbox.helmCalls()).extracting(c -> c.split(" ")[2])
        .containsExactly("gim", "gim-monitoring", "gsp", "gca", "gca-monitoring");
    for (ServiceKind k : ServiceKind.values()) {
      var h = sandbox.history(k.id(), k.id());
      List<Version> versions = SampleCharts.versions(k.id());
      assertThat(h.latestRevision()).hasValue(2);
      assertThat(h.status()).isEqualTo(HelmStatus.DEPLOYED);
      assertThat(h.version()).contains(versions.get(versions.size() - 1));
    }

    // Verify-before-next: each service's verification passed before the next service's helm step started.
    List<String> order = new ArrayList<>();
    for (OperationEvent e : events) {
      if (e instanceof OperationEvent.StepStarted s && s.op().steps().get(s.index()).step() instanceof PlanStep.HelmUpgrade u
          && u.isServiceChart()) {
        order.add("helm " + u.release());
      } else if (e instanceof OperationEvent.StepSucceeded s && s.op().steps().get(s.index()).step() instanceof PlanStep.Verify v) {
        order.add("verified " + v.service().id());
      }
    }
    assertThat(order).containsExactly("helm gim", "verified gim", "helm gsp", "verified gsp", "helm gca", "verified gca");
    // GIM verified from its real signals: no Kubernetes Job exists (the sample chart has none and
    // GIM migrates and transforms inside its pod); its new pods Ready is the transformation signal,
    // and without a database the migration is said not checked.
    assertThat(sandbox.world().api().client().batch().v1().jobs().inAnyNamespace().list().getItems()).isEmpty();
    StepRecord verifyGim = done.steps().stream()
        .filter(s -> s.step() instanceof PlanStep.Verify v && v.service() == ServiceKind.GIM).findFirst().orElseThrow();
    assertThat(verifyGim.detail()).contains("migration not checked: no database configured",
        "first post-upgrade transformation job completed (GIM reports Ready only after it)");
    assertThat(done.steps()).allMatch(StepRecord::done);

    // GIM crossed 117's schema change: the bot offered export views (rule 11).
    assertThat(events).anySatisfy(e -> {
      assertThat(e).isInstanceOf(OperationEvent.PromptRaised.class);
      assertThat(((OperationEvent.PromptRaised) e).prompt().kind()).isEqualTo(Prompt.Kind.EXPORT_VIEWS);
    });
    assertThat(events).last().isInstanceOf(OperationEvent.Finished.class);

    // The audit trail has the decisions and every state change of the operation.
    List<String> audit = sandbox.auditLines();
    assertThat(audit).anyMatch(l -> l.contains("\"kind\":\"decision\"") && l.contains(op.id()));
    for (String state : List.of("decided", "awaiting-confirmation", "running", "verifying", "succeeded")) {
      assertThat(audit).as(state).anyMatch(l -> l.contains("\"kind\":\"state\"") && l.contains(op.id())
          && l.contains("\"outcome\":\"" + state + "\""));
    }

    // A repeated idempotency key returns the same operation and runs nothing.
    Operation again = accepted(join(o.submit(request)));
    assertThat(again.id()).isEqualTo(op.id());
    assertThat(sandbox.helmCalls()).hasSize(5);
  }
}
