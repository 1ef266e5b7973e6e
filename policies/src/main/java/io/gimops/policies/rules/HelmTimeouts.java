package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ServiceKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Rule 5: "When you upgrade GIM and GSP, increase the Helm timeout value from the default 5
 * minutes to 15 minutes or longer" (GIM for database migration, GSP for its pre-upgrade hook);
 * the same for rollback. The timeouts themselves are configuration ({@code ServiceSpec}); this
 * rule refuses a plan whose configured timeout is shorter than the vendor asks.
 */
public final class HelmTimeouts {

  public static final Duration VENDOR_MINIMUM = Duration.ofMinutes(15);
  public static final Set<ServiceKind> NEEDS_LONGER = Set.of(ServiceKind.GIM, ServiceKind.GSP);

  private HelmTimeouts() {}

  public static List<Finding> check(Plan plan) {
    List<Finding> f = new ArrayList<>();
    Set<String> used = new LinkedHashSet<>();
    for (PlanStep step : plan.steps()) {
      Duration t;
      if (step instanceof PlanStep.HelmUpgrade u && u.isServiceChart()) {
        t = u.effectiveTimeout();
        used.add(u.service().id() + " " + label(u.timeout().isPresent(), t));
      } else if (step instanceof PlanStep.HelmRollback r) {
        t = r.effectiveTimeout();
        used.add(r.service().id() + " " + label(r.timeout().isPresent(), t));
      } else {
        continue;
      }
      if (NEEDS_LONGER.contains(step.service()) && t.compareTo(VENDOR_MINIMUM) < 0) {
        f.add(Finding.fail(Rule.R5_TIMEOUTS, step.service().id() + "'s helm timeout is "
            + PlanStep.helmDuration(t) + ", shorter than the vendor's 15 minutes: raise "
            + step.service().id() + "'s timeout in the bot's configuration"));
      }
    }
    if (f.isEmpty() && !used.isEmpty()) {
      f.add(Finding.pass(Rule.R5_TIMEOUTS, "helm timeouts: " + String.join(", ", used)));
    }
    return f;
  }

  private static String label(boolean configured, Duration t) {
    return configured ? PlanStep.helmDuration(t) : "helm default (" + PlanStep.helmDuration(t) + ")";
  }
}
