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
import io.gimops.sandbox.charts.SampleCharts;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Rules 3 and 8: a step that fails verification stops the cycle (the next service is never
 * touched) and raises a rollback prompt naming the revision to return to; choosing Roll back
 * runs the rollback, verifies it, and marks the failed operation rolled back.
 */
class FailingCycleTest extends OneBotInTheSandbox {

  @Test
  void rule8_aFailedVerificationStopsTheCycleAndOffersRollback() {
    Orchestrator o = bot.orchestrator();
    // The README's walk: the vendor's newest releases (GIM's changes the schema) are published.
    sandbox.world().publishNewest();
    o.updateCatalog(sandbox.world().catalog());
    List<OperationEvent> events = SandboxBots.record(o);
    String broken = sandbox.world().breakNext(ServiceKind.GSP, "image");
    assertThat(broken).contains("gsp");

    Operation op = accepted(join(o.submit(Request.of("f-1", OPERATOR, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT,
        new LifecycleRequest.UpgradeCycle()))));
    accepted(join(o.confirm(op.id(), "f-2", OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    Operation failed = awaitState(o, op.id(), OperationState.FAILED, OperationState.SUCCEEDED);

    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    assertThat(failed.outcome().orElseThrow()).contains("verify gsp");
    // GIM went through; GSP's helm ran and its verification failed; GCA was never touched.
    assertThat(sandbox.upgradesOf("gim")).isEqualTo(1);
    assertThat(sandbox.upgradesOf("gsp")).isEqualTo(1);
    assertThat(sandbox.upgradesOf("gca")).isZero();
    assertThat(sandbox.history("gca", "gca").latestRevision()).hasValue(1);
    StepRecord verifyGsp = failed.steps().stream()
        .filter(s -> s.step() instanceof PlanStep.Verify v && v.service() == ServiceKind.GSP).findFirst().orElseThrow();
    assertThat(verifyGsp.status()).isEqualTo(StepRecord.Status.FAILED);
    assertThat(String.join(" ", verifyGsp.detail())).containsAnyOf("ImagePullBackOff", "ErrImagePull");
    assertThat(failed.steps().stream().filter(s -> s.step().service() == ServiceKind.GCA))
        .allMatch(s -> s.status() == StepRecord.Status.SKIPPED);

    // Prompts accumulate: the export-views offer raised after GIM verified is still open beside
    // GSP's rollback prompt, which was raised last.
    assertThat(failed.prompts()).extracting(Prompt::kind).containsExactly(Prompt.Kind.EXPORT_VIEWS, Prompt.Kind.ROLLBACK);
    Prompt prompt = failed.latestPrompt().orElseThrow();
    assertThat(prompt.kind()).isEqualTo(Prompt.Kind.ROLLBACK);
    assertThat(prompt.choices().get(0).label()).isEqualTo("Roll back gsp to revision 1");
    assertThat(prompt.choices().get(0).request()).contains(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.of(1)));
    assertThat(prompt.choices()).extracting(Prompt.Choice::label).endsWith("Dismiss");
    assertThat(events).anyMatch(e -> e instanceof OperationEvent.PromptRaised p && p.op().id().equals(op.id()));

    // Roll back, as the prompt offers: a new operation, confirmed by the choice, verified.
    Operation rollback = accepted(join(o.choose(op.id(), "1", "f-3", OPERATOR)));
    assertThat(rollback.remedyFor()).contains(op.id());
    Operation rolledBack = awaitState(o, rollback.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(rolledBack.state()).as(rolledBack.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    var gsp = sandbox.history("gsp", "gsp");
    assertThat(gsp.latestRevision()).hasValue(3);
    assertThat(gsp.status()).isEqualTo(HelmStatus.DEPLOYED);
    List<io.gimops.policies.domain.Version> versions = SampleCharts.versions("gsp");
    assertThat(gsp.version()).contains(versions.get(versions.size() - 3));
    assertThat(sandbox.helmCalls()).filteredOn(c -> c.startsWith("rollback")).singleElement().asString()
        .startsWith("rollback gsp 1 -n gsp --timeout 15m");
    // The failed operation is marked just after the rollback's success is committed; reads do not
    // wait for the orchestrator's lock, so the two may be seen one after the other.
    Operation marked = awaitState(o, op.id(), OperationState.ROLLED_BACK);
    assertThat(marked.state()).isEqualTo(OperationState.ROLLED_BACK);
    // The rollback answered its own prompt; the export-views offer is still open, on its own.
    assertThat(marked.prompts()).extracting(Prompt::kind).containsExactly(Prompt.Kind.EXPORT_VIEWS);
    assertThat(events).anyMatch(e -> e instanceof OperationEvent.PromptClosed c && c.op().id().equals(op.id())
        && c.prompt().kind() == Prompt.Kind.ROLLBACK && c.how().contains(rollback.id()));

    // The same choice again (a double click) starts nothing new.
    Submission again = join(o.choose(op.id(), "1", "f-3", OPERATOR));
    assertThat(again).isInstanceOf(Submission.Accepted.class);
    assertThat(((Submission.Accepted) again).repeated()).isTrue();
    assertThat(sandbox.helmCalls().stream().filter(c -> c.startsWith("rollback")).count()).isEqualTo(1);

    // The export-views question is answered by name: a choice it does not offer is refused, and
    // its Dismiss closes it alone.
    Prompt views = marked.prompt(Prompt.Kind.EXPORT_VIEWS).orElseThrow();
    assertThat(join(o.choose(op.id(), java.util.Optional.of(Prompt.Kind.ROLLBACK), "1", "f-4", OPERATOR,
        java.util.Optional.empty()))).isInstanceOf(Submission.Refused.class);
    assertThat(join(o.choose(op.id(), java.util.Optional.of(Prompt.Kind.EXPORT_VIEWS), "7", "f-5", OPERATOR,
        java.util.Optional.empty()))).isInstanceOf(Submission.Refused.class);
    String dismiss = views.choices().get(views.choices().size() - 1).id();
    join(o.choose(op.id(), java.util.Optional.of(Prompt.Kind.EXPORT_VIEWS), dismiss, "f-6", OPERATOR,
        java.util.Optional.empty()));
    assertThat(o.operation(op.id()).orElseThrow().prompts()).isEmpty();
    assertThat(o.operation(op.id()).orElseThrow().state()).isEqualTo(OperationState.ROLLED_BACK);
    assertThat(events).anyMatch(e -> e instanceof OperationEvent.PromptClosed c && c.op().id().equals(op.id())
        && c.prompt().kind() == Prompt.Kind.EXPORT_VIEWS && c.how().startsWith("dismissed by"));
  }
}
