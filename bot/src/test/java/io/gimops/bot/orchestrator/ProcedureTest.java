package io.gimops.bot.orchestrator;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.awaitState;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.gimops.bot.conversation.TextViews;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.OneBotInTheSandbox;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The procedure around the rules, on the sandbox with the real helm: pre-flight before the first
 * helm call, the rollback prompt after a failed extra chart, and the pod replacement after a
 * rollback, said in the confirmation, done, audited.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProcedureTest extends OneBotInTheSandbox {

  private static int keys;

  @Test
  @Order(1)
  void preflight_aCycleWithGcasPackageMissingIsRefusedBeforeAnyHelmCall() throws IOException {
    Orchestrator o = bot.orchestrator();
    Version gcaTarget = sandbox.world().catalog().latest(ServiceKind.GCA).orElseThrow().version();
    Path gca = sandbox.world().charts().chart("gca", gcaTarget);
    Path aside = gca.resolveSibling("aside.bin");
    // Asked while the package is missing: refused at once, with the list, by rule 7.
    Files.move(gca, aside, StandardCopyOption.REPLACE_EXISTING);
    try {
      Submission early = join(o.submit(request(new LifecycleRequest.UpgradeCycle())));
      assertThat(early).isInstanceOf(Submission.Refused.class);
      assertThat(((Submission.Refused) early).message()).contains("rule 7", "pre-flight",
          gca.getFileName().toString(), "(gca)", "nothing runs");
    } finally {
      Files.move(aside, gca);
    }
    // Gone between the request and its confirmation: the confirmation's decision refuses it.
    Operation op = accepted(join(o.submit(request(new LifecycleRequest.UpgradeCycle()))));
    assertThat(op.state()).isEqualTo(OperationState.AWAITING_CONFIRMATION);
    Files.move(gca, aside, StandardCopyOption.REPLACE_EXISTING);
    try {
      Submission s = join(o.confirm(op.id(), key(), OPERATOR, Confirmations.confirmedBy(OPERATOR)));
      assertThat(s).isInstanceOf(Submission.Refused.class);
      assertThat(((Submission.Refused) s).message()).contains("pre-flight", gca.getFileName().toString());
      assertThat(o.operation(op.id()).orElseThrow().state()).isEqualTo(OperationState.REFUSED);
      assertThat(sandbox.helmCalls()).as("not one helm call: GIM and GSP are untouched").isEmpty();
    } finally {
      Files.move(aside, gca);
    }
  }

  @Test
  @Order(2)
  void afterAFailedMonitoringChartTheRollbackPromptNamesGimsOwnPreviousRevision() throws IOException {
    Orchestrator o = bot.orchestrator();
    // gim and gim-monitoring at different revisions: upgrade both, roll gim alone back.
    run(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), OperationState.SUCCEEDED);
    run(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(1)), OperationState.SUCCEEDED);
    int gimBefore = sandbox.history("gim", "gim").latestRevision().orElseThrow();
    int monitoringBefore = sandbox.history("gim", "gim-monitoring").latestRevision().orElseThrow();
    assertThat(gimBefore).isNotEqualTo(monitoringBefore);

    // The monitoring package is there (pre-flight passes) but is no chart: helm fails on it.
    Version target = sandbox.world().catalog().latest(ServiceKind.GIM).orElseThrow().version();
    Path monitoring = sandbox.world().charts().chart("gim-monitoring", target);
    Path aside = monitoring.resolveSibling("aside.bin");
    Files.copy(monitoring, aside, StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(monitoring, "not a chart");
    try {
      Operation failed = run(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), OperationState.FAILED);
      assertThat(failed.outcome().orElseThrow()).contains("gim-monitoring");
      Prompt prompt = failed.prompt(Prompt.Kind.ROLLBACK).orElseThrow();
      assertThat(prompt.message()).contains("helm failed for gim-monitoring",
          "gim was upgraded from revision " + gimBefore);
      assertThat(prompt.choices().get(0).label()).isEqualTo("Roll back gim to revision " + gimBefore);
      assertThat(prompt.choices().get(0).request())
          .contains(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(gimBefore)));
    } finally {
      Files.move(aside, monitoring, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Test
  @Order(3)
  void rule8_theRollbackReplacesTheBrokenStatefulSetPodAndSaysSoBeforeAndAfter() {
    Orchestrator o = bot.orchestrator();
    sandbox.world().breakNext(ServiceKind.GSP, "image");
    int before = sandbox.history("gsp", "gsp").latestRevision().orElseThrow();
    run(LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP), OperationState.FAILED);
    Pod broken = sandbox.world().api().client().pods().inNamespace("gsp").withName("gsp-0").get();
    assertThat(broken).isNotNull();

    Operation asked = accepted(join(o.submit(request(new LifecycleRequest.Rollback(ServiceKind.GSP,
        OptionalInt.of(before))))));
    assertThat(asked.state()).isEqualTo(OperationState.AWAITING_CONFIRMATION);
    // The confirmation says what the bot does besides helm.
    assertThat(TextViews.awaiting(asked)).contains("helm rollback gsp", "then delete pod gsp-0 (",
        "if it stays broken");

    accepted(join(o.confirm(asked.id(), key(), OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    Operation done = awaitState(o, asked.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(done.state()).as(done.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    Pod now = sandbox.world().api().client().pods().inNamespace("gsp").withName("gsp-0").get();
    assertThat(now.getMetadata().getUid()).as("gsp-0 was replaced").isNotEqualTo(broken.getMetadata().getUid());
    assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"action\"") && l.contains(asked.id())
        && l.contains("replace pod") && l.contains("gsp-0"));
    sandbox.world().fix(ServiceKind.GSP);
  }

  @Test
  @Order(4)
  void aRollbackThatDoesNotVerifySaysToContactGenesysCustomerCare() {
    var gsp = sandbox.history("gsp", "gsp");
    int current = gsp.latestRevision().orElseThrow();
    // Back to the revision of the broken upgrade, whose image is missing again.
    int back = current - 1;
    Version broken = sandbox.world().catalog().latest(ServiceKind.GSP).orElseThrow().version();
    sandbox.world().controller().inject(ServiceKind.GSP, broken, io.gimops.sandbox.kubelet.Failure.IMAGE_MISSING);
    try {
      Operation failed = run(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.of(back)), OperationState.FAILED);
      assertThat(failed.outcome().orElseThrow()).contains("verify gsp", "The rollback did not verify",
          "Contact Genesys Customer Care if you cannot resolve an upgrade issue.");
      assertThat(failed.outcome().orElseThrow()).doesNotContain("custom database objects");
    } finally {
      sandbox.world().fix(ServiceKind.GSP);
    }
  }

  @Test
  @Order(5)
  void rollbackByReinstallingTheEarlierPackageIsVerifiedLikeAnyRollback() throws Exception {
    // After the rollback above failed, GSP runs its broken newest release; go back by re-installing
    // the package GSP was installed from, as typed.
    List<Version> versions = io.gimops.sandbox.charts.SampleCharts.versions("gsp");
    Version earlier = versions.get(versions.size() - 3);
    LifecycleRequest typed = io.gimops.bot.conversation.Requests.lifecycle(
        io.gimops.bot.command.CommandParser.parse("rollback gsp --to " + earlier)).orElseThrow();
    assertThat(typed).isEqualTo(new LifecycleRequest.Reinstall(ServiceKind.GSP, earlier, java.util.Optional.empty()));
    int helmBefore = sandbox.helmCalls().size();

    Operation done = run(typed, OperationState.SUCCEEDED);
    List<String> calls = sandbox.helmCalls().subList(helmBefore, sandbox.helmCalls().size());
    assertThat(calls).singleElement().asString().startsWith("upgrade --install gsp ")
        .contains("gsp-" + earlier + ".tgz", "-f ", "gsp-values.yaml", "-n gsp", "--timeout 15m");
    var gsp = sandbox.history("gsp", "gsp");
    assertThat(gsp.version()).contains(earlier);
    assertThat(gsp.status()).isEqualTo(io.gimops.policies.domain.HelmStatus.DEPLOYED);
    assertThat(done.steps()).allMatch(io.gimops.bot.operation.StepRecord::done);
    assertThat(done.summary()).isEqualTo("roll back gsp by re-installing " + earlier);
  }

  @Test
  @Order(6)
  void aReinstallThatDoesNotVerifyOffersNoWayBackToTheBrokenRevisionAndSaysToCallCustomerCare() {
    List<Version> versions = io.gimops.sandbox.charts.SampleCharts.versions("gsp");
    Version newer = versions.get(versions.size() - 2);
    Version earlier = versions.get(versions.size() - 3);
    run(LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP), OperationState.SUCCEEDED);
    sandbox.world().controller().inject(ServiceKind.GSP, earlier, io.gimops.sandbox.kubelet.Failure.CRASH_LOOP);
    try {
      Operation failed = run(new LifecycleRequest.Reinstall(ServiceKind.GSP, earlier, java.util.Optional.empty()),
          OperationState.FAILED);
      assertThat(failed.prompt(Prompt.Kind.ROLLBACK)).as("no roll back to " + newer + "'s revision offered").isEmpty();
      assertThat(failed.outcome().orElseThrow()).contains("Contact Genesys Customer Care");
    } finally {
      sandbox.world().fix(ServiceKind.GSP);
    }
  }

  private Operation run(LifecycleRequest r, OperationState... end) {
    Orchestrator o = bot.orchestrator();
    Operation op = accepted(join(o.submit(request(r))));
    if (op.state() == OperationState.AWAITING_CONFIRMATION) {
      op = accepted(join(o.confirm(op.id(), key(), OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    }
    Operation ended = awaitState(o, op.id(), OperationState.SUCCEEDED, OperationState.FAILED,
        OperationState.REFUSED, OperationState.CANCELLED);
    assertThat(ended.state()).as(r.summary() + ": " + ended.outcome().orElse("")).isIn((Object[]) end);
    return ended;
  }

  private static Request request(LifecycleRequest r) {
    return Request.of(key(), OPERATOR, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT, r);
  }

  private static String key() {
    return "procedure-" + (++keys);
  }
}
