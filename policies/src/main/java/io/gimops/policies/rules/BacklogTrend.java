package io.gimops.policies.rules;

import io.gimops.policies.decision.PolicySettings.BacklogSettings;
import io.gimops.policies.domain.BacklogSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether GIM's backlog ({@code gim_kafka_timestamp_behind}) is growing: "use the
 * gim_kafka_timestamp_behind metric to track data latency and validate that there is no growing
 * backlog."
 *
 * <p>The slope is the Theil–Sen estimator (the median of the slopes between every pair of
 * samples), so one scrape spike or a dropped sample does not flip the verdict the way a
 * least-squares line would. Too few samples, or samples that cover too little of the window, give
 * {@link Trend#UNKNOWN}: never healthy.
 */
public final class BacklogTrend {

  /** The verdict on a backlog. */
  public enum Trend {
    GROWING,
    STEADY,
    SHRINKING,
    UNKNOWN
  }

  /**
   * @param slope seconds of latency gained per second of wall time (NaN when unknown)
   * @param samples how many samples fell in the window
   * @param explanation one sentence for people
   */
  public record Assessment(Trend trend, double slope, int samples, String explanation) {
    public boolean isGrowing() {
      return trend == Trend.GROWING;
    }

    /** Healthy means known and not growing. */
    public boolean isHealthy() {
      return trend == Trend.STEADY || trend == Trend.SHRINKING;
    }
  }

  /** Beyond this many samples, every k-th is kept so the pairwise estimate stays cheap. */
  private static final int MAX_SAMPLES = 240;

  private BacklogTrend() {}

  public static Assessment assess(List<BacklogSample> samples, Instant now, BacklogSettings s) {
    Instant from = now.minus(s.window());
    List<BacklogSample> in = new ArrayList<>();
    for (BacklogSample b : samples) {
      if (!b.at().isBefore(from) && !b.at().isAfter(now) && Double.isFinite(b.secondsBehind())) {
        in.add(b);
      }
    }
    // By time, then by value, so the result (and its explanation) does not depend on input order.
    in.sort(java.util.Comparator.comparing(BacklogSample::at).thenComparingDouble(BacklogSample::secondsBehind));
    if (in.size() < s.minSamples()) {
      return unknown(in.size(), "only " + in.size() + " sample(s) of gim_kafka_timestamp_behind in the last "
          + minutes(s.window()) + ", " + s.minSamples() + " needed");
    }
    Duration span = Duration.between(in.get(0).at(), in.get(in.size() - 1).at());
    if (span.toMillis() < s.window().toMillis() * s.minCoverage()) {
      return unknown(in.size(), "samples of gim_kafka_timestamp_behind span " + span.toSeconds()
          + "s, less than " + Math.round(s.minCoverage() * 100) + "% of the " + minutes(s.window()) + " window");
    }
    List<BacklogSample> used = thin(in);
    double slope = theilSen(used);
    double latest = in.get(in.size() - 1).secondsBehind();
    String figures = String.format(java.util.Locale.ROOT,
        "%.1fs behind now, changing %+.2fs per minute over %d samples", latest, slope * 60, in.size());
    if (slope > s.tolerance()) {
      return new Assessment(Trend.GROWING, slope, in.size(), "backlog growing: " + figures);
    }
    if (slope < -s.tolerance()) {
      return new Assessment(Trend.SHRINKING, slope, in.size(), "backlog shrinking: " + figures);
    }
    return new Assessment(Trend.STEADY, slope, in.size(), "backlog steady: " + figures);
  }

  private static Assessment unknown(int n, String why) {
    return new Assessment(Trend.UNKNOWN, Double.NaN, n, "backlog trend unknown: " + why);
  }

  private static List<BacklogSample> thin(List<BacklogSample> in) {
    if (in.size() <= MAX_SAMPLES) {
      return in;
    }
    List<BacklogSample> out = new ArrayList<>(MAX_SAMPLES);
    double step = (in.size() - 1) / (double) (MAX_SAMPLES - 1);
    for (int i = 0; i < MAX_SAMPLES; i++) {
      out.add(in.get((int) Math.round(i * step)));
    }
    return out;
  }

  /** Median of pairwise slopes; pairs taken at the same instant carry no slope and are skipped. */
  static double theilSen(List<BacklogSample> in) {
    int n = in.size();
    double[] slopes = new double[n * (n - 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double dt = (in.get(j).at().toEpochMilli() - in.get(i).at().toEpochMilli()) / 1000.0;
        if (dt > 0) {
          slopes[k++] = (in.get(j).secondsBehind() - in.get(i).secondsBehind()) / dt;
        }
      }
    }
    if (k == 0) {
      return 0;
    }
    double[] s = Arrays.copyOf(slopes, k);
    Arrays.sort(s);
    return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
  }

  private static String minutes(Duration d) {
    return io.gimops.policies.decision.PlanStep.helmDuration(d);
  }
}
