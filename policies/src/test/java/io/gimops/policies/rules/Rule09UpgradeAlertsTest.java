package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.rules.UpgradeAlerts.Kind;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 9: \"an alert that a pod is in pending state for longer than a timeout suitable for"
    + " your environment. Consider including an alert for the absence of metrics, which is a situation"
    + " that can occur if the Docker image is not available.\"")
class Rule09UpgradeAlertsTest {

  private static final PolicySettings S = PolicySettings.DEFAULTS;

  @Test
  void rule9_aPodPendingPastItsTimeoutRaisesAnAlert() {
    var snap = healthySnapshot().with(healthy(ServiceKind.GSP, 3).toBuilder().pods(List.of(
        PodState.pending("gsp-1", NOW.minus(Duration.ofMinutes(8)), version(ServiceKind.GSP, 3)))).build());
    var alerts = UpgradeAlerts.scan(snap, Set.of(ServiceKind.GSP), NOW.minus(Duration.ofMinutes(10)), NOW, S);
    assertThat(alerts).singleElement().satisfies(a -> {
      assertThat(a.kind()).isEqualTo(Kind.POD_PENDING_TOO_LONG);
      assertThat(a.subject()).isEqualTo("gsp-1");
      assertThat(a.message()).isEqualTo("pod gsp-1 of gsp has been Pending for 8m, longer than 5m");
    });
  }

  @Test
  void rule9_absentMetricsRaiseAnAlertAfterAGracePeriod() {
    var snap = healthySnapshot().with(healthy(ServiceKind.GCA, 3).toBuilder().metrics(MetricPresence.ABSENT).build());
    assertThat(UpgradeAlerts.scan(snap, Set.of(ServiceKind.GCA), NOW.minus(Duration.ofMinutes(2)), NOW, S)).isEmpty();
    assertThat(UpgradeAlerts.scan(snap, Set.of(ServiceKind.GCA), NOW.minus(Duration.ofMinutes(6)), NOW, S))
        .singleElement().satisfies(a -> {
          assertThat(a.kind()).isEqualTo(Kind.METRICS_ABSENT);
          assertThat(a.message()).contains("often a missing image");
        });
  }

  @Test
  void rule9_anImageThatCannotBePulledIsAlertedStraightAway() {
    var snap = healthySnapshot().with(healthy(ServiceKind.GIM, 3).toBuilder().pods(List.of(
        PodState.waiting("gim-0", "ErrImagePull", version(ServiceKind.GIM, 3)))).build());
    assertThat(UpgradeAlerts.scan(snap, Set.of(ServiceKind.GIM), NOW.minusSeconds(20), NOW, S))
        .extracting(UpgradeAlerts.Alert::kind).containsExactly(Kind.IMAGE_UNAVAILABLE);
  }

  @Test
  void rule9_onlyTheServicesBeingUpgradedAreWatched() {
    var snap = healthySnapshot().with(healthy(ServiceKind.GCA, 3).toBuilder().metrics(MetricPresence.ABSENT).build());
    assertThat(UpgradeAlerts.scan(snap, Set.of(ServiceKind.GIM), NOW.minus(Duration.ofHours(1)), NOW, S)).isEmpty();
  }
}
