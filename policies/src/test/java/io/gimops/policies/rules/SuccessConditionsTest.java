package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.NOW;
import static io.gimops.policies.Fixtures.healthy;
import static io.gimops.policies.Fixtures.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.ConditionReading;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.SuccessCondition;
import io.gimops.policies.rules.Verification.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 8's success conditions: GSP's \"number of running Flink jobs. If less than 1, there is a"
    + " problem\"; a query that returns nothing is unknown, never healthy")
class SuccessConditionsTest {

  static final SuccessCondition FLINK = new SuccessCondition("Flink jobs running",
      "max(flink_jobmanager_numRunningJobs{namespace=\"gsp\"})", SuccessCondition.Comparison.GE, 1);
  static final PolicySettings S = PolicySettings.DEFAULTS;

  private static Verification.Result verify(ConditionReading reading, java.time.Instant now) {
    ServiceState gsp = healthy(ServiceKind.GSP, 3).toBuilder().conditions(List.of(reading)).build();
    return Verification.verify(gsp, version(ServiceKind.GSP, 3), false, NOW.minusSeconds(60), NOW.minusSeconds(30),
        now, S);
  }

  @Test
  void aConditionThatHoldsPassesWithItsName() {
    var r = verify(ConditionReading.of(FLINK, List.of(1.0)), NOW);
    assertThat(r.status()).isEqualTo(Status.VERIFIED);
    assertThat(r.passed()).contains("Flink jobs running: 1 (>= 1)");
  }

  @Test
  void aConditionThatDoesNotHoldIsWaitedForThenFailsVerificationByName() {
    var r = verify(ConditionReading.of(FLINK, List.of(0.0)), NOW);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).containsExactly("Flink jobs running not met: 0, needs >= 1 ("
        + FLINK.query() + ")");

    var late = verify(ConditionReading.of(FLINK, List.of(0.0)), NOW.plus(S.verificationTimeout()).plusSeconds(1));
    assertThat(late.status()).isEqualTo(Status.FAILED);
    assertThat(late.unmet()).first().asString().startsWith("Flink jobs running not met: 0");
  }

  @Test
  void everySampleMustHold() {
    assertThat(ConditionReading.of(FLINK, List.of(1.0, 0.0)).met()).isFalse();
    assertThat(ConditionReading.of(FLINK, List.of(2.0, 1.0)).met()).isTrue();
  }

  @Test
  void aQueryThatReturnedNothingIsUnknownAndNeverHealthy() {
    ConditionReading empty = ConditionReading.of(FLINK, List.of());
    assertThat(empty.met()).isFalse();
    assertThat(empty.unknown()).contains("the query returned nothing");
    var r = verify(empty, NOW);
    assertThat(r.status()).isEqualTo(Status.IN_PROGRESS);
    assertThat(r.unmet()).containsExactly("Flink jobs running unknown: the query returned nothing ("
        + FLINK.query() + ", needs >= 1)");
    assertThat(verify(empty, NOW.plus(S.verificationTimeout()).plus(Duration.ofSeconds(1))).status())
        .isEqualTo(Status.FAILED);
  }

  @Test
  void aServiceWithoutConditionsIsJudgedAsBefore() {
    ServiceState gsp = healthy(ServiceKind.GSP, 3);
    assertThat(gsp.conditions()).isEmpty();
    assertThat(Verification.verify(gsp, version(ServiceKind.GSP, 3), false, NOW.minusSeconds(60),
        NOW.minusSeconds(30), NOW, S).status()).isEqualTo(Status.VERIFIED);
  }
}
