package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ActiveOperation;
import java.util.List;

/**
 * Rule 4: one lifecycle operation at a time per environment. (Across bot replicas and restarts
 * the orchestrator holds a Kubernetes Lease; this rule decides from the operations it reports.)
 */
public final class OneAtATime {

  private OneAtATime() {}

  public static Finding check(String environment, List<ActiveOperation> active) {
    return active.stream()
        .filter(op -> op.environment().equals(environment))
        .findFirst()
        .map(op -> Finding.fail(Rule.R4_ONE_AT_A_TIME, "operation " + op.id() + " (" + op.summary()
            + ", started by " + op.startedBy().displayName() + ") is still running in " + environment
            + ": wait for it to end (`/gim ops`) or cancel it (`/gim cancel " + op.id() + "`)"))
        .orElseGet(() -> Finding.pass(Rule.R4_ONE_AT_A_TIME,
            "no other lifecycle operation is running in " + environment));
  }
}
