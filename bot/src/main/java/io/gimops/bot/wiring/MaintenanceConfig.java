package io.gimops.bot.wiring;

import java.util.List;
import java.util.Optional;

/**
 * An environment's maintenance windows ({@code environments[].maintenance}): upgrades start only
 * inside an {@code allow} window (when any is given) and never inside a {@code deny} window. An
 * admin may override either with a written reason.
 *
 * @param zone the time zone the windows are in (default UTC), e.g. {@code Europe/Berlin}
 */
public record MaintenanceConfig(Optional<String> zone, Optional<List<Window>> allow, Optional<List<Window>> deny) {

  /**
   * One window: weekly ({@code days: [SAT, SUN]} and {@code start: "22:00"}) or cron-like
   * ({@code cron: "0 22 * * SAT"}), open for {@code length}.
   *
   * @param zone this window's own time zone, over the section's
   */
  public record Window(Optional<List<String>> days, Optional<String> start, Optional<String> cron, String length,
      Optional<String> zone) {}
}
