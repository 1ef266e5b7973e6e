package io.gimops.policies.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.policies.domain.MalformedVersionException;
import io.gimops.policies.domain.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Versions as the product brief defines them ("versions order by their numeric parts, then by
 * the build number after {@code +}"), and as the N-2 window needs them: a catalog sorts its
 * releases with {@link Version#compareTo}, so "the newest three" is only as right as this order.
 */
@Label("Versions: parse, print and order (the N-2 window sorts by them)")
class VersionOrderingProperties {

  /** The largest number a part or build may have: nine digits, no leading zeros. */
  static final int MAX_NUMBER = 999_999_999;

  /** The longest version text accepted (it ends up in a package name and a --set argument). */
  static final int MAX_LENGTH = 64;

  // ---------------------------------------------------------------------------------------------
  // Generators

  /**
   * Any valid version text: 1..6 numeric parts, each 0..999999999, optionally a build, at most
   * 64 characters.
   */
  @Provide
  Arbitrary<String> validVersionTexts() {
    return grammaticalTexts(6).filter(t -> t.length() <= MAX_LENGTH);
  }

  /** Texts that follow the grammar of a version, up to {@code maxParts} numeric parts, any length. */
  static Arbitrary<String> grammaticalTexts(int maxParts) {
    Arbitrary<Integer> number = Arbitraries.integers().between(0, MAX_NUMBER);
    Arbitrary<List<Integer>> parts = Arbitraries.frequencyOf(
        Tuple.of(6, number.list().ofSize(3)),
        Tuple.of(1, number.list().ofMinSize(1).ofMaxSize(maxParts)));
    return Combinators.combine(parts, number.optional(0.6)).as(Worlds::text);
  }

  /** Grammatical texts that break a limit: more than 6 numeric parts, or more than 64 characters. */
  @Provide
  Arbitrary<String> overLimitTexts() {
    Arbitrary<String> manyParts = Combinators.combine(
            Arbitraries.integers().between(0, 999).list().ofMinSize(7).ofMaxSize(12),
            Arbitraries.integers().between(0, 999).optional(0.5))
        .as(Worlds::text);
    Arbitrary<String> long6 = Combinators.combine(
            Arbitraries.integers().between(100_000_000, MAX_NUMBER).list().ofSize(6),
            Arbitraries.integers().between(100_000_000, MAX_NUMBER).optional(1.0))
        .as(Worlds::text); // 6 x 9 digits + 5 dots + '+' + 9 digits = 69 characters
    return Arbitraries.oneOf(manyParts, long6);
  }

  /** Versions from a tiny domain, so equal, prefix and same-number-other-build pairs are common. */
  @Provide
  Arbitrary<Version> smallVersions() {
    Arbitrary<List<Integer>> parts = Arbitraries.integers().between(0, 3).list().ofMinSize(1).ofMaxSize(4);
    Arbitrary<Optional<Integer>> build = Arbitraries.integers().between(0, 3).optional(0.6);
    return Combinators.combine(parts, build).as(Worlds::version);
  }

  /** Numeric parts only (no build). */
  @Provide
  Arbitrary<List<Integer>> numericParts() {
    return Arbitraries.integers().between(0, MAX_NUMBER).list().ofMinSize(1).ofMaxSize(5);
  }

  /** Numeric parts from a tiny domain, to meet {@link #smallVersions()} often. */
  @Provide
  Arbitrary<List<Integer>> smallParts() {
    return Arbitraries.integers().between(0, 3).list().ofMinSize(1).ofMaxSize(4);
  }

  /**
   * Arbitrary strings: any characters, version-ish alphabets (with non-ASCII digits, signs,
   * spaces, exponents), too-long numbers, valid versions with one character inserted, and null.
   */
  @Provide
  Arbitrary<String> anyText() {
    Arbitrary<String> valid = validVersionTexts();
    Arbitrary<String> mutated = Combinators.combine(valid, Arbitraries.integers().between(0, 80),
            Arbitraries.of('.', '+', '0', '-', ' ', 'v', '\u0661', '\uFF11', '\n', 'e'))
        .as((s, at, c) -> {
          int i = Math.min(at, s.length());
          return s.substring(0, i) + c + s.substring(i);
        });
    return Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(80),
        Arbitraries.strings().withChars("0123456789.+").ofMaxLength(24),
        Arbitraries.strings().withChars("0123456789.+- xeE\u0660\u0661\uFF10\uFF11").ofMaxLength(14),
        Arbitraries.strings().withChars("0123456789").ofMinLength(9).ofMaxLength(30),
        Arbitraries.strings().withChars("0123456789.").ofMinLength(60).ofMaxLength(70),
        valid,
        mutated)
        .injectNull(0.01);
  }

  // ---------------------------------------------------------------------------------------------
  // Parse and print

  @Property(tries = 500)
  @Label("toString(parse(s)) == s for every valid version text")
  void parseThenPrintIsTheIdentity(@ForAll("validVersionTexts") String text) {
    Version v = Version.parse(text);
    assertThat(v.toString()).isEqualTo(text);
    assertThat(Version.parse(v.toString())).isEqualTo(v).hasSameHashCodeAs(v);
    assertThat(Version.isValid(text)).isTrue();
  }

  @Property(tries = 1500)
  @Label("parse either returns a version that prints as the input, or says what is expected")
  void parseAcceptsExactlyOneSpellingOrExplains(@ForAll("anyText") String text) {
    Version v;
    try {
      v = Version.parse(text);
    } catch (MalformedVersionException e) {
      Statistics.label("parse").collect("refused");
      assertThat(e.getMessage()).contains("Expected").contains(Version.EXPECTED_FORM);
      assertThat(e.input()).isEqualTo(text);
      assertThat(Version.isValid(text)).isFalse();
      return;
    }
    // any other exception escapes and fails the property
    Statistics.label("parse").collect("accepted");
    assertThat(v.toString()).isEqualTo(text);
    assertThat(Version.isValid(text)).isTrue();
  }

  @Property(tries = 200)
  @Label("grammatical texts beyond the limits (more than 6 parts, longer than 64) are refused and say why")
  void textsBeyondTheLimitsAreRefused(@ForAll("overLimitTexts") String text) {
    Statistics.label("too").collect(text.length() > MAX_LENGTH ? "long" : "many parts");
    assertThatThrownBy(() -> Version.parse(text))
        .isInstanceOf(MalformedVersionException.class)
        .hasMessageContaining("Expected " + Version.EXPECTED_FORM);
  }

  @Example
  @Label("examples of refused spellings say what is expected")
  void refusedSpellingsSayWhatIsExpected() {
    for (String bad : new String[] {"", "100.0.116+", "100.0.0116", "v100.0.116", "100..116",
        "100.0.116+2900+1", "100.0.116 ", "1.2.3.4.5.6.7", "1234567890.0.0", "１００.0.116"}) {
      assertThatThrownBy(() -> Version.parse(bad)).as(bad)
          .isInstanceOf(MalformedVersionException.class)
          .hasMessageContaining("Expected " + Version.EXPECTED_FORM);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // A total order, consistent with equals

  @Property(tries = 800)
  @Label("compareTo is antisymmetric and consistent with equals and hashCode")
  void compareToIsAntisymmetricAndConsistentWithEquals(
      @ForAll("smallVersions") Version a, @ForAll("smallVersions") Version b) {
    int ab = Integer.signum(a.compareTo(b));
    int ba = Integer.signum(b.compareTo(a));
    Statistics.label("a vs b").collect(ab);
    assertThat(ab).isEqualTo(-ba);
    assertThat(ab == 0).as("compareTo is 0 exactly when equal: %s, %s", a, b).isEqualTo(a.equals(b));
    if (a.equals(b)) {
      assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }
    assertThat(a.isNewerThan(b)).isEqualTo(ab > 0);
    assertThat(a.isOlderThan(b)).isEqualTo(ab < 0);
    assertThat(a.compareTo(a)).isZero();
  }

  @Property(tries = 800)
  @Label("compareTo is transitive")
  void compareToIsTransitive(@ForAll("smallVersions") Version a, @ForAll("smallVersions") Version b,
      @ForAll("smallVersions") Version c) {
    List<Version> sorted = new ArrayList<>(List.of(a, b, c));
    sorted.sort(null);
    Version lo = sorted.get(0);
    Version mid = sorted.get(1);
    Version hi = sorted.get(2);
    assertThat(lo.compareTo(mid)).isLessThanOrEqualTo(0);
    assertThat(mid.compareTo(hi)).isLessThanOrEqualTo(0);
    assertThat(lo.compareTo(hi)).as("%s <= %s <= %s", lo, mid, hi).isLessThanOrEqualTo(0);
    if (a.compareTo(b) < 0 && b.compareTo(c) < 0) {
      assertThat(a.compareTo(c)).isNegative();
    }
    if (a.compareTo(b) == 0 && b.compareTo(c) == 0) {
      assertThat(a.compareTo(c)).isZero();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Numeric, then build

  @Example
  @Label("numeric, not lexicographic: 100.0.99 < 100.0.100 (the vendor's GSP and GCA releases)")
  void numericNotLexicographicExample() {
    assertThat(Version.parse("100.0.99+1300")).isLessThan(Version.parse("100.0.100+1400"));
    assertThat(Version.parse("100.0.99")).isLessThan(Version.parse("100.0.100"));
    assertThat(Version.parse("9.0.0")).isLessThan(Version.parse("10.0.0"));
    assertThat(Version.parse("100.0.116+900")).isLessThan(Version.parse("100.0.116+2900"));
  }

  @Property(tries = 500)
  @Label("numeric parts order numerically whatever their spelling's lexicographic order")
  void numericPartsOrderNumerically(@ForAll("numericParts") List<Integer> prefix,
      @ForAll @IntRange(min = 0, max = MAX_NUMBER) int x, @ForAll @IntRange(min = 0, max = MAX_NUMBER) int y,
      @ForAll("numericParts") List<Integer> tailX, @ForAll("numericParts") List<Integer> tailY) {
    List<Integer> px = concat(prefix.subList(0, Math.min(prefix.size(), 3)), x, tailX);
    List<Integer> py = concat(prefix.subList(0, Math.min(prefix.size(), 3)), y, tailY);
    Version vx = Worlds.version(px, Optional.empty());
    Version vy = Worlds.version(py, Optional.empty());
    if (x != y) {
      Statistics.label("lexicographic order agrees").collect(
          Integer.signum(Integer.toString(x).compareTo(Integer.toString(y))) == Integer.signum(Integer.compare(x, y)));
      assertThat(Integer.signum(vx.compareTo(vy)))
          .as("%s vs %s", vx, vy)
          .isEqualTo(Integer.signum(Integer.compare(x, y)));
    }
  }

  @Property(tries = 500)
  @Label("the same numeric parts order by build number")
  void sameNumbersOrderByBuild(@ForAll("numericParts") List<Integer> parts,
      @ForAll @LongRange(min = 0, max = MAX_NUMBER) long b1, @ForAll @LongRange(min = 0, max = MAX_NUMBER) long b2) {
    Version v1 = Worlds.version(parts, Optional.of(b1));
    Version v2 = Worlds.version(parts, Optional.of(b2));
    assertThat(v1.sameNumbersAs(v2)).isTrue();
    assertThat(Integer.signum(v1.compareTo(v2))).isEqualTo(Long.signum(Long.compare(b1, b2)));
  }

  @Property(tries = 500)
  @Label("a version without a build orders before every build of the same numbers, after older numbers")
  void noBuildOrdersBeforeAnyBuildOfTheSameNumbers(@ForAll("smallParts") List<Integer> parts,
      @ForAll @LongRange(min = 0, max = MAX_NUMBER) long build, @ForAll("smallVersions") Version other) {
    Version bare = Worlds.version(parts, Optional.empty());
    Version built = Worlds.version(parts, Optional.of(build));
    assertThat(bare).isLessThan(built);
    assertThat(built.withoutBuild()).isEqualTo(bare);
    assertThat(bare.sameNumbersAs(built)).isTrue();
    // the build only breaks ties: against other numbers, bare and built stand on the same side
    if (!other.sameNumbersAs(bare)) {
      assertThat(Integer.signum(bare.compareTo(other))).isEqualTo(Integer.signum(built.compareTo(other)));
    }
  }

  private static List<Integer> concat(List<Integer> prefix, int x, List<Integer> tail) {
    List<Integer> all = new ArrayList<>(prefix);
    all.add(x);
    all.addAll(tail);
    return all.subList(0, Math.min(all.size(), 6));
  }
}
