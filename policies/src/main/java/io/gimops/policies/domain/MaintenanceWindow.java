package io.gimops.policies.domain;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Set;

/**
 * A recurring time agreed for upgrades ("Plan a time when this eventuality is least disruptive to
 * your operations"), or one when they must not start (a deny window: month-end reporting, a
 * freeze): opening at {@code start} (weekly or cron-like) for {@code length}, in {@code zone}. A
 * window may run past midnight; its length is elapsed time, so a night that loses an hour to
 * daylight saving time still ends {@code length} after it opened.
 */
public record MaintenanceWindow(Effect effect, WindowStart start, Duration length, ZoneId zone) {

  /** Whether upgrades may start inside the window, or must not (deny wins over allow). */
  public enum Effect { ALLOW, DENY }

  public MaintenanceWindow {
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(zone, "zone");
    if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("a maintenance window lasts more than 0 and at most 7 days");
    }
  }

  /** A weekly allow window. */
  public MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, Duration length, ZoneId zone) {
    this(Effect.ALLOW, WindowStart.weekly(days, start), length, zone);
  }

  public static MaintenanceWindow weekly(Effect effect, Set<DayOfWeek> days, LocalTime start, Duration length,
      ZoneId zone) {
    return new MaintenanceWindow(effect, WindowStart.weekly(days, start), length, zone);
  }

  public static MaintenanceWindow cron(Effect effect, String expression, Duration length, ZoneId zone) {
    return new MaintenanceWindow(effect, WindowStart.cron(expression), length, zone);
  }

  public boolean denies() {
    return effect == Effect.DENY;
  }

  public boolean contains(Instant instant) {
    LocalDate date = instant.atZone(zone).toLocalDate();
    long lookBack = length.toDays() + 1;
    for (long back = 0; back <= lookBack; back++) {
      LocalDate d = date.minusDays(back);
      if (!start.opensOn(d)) {
        continue;
      }
      for (LocalTime t : start.times()) {
        // A start in a spring-forward gap opens at the first valid time after it.
        Instant from = d.atTime(t).atZone(zone).toInstant();
        if (!instant.isBefore(from) && instant.isBefore(from.plus(length))) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return start + " for " + length.toMinutes() + "m (" + zone + ")";
  }
}
