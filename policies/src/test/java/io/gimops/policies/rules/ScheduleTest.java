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
import io.gimops.policies.domain.WindowStart;
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

  // A freeze from Sunday 22 November 2026 08:00 for a day: NOW (10:00) is inside it and inside SUNDAY_MORNING.
  private static final MaintenanceWindow FREEZE = MaintenanceWindow.cron(MaintenanceWindow.Effect.DENY,
      "0 8 22 NOV *", Duration.ofHours(24), ZoneId.of("UTC"));
  private static final MaintenanceWindow LATER_FREEZE = MaintenanceWindow.cron(MaintenanceWindow.Effect.DENY,
      "0 8 23 NOV *", Duration.ofHours(24), ZoneId.of("UTC"));

  private Decision at(Instant now, LifecycleRequest r, List<MaintenanceWindow> w) {
    return new PolicyEngine(PolicySettings.DEFAULTS, java.time.Clock.fixed(now, ZoneOffset.UTC))
        .decide(confirmed(r).withEnvironment(PROD.withMaintenanceWindows(w)));
  }

  @Test
  void schedule_aDenyWindowWinsOverAnAllowWindow() {
    assertThat(SUNDAY_MORNING.contains(NOW)).isTrue();
    Decision d = at(NOW, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), List.of(SUNDAY_MORNING, FREEZE));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.findingsOf(Rule.SCHEDULE)).singleElement().satisfies(f ->
        assertThat(f.message()).contains("do not start inside the deny window", "0 8 22 NOV *"));
    // A freeze that has not begun leaves the allow window in force.
    assertThat(at(NOW, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), List.of(SUNDAY_MORNING, LATER_FREEZE))
        .outcome()).isEqualTo(Outcome.ALLOWED);
    // Rollbacks are remedies: no window holds them.
    assertThat(at(NOW, new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty()), List.of(FREEZE)).outcome())
        .isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void schedule_onlyDenyWindows_upgradesStartAnyOtherTime() {
    assertThat(at(NOW, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), LATER_FREEZE).outcome())
        .isEqualTo(Outcome.ALLOWED);
    assertThat(at(NOW, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM), FREEZE).outcome())
        .isEqualTo(Outcome.REFUSED);
  }

  @Test
  void schedule_anAdminMayOverrideADenyWindowWithAReason() {
    Decision d = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK).decide(
        confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withActor(ADMIN)
            .withEnvironment(PROD.withMaintenanceWindows(List.of(SUNDAY_MORNING, FREEZE)))
            .withOverride("critical security fix CVE-2026-1234"));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.findingsOf(Rule.SCHEDULE)).singleElement()
        .satisfies(f -> assertThat(f.verdict()).isEqualTo(Verdict.OVERRIDDEN));
  }

  @Test
  void schedule_cronWindowsOpenOnTheirDaysAndRunPastMidnight() {
    MaintenanceWindow w = MaintenanceWindow.cron(MaintenanceWindow.Effect.ALLOW, "0 22 * * SAT",
        Duration.ofHours(6), ZoneId.of("UTC"));
    assertThat(w.contains(Instant.parse("2026-11-21T22:00:00Z"))).isTrue();
    assertThat(w.contains(Instant.parse("2026-11-22T03:59:00Z"))).isTrue();
    assertThat(w.contains(Instant.parse("2026-11-22T04:00:00Z"))).isFalse();
    assertThat(w.contains(Instant.parse("2026-11-21T21:59:00Z"))).isFalse();
    assertThat(w.contains(Instant.parse("2026-11-20T23:00:00Z"))).isFalse();
    // Several days and times, Sunday as 0 or 7, a step.
    MaintenanceWindow weekdays = MaintenanceWindow.cron(MaintenanceWindow.Effect.ALLOW, "*/30 6 * * 1-5,0",
        Duration.ofMinutes(10), ZoneId.of("UTC"));
    assertThat(weekdays.contains(Instant.parse("2026-11-23T06:35:00Z"))).isTrue();
    assertThat(weekdays.contains(Instant.parse("2026-11-22T06:05:00Z"))).isTrue();
    assertThat(weekdays.contains(Instant.parse("2026-11-23T06:15:00Z"))).isFalse();
    assertThat(weekdays.contains(Instant.parse("2026-11-21T06:05:00Z"))).isFalse();
    assertThat(MaintenanceWindow.cron(MaintenanceWindow.Effect.ALLOW, "0 22 * * 7", Duration.ofHours(1),
        ZoneId.of("UTC")).contains(Instant.parse("2026-11-22T22:30:00Z"))).isTrue();
  }

  @Test
  void schedule_cronMistakesAreSaidWithAnExample() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WindowStart.cron("0 22 * SAT"))
        .hasMessageContaining("five fields").hasMessageContaining("0 22 * * SAT");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WindowStart.cron("0 25 * * SAT"))
        .hasMessageContaining("'25' is not a value from 0 to 23");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> WindowStart.cron("0 22 * * FUN"))
        .hasMessageContaining("SUN..SAT");
  }

  @Test
  void schedule_windowsFollowTheirZoneAcrossDaylightSavingTime() {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 2026-03-29: Berlin springs forward at 02:00 to 03:00. A window 01:30 for 2h ends at 04:30 local
    // (two hours elapsed), and one opening at 02:30 (which does not exist that night) opens at 03:30.
    MaintenanceWindow night = MaintenanceWindow.weekly(MaintenanceWindow.Effect.ALLOW, Set.of(DayOfWeek.SUNDAY),
        LocalTime.of(1, 30), Duration.ofHours(2), berlin);
    assertThat(night.contains(Instant.parse("2026-03-29T02:29:00Z"))).isTrue(); // 04:29 CEST
    assertThat(night.contains(Instant.parse("2026-03-29T02:30:00Z"))).isFalse(); // 04:30 CEST
    MaintenanceWindow inGap = MaintenanceWindow.cron(MaintenanceWindow.Effect.ALLOW, "30 2 * * SUN",
        Duration.ofHours(1), berlin);
    assertThat(inGap.contains(Instant.parse("2026-03-29T01:29:00Z"))).isFalse(); // 03:29 CEST
    assertThat(inGap.contains(Instant.parse("2026-03-29T01:30:00Z"))).isTrue(); // 03:30 CEST
    // In winter the same window opens at 02:30 CET = 01:30Z.
    assertThat(inGap.contains(Instant.parse("2026-11-22T01:30:00Z"))).isTrue();
    assertThat(inGap.contains(Instant.parse("2026-11-22T02:30:00Z"))).isFalse();
    // 2026-10-25: back from 03:00 CEST to 02:00 CET; 22:00 Saturday for 8h ends 8 elapsed hours later.
    MaintenanceWindow autumn = MaintenanceWindow.cron(MaintenanceWindow.Effect.ALLOW, "0 22 * * SAT",
        Duration.ofHours(8), berlin);
    assertThat(autumn.contains(Instant.parse("2026-10-24T20:00:00Z"))).isTrue(); // 22:00 CEST
    assertThat(autumn.contains(Instant.parse("2026-10-25T03:59:00Z"))).isTrue(); // 04:59 CET
    assertThat(autumn.contains(Instant.parse("2026-10-25T04:00:00Z"))).isFalse(); // 05:00 CET
  }
}
