package io.gimops.policies.domain;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A Genesys release version such as {@code 100.0.116+2900}: dot-separated numeric parts, then
 * optionally a build number after {@code +}. Versions order by their numeric parts (a shorter
 * prefix first), then by build number; a version without a build orders before any build of the
 * same numeric parts.
 *
 * <p>The grammar is strict on purpose: a version ends up in a helm package name and a
 * {@code --set <release>.image.tag=} argument, so nothing but digits, dots and one {@code +} gets
 * through, and numbers carry no leading zeros (one spelling per version).
 */
public final class Version implements Comparable<Version> {

  public static final String EXPECTED_FORM =
      "<number>.<number>.<number>[+<build>], e.g. 100.0.116+2900";

  private static final int MAX_PARTS = 6;
  private static final int MAX_LENGTH = 64;
  private static final Pattern NUMBER = Pattern.compile("0|[1-9][0-9]{0,8}");

  private final long[] parts;
  private final OptionalLong build;

  private Version(long[] parts, OptionalLong build) {
    this.parts = parts;
    this.build = build;
  }

  /**
   * Parses a version, refusing anything that is not exactly the expected form.
   *
   * @throws MalformedVersionException with a message that shows the expected form
   */
  public static Version parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new MalformedVersionException(text, "it is empty");
    }
    if (text.length() > MAX_LENGTH) {
      throw new MalformedVersionException(text, "it is longer than " + MAX_LENGTH + " characters");
    }
    int plus = text.indexOf('+');
    String numeric = plus < 0 ? text : text.substring(0, plus);
    OptionalLong build = OptionalLong.empty();
    if (plus >= 0) {
      String b = text.substring(plus + 1);
      if (!NUMBER.matcher(b).matches()) {
        throw new MalformedVersionException(text, "the build number after '+' must be digits without leading zeros");
      }
      build = OptionalLong.of(Long.parseLong(b));
    }
    String[] split = numeric.split("\\.", -1);
    if (split.length > MAX_PARTS) {
      throw new MalformedVersionException(text, "it has more than " + MAX_PARTS + " numeric parts");
    }
    long[] parts = new long[split.length];
    for (int i = 0; i < split.length; i++) {
      if (!NUMBER.matcher(split[i]).matches()) {
        throw new MalformedVersionException(
            text,
            split[i].isEmpty()
                ? "part " + (i + 1) + " is empty"
                : "'" + split[i] + "' is not a number without leading zeros");
      }
      parts[i] = Long.parseLong(split[i]);
    }
    return new Version(parts, build);
  }

  /** True if {@code text} parses as a version. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (MalformedVersionException e) {
      return false;
    }
  }

  public OptionalLong build() {
    return build;
  }

  /** The same numeric parts, without the build number. */
  public Version withoutBuild() {
    return new Version(parts, OptionalLong.empty());
  }

  /** True if both name the same numeric parts, whatever their build numbers. */
  public boolean sameNumbersAs(Version other) {
    return Arrays.equals(parts, other.parts);
  }

  @Override
  public int compareTo(Version o) {
    int n = Math.min(parts.length, o.parts.length);
    for (int i = 0; i < n; i++) {
      int c = Long.compare(parts[i], o.parts[i]);
      if (c != 0) {
        return c;
      }
    }
    int c = Integer.compare(parts.length, o.parts.length);
    if (c != 0) {
      return c;
    }
    if (build.isEmpty() || o.build.isEmpty()) {
      return Boolean.compare(build.isPresent(), o.build.isPresent());
    }
    return Long.compare(build.getAsLong(), o.build.getAsLong());
  }

  public boolean isNewerThan(Version other) {
    return compareTo(other) > 0;
  }

  public boolean isOlderThan(Version other) {
    return compareTo(other) < 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Version v && Arrays.equals(parts, v.parts) && build.equals(v.build);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(parts), build);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append('.');
      }
      sb.append(parts[i]);
    }
    build.ifPresent(b -> sb.append('+').append(b));
    return sb.toString();
  }
}
