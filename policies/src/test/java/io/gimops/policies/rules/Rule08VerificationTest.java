package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.Verification.Remedy;
import io.gimops.policies.rules.Verification.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 8: \"The GIM service does not report the Ready state until the first"
    + " post-upgrade transformation job has completed successfully.\" \"If a new pod does not start"
    + " and/or operate successfully, Genesys recommends that you roll back to the previous version\"")
class Rule08VerificationTest {

  private static final PolicySettings S = PolicySettings.DEFAULTS;
  private static final Version NEW_GIM = version(ServiceKind.GIM, 3);
  private static final Instant STARTED = NOW.minus(Duration.ofMinutes(20));
  private static final Instant HELM_DONE = NOW.minus(Duration.ofMinutes(12));

  /** GIM upgraded to 117: pods Ready on it, transformation done after the start, backlog steady since. */
  private static ServiceState upgradedGim() {
    return healthy(ServiceKind.GIM, 3).toBuilder()
        .lastTransformationCompleted(HELM_DONE.plusSeconds(60))
        .backlog(steadyBacklog(NOW, 20, 8))
        .migration(MigrationState.COMPLETED)
        .build();
  }

  @Test
  void rule8_aHealthyUpgradedGimVerifies() {
    var r = Verification.verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.VERIFIED);
    assertThat(r.passed()).contains("gim 100.0.117+3000 deployed (revision 3)", "2 of 2 new pods Ready",
        "first post-upgrade transformation job completed", "database migration completed", "metrics present");
  }

  @Test
  void rule8_gimIsNotVerifiedBeforeItsFirstPostUpgradeTransformationJob() {
    ServiceState gim = upgradedGim().toBuilder().lastTransformationCompleted(STARTED.minusSeconds(3600)).build();
    var r = Verification.verify(gim, NEW_GIM, false, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("first post-upgrade transformation job not completed yet");
  }

  @Test
  void rule8_podsOfTheOldVersionDoNotCount() {
    ServiceState gsp = healthy(ServiceKind.GSP, 3).toBuilder().pods(List.of(
        PodState.ready("gsp-0", version(ServiceKind.GSP, 3)), PodState.ready("gsp-old", version(ServiceKind.GSP, 2)))).build();
    var r = Verification.verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("1 of 2 new pods Ready");
  }

  @Test
  void rule8_aPodThatCannotStartFailsAtOnceAndOffersRollBack() {
    ServiceState gca = healthy(ServiceKind.GCA, 3).toBuilder().pods(List.of(
        PodState.waiting("gca-0", "ImagePullBackOff", version(ServiceKind.GCA, 3)))).replicas(1, 0).build();
    var r = Verification.verify(gca, version(ServiceKind.GCA, 3), false, NOW.minusSeconds(30), NOW, NOW, S);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.unmet()).contains("pod gca-0 is in ImagePullBackOff");
    assertThat(r.remedies()).containsExactly(Remedy.ROLL_BACK);
  }

  @Test
  void rule8_afterARollbackTheBrokenPodOfTheReleaseLeftIsWaitedForNotFatal() {
    // Rolled back from 3 to 2: the pod that could not start on 3 is still there until replaced.
    ServiceState gsp = healthy(ServiceKind.GSP, 2).toBuilder().pods(List.of(
        PodState.waiting("gsp-0", "ImagePullBackOff", version(ServiceKind.GSP, 3)))).replicas(1, 0).build();
    var r = Verification.verify(gsp, version(ServiceKind.GSP, 2), false, NOW.minusSeconds(30), NOW, NOW, S);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("old pod gsp-0 is in ImagePullBackOff, waiting for it to be replaced");
  }

  @Test
  void rule8_aTransformationJobStampedInTheSecondHelmStartedCounts() {
    // Kubernetes stamps times to the second; the action started 400 ms into that second.
    Instant started = Instant.parse("2026-11-22T10:00:00.400Z");
    ServiceState gim = upgradedGim().toBuilder().lastTransformationCompleted(Instant.parse("2026-11-22T10:00:00Z"))
        .build();
    var r = Verification.verify(gim, NEW_GIM, true, started, started.plusMillis(300), NOW, S);
    assertThat(r.passed()).contains("first post-upgrade transformation job completed");
  }

  @Test
  void rule8_aPodPendingPastTheThresholdFails() {
    ServiceState gsp = healthy(ServiceKind.GSP, 3).toBuilder().pods(List.of(
        PodState.pending("gsp-0", NOW.minus(Duration.ofMinutes(6)), version(ServiceKind.GSP, 3)))).replicas(1, 0).build();
    var r = Verification.verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.unmet()).contains("pod gsp-0 Pending longer than 5m");
  }

  @Test
  void rule8_pendingCountsFromTheEndOfTheStepAndNeverAgainstItForThePodBeingReplaced() {
    // The README's walk: GSP's broken pod has been Pending for minutes when Roll back is chosen.
    Instant rollbackEnded = NOW.minusSeconds(10);
    ServiceState gsp = healthy(ServiceKind.GSP, 2).toBuilder().pods(List.of(
        PodState.pending("gsp-0", NOW.minus(Duration.ofMinutes(12)), version(ServiceKind.GSP, 3)))).replicas(1, 0).build();
    var r = Verification.verify(gsp, version(ServiceKind.GSP, 2), false, rollbackEnded.minusSeconds(1), rollbackEnded,
        NOW, S);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("old pod gsp-0 Pending, waiting for it to be replaced");
    // A pod of the release being verified, Pending since before helm returned: counted from then.
    ServiceState fresh = healthy(ServiceKind.GSP, 2).toBuilder().pods(List.of(
        PodState.pending("gsp-0", NOW.minus(Duration.ofMinutes(12)), version(ServiceKind.GSP, 2)))).replicas(1, 0).build();
    assertThat(Verification.verify(fresh, version(ServiceKind.GSP, 2), false, rollbackEnded.minusSeconds(1),
        rollbackEnded, NOW, S).status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(Verification.verify(fresh, version(ServiceKind.GSP, 2), false, rollbackEnded.minusSeconds(1),
        rollbackEnded, rollbackEnded.plus(Duration.ofMinutes(6)), S).unmet()).contains("pod gsp-0 Pending longer than 5m");
  }

  @Test
  void rule8_aGrowingBacklogAfterTheUpgradeFails() {
    ServiceState gim = upgradedGim().toBuilder().backlog(growingBacklog(NOW, 20, 0.3)).build();
    var r = Verification.verify(gim, NEW_GIM, false, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.unmet()).anySatisfy(u -> assertThat(u).startsWith("backlog growing"));
    assertThat(r.remedies()).containsExactly(Remedy.ROLL_BACK, Remedy.RESTART_POD);
  }

  @Test
  void rule8_backlogSamplesFromBeforeTheUpgradeDoNotCount() {
    // Steady samples exist, but all were taken before helm returned: not enough evidence yet.
    ServiceState gim = upgradedGim().toBuilder().backlog(steadyBacklog(HELM_DONE.minusSeconds(1), 20, 8)).build();
    var r = Verification.verify(gim, NEW_GIM, false, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).anySatisfy(u -> assertThat(u).startsWith("backlog trend unknown"));
  }

  @Test
  void rule8_anIncompleteMigrationFailsAndOffersRestartPod() {
    ServiceState gim = upgradedGim().toBuilder().migration(MigrationState.INCOMPLETE).build();
    var r = Verification.verify(gim, NEW_GIM, true, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.unmet()).anySatisfy(u -> assertThat(u).contains("Restart pod resumes it"));
    assertThat(r.remedies()).contains(Remedy.RESTART_POD);
  }

  @Test
  void rule8_absentMetricsWaitUntilTheDeadlineThenFail() {
    ServiceState gsp = healthy(ServiceKind.GSP, 3).toBuilder().metrics(MetricPresence.ABSENT).build();
    var early = Verification.verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE, NOW, S);
    assertThat(early.status()).isEqualTo(Status.IN_PROGRESS);
    var late = Verification.verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE,
        HELM_DONE.plus(Duration.ofMinutes(31)), S);
    assertThat(late.status()).isEqualTo(Status.FAILED);
    assertThat(late.unmet()).contains("no metrics (is the image available?)", "not verified within 30m");
  }

  @Test
  void rule8_aRollbackIsVerifiedTheSameWay() {
    ServiceState rolledBack = healthy(ServiceKind.GSP, 2);
    var r = Verification.verify(rolledBack, version(ServiceKind.GSP, 2), false, STARTED, HELM_DONE, NOW, S);
    assertThat(r.status()).isEqualTo(Status.VERIFIED);
    var wrong = Verification.verify(rolledBack, version(ServiceKind.GSP, 1), false, STARTED, HELM_DONE, NOW, S);
    assertThat(wrong.status()).isEqualTo(Status.FAILED);
    assertThat(wrong.unmet()).contains("gsp runs 100.0.100+1400, not 100.0.99+1300");
  }

  @Test
  void rule8_aFailedReleaseFailsAndPendingWaits() {
    var failed = Verification.verify(healthy(ServiceKind.GCA, 3).toBuilder().helmStatus(HelmStatus.FAILED).build(),
        version(ServiceKind.GCA, 3), false, STARTED, HELM_DONE, NOW, S);
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    var pending = Verification.verify(healthy(ServiceKind.GCA, 3).toBuilder().helmStatus(HelmStatus.PENDING_UPGRADE).build(),
        version(ServiceKind.GCA, 3), false, STARTED, HELM_DONE, NOW, S);
    assertThat(pending.status()).isEqualTo(Status.IN_PROGRESS);
  }
}
