package io.gimops.policies.domain;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A recurring time agreed for upgrades ("Plan a time when this eventuality is least disruptive to
 * your operations"): on the given days, from {@code start} for {@code length}, in {@code zone}. A
 * window may run past midnight.
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, Duration length, ZoneId zone) {

  public MaintenanceWindow {
    days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(zone, "zone");
    if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("a maintenance window lasts more than 0 and at most 7 days");
    }
    if (days.isEmpty()) {
      throw new IllegalArgumentException("a maintenance window needs at least one day");
    }
  }

  public boolean contains(Instant instant) {
    LocalDate date = instant.atZone(zone).toLocalDate();
    long lookBack = length.toDays() + 1;
    for (long back = 0; back <= lookBack; back++) {
      LocalDate d = date.minusDays(back);
      if (days.contains(d.getDayOfWeek())) {
        Instant from = d.atTime(start).atZone(zone).toInstant();
        if (!instant.isBefore(from) && instant.isBefore(from.plus(length))) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return days + " " + start + " for " + length.toMinutes() + "m (" + zone + ")";
  }
}
