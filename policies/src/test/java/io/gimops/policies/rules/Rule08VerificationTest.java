package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.EtlEvidence;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.PodPhase;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.Verification.Remedy;
import io.gimops.policies.rules.Verification.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 8: \"The GIM service does not report the Ready state until the first"
    + " post-upgrade transformation job has completed successfully.\" \"If a new pod does not start"
    + " and/or operate successfully, Genesys recommends that you roll back to the previous version\""
    + " \"If Genesys Info Mart is operating normally after an upgrade in which there were schema changes,"
    + " but the migration job either did not run or else did not complete successfully [...] Simply restart"
    + " the GIM pod.\"")
class Rule08VerificationTest {

  private static final PolicySettings S = PolicySettings.DEFAULTS;
  private static final Version NEW_GIM = version(ServiceKind.GIM, 3);
  private static final Instant STARTED = NOW.minus(Duration.ofMinutes(20));
  private static final Instant HELM_DONE = NOW.minus(Duration.ofMinutes(12));

  private static final EtlEvidence NO_DB = EtlEvidence.notConfigured();
  /** The Info Mart database after a good upgrade: migrated, then transformed, after helm ended. */
  private static final EtlEvidence MIGRATED = EtlEvidence.read(HELM_DONE, MigrationState.COMPLETED,
      Optional.of(HELM_DONE.plusSeconds(40)), Optional.of(HELM_DONE.plusSeconds(60)), "CTL_ETL_HISTORY");

  /** GIM upgraded to 117: pods Ready on it (its transformation signal), backlog steady since. */
  private static ServiceState upgradedGim() {
    return healthy(ServiceKind.GIM, 3).toBuilder()
        .backlog(steadyBacklog(NOW, 20, 8))
        .build();
  }

  /** Running on 117, not Ready: GIM still transforms. */
  private static PodState notReady(String name) {
    return new PodState(name, PodPhase.RUNNING, false, Optional.empty(), Optional.empty(), 0, Optional.of(NEW_GIM));
  }

  private static Verification.Result verify(ServiceState s, Version v, boolean schemaChange, Instant started,
      Instant ended, Instant now) {
    return Verification.verify(s, v, schemaChange, started, ended, now, S, NO_DB);
  }

  @Test
  void rule8_aHealthyUpgradedGimVerifiesWithoutAnyJobAndSaysTheMigrationWasNotChecked() {
    var r = verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE, NOW);
    assertThat(r.status()).isEqualTo(Status.VERIFIED);
    assertThat(r.passed()).contains("gim 100.0.117+3000 deployed (revision 3)", "2 of 2 new pods Ready",
        "first post-upgrade transformation job completed (GIM reports Ready only after it)",
        "migration not checked: no database configured", "metrics present");
  }

  @Test
  void rule8_withTheDatabaseAHealthyUpgradedGimVerifiesOnItsMigrationAndTransformationRows() {
    var r = Verification.verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE, NOW, S, MIGRATED);
    assertThat(r.status()).isEqualTo(Status.VERIFIED);
    assertThat(r.passed()).anySatisfy(p -> assertThat(p).startsWith("database migration completed (Job_MigrateGIM at"))
        .anySatisfy(p -> assertThat(p).startsWith("Job_TransformGIM completed at"))
        .doesNotContain("migration not checked: no database configured");
  }

  @Test
  void rule8_gimIsNotVerifiedBeforeItIsReadyThatIsBeforeItsFirstPostUpgradeTransformationJob() {
    ServiceState gim = upgradedGim().toBuilder().replicas(2, 0).pods(List.of(
        notReady("gim-0"), notReady("gim-1"))).build();
    var r = verify(gim, NEW_GIM, false, STARTED, HELM_DONE, NOW);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("first post-upgrade transformation job not completed yet (GIM is not Ready)");
  }

  @Test
  void rule8_aTransformationRowFromBeforeHelmEndedIsNoEvidenceOfTheNewVersion() {
    EtlEvidence stale = EtlEvidence.read(HELM_DONE, MigrationState.COMPLETED, Optional.of(HELM_DONE.plusSeconds(5)),
        Optional.of(HELM_DONE.minusSeconds(30)), "CTL_ETL_HISTORY");
    var r = Verification.verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE, NOW, S, stale);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("no Job_TransformGIM completed since " + HELM_DONE + " in CTL_ETL_HISTORY yet");
  }

  @Test
  void rule8_aDatabaseThatCannotBeReadIsUnknownNeverHealthyAndFailsAtTheDeadline() {
    EtlEvidence down = EtlEvidence.unreadable("jdbc:postgresql://db/gim: Connection refused");
    var early = Verification.verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE, NOW, S, down);
    assertThat(early.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(early.unmet()).contains("database evidence unknown (the Info Mart database could not be read:"
        + " jdbc:postgresql://db/gim: Connection refused)");
    var late = Verification.verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE,
        HELM_DONE.plus(Duration.ofMinutes(31)), S, down);
    assertThat(late.status()).isEqualTo(Status.FAILED);
  }

  @Test
  void rule8_podsOfTheOldVersionDoNotCount() {
    ServiceState gsp = healthy(ServiceKind.GSP, 3).toBuilder().pods(List.of(
        PodState.ready("gsp-0", version(ServiceKind.GSP, 3)), PodState.ready("gsp-old", version(ServiceKind.GSP, 2)))).build();
    var r = verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE, NOW);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("1 of 2 new pods Ready");
  }

  @Test
  void rule8_aPodThatCannotStartFailsAtOnceAndOffersRollBack() {
    ServiceState gca = healthy(ServiceKind.GCA, 3).toBuilder().pods(List.of(
        PodState.waiting("gca-0", "ImagePullBackOff", version(ServiceKind.GCA, 3)))).replicas(1, 0).build();
    var r = verify(gca, version(ServiceKind.GCA, 3), false, NOW.minusSeconds(30), NOW, NOW);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.unmet()).contains("pod gca-0 is in ImagePullBackOff");
    assertThat(r.remedies()).containsExactly(Remedy.ROLL_BACK);
  }

  @Test
  void rule8_afterARollbackTheBrokenPodOfTheReleaseLeftIsWaitedForNotFatal() {
    // Rolled back from 3 to 2: the pod that could not start on 3 is still there until replaced.
    ServiceState gsp = healthy(ServiceKind.GSP, 2).toBuilder().pods(List.of(
        PodState.waiting("gsp-0", "ImagePullBackOff", version(ServiceKind.GSP, 3)))).replicas(1, 0).build();
    var r = verify(gsp, version(ServiceKind.GSP, 2), false, NOW.minusSeconds(30), NOW, NOW);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("old pod gsp-0 is in ImagePullBackOff, waiting for it to be replaced");
  }

  @Test
  void rule8_aTransformationRowStampedInTheSecondHelmEndedCounts() {
    // Helm's end is journaled to the millisecond; the row was written in the same second.
    Instant ended = Instant.parse("2026-11-22T10:00:00.700Z");
    EtlEvidence db = EtlEvidence.read(ended, MigrationState.COMPLETED, Optional.of(Instant.parse("2026-11-22T10:00:00Z")),
        Optional.of(Instant.parse("2026-11-22T10:00:00Z")), "CTL_ETL_HISTORY");
    var r = Verification.verify(upgradedGim(), NEW_GIM, true, ended.minusMillis(300), ended, NOW, S, db);
    assertThat(r.passed()).anySatisfy(p -> assertThat(p).startsWith("Job_TransformGIM completed at"));
  }

  @Test
  void rule8_aPodPendingPastTheThresholdFails() {
    ServiceState gsp = healthy(ServiceKind.GSP, 3).toBuilder().pods(List.of(
        PodState.pending("gsp-0", NOW.minus(Duration.ofMinutes(6)), version(ServiceKind.GSP, 3)))).replicas(1, 0).build();
    var r = verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE, NOW);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.unmet()).contains("pod gsp-0 Pending longer than 5m");
  }

  @Test
  void rule8_pendingCountsFromTheEndOfTheStepAndNeverAgainstItForThePodBeingReplaced() {
    // The README's walk: GSP's broken pod has been Pending for minutes when Roll back is chosen.
    Instant rollbackEnded = NOW.minusSeconds(10);
    ServiceState gsp = healthy(ServiceKind.GSP, 2).toBuilder().pods(List.of(
        PodState.pending("gsp-0", NOW.minus(Duration.ofMinutes(12)), version(ServiceKind.GSP, 3)))).replicas(1, 0).build();
    var r = verify(gsp, version(ServiceKind.GSP, 2), false, rollbackEnded.minusSeconds(1), rollbackEnded,
        NOW);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).contains("old pod gsp-0 Pending, waiting for it to be replaced");
    // A pod of the release being verified, Pending since before helm returned: counted from then.
    ServiceState fresh = healthy(ServiceKind.GSP, 2).toBuilder().pods(List.of(
        PodState.pending("gsp-0", NOW.minus(Duration.ofMinutes(12)), version(ServiceKind.GSP, 2)))).replicas(1, 0).build();
    assertThat(verify(fresh, version(ServiceKind.GSP, 2), false, rollbackEnded.minusSeconds(1),
        rollbackEnded, NOW).status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(verify(fresh, version(ServiceKind.GSP, 2), false, rollbackEnded.minusSeconds(1),
        rollbackEnded, rollbackEnded.plus(Duration.ofMinutes(6))).unmet()).contains("pod gsp-0 Pending longer than 5m");
  }

  @Test
  void rule8_aGrowingBacklogAfterTheUpgradeFails() {
    ServiceState gim = upgradedGim().toBuilder().backlog(growingBacklog(NOW, 20, 0.3)).build();
    var r = verify(gim, NEW_GIM, false, STARTED, HELM_DONE, NOW);
    assertThat(r.status()).isEqualTo(Status.FAILED);
    assertThat(r.unmet()).anySatisfy(u -> assertThat(u).startsWith("backlog growing"));
    assertThat(r.remedies()).containsExactly(Remedy.ROLL_BACK, Remedy.RESTART_POD);
  }

  @Test
  void rule8_backlogSamplesFromBeforeTheUpgradeDoNotCount() {
    // Steady samples exist, but all were taken before helm returned: not enough evidence yet.
    ServiceState gim = upgradedGim().toBuilder().backlog(steadyBacklog(HELM_DONE.minusSeconds(1), 20, 8)).build();
    var r = verify(gim, NEW_GIM, false, STARTED, HELM_DONE, NOW);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).anySatisfy(u -> assertThat(u).startsWith("backlog trend unknown"));
  }

  @Test
  void rule8_anIncompleteMigrationWhileGimOperatesNormallyStallsOfferingRestartPodFirstAndEvenPastTheDeadline() {
    EtlEvidence halfway = EtlEvidence.read(HELM_DONE, MigrationState.INCOMPLETE, Optional.of(HELM_DONE.plusSeconds(30)),
        Optional.of(HELM_DONE.plusSeconds(60)), "CTL_ETL_HISTORY");
    var r = Verification.verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE, NOW, S, halfway);
    assertThat(r.status()).isEqualTo(Status.STALLED);
    assertThat(r.unmet()).singleElement().satisfies(u -> assertThat(u)
        .startsWith("the database migration job Job_MigrateGIM did not complete (failed at")
        .endsWith("restart the GIM pod, the migration resumes where it left off"));
    assertThat(r.remedies()).containsExactly(Remedy.RESTART_POD, Remedy.ROLL_BACK);
    // The deadline does not turn it into a failure: a person chooses.
    Instant later = HELM_DONE.plus(Duration.ofMinutes(45));
    ServiceState stillNormal = upgradedGim().toBuilder().backlog(steadyBacklog(later, 20, 8)).build();
    assertThat(Verification.verify(stillNormal, NEW_GIM, true, STARTED, HELM_DONE, later, S, halfway).status())
        .isEqualTo(Status.STALLED);
  }

  @Test
  void rule8_aMigrationThatDidNotRunAlthoughGimTransformedStalls() {
    EtlEvidence none = EtlEvidence.read(HELM_DONE, MigrationState.NONE, Optional.empty(), Optional.of(HELM_DONE.plusSeconds(60)),
        "CTL_ETL_HISTORY");
    var r = Verification.verify(upgradedGim(), NEW_GIM, true, STARTED, HELM_DONE, NOW, S, none);
    assertThat(r.status()).isEqualTo(Status.STALLED);
    assertThat(r.unmet()).singleElement().asString().contains("did not run");
    // Without a schema change there is nothing to migrate.
    assertThat(Verification.verify(upgradedGim(), NEW_GIM, false, STARTED, HELM_DONE, NOW, S, none).status())
        .isEqualTo(Status.VERIFIED);
  }

  @Test
  void rule8_anIncompleteMigrationOfAGimThatIsNotOperatingNormallyIsNotAStall() {
    EtlEvidence halfway = EtlEvidence.read(HELM_DONE, MigrationState.INCOMPLETE, Optional.of(HELM_DONE.plusSeconds(30)),
        Optional.of(HELM_DONE.plusSeconds(60)), "CTL_ETL_HISTORY");
    ServiceState growing = upgradedGim().toBuilder().backlog(growingBacklog(NOW, 20, 0.3)).build();
    var failed = Verification.verify(growing, NEW_GIM, true, STARTED, HELM_DONE, NOW, S, halfway);
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    assertThat(failed.remedies()).containsExactly(Remedy.ROLL_BACK, Remedy.RESTART_POD);
    ServiceState notMeasured = upgradedGim().toBuilder().metrics(MetricPresence.UNKNOWN).build();
    assertThat(Verification.verify(notMeasured, NEW_GIM, true, STARTED, HELM_DONE, NOW, S, halfway).status())
        .isEqualTo(Status.IN_PROGRESS);
  }

  @Test
  void rule8_absentMetricsWaitUntilTheDeadlineThenFail() {
    ServiceState gsp = healthy(ServiceKind.GSP, 3).toBuilder().metrics(MetricPresence.ABSENT).build();
    var early = verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE, NOW);
    assertThat(early.status()).isEqualTo(Status.IN_PROGRESS);
    var late = verify(gsp, version(ServiceKind.GSP, 3), false, STARTED, HELM_DONE,
        HELM_DONE.plus(Duration.ofMinutes(31)));
    assertThat(late.status()).isEqualTo(Status.FAILED);
    assertThat(late.unmet()).contains("no metrics (is the image available?)", "not verified within 30m");
  }

  @Test
  void rule8_aRollbackIsVerifiedTheSameWay() {
    ServiceState rolledBack = healthy(ServiceKind.GSP, 2);
    var r = verify(rolledBack, version(ServiceKind.GSP, 2), false, STARTED, HELM_DONE, NOW);
    assertThat(r.status()).isEqualTo(Status.VERIFIED);
    var wrong = verify(rolledBack, version(ServiceKind.GSP, 1), false, STARTED, HELM_DONE, NOW);
    assertThat(wrong.status()).isEqualTo(Status.FAILED);
    assertThat(wrong.unmet()).contains("gsp runs 100.0.100+1400, not 100.0.99+1300");
  }

  @Test
  void rule8_aFailedReleaseFailsAndPendingWaits() {
    var failed = verify(healthy(ServiceKind.GCA, 3).toBuilder().helmStatus(HelmStatus.FAILED).build(),
        version(ServiceKind.GCA, 3), false, STARTED, HELM_DONE, NOW);
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    var pending = verify(healthy(ServiceKind.GCA, 3).toBuilder().helmStatus(HelmStatus.PENDING_UPGRADE).build(),
        version(ServiceKind.GCA, 3), false, STARTED, HELM_DONE, NOW);
    assertThat(pending.status()).isEqualTo(Status.IN_PROGRESS);
  }
}
