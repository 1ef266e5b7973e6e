package io.gimops.policies.decision;

import io.gimops.policies.domain.Role;
import java.time.Duration;
import java.util.Objects;

/**
 * The thresholds the rules apply, all configurable.
 *
 * @param pendingThreshold how long a pod may stay Pending before it counts as stuck (rules 2, 8, 9)
 * @param backlog how the trend of {@code gim_kafka_timestamp_behind} is judged (rules 2 and 8)
 * @param verificationTimeout how long verification may take after helm returns before it fails
 * @param minimumOverrideReason the fewest characters a written override reason may have
 * @param secondApproverRole the role a second approver of a production uninstall needs
 */
public record PolicySettings(
    Duration pendingThreshold,
    BacklogSettings backlog,
    Duration verificationTimeout,
    int minimumOverrideReason,
    Role secondApproverRole) {

  public static final PolicySettings DEFAULTS = new PolicySettings(
      Duration.ofMinutes(5), BacklogSettings.DEFAULTS, Duration.ofMinutes(30), 10, Role.ADMIN);

  public PolicySettings {
    Objects.requireNonNull(pendingThreshold, "pendingThreshold");
    Objects.requireNonNull(backlog, "backlog");
    Objects.requireNonNull(verificationTimeout, "verificationTimeout");
    if (minimumOverrideReason < 1) {
      throw new IllegalArgumentException("an override reason needs at least one character");
    }
    Objects.requireNonNull(secondApproverRole, "secondApproverRole");
  }

  /**
   * How a backlog trend is judged: over the last {@code window}, with at least {@code minSamples}
   * samples spanning at least {@code minCoverage} of the window, a robust slope above
   * {@code tolerance} seconds of latency per second of wall time is growing, below its negative
   * shrinking, else steady.
   */
  public record BacklogSettings(Duration window, int minSamples, double minCoverage, double tolerance) {

    public static final BacklogSettings DEFAULTS =
        new BacklogSettings(Duration.ofMinutes(10), 5, 0.5, 0.05);

    public BacklogSettings {
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("the backlog window must be positive");
      }
      // Below 5 samples one scrape spike can still carry the median slope (4 samples: 3 of 6
      // pairwise slopes touch the spike), so the robust estimate needs at least 5.
      if (minSamples < 5) {
        throw new IllegalArgumentException("a trend needs at least 5 samples");
      }
      if (!(minCoverage > 0 && minCoverage <= 1)) {
        throw new IllegalArgumentException("coverage is a fraction of the window in (0, 1]");
      }
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
        throw new IllegalArgumentException("tolerance is a finite slope >= 0");
      }
    }
  }
}
