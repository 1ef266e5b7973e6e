package io.gimops.bot.orchestrator;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.awaitState;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.adapters.kube.ClusterActions;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.OneBotInTheSandbox;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Rule 11 end to end: a GIM upgrade across a schema change offers to update the export views;
 * choosing it runs the vendor's {@code kubectl exec <gim-pod> -- ./entrypoint.sh -job
 * Job_MigrateGIM -make-export-views} through the embedded API server's {@code pods/exec}
 * (WebSocket, channel protocol) in the sandbox's Ready GIM pod, streams its output, and ends
 * succeeded with the vendor's next step: "You might also need to update your target schema and
 * change your import processing".
 */
class ExportViewsInTheSandboxTest extends OneBotInTheSandbox {

  @Test
  void rule11_choosingExportViewsAfterASchemaChangeRunsExecInTheGimPodAndSaysWhatComesNext() {
    Orchestrator o = bot.orchestrator();
    sandbox.world().publishNewest();
    o.updateCatalog(sandbox.world().catalog());
    List<OperationEvent> events = SandboxBots.record(o);
    Version schemaChange = Version.parse("100.0.117+3000");

    Operation upgrade = accepted(join(o.submit(Request.of("x-1", OPERATOR, SandboxWorld.CHANNEL,
        SandboxWorld.ENVIRONMENT, new LifecycleRequest.Upgrade(ServiceKind.GIM, Optional.of(schemaChange),
            Optional.empty(), Optional.empty())))));
    if (upgrade.state() == OperationState.AWAITING_CONFIRMATION) {
      accepted(join(o.confirm(upgrade.id(), "x-2", OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    }
    Operation upgraded = awaitState(o, upgrade.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(upgraded.state()).as(upgraded.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    Prompt offer = upgraded.prompt(Prompt.Kind.EXPORT_VIEWS).orElseThrow();
    assertThat(offer.kind()).isEqualTo(Prompt.Kind.EXPORT_VIEWS);

    Operation exportViews = accepted(join(o.choose(upgrade.id(), offer.choices().get(0).id(), "x-3", OPERATOR)));
    if (exportViews.state() == OperationState.AWAITING_CONFIRMATION) {
      accepted(join(o.confirm(exportViews.id(), "x-4", OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    }
    Operation done = awaitState(o, exportViews.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(done.state()).as(done.outcome().orElse("") + " " + done.steps()).isEqualTo(OperationState.SUCCEEDED);
    assertThat(done.outcome()).hasValueSatisfying(t -> assertThat(t).startsWith("update export views: export views"
        + " updated").contains("target schema", "import processing"));
    assertThat(done.steps()).singleElement().satisfies(s -> {
      assertThat(s.step()).isInstanceOf(PlanStep.UpdateExportViews.class);
      assertThat(String.join(" ", s.detail())).contains("export views updated",
          String.join(" ", ClusterActions.EXPORT_VIEWS_COMMAND) + " exited 0 in pod gim-",
          "target schema", "import processing");
    });
    // What the command printed in the pod reached the operation's stream, line by line.
    assertThat(events).filteredOn(e -> e instanceof OperationEvent.OutputLine l && l.op().id().equals(done.id()))
        .extracting(e -> ((OperationEvent.OutputLine) e).line())
        .contains("Job_MigrateGIM: started with -make-export-views (GIM " + schemaChange + ")")
        .anySatisfy(l -> assertThat(l).contains("export views updated"));
    // The offer was answered: the upgrade holds it no longer.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(o.operation(upgrade.id()).orElseThrow().prompt(Prompt.Kind.EXPORT_VIEWS)).isEmpty());
  }
}
