package io.gimops.policies.decision;

import java.util.List;
import java.util.stream.Collectors;

/** The ordered steps of an action; empty when the request is refused before a plan exists. */
public record Plan(List<PlanStep> steps) {

  public static final Plan EMPTY = new Plan(List.of());

  public Plan {
    steps = List.copyOf(steps);
  }

  public boolean isEmpty() {
    return steps.isEmpty();
  }

  public <T extends PlanStep> List<T> stepsOf(Class<T> type) {
    return steps.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Numbered lines, one per step. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      sb.append(i + 1).append(". ").append(steps.get(i).describe()).append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return steps.stream().map(PlanStep::describe).collect(Collectors.joining("; "));
  }
}
