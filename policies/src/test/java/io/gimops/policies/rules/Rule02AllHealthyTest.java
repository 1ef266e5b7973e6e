package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.engine.PolicyEngine;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 2: \"Do not attempt to upgrade a service unless all the Genesys Info Mart"
    + " services are operating normally.\"")
class Rule02AllHealthyTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  private Decision upgradeGimWith(ServiceState other) {
    return engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withSnapshot(healthySnapshot().with(other)));
  }

  private static void refusedByRule2(Decision d, String... fragments) {
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).anySatisfy(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R2_ALL_HEALTHY);
      assertThat(f.message()).contains(fragments);
    });
  }

  @Test
  void rule2_allHealthyAllowsTheUpgrade() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.findingsOf(Rule.R2_ALL_HEALTHY)).singleElement()
        .satisfies(f -> assertThat(f.message()).isEqualTo("gim, gsp, gca operating normally"));
  }

  @Test
  void rule2_anotherServiceUnhealthyRefusesTheUpgrade() {
    ServiceState gca = healthy(ServiceKind.GCA, 2).toBuilder().replicas(2, 1).build();
    refusedByRule2(upgradeGimWith(gca), "gca is not operating normally", "1 of 2 replicas ready");
  }

  @Test
  void rule2_helmStatusMustBeDeployed() {
    refusedByRule2(upgradeGimWith(healthy(ServiceKind.GSP, 2).toBuilder().helmStatus(HelmStatus.FAILED).build()),
        "gsp revision 3 failed to deploy", "/gim rollback gsp");
  }

  @Test
  void rule2_aPodPendingLongerThanTheThresholdRefuses() {
    ServiceState gsp = healthy(ServiceKind.GSP, 2).toBuilder().pods(List.of(
        PodState.ready("gsp-0", version(ServiceKind.GSP, 2)),
        PodState.pending("gsp-1", NOW.minus(Duration.ofMinutes(7)), version(ServiceKind.GSP, 2)))).build();
    refusedByRule2(upgradeGimWith(gsp), "pod gsp-1 has been Pending for 7m, longer than 5m");

    ServiceState recent = gsp.toBuilder().pods(List.of(
        PodState.ready("gsp-0", version(ServiceKind.GSP, 2)),
        PodState.pending("gsp-1", NOW.minus(Duration.ofMinutes(2)), version(ServiceKind.GSP, 2)))).build();
    assertThat(ServiceHealth.problems(recent, PolicySettings.DEFAULTS, NOW)).isEmpty();
  }

  @Test
  void rule2_crashLoopAndImagePullFailuresRefuse() {
    for (String reason : List.of("CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull")) {
      ServiceState gca = healthy(ServiceKind.GCA, 2).toBuilder().pods(List.of(
          PodState.ready("gca-0", version(ServiceKind.GCA, 2)),
          PodState.waiting("gca-1", reason, version(ServiceKind.GCA, 2)))).build();
      refusedByRule2(upgradeGimWith(gca), "pod gca-1 is in " + reason);
    }
  }

  @Test
  void rule2_absentOrUnknownMetricsRefuse() {
    refusedByRule2(upgradeGimWith(healthy(ServiceKind.GCA, 2).toBuilder().metrics(MetricPresence.ABSENT).build()),
        "gca reports no metrics");
    refusedByRule2(upgradeGimWith(healthy(ServiceKind.GCA, 2).toBuilder().metrics(MetricPresence.UNKNOWN).build()),
        "could not tell whether gca reports metrics");
  }

  @Test
  void rule2_aGrowingGimBacklogRefuses() {
    ServiceState gim = healthy(ServiceKind.GIM, 2).toBuilder().backlog(growingBacklog(NOW, 20, 0.5)).build();
    refusedByRule2(upgradeGimWith(gim), "gim is not operating normally", "backlog growing");
  }

  @Test
  void rule2_tooFewBacklogSamplesIsUnknownNeverHealthy() {
    ServiceState gim = healthy(ServiceKind.GIM, 2).toBuilder().backlog(steadyBacklog(NOW, 2, 5)).build();
    refusedByRule2(upgradeGimWith(gim), "backlog trend unknown", "5 needed");
  }

  @Test
  void rule2_anUnreliableSnapshotRefuses() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withSnapshot(healthySnapshot().markedUnreliable("pod watch disconnected 40s ago")));
    refusedByRule2(d, "cannot be trusted", "pod watch disconnected 40s ago");
  }

  @Test
  void rule2_aReleaseStuckInPendingUpgradeRefusesAndNamesTheRemedy() {
    ServiceState gsp = healthy(ServiceKind.GSP, 2).toBuilder().helmStatus(HelmStatus.PENDING_UPGRADE).build();
    refusedByRule2(upgradeGimWith(gsp), "stuck in pending-upgrade", "/gim rollback gsp");
    // ... and the rollback it names is allowed: rule 2 does not apply to the remedy.
    Decision rollback = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.empty()))
        .withSnapshot(healthySnapshot().with(gsp)));
    assertThat(rollback.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void rule2_aHalfMigratedGimRefusesUpgradesAndPointsToRestart() {
    ServiceState gim = healthy(ServiceKind.GIM, 2).toBuilder().migration(MigrationState.INCOMPLETE).build();
    refusedByRule2(upgradeGimWith(gim), "half-migrated", "/gim restart gim");
  }

  @Test
  void rule2_aServiceNotInstalledIsShownNotRefused() {
    Decision d = upgradeGimWith(ServiceState.notInstalled(ServiceKind.GCA));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.findingsOf(Rule.R2_ALL_HEALTHY)).anySatisfy(f -> {
      assertThat(f.verdict()).isEqualTo(Verdict.WARN);
      assertThat(f.message()).contains("gca is not installed");
    });
  }

  @Test
  void rule2_anAdminMayOverrideWithAWrittenReason() {
    ServiceState gca = healthy(ServiceKind.GCA, 2).toBuilder().metrics(MetricPresence.ABSENT).build();
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withActor(ADMIN).withSnapshot(healthySnapshot().with(gca))
        .withOverride("GCA metrics exporter is down for maintenance, see INC-4711"));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.override()).contains("GCA metrics exporter is down for maintenance, see INC-4711");
    assertThat(d.findingsOf(Rule.R2_ALL_HEALTHY)).anySatisfy(f -> {
      assertThat(f.verdict()).isEqualTo(Verdict.OVERRIDDEN);
      assertThat(f.message()).contains("overridden by an admin", "INC-4711");
    });
  }

  @Test
  void rule2_anOverrideNeedsAnAdminAndARealReason() {
    ServiceState gca = healthy(ServiceKind.GCA, 2).toBuilder().metrics(MetricPresence.ABSENT).build();
    Decision byOperator = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withSnapshot(healthySnapshot().with(gca)).withOverride("I know what I am doing, really"));
    assertThat(byOperator.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(byOperator.refusals()).extracting(Finding::rule).contains(Rule.R2_ALL_HEALTHY, Rule.R12_ACCESS);
    assertThat(byOperator.override()).isEmpty();

    Decision shortReason = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withActor(ADMIN).withSnapshot(healthySnapshot().with(gca)).withOverride("  ok  "));
    assertThat(shortReason.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(shortReason.refusals()).anySatisfy(f ->
        assertThat(f.message()).contains("written reason of at least 10 characters"));
  }

  @Test
  void rule2_anOverrideCannotLiftOtherRules() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.to(ServiceKind.GIM, "100.0.999+1"))
        .withActor(ADMIN).withOverride("urgent security fix, approved in CAB-17"));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).extracting(Finding::rule).containsExactly(Rule.R1_N2_WINDOW);
  }
}
