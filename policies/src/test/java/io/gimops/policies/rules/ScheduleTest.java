package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.MaintenanceWindow;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.engine.PolicyEngine;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Maintenance window: \"Plan a time when this eventuality is least disruptive to your operations.\"")
class ScheduleTest {

  // NOW is Sunday 2026-11-22 10:00Z.
  private static final MaintenanceWindow SATURDAY_NIGHT = new MaintenanceWindow(
      Set.of(DayOfWeek.SATURDAY), LocalTime.of(22, 0), Duration.ofHours(6), ZoneId.of("UTC"));
  private static final MaintenanceWindow SUNDAY_MORNING = new MaintenanceWindow(
      Set.of(DayOfWeek.SUNDAY), LocalTime.of(9, 0), Duration.ofHours(2), ZoneId.of("UTC"));

  private Decision at(Instant now, LifecycleRequest r, MaintenanceWindow w) {
    return new PolicyEngine(PolicySettings.DEFAULTS, java.time.Clock.fixed(now, ZoneOffset.UTC))
        .decide(confirmed(r).withEnvironment(PROD.withMaintenanceWindows(List.of(w))));
  }

  @Test
  void schedule_windowsRunPastMidnight() {
    assertThat(SATURDAY_NIGHT.contains(Instant.parse("2026-11-22T03:59:00Z"))).isTrue();
    assertThat(SATURDAY_NIGHT.contains(Instant.parse("2026-11-22T04:00:00Z"))).isFalse();
    assertThat(SATURDAY_NIGHT.contains(Instant.parse("2026-11-21T21:59:00Z"))).isFalse();
  }

  @Test
  void schedule_upgradesOutsideTheWindowAreRefusedRollbacksAreNot() {
    Decision upgrade = at(NOW, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), SATURDAY_NIGHT);
    assertThat(upgrade.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(upgrade.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.SCHEDULE);
      assertThat(f.message()).contains("start inside a maintenance window", "an admin may override");
    });
    assertThat(at(NOW, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), SUNDAY_MORNING).outcome())
        .isEqualTo(Outcome.ALLOWED);
    assertThat(at(NOW, new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty()), SATURDAY_NIGHT).outcome())
        .isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void schedule_anAdminMayOverrideTheWindowWithAReason() {
    Decision d = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK).decide(
        confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withActor(ADMIN)
            .withEnvironment(PROD.withMaintenanceWindows(List.of(SATURDAY_NIGHT)))
            .withOverride("critical security fix CVE-2026-1234"));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.findingsOf(Rule.SCHEDULE)).singleElement().satisfies(f -> assertThat(f.verdict()).isEqualTo(Verdict.OVERRIDDEN));
  }
}
