package io.gimops.policies.domain;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a maintenance window opens: weekly (days and a time of day) or cron-like
 * ({@code 0 22 * * SAT}: minute, hour, day of month, month, day of week). Cron's own rule for the
 * two day fields holds: when both are restricted, a day matching either opens the window.
 *
 * @param text how the configuration said it, for messages
 * @param daysOfMonth empty: any day of the month
 * @param months empty: any month
 * @param days empty: any day of the week
 */
public record WindowStart(String text, Set<Integer> minutes, Set<Integer> hours, Set<Integer> daysOfMonth,
    Set<Integer> months, Set<DayOfWeek> days) {

  private static final List<String> DAY_NAMES = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  private static final List<String> MONTH_NAMES =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");

  public WindowStart {
    minutes = Set.copyOf(new TreeSet<>(minutes));
    hours = Set.copyOf(new TreeSet<>(hours));
    daysOfMonth = Set.copyOf(daysOfMonth);
    months = Set.copyOf(months);
    days = days.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(days));
    if (minutes.isEmpty() || hours.isEmpty()) {
      throw new IllegalArgumentException("a maintenance window opens at some time of day");
    }
  }

  /** On these days of the week at {@code start}. */
  public static WindowStart weekly(Set<DayOfWeek> days, LocalTime start) {
    if (days.isEmpty()) {
      throw new IllegalArgumentException("a maintenance window needs at least one day");
    }
    return new WindowStart(EnumSet.copyOf(days) + " " + start, Set.of(start.getMinute()), Set.of(start.getHour()),
        Set.of(), Set.of(), days);
  }

  /**
   * A cron expression of five fields; each is {@code *}, a number, a range {@code a-b}, a list
   * {@code a,b} or a step {@code * /n}. Days of the week are 0-7 (0 and 7: Sunday) or SUN..SAT,
   * months 1-12 or JAN..DEC.
   */
  public static WindowStart cron(String expression) {
    String[] f = expression == null ? new String[0] : expression.strip().split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException("cron '" + expression + "' needs five fields (minute hour day-of-month month"
          + " day-of-week), e.g. \"0 22 * * SAT\"");
    }
    Set<Integer> minutes = field(expression, f[0], 0, 59, List.of(), false);
    Set<Integer> hours = field(expression, f[1], 0, 23, List.of(), false);
    Set<Integer> dom = field(expression, f[2], 1, 31, List.of(), true);
    Set<Integer> months = field(expression, f[3], 1, 12, MONTH_NAMES, true);
    Set<Integer> dow = field(expression, f[4], 0, 7, DAY_NAMES, true);
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    dow.forEach(d -> days.add(d % 7 == 0 ? DayOfWeek.SUNDAY : DayOfWeek.of(d)));
    return new WindowStart(expression.strip(), minutes, hours, dom, months, days);
  }

  /** Whether the window opens on this date (at {@link #times()}). */
  public boolean opensOn(LocalDate date) {
    if (!months.isEmpty() && !months.contains(date.getMonthValue())) {
      return false;
    }
    boolean domOk = daysOfMonth.contains(date.getDayOfMonth());
    boolean dowOk = days.contains(date.getDayOfWeek());
    if (daysOfMonth.isEmpty() || days.isEmpty()) {
      return (daysOfMonth.isEmpty() || domOk) && (days.isEmpty() || dowOk);
    }
    return domOk || dowOk;
  }

  /** The times of day it opens, in order. */
  public List<LocalTime> times() {
    List<LocalTime> out = new ArrayList<>();
    for (int h : new TreeSet<>(hours)) {
      for (int m : new TreeSet<>(minutes)) {
        out.add(LocalTime.of(h, m));
      }
    }
    return out;
  }

  /** Empty: any value of the field ({@code *} in the day and month fields). */
  private static Set<Integer> field(String expr, String field, int min, int max, List<String> names, boolean starIsAny) {
    Set<Integer> out = new TreeSet<>();
    for (String part : field.split(",", -1)) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(expr, part.substring(slash + 1), 1, max, List.of());
      }
      int from;
      int to;
      if (range.equals("*")) {
        if (starIsAny && step == 1) {
          return Set.of();
        }
        from = min;
        to = max;
      } else if (range.contains("-")) {
        from = number(expr, range.substring(0, range.indexOf('-')), min, max, names);
        to = number(expr, range.substring(range.indexOf('-') + 1), min, max, names);
      } else {
        from = number(expr, range, min, max, names);
        to = slash >= 0 ? max : from;
      }
      if (to < from) {
        throw new IllegalArgumentException("cron '" + expr + "': the range " + range + " runs backwards");
      }
      for (int v = from; v <= to; v += step) {
        out.add(v);
      }
    }
    return out;
  }

  private static int number(String expr, String text, int min, int max, List<String> names) {
    int named = names.indexOf(text.toUpperCase(Locale.ROOT));
    if (named >= 0) {
      return names == MONTH_NAMES ? named + 1 : named;
    }
    try {
      int v = Integer.parseInt(text);
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException("cron '" + expr + "': '" + text + "' is not a value from " + min + " to " + max
        + (names.isEmpty() ? "" : " or " + names.get(0) + ".." + names.get(names.size() - 1))
        + "; e.g. \"0 22 * * SAT\"");
  }

  @Override
  public String toString() {
    return text;
  }
}
