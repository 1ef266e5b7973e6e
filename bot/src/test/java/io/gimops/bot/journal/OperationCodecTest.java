package io.gimops.bot.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.operation.StepRecord;
import io.gimops.policies.decision.ChecklistItem;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The journal must give back exactly what it was given, for every kind of step and request. */
class OperationCodecTest {

  static final Instant T = Instant.parse("2026-11-22T10:00:00Z");
  static final Actor OLIVIA = new Actor("U1", "Olivia", java.util.Set.of("ops"));

  static final List<PlanStep> EVERY_STEP = List.of(
      new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim", "gim", Version.parse("100.0.117+3000"), Optional.of("gim-values.yaml"),
          "gim", Optional.of(Duration.ofMinutes(15)), Optional.of("100.0.117.3000")),
      new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim-monitoring", "gim-monitoring", Version.parse("100.0.117+3000"),
          Optional.empty(), "gim", Optional.empty(), Optional.empty()),
      new PlanStep.Verify(ServiceKind.GIM, Version.parse("100.0.117+3000")),
      new PlanStep.OfferExportViews(ServiceKind.GIM),
      new PlanStep.HelmRollback(ServiceKind.GSP, "gsp", "gsp", 3, 1, Version.parse("100.0.99+1300"), Optional.empty()),
      new PlanStep.HelmUninstall(ServiceKind.GSP, "gsp", "gsp"),
      new PlanStep.DeleteConfigMaps(ServiceKind.GSP, "gsp", "app=gsp"),
      new PlanStep.UpdateExportViews(ServiceKind.GIM, "gim"),
      new PlanStep.RestartPod(ServiceKind.GIM, "gim"));

  static final List<LifecycleRequest> EVERY_REQUEST = List.of(
      LifecycleRequest.Upgrade.to(ServiceKind.GCA, "100.0.101+2400"),
      new LifecycleRequest.Upgrade(ServiceKind.GIM, Optional.empty(), Optional.of("custom-values.yaml"), Optional.of("abc")),
      new LifecycleRequest.UpgradeCycle(),
      new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.of(2)),
      new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.empty()),
      new LifecycleRequest.Reinstall(ServiceKind.GSP, Version.parse("100.0.99+1300"), Optional.of("100.0.99.1300")),
      new LifecycleRequest.Uninstall(ServiceKind.GSP, true),
      new LifecycleRequest.UpdateExportViews(),
      new LifecycleRequest.RestartGimPod());

  static Operation operation(LifecycleRequest request) {
    List<StepRecord> steps = EVERY_STEP.stream().map(StepRecord::pending).toList();
    Operation op = new Operation("op-abc234", "slack-retry-1", "prod", "C123", OLIVIA, request,
        OperationState.REQUESTED, Optional.of("metrics are down for an unrelated reason"),
        List.of(Finding.pass(Rule.R1_N2_WINDOW, "in window"), Finding.warn(Rule.R9_UPGRADE_ALERTS, "watch it")),
        List.of(new PendingConfirmation(PendingConfirmation.Kind.CHECKLIST, Rule.R7_PREPARATION, "Confirm",
            List.of(ChecklistItem.of("Read the release notes")))),
        Confirmations.confirmedBy(OLIVIA).withTypedServiceName("gsp"), steps, T, T, Optional.empty(),
        Optional.empty(), List.of(), Optional.of("op-zzz999"));
    return op.decided(op.findings(), EVERY_STEP, op.pending(), op.confirmations(), T)
        .moveTo(OperationState.DECIDED, T)
        .moveTo(OperationState.RUNNING, T.plusSeconds(1))
        .updateStep(0, s -> s.started(T.plusSeconds(2), OptionalInt.of(4), Optional.of(Version.parse("100.0.116+2900"))), T)
        .updateStep(0, s -> s.succeeded(T.plusSeconds(9), OptionalInt.of(5), List.of("Release \"gim\" has been upgraded")), T)
        .withPrompt(Prompt.of(Prompt.Kind.EXPORT_VIEWS, "update the export views?", List.of(
            Prompt.action("Update export views", new LifecycleRequest.UpdateExportViews()))), T)
        .withPrompt(Prompt.of(Prompt.Kind.ROLLBACK, "gim did not verify", List.of(
            Prompt.action("Roll back gim to revision 4", new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(4))),
            Prompt.action("Restart the GIM pod", new LifecycleRequest.RestartGimPod()))), T)
        .withCancelRequest(OLIVIA, T)
        .withOutcome("running", T);
  }

  @Test
  void everyStepAndRequestSurvivesTheJournal() {
    for (LifecycleRequest r : EVERY_REQUEST) {
      Operation op = operation(r);
      String json = OperationCodec.encode(op);
      assertThat(OperationCodec.decode(json)).as(json).isEqualTo(op);
    }
  }

  @Test
  void stepTypesHaveStableNamesInTheJournal() {
    String json = OperationCodec.encode(operation(new LifecycleRequest.UpgradeCycle()));
    assertThat(json).contains("\"type\":\"helm-upgrade\"", "\"type\":\"helm-rollback\"", "\"type\":\"verify\"",
        "\"type\":\"upgrade-cycle\"", "\"version\":\"100.0.117+3000\"").doesNotContain("serviceChart");
  }

  @Test
  void bothOpenPromptsSurviveTheJournalInTheOrderTheyWereRaised() {
    Operation op = OperationCodec.decode(OperationCodec.encode(operation(new LifecycleRequest.UpgradeCycle())));
    assertThat(op.prompts()).extracting(Prompt::kind).containsExactly(Prompt.Kind.EXPORT_VIEWS, Prompt.Kind.ROLLBACK);
    assertThat(op.latestPrompt().orElseThrow().kind()).isEqualTo(Prompt.Kind.ROLLBACK);
    Operation dismissed = op.withoutPrompt(Prompt.Kind.EXPORT_VIEWS, T);
    assertThat(OperationCodec.decode(OperationCodec.encode(dismissed)).prompts()).extracting(Prompt::kind)
        .containsExactly(Prompt.Kind.ROLLBACK);
  }

  /** A journal written when an operation held one prompt ({@code "prompt"}) still reads. */
  @Test
  void aJournalWithASinglePromptReadsAsThatPromptAlone() throws Exception {
    var json = OperationCodec.mapper();
    Operation op = operation(new LifecycleRequest.UpgradeCycle());
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(OperationCodec.encode(op));
    com.fasterxml.jackson.databind.JsonNode rollback = tree.remove("prompts").get(1);
    tree.set("prompt", rollback);
    Operation read = OperationCodec.decode(json.writeValueAsString(tree));
    assertThat(read.prompts()).singleElement().satisfies(p -> {
      assertThat(p.kind()).isEqualTo(Prompt.Kind.ROLLBACK);
      assertThat(p.choices()).extracting(Prompt.Choice::label)
          .containsExactly("Roll back gim to revision 4", "Restart the GIM pod", "Dismiss");
    });
    tree.putNull("prompt");
    assertThat(OperationCodec.decode(json.writeValueAsString(tree)).prompts()).isEmpty();
    tree.remove("prompt");
    assertThat(OperationCodec.decode(json.writeValueAsString(tree)).prompts()).isEmpty();
  }

  @Test
  void aDocumentThatDoesNotReadSaysSo() {
    assertThatThrownBy(() -> OperationCodec.decode("{\"id\":\"op-1\""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not read");
    String bad = OperationCodec.encode(operation(new LifecycleRequest.UpgradeCycle()))
        .replace("\"100.0.117+3000\"", "\"not a version\"");
    assertThatThrownBy(() -> OperationCodec.decode(bad)).isInstanceOf(IllegalArgumentException.class);
  }
}
