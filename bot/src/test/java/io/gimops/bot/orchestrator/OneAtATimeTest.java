package io.gimops.bot.orchestrator;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.awaitState;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.StepRecord;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.OneBotInTheSandbox;
import io.gimops.bot.wiring.Bot;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.vertx.core.Future;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Rule 4 and the operation's edges: two concurrent upgrades (one runs, the other is refused with
 * the reason), idempotency keys, cancel before helm and within a cycle, a viewer refused and
 * audited, a standby that refuses to run anything.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OneAtATimeTest extends OneBotInTheSandbox {
  static final Actor VIEWER = Actor.of("console-viewer", "Victor Viewer");

  static Request upgrade(String key, ServiceKind k) {
    return Request.of(key, OPERATOR, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT, LifecycleRequest.Upgrade.toLatest(k));
  }

  @Test
  @Order(1)
  void rule12_aViewerIsRefusedWithTheReasonAndTheRefusalIsAudited() {
    Orchestrator o = bot.orchestrator();
    Submission s = join(o.submit(Request.of("v-1", VIEWER, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT,
        LifecycleRequest.Upgrade.toLatest(ServiceKind.GCA))));
    assertThat(s).isInstanceOf(Submission.Refused.class);
    assertThat(((Submission.Refused) s).message()).contains("rule 12").contains("viewer");
    assertThat(o.operations()).isEmpty();
    assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"decision\"") && l.contains("console-viewer")
        && l.contains("\"outcome\":\"refused\""));
    // The same key answers the same refusal.
    assertThat(join(o.submit(Request.of("v-1", OPERATOR, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT,
        LifecycleRequest.Upgrade.toLatest(ServiceKind.GCA))))).isEqualTo(s);
  }

  @Test
  @Order(2)
  void rule4_twoConcurrentUpgradesOneRunsTheOtherIsRefusedWithTheReason() throws Exception {
    Orchestrator o = bot.orchestrator();
    Operation a = accepted(join(o.submit(upgrade("c-1", ServiceKind.GCA))));
    Operation b = accepted(join(o.submit(upgrade("c-2", ServiceKind.GSP))));
    // Both confirmed at the same moment.
    Future<Submission> fa = o.confirm(a.id(), "c-3", OPERATOR, Confirmations.confirmedBy(OPERATOR));
    Future<Submission> fb = o.confirm(b.id(), "c-4", OPERATOR, Confirmations.confirmedBy(OPERATOR));
    List<Submission> answers = List.of(join(fa), join(fb));

    assertThat(answers).filteredOn(s -> s instanceof Submission.Accepted).hasSize(1);
    Submission.Refused refused = (Submission.Refused) answers.stream()
        .filter(s -> s instanceof Submission.Refused).findFirst().orElseThrow();
    assertThat(refused.message()).containsIgnoringCase("rule 4");
    Operation winner = ((Submission.Accepted) answers.stream().filter(s -> s instanceof Submission.Accepted)
        .findFirst().orElseThrow()).operation();
    assertThat(refused.message()).contains(winner.id());
    Operation loser = o.operation(winner.id().equals(a.id()) ? b.id() : a.id()).orElseThrow();
    assertThat(loser.state()).isEqualTo(OperationState.REFUSED);

    Operation done = awaitState(o, winner.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(done.state()).as(done.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    assertThat(sandbox.upgradesOf("gca") + sandbox.upgradesOf("gsp")).isEqualTo(1);
    // The lock went with the operation.
    assertThat(bot.orchestrator().operations()).noneMatch(op -> op.state().executing());
  }

  @Test
  @Order(3)
  void aRepeatedIdempotencyKeyReturnsTheSameOperation() {
    Orchestrator o = bot.orchestrator();
    Operation first = accepted(join(o.submit(upgrade("i-1", ServiceKind.GIM))));
    Submission again = join(o.submit(upgrade("i-1", ServiceKind.GIM)));
    assertThat(again).isInstanceOf(Submission.Accepted.class);
    assertThat(((Submission.Accepted) again).operation().id()).isEqualTo(first.id());
    assertThat(((Submission.Accepted) again).repeated()).isTrue();
    assertThat(o.operations()).filteredOn(op -> op.key().equals("i-1")).hasSize(1);

    // Cancelled before helm starts: it ends at once and helm never runs.
    long before = sandbox.helmCalls().size();
    Submission cancelled = join(o.cancel(first.id(), OPERATOR));
    assertThat(((Submission.Accepted) cancelled).operation().state()).isEqualTo(OperationState.CANCELLED);
    assertThat(sandbox.helmCalls()).hasSize((int) before);
    // Confirming a cancelled operation starts nothing.
    Submission late = join(o.confirm(first.id(), "i-2", OPERATOR, Confirmations.confirmedBy(OPERATOR)));
    assertThat(((Submission.Accepted) late).repeated()).isTrue();
    assertThat(sandbox.helmCalls()).hasSize((int) before);
  }

  @Test
  @Order(4)
  void cancelInACycleStopsAfterTheCurrentServiceVerifies() {
    Orchestrator o = bot.orchestrator();
    Operation op = accepted(join(o.submit(Request.of("x-1", OPERATOR, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT,
        new LifecycleRequest.UpgradeCycle()))));
    accepted(join(o.confirm(op.id(), "x-2", OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    // Cancel as soon as the first service's helm has run.
    org.awaitility.Awaitility.await().atMost(SandboxBots.AWAIT).until(() ->
        o.operation(op.id()).orElseThrow().steps().get(0).status() != StepRecord.Status.PENDING);
    join(o.cancel(op.id(), OPERATOR));
    Operation end = awaitState(o, op.id(), OperationState.CANCELLED, OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.CANCELLED);
    ServiceKind first = end.steps().get(0).step().service();
    assertThat(end.outcome().orElseThrow()).contains("after " + first.id() + " verified");
    assertThat(end.steps()).filteredOn(s -> s.step().service() == first).allMatch(s -> s.status()
        == StepRecord.Status.SUCCEEDED);
    assertThat(end.steps()).filteredOn(s -> s.step().service() != first).allMatch(s -> s.status()
        == StepRecord.Status.SKIPPED);
  }

  @Test
  @Order(5)
  void aStandbyReplicaRunsNothingAndSaysWhoLeads() {
    Bot standby = sandbox.bot("bot-b", SandboxWorld.Pace.TEST);
    assertThat(standby.isLeading()).isFalse();
    Submission s = join(standby.orchestrator().submit(upgrade("s-1", ServiceKind.GIM)));
    assertThat(s).isInstanceOf(Submission.Refused.class);
    assertThat(((Submission.Refused) s).message()).contains("standby");
  }
}
