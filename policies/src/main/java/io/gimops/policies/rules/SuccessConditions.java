package io.gimops.policies.rules;

import io.gimops.policies.domain.ConditionReading;
import io.gimops.policies.domain.ServiceState;
import java.util.List;

/**
 * Rule 8's service-specific checks: each configured {@link io.gimops.policies.domain.SuccessCondition}
 * (by default GSP's "number of running Flink jobs ... if less than 1, there is a problem") must
 * hold for every sample its query returns. One that does not hold, or whose query returned
 * nothing, is unmet: waited for until verification's timeout, never taken as healthy, and named in
 * the findings with the condition's name.
 */
public final class SuccessConditions {

  private SuccessConditions() {}

  /** Adds one finding per condition of the service to {@code passed} or {@code unmet}. */
  public static void judge(ServiceState s, List<String> passed, List<String> unmet) {
    for (ConditionReading r : s.conditions()) {
      String name = r.condition().name();
      String needs = r.condition().requirement();
      if (r.met()) {
        passed.add(name + ": " + r.shown() + " (" + needs + ")");
      } else if (r.unknown().isPresent()) {
        unmet.add(name + " unknown: " + r.unknown().get() + " (" + r.condition().query() + ", needs " + needs + ")");
      } else {
        unmet.add(name + " not met: " + r.shown() + ", needs " + needs + " (" + r.condition().query() + ")");
      }
    }
  }
}
