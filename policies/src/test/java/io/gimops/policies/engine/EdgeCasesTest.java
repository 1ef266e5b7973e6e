package io.gimops.policies.engine;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The cases the foundation issue names: stuck releases, half-migrated GIM, services not installed. */
class EdgeCasesTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  /** GIM: rev1 115 superseded, rev2 116 superseded, rev3 117 failed, rev4 117 pending-upgrade. */
  private static ServiceState gimStuckInPendingUpgrade() {
    return healthy(ServiceKind.GIM, 2).toBuilder()
        .deployed(4, version(ServiceKind.GIM, 3), HelmStatus.PENDING_UPGRADE)
        .history(List.of(
            new RevisionRecord(1, version(ServiceKind.GIM, 1), HelmStatus.SUPERSEDED, NOW.minusSeconds(9000), "Install complete"),
            new RevisionRecord(2, version(ServiceKind.GIM, 2), HelmStatus.SUPERSEDED, NOW.minusSeconds(8000), "Upgrade complete"),
            new RevisionRecord(3, version(ServiceKind.GIM, 3), HelmStatus.FAILED, NOW.minusSeconds(7000), "Upgrade failed"),
            new RevisionRecord(4, version(ServiceKind.GIM, 3), HelmStatus.PENDING_UPGRADE, NOW.minusSeconds(600), "Preparing upgrade")))
        .build();
  }

  @Test
  void aReleaseStuckInPendingUpgradeRollsBackToTheLastRevisionThatDeployed() {
    Decision d = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty()))
        .withSnapshot(healthySnapshot().with(gimStuckInPendingUpgrade())));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.plan().stepsOf(PlanStep.HelmRollback.class)).singleElement().satisfies(r -> {
      assertThat(r.fromRevision()).isEqualTo(4);
      assertThat(r.toRevision()).isEqualTo(2);
      assertThat(r.describe()).isEqualTo("helm rollback gim 2 -n gim --timeout 15m");
    });
  }

  @Test
  void aRevisionThatNeverDeployedIsNoRollbackTarget() {
    Decision d = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(3)))
        .withSnapshot(healthySnapshot().with(gimStuckInPendingUpgrade())));
    assertThat(d.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.PROCEDURE);
      assertThat(f.message()).contains("revision 3 never deployed (failed)", "2 (100.0.116+2900, superseded)");
    });
    Decision missing = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(9))));
    assertThat(missing.refusals()).singleElement().satisfies(f -> assertThat(f.message()).contains("has no revision 9"));
    Decision current = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(3))));
    assertThat(current.refusals()).singleElement().satisfies(f -> assertThat(f.message()).contains("at revision 3 already"));
  }

  @Test
  void aServiceWithOneRevisionHasNothingToRollBackTo() {
    ServiceState fresh = ServiceState.builder(ServiceKind.GCA).deployed(1, version(ServiceKind.GCA, 3), HelmStatus.DEPLOYED)
        .history(List.of(new RevisionRecord(1, version(ServiceKind.GCA, 3), HelmStatus.DEPLOYED, NOW, "Install complete")))
        .replicas(1, 1).build();
    Decision d = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GCA, OptionalInt.empty()))
        .withSnapshot(healthySnapshot().with(fresh)));
    assertThat(d.refusals()).singleElement().satisfies(f -> assertThat(f.message()).contains("no earlier deployed revision"));
  }

  @Test
  void aHalfMigratedGimMayBeRestartedOrRolledBack() {
    ServiceState gim = healthy(ServiceKind.GIM, 2).toBuilder().migration(MigrationState.INCOMPLETE).build();
    var snap = healthySnapshot().with(gim);
    Decision restart = engine.decide(confirmed(new LifecycleRequest.RestartGimPod()).withSnapshot(snap));
    assertThat(restart.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(restart.plan().steps()).singleElement().isInstanceOf(PlanStep.RestartPod.class);
    assertThat(restart.findings()).anySatisfy(f -> assertThat(f.message()).contains("picks up from where it left off"));
    // "an upgraded or rolled-back GIM service can operate with ... a half-migrated database"
    Decision rollback = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty())).withSnapshot(snap));
    assertThat(rollback.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void aServiceNotInstalledCanBeInstalledButNotRolledBackOrRestarted() {
    var snap = healthySnapshot().with(ServiceState.notInstalled(ServiceKind.GIM));
    Decision install = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withSnapshot(snap));
    assertThat(install.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(install.plan().steps().get(0).describe()).startsWith("helm upgrade --install gim gim-100.0.117+3000.tgz");
    assertThat(engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty())).withSnapshot(snap))
        .refusals()).singleElement().satisfies(f -> assertThat(f.message()).isEqualTo("gim is not installed in prod: there is nothing to rollback"));
    assertThat(engine.decide(confirmed(new LifecycleRequest.RestartGimPod()).withSnapshot(snap)).outcome()).isEqualTo(Outcome.REFUSED);
  }

  @Test
  void anUpgradeToAnOlderReleasePointsToRollback() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.to(ServiceKind.GIM, "100.0.115+2800")));
    assertThat(d.refusals()).singleElement().satisfies(f ->
        assertThat(f.message()).contains("newer than 100.0.115+2800", "/gim rollback gim", "/gim history gim"));
  }

  @Test
  void reapplyingTheSameReleaseNeedsAValuesFileOrAnImageTag() {
    Decision same = engine.decide(confirmed(LifecycleRequest.Upgrade.to(ServiceKind.GIM, "100.0.116+2900")));
    assertThat(same.refusals()).singleElement().satisfies(f -> assertThat(f.message()).contains("nothing to upgrade"));
    Decision reapply = engine.decide(confirmed(new LifecycleRequest.Upgrade(ServiceKind.GIM,
        java.util.Optional.of(v("100.0.116+2900")), java.util.Optional.of("gim-values-tuned.yaml"), java.util.Optional.empty())));
    assertThat(reapply.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(reapply.plan().steps().get(0).describe()).contains("-f gim-values-tuned.yaml");
  }

  @Test
  void aRefusedDecisionAsksForNoConfirmation() {
    Decision d = engine.decide(input(LifecycleRequest.Upgrade.to(ServiceKind.GIM, "100.0.999+1")));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.pending()).isEmpty();
  }

  @Test
  void everyLifecycleActionAsksForConfirmationFirst() {
    for (LifecycleRequest r : List.of(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.empty()),
        new LifecycleRequest.RestartGimPod(), new LifecycleRequest.UpdateExportViews())) {
      Decision d = engine.decide(input(r));
      assertThat(d.outcome()).as(r.summary()).isEqualTo(Outcome.NEEDS_CONFIRMATION);
      assertThat(d.pending()).extracting(PendingConfirmation::kind).containsExactly(PendingConfirmation.Kind.CONFIRM);
    }
  }

  @Test
  void aServiceNotConfiguredInTheEnvironmentIsRefusedWithWhatToDo() {
    var env = new io.gimops.policies.domain.Environment("lab", "lab", false,
        java.util.Map.of(ServiceKind.GIM, io.gimops.policies.domain.ServiceSpec.defaults(ServiceKind.GIM)), List.of());
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GCA)).withEnvironment(env));
    assertThat(d.refusals()).extracting(f -> f.message())
        .contains("gca is not configured in environment lab: add it to the bot's configuration");
  }
}
