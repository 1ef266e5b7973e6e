package io.gimops.policies.domain;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A service's own sign of health that rule 8 waits for besides the generic ones: a metrics query
 * whose every sample must compare to a threshold, for example GSP's "number of running Flink
 * jobs. If less than 1, there is a problem" ({@code flink_jobmanager_numRunningJobs >= 1}).
 *
 * @param name how findings name it ("Flink jobs running")
 * @param query the query asked, its placeholders already filled for the environment
 */
public record SuccessCondition(String name, String query, Comparison comparison, double threshold) {

  /** How each sample is compared with the threshold. */
  public enum Comparison {
    GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

    private final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    public String symbol() {
      return symbol;
    }

    public boolean holds(double value, double threshold) {
      return switch (this) {
        case GT -> value > threshold;
        case GE -> value >= threshold;
        case LT -> value < threshold;
        case LE -> value <= threshold;
        case EQ -> value == threshold;
        case NE -> value != threshold;
      };
    }

    /** {@code >}, {@code >=}, {@code <}, {@code <=}, {@code ==} or {@code !=}. */
    public static Optional<Comparison> fromSymbol(String s) {
      String t = s == null ? "" : s.strip();
      return Arrays.stream(values()).filter(c -> c.symbol.equals(t) || (c == EQ && t.equals("="))).findFirst();
    }
  }

  public SuccessCondition {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a success condition needs a name");
    }
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("success condition '" + name + "' needs a query");
    }
    Objects.requireNonNull(comparison, "comparison");
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("success condition '" + name + "' needs a threshold that is a number");
    }
  }

  /** {@code >= 1}, with a whole number written without decimals. */
  public String requirement() {
    return comparison.symbol + " " + number(threshold);
  }

  static String number(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ? Long.toString((long) d)
        : Double.toString(d);
  }
}
