package io.gimops.bot.orchestrator;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.awaitState;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.operation.StepRecord;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.sandbox.charts.SampleCharts;
import io.gimops.sandbox.kubelet.Failure;
import io.gimops.sandbox.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rule 8 and the vendor's "If Genesys Info Mart is operating normally after an upgrade in which
 * there were schema changes, but the migration job either did not run or else did not complete
 * successfully [...] Simply restart the GIM pod. The GIM service detects the out-of-date schema
 * and restarts the migration job, which picks up from where it left off." End to end in the
 * sandbox, with a real PostgreSQL as GIM's Info Mart: the sandbox GIM writes its job runs to
 * CTL_ETL_HISTORY, the bot reads them there with the default read-only query.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationStallTest {

  private static final Actor OPERATOR = Actor.of("console-operator", "Olivia Operator");
  /** The test pace with a short verification timeout, so the wait past it is short too. */
  private static final SandboxWorld.Pace PACE = new SandboxWorld.Pace("30s", "20s", "4s", "200ms", "200ms", "3s",
      "0s");

  @TempDir static Path work;
  static LocalPostgres pg;
  static SandboxBots sandbox;
  static Bot bot;

  @BeforeAll
  static void start() {
    pg = LocalPostgres.start(work.resolve("pg"));
    sandbox = SandboxBots.withInfoMart(work, pg.jdbcUrl());
    bot = sandbox.bot("bot-a", PACE);
    SandboxBots.awaitLeading(bot);
  }

  @AfterAll
  static void stop() {
    if (sandbox != null) {
      sandbox.close();
    }
    pg.close();
  }

  @Test
  @Order(1)
  void rollBackChosenInsteadEndsTheStepAndRollsGimBackAsTheRemedy() {
    Orchestrator o = bot.orchestrator();
    sandbox.world().publishNewest();
    o.updateCatalog(sandbox.world().catalog());
    sandbox.world().breakNext(ServiceKind.GIM, "migration");

    Operation op = accepted(join(o.submit(Request.of("r-1", OPERATOR, SandboxWorld.CHANNEL,
        SandboxWorld.ENVIRONMENT, new LifecycleRequest.UpgradeCycle()))));
    accepted(join(o.confirm(op.id(), "r-2", OPERATOR, Confirmations.confirmedBy(OPERATOR))));
    await().atMost(SandboxBots.AWAIT).until(() -> o.operation(op.id()).orElseThrow()
        .prompt(Prompt.Kind.MIGRATION_INCOMPLETE).isPresent() || o.operation(op.id()).orElseThrow().state().ended());
    assertThat(o.operation(op.id()).orElseThrow().state()).isEqualTo(OperationState.VERIFYING);

    Operation rollback = accepted(join(o.choose(op.id(), java.util.Optional.of(Prompt.Kind.MIGRATION_INCOMPLETE),
        "2", "r-3", OPERATOR, java.util.Optional.empty())));
    assertThat(rollback.id()).isNotEqualTo(op.id());
    assertThat(rollback.remedyFor()).contains(op.id());
    Operation rolledBack = awaitState(o, rollback.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(rolledBack.state()).as(rolledBack.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    Operation first = awaitState(o, op.id(), OperationState.ROLLED_BACK);
    assertThat(verifyGim(first).status()).isEqualTo(StepRecord.Status.FAILED);
    assertThat(verifyGim(first).detail()).anySatisfy(d -> assertThat(d).contains("chose Roll back gim to revision 1"));
    assertThat(first.prompt(Prompt.Kind.MIGRATION_INCOMPLETE)).isEmpty();
    assertThat(sandbox.history("gim", "gim").latestRevision()).hasValue(3);
    assertThat(sandbox.upgradesOf("gsp")).isZero();
    sandbox.world().fix(ServiceKind.GIM);
  }

  @Test
  @Order(2)
  void aMigrationStoppedHalfwayOffersRestartFirstWaitsPastTheTimeoutSurvivesAFailoverAndRestartingItSucceeds() throws Exception {
    Orchestrator o = bot.orchestrator();
    sandbox.world().publishNewest();
    o.updateCatalog(sandbox.world().catalog());
    long gimUpgradesBefore = sandbox.upgradesOf("gim");
    String newestGim = SampleCharts.versions("gim").get(SampleCharts.versions("gim").size() - 1).toString();
    assertThat(sandbox.world().catalog().releases(ServiceKind.GIM)).anyMatch(r -> r.schemaChange()
        && r.version().toString().equals(newestGim));
    assertThat(sandbox.world().breakNext(ServiceKind.GIM, "migration-halfway")).contains("stops halfway");

    Operation op = accepted(join(o.submit(Request.of("m-1", OPERATOR, SandboxWorld.CHANNEL,
        SandboxWorld.ENVIRONMENT, new LifecycleRequest.UpgradeCycle()))));
    accepted(join(o.confirm(op.id(), "m-2", OPERATOR, Confirmations.confirmedBy(OPERATOR))));

    // GIM turns Ready on a half-migrated database: the operation asks, it does not fail.
    await().atMost(SandboxBots.AWAIT).until(() -> o.operation(op.id()).orElseThrow()
        .prompt(Prompt.Kind.MIGRATION_INCOMPLETE).isPresent() || o.operation(op.id()).orElseThrow().state().ended());
    Operation stalled = o.operation(op.id()).orElseThrow();
    assertThat(stalled.state()).as(stalled.outcome().orElse("")).isEqualTo(OperationState.VERIFYING);
    Prompt prompt = stalled.prompt(Prompt.Kind.MIGRATION_INCOMPLETE).orElseThrow();
    assertThat(prompt.choices()).extracting(Prompt.Choice::label).containsExactly(
        "Restart the GIM pod (the migration resumes where it left off)", "Roll back gim to revision 3", "Dismiss");
    assertThat(prompt.choices().get(0).request()).contains(new LifecycleRequest.RestartGimPod());
    assertThat(prompt.choices().get(1).request()).contains(new LifecycleRequest.Rollback(ServiceKind.GIM,
        OptionalInt.of(3)));
    assertThat(prompt.message()).contains("did not complete", "Job_MigrateGIM");
    assertThat(verifyGim(stalled).detail()).contains(OperationRun.WAITING_FOR_A_CHOICE);
    assertThat(etlRows()).anyMatch(r -> r.startsWith("Job_MigrateGIM " + newestGim + " FAILED"));

    // A person may take longer than the verification timeout (20 s here) to decide: the
    // operation keeps waiting, still VERIFYING, the prompt open.
    await().during(Duration.ofSeconds(25)).atMost(Duration.ofSeconds(40)).until(() -> {
      Operation now = o.operation(op.id()).orElseThrow();
      return now.state() == OperationState.VERIFYING && now.prompt(Prompt.Kind.MIGRATION_INCOMPLETE).isPresent();
    });
    assertThat(sandbox.upgradesOf("gsp")).as("the cycle does not go on past an unverified GIM").isZero();
    assertThat(o.operation(op.id()).orElseThrow().steps()).filteredOn(st -> st.step().service() == ServiceKind.GSP)
        .allMatch(st -> st.status() == StepRecord.Status.PENDING);

    // The leader goes away while the question is open: the standby resumes the operation from the
    // journal, still waiting, the same question open, and takes the answer.
    Bot standby = sandbox.bot("bot-b", PACE);
    bot.abandonLeadership();
    await().atMost(Duration.ofSeconds(30)).until(standby::isLeading);
    Orchestrator o2 = standby.orchestrator();
    await().atMost(SandboxBots.AWAIT).until(() -> o2.operation(op.id()).map(now -> now.state()
        == OperationState.VERIFYING && now.prompt(Prompt.Kind.MIGRATION_INCOMPLETE).isPresent()).orElse(false));

    // Restart, chosen on the live operation: it restarts the pod itself, holding the lock.
    Operation afterChoice = accepted(join(o2.choose(op.id(), java.util.Optional.of(Prompt.Kind.MIGRATION_INCOMPLETE),
        "1", "m-3", OPERATOR, java.util.Optional.empty())));
    assertThat(afterChoice.id()).isEqualTo(op.id());
    Operation done = awaitState(o2, op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(done.state()).as(done.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    assertThat(done.prompts()).as("the stall prompt is closed; GIM verified, the export views are offered (rule 11)")
        .extracting(Prompt::kind).containsExactly(Prompt.Kind.EXPORT_VIEWS);
    assertThat(verifyGim(done).detail()).anySatisfy(d -> assertThat(d).startsWith("database migration completed"
        + " (Job_MigrateGIM at")).anySatisfy(d -> assertThat(d).startsWith("Job_TransformGIM completed at"));
    assertThat(etlRows()).anyMatch(r -> r.startsWith("Job_MigrateGIM " + newestGim + " COMPLETE"));
    assertThat(sandbox.upgradesOf("gim")).as("restarting is not upgrading again").isEqualTo(gimUpgradesBefore + 1);
    assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"action\"") && l.contains(op.id())
        && l.contains("restart GIM pod (chosen by console-operator)"));
    assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"choice\"") && l.contains(op.id()));
    assertThat(sandbox.world().api().client().batch().v1().jobs().inAnyNamespace().list().getItems()).isEmpty();
  }

  private static StepRecord verifyGim(Operation op) {
    return op.steps().stream().filter(s -> s.step() instanceof PlanStep.Verify v && v.service() == ServiceKind.GIM)
        .findFirst().orElseThrow();
  }

  /** CTL_ETL_HISTORY as the sandbox GIM wrote it, oldest first. */
  private static List<String> etlRows() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(pg.jdbcUrl() + "?user=" + LocalPostgres.USER);
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT JOB_NAME, JOB_VERSION, STATUS FROM CTL_ETL_HISTORY ORDER BY END_TIME")) {
      while (r.next()) {
        rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getString(3));
      }
    }
    return rows;
  }
}
