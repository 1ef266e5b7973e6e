package io.gimops.policies.domain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the metrics system last answered for one {@link SuccessCondition}: the samples' values, or
 * why it is unknown. A query that returned nothing is unknown, never met.
 *
 * @param values the samples' values; empty when unknown
 * @param unknown why there is no answer ("the query returned nothing", "Prometheus did not answer")
 */
public record ConditionReading(SuccessCondition condition, List<Double> values, Optional<String> unknown) {

  public ConditionReading {
    Objects.requireNonNull(condition, "condition");
    values = List.copyOf(values);
    Objects.requireNonNull(unknown, "unknown");
    if (values.isEmpty() && unknown.isEmpty()) {
      unknown = Optional.of("the query returned nothing");
    }
  }

  public static ConditionReading of(SuccessCondition condition, List<Double> values) {
    return new ConditionReading(condition, values, Optional.empty());
  }

  public static ConditionReading unknown(SuccessCondition condition, String why) {
    return new ConditionReading(condition, List.of(), Optional.of(why));
  }

  /** Known, and every sample holds. */
  public boolean met() {
    return unknown.isEmpty() && values.stream().allMatch(v -> condition.comparison().holds(v, condition.threshold()));
  }

  /** The values as read: {@code 0} or {@code 0, 1}. */
  public String shown() {
    return String.join(", ", values.stream().map(SuccessCondition::number).toList());
  }
}
