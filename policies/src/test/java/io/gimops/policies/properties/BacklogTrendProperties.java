package io.gimops.policies.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.Fixtures;
import io.gimops.policies.decision.PolicySettings.BacklogSettings;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.rules.BacklogTrend;
import io.gimops.policies.rules.BacklogTrend.Assessment;
import io.gimops.policies.rules.BacklogTrend.Trend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The trend of GIM's backlog, which rule 2 (all healthy before an upgrade) and rule 8
 * (verification after an upgrade or rollback) read.
 *
 * <p>Vendor: "To verify that an upgraded GIM is successfully populating the Info Mart database,
 * use the gim_kafka_timestamp_behind metric to track data latency and validate that there is no
 * growing backlog."
 *
 * <p>Series are sampled at a random interval (5 s up to a tenth of the window) with a random
 * jitter of up to a quarter interval, at a random level, with bounded random noise. The noise is
 * bounded so that every pairwise slope stays on the right side of the tolerance (amplitude at most
 * tolerance x interval / 4 for a clear trend, / 6 for a flat one, against a slope of at least 3x
 * the tolerance, or at most a third of it): then the verdict is determined, whatever the noise, and
 * a failure is the estimator's, not the generator's.
 */
@Label("Rules 2 and 8: backlog trend. \"use the gim_kafka_timestamp_behind metric to track data"
    + " latency and validate that there is no growing backlog\"")
class BacklogTrendProperties {

  static final Instant NOW = Fixtures.NOW;

  /** Settings, sampling and shape of one linear series; {@link #samples()} draws it. */
  record Series(BacklogSettings settings, long intervalMs, long offsetMs, double level,
      double slope, double amplitude, long seed) {

    long windowMs() {
      return settings.window().toMillis();
    }

    int count() {
      return (int) ((windowMs() - offsetMs) / intervalMs) + 1;
    }

    /** Samples from the oldest to the newest, all inside the window, ending by {@code NOW}. */
    List<BacklogSample> samples() {
      Random r = new Random(seed);
      int n = count();
      long first = -(offsetMs + (long) (n - 1) * intervalMs);
      List<BacklogSample> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long t = first + i * intervalMs + (long) (r.nextDouble() * intervalMs / 4);
        double value = level + slope * ((t - first) / 1000.0) + amplitude * (2 * r.nextDouble() - 1);
        out.add(new BacklogSample(NOW.plusMillis(t), value));
      }
      return out;
    }

    @Override
    public String toString() {
      return "Series{window=" + settings.window() + ", minSamples=" + settings.minSamples()
          + ", minCoverage=" + settings.minCoverage() + ", tolerance=" + settings.tolerance()
          + ", interval=" + intervalMs + "ms, offset=" + offsetMs + "ms, n=" + count()
          + ", level=" + level + ", slope=" + slope + "/s, noise=±" + amplitude + ", seed=" + seed + "}";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Generators

  @Provide
  Arbitrary<BacklogSettings> settings() {
    return Combinators.combine(
        Arbitraries.integers().between(5, 30).map(m -> Duration.ofMinutes(m)),
        Arbitraries.integers().between(5, 10),
        Arbitraries.doubles().between(0.10, 0.75).ofScale(2),
        Arbitraries.doubles().between(0.01, 0.2).ofScale(3))
        .as(BacklogSettings::new);
  }

  /**
   * A linear series whose slope is {@code tolerance x slopeFactor} and whose noise amplitude is
   * {@code tolerance x interval x noiseFactor} (a fraction of {@code maxNoise}).
   */
  Arbitrary<Series> series(double minSlopeFactor, double maxSlopeFactor, double maxNoise) {
    return Combinators.combine(settings(),
            Arbitraries.doubles().between(0, 1).ofScale(4), // interval, as a fraction of its range
            Arbitraries.doubles().between(0, 1).ofScale(4), // offset of the newest sample from now
            Arbitraries.doubles().between(0, 5000).ofScale(3), // level, seconds behind
            Arbitraries.doubles().between(minSlopeFactor, maxSlopeFactor).ofScale(4),
            Arbitraries.doubles().between(0, 1).ofScale(4), // noise
            Arbitraries.longs())
        .as((s, fi, fo, base, slopeFactor, noise, seed) -> {
          long windowMs = s.window().toMillis();
          long intervalMs = 5_000 + Math.round(fi * (windowMs / 10 - 5_000));
          long offsetMs = intervalMs / 4 + Math.round(fo * (intervalMs - intervalMs / 4));
          double slope = slopeFactor * s.tolerance();
          // a falling series starts high enough to stay at or above zero seconds behind
          double level = base + Math.max(0, -slope) * windowMs / 1000.0;
          double amplitude = noise * maxNoise * s.tolerance() * intervalMs / 1000.0;
          return new Series(s, intervalMs, offsetMs, level, slope, amplitude, seed);
        });
  }

  @Provide
  Arbitrary<Series> rising() {
    return series(3, 40, 0.25);
  }

  @Provide
  Arbitrary<Series> falling() {
    return series(-40, -3, 0.25);
  }

  @Provide
  Arbitrary<Series> flat() {
    return series(-0.33, 0.33, 1.0 / 6);
  }

  @Provide
  Arbitrary<Series> anyTrend() {
    return Arbitraries.oneOf(rising(), falling(), flat(), series(-3, 3, 0.5));
  }

  /** Arbitrary samples inside the window: 0..300 of them, any instants, any finite levels. */
  @Provide
  Arbitrary<List<BacklogSample>> scattered() {
    Arbitrary<BacklogSample> sample = Combinators.combine(
            Arbitraries.longs().between(0, Duration.ofMinutes(10).toMillis()),
            Arbitraries.doubles().between(0, 10_000))
        .as((ago, v) -> new BacklogSample(NOW.minusMillis(ago), v));
    return sample.list().ofMaxSize(300);
  }

  // ---------------------------------------------------------------------------------------------
  // Verdicts on clear series

  @Property(tries = 300)
  @Label("rule 8: a backlog rising clearly faster than the tolerance is GROWING")
  void rule8_clearlyRisingBacklogIsGrowing(@ForAll("rising") Series s) {
    Assessment a = BacklogTrend.assess(s.samples(), NOW, s.settings());
    Statistics.label("samples").collect(s.count() > 240 ? "more than 240 (thinned)" : "240 or fewer");
    assertThat(a.trend()).as("%s: %s", s, a.explanation()).isEqualTo(Trend.GROWING);
    assertThat(a.isGrowing()).isTrue();
    assertThat(a.isHealthy()).isFalse();
    assertThat(a.slope()).isGreaterThan(s.settings().tolerance());
    assertThat(a.samples()).isEqualTo(s.count());
  }

  @Property(tries = 300)
  @Label("rule 8: a backlog falling clearly faster than the tolerance is SHRINKING (healthy)")
  void rule8_clearlyFallingBacklogIsShrinking(@ForAll("falling") Series s) {
    Assessment a = BacklogTrend.assess(s.samples(), NOW, s.settings());
    assertThat(a.trend()).as("%s: %s", s, a.explanation()).isEqualTo(Trend.SHRINKING);
    assertThat(a.isHealthy()).isTrue();
    assertThat(a.slope()).isLessThan(-s.settings().tolerance());
  }

  @Property(tries = 300)
  @Label("rule 8: a backlog whose slope is well inside the tolerance is STEADY (healthy)")
  void rule8_flatBacklogIsSteady(@ForAll("flat") Series s) {
    Assessment a = BacklogTrend.assess(s.samples(), NOW, s.settings());
    assertThat(a.trend()).as("%s: %s", s, a.explanation()).isEqualTo(Trend.STEADY);
    assertThat(a.isHealthy()).isTrue();
    assertThat(Math.abs(a.slope())).isLessThanOrEqualTo(s.settings().tolerance());
  }

  @Property(tries = 300)
  @Label("rule 8: one scrape spike in an otherwise steady backlog does not make it GROWING")
  void rule8_oneSpikeDoesNotMakeASteadyBacklogGrow(@ForAll("flat") Series s,
      @ForAll @IntRange(min = 0, max = 10_000) int where,
      @ForAll @DoubleRange(min = 100, max = 1e6) double spike, @ForAll boolean up) {
    List<BacklogSample> samples = new ArrayList<>(s.samples());
    int i = where % samples.size();
    BacklogSample at = samples.get(i);
    double value = up ? at.secondsBehind() + spike : Math.max(0, at.secondsBehind() - spike);
    samples.set(i, new BacklogSample(at.at(), value));
    Statistics.label("spike").collect(up ? "up" : "down",
        i == samples.size() - 1 ? "newest" : i == 0 ? "oldest" : "inside");
    Assessment a = BacklogTrend.assess(samples, NOW, s.settings());
    assertThat(a.trend()).as("%s, spike %s%s at %d: %s", s, up ? "+" : "-", spike, i, a.explanation())
        .isNotEqualTo(Trend.GROWING);
    // at least 10 samples: one spike owns fewer than half the pairwise slopes, so it stays steady
    assertThat(a.trend()).as("%s: %s", s, a.explanation()).isEqualTo(Trend.STEADY);
  }

  // ---------------------------------------------------------------------------------------------
  // Not enough to judge: UNKNOWN, never healthy

  @Property(tries = 300)
  @Label("rules 2 and 8: fewer usable samples than minSamples is UNKNOWN, never healthy")
  void rule8_tooFewSamplesIsUnknownNeverHealthy(@ForAll("settings") BacklogSettings settings,
      @ForAll @IntRange(min = 0, max = 9) int wanted,
      @ForAll @DoubleRange(min = -100, max = 100) double slope) {
    int k = wanted % settings.minSamples();
    long windowMs = settings.window().toMillis();
    List<BacklogSample> samples = new ArrayList<>();
    // k usable samples, steeply sloped either way: still too few to say anything
    for (int i = 0; i < k; i++) {
      long ago = (long) ((double) i / Math.max(1, k - 1) * windowMs);
      samples.add(new BacklogSample(NOW.minusMillis(ago), 500 - slope * ago / 1000.0));
    }
    // padding that must not count: outside the window, in the future, not finite
    for (int i = 0; i < settings.minSamples(); i++) {
      samples.add(new BacklogSample(NOW.minusMillis(windowMs + 1 + i * 1000L), 1e4 * i));
      samples.add(new BacklogSample(NOW.plusMillis(1 + i * 1000L), -1e4 * i));
      samples.add(new BacklogSample(NOW.minusMillis(i * 1000L), i % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY));
    }
    Assessment a = BacklogTrend.assess(samples, NOW, settings);
    assertThat(a.trend()).as(a.explanation()).isEqualTo(Trend.UNKNOWN);
    assertThat(a.isHealthy()).isFalse();
    assertThat(a.isGrowing()).isFalse();
    assertThat(a.slope()).isNaN();
    assertThat(a.samples()).isEqualTo(k);
  }

  @Property(tries = 300)
  @Label("rules 2 and 8: samples spanning less than minCoverage of the window is UNKNOWN, never healthy")
  void rule8_samplesCoveringTooLittleOfTheWindowIsUnknown(@ForAll("settings") BacklogSettings settings,
      @ForAll @DoubleRange(min = 0, max = 0.99) double spanFraction,
      @ForAll @DoubleRange(min = 0, max = 1) double where,
      @ForAll @IntRange(min = 0, max = 60) int extra, @ForAll long seed,
      @ForAll @DoubleRange(min = -50, max = 50) double slope) {
    long windowMs = settings.window().toMillis();
    long spanMs = (long) (windowMs * settings.minCoverage() * spanFraction);
    long newestAgo = (long) (where * (windowMs - spanMs));
    int n = settings.minSamples() + extra;
    Random r = new Random(seed);
    List<BacklogSample> samples = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // the first two mark both ends of the span; the rest fall anywhere in between
      long ago = newestAgo + (i == 0 ? 0 : i == 1 ? spanMs : (long) (r.nextDouble() * spanMs));
      samples.add(new BacklogSample(NOW.minusMillis(ago), 1000 - slope * ago / 1000.0));
    }
    Assessment a = BacklogTrend.assess(samples, NOW, settings);
    assertThat(a.trend()).as("span %dms of %dms: %s", spanMs, windowMs, a.explanation()).isEqualTo(Trend.UNKNOWN);
    assertThat(a.isHealthy()).isFalse();
    assertThat(a.samples()).isEqualTo(n);
  }

  // ---------------------------------------------------------------------------------------------
  // What must not change the verdict

  @Property(tries = 300)
  @Label("samples outside the window (older, or in the future) are ignored")
  void samplesOutsideTheWindowAreIgnored(@ForAll("anyTrend") Series s, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int count) {
    List<BacklogSample> inside = s.samples();
    Random r = new Random(seed);
    List<BacklogSample> mixed = new ArrayList<>(inside);
    long windowMs = s.windowMs();
    for (int i = 0; i < count; i++) {
      double value = r.nextBoolean() ? r.nextDouble() * 1e6 : -r.nextDouble() * 1e3;
      Instant at = r.nextBoolean()
          ? NOW.minusMillis(windowMs + 1 + (long) (r.nextDouble() * windowMs * 5)) // before the window
          : NOW.plusMillis(1 + (long) (r.nextDouble() * 3_600_000)); // after now
      mixed.add(r.nextInt(mixed.size() + 1), new BacklogSample(at, value));
    }
    assertThat(BacklogTrend.assess(mixed, NOW, s.settings()))
        .isEqualTo(BacklogTrend.assess(inside, NOW, s.settings()));
  }

  @Property(tries = 300)
  @Label("NaN and infinite readings are ignored")
  void nanAndInfiniteReadingsAreIgnored(@ForAll("anyTrend") Series s, @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int count) {
    List<BacklogSample> finite = s.samples();
    Random r = new Random(seed);
    List<BacklogSample> mixed = new ArrayList<>(finite);
    double[] bad = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    for (int i = 0; i < count; i++) {
      Instant at = NOW.minusMillis((long) (r.nextDouble() * s.windowMs()));
      mixed.add(r.nextInt(mixed.size() + 1), new BacklogSample(at, bad[r.nextInt(bad.length)]));
    }
    assertThat(BacklogTrend.assess(mixed, NOW, s.settings()))
        .isEqualTo(BacklogTrend.assess(finite, NOW, s.settings()));
  }

  @Property(tries = 300)
  @Label("the verdict does not depend on the order the samples come in")
  void orderOfSamplesDoesNotMatter(@ForAll("scattered") List<BacklogSample> samples, @ForAll long seed) {
    BacklogSettings settings = BacklogSettings.DEFAULTS;
    List<BacklogSample> distinct = new ArrayList<>(samples.stream()
        .collect(java.util.stream.Collectors.toMap(BacklogSample::at, b -> b, (x, y) -> x))
        .values());
    distinct.sort((x, y) -> x.at().compareTo(y.at()));
    List<BacklogSample> shuffled = new ArrayList<>(distinct);
    Collections.shuffle(shuffled, new Random(seed));
    Assessment sorted = BacklogTrend.assess(distinct, NOW, settings);
    Statistics.label("trend").collect(sorted.trend());
    assertThat(BacklogTrend.assess(shuffled, NOW, settings)).isEqualTo(sorted);
    Collections.reverse(shuffled);
    assertThat(BacklogTrend.assess(shuffled, NOW, settings)).isEqualTo(sorted);
  }

  @Property(tries = 300)
  @Label("the verdict does not depend on order, even when readings share an instant")
  void orderOfSamplesDoesNotMatterEvenWithSharedInstants(@ForAll("anyTrend") Series s,
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 60) int duplicates) {
    List<BacklogSample> samples = new ArrayList<>(s.samples());
    Random r = new Random(seed);
    for (int i = 0; i < duplicates; i++) {
      BacklogSample twin = samples.get(r.nextInt(samples.size()));
      samples.add(new BacklogSample(twin.at(), twin.secondsBehind() + (r.nextDouble() - 0.5) * 0.1));
    }
    List<BacklogSample> shuffled = new ArrayList<>(samples);
    Collections.shuffle(shuffled, new Random(seed + 1));
    Assessment a = BacklogTrend.assess(samples, NOW, s.settings());
    Assessment b = BacklogTrend.assess(shuffled, NOW, s.settings());
    Statistics.label("samples").collect(a.samples() > 240 ? "more than 240 (thinned)" : "240 or fewer");
    assertThat(b.trend()).as("%s", s).isEqualTo(a.trend());
    assertThat(b.samples()).isEqualTo(a.samples());
  }
}
