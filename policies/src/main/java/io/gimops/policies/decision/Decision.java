package io.gimops.policies.decision;

import io.gimops.policies.domain.Actor;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The policy engine's answer: the outcome, every rule's finding (passes too, so a plan can show
 * each rule's verdict and the audit trail says why), the plan, and what must still be confirmed.
 *
 * @param override the admin's written reason, when it overrode a rule
 * @param confirmedBy who confirmed the action and the vendor's checklist (rule 7)
 * @param secondApprover who approved a production uninstall besides the requester (rule 10)
 */
public record Decision(
    Outcome outcome,
    LifecycleRequest request,
    String environment,
    Actor actor,
    List<Finding> findings,
    Plan plan,
    List<PendingConfirmation> pending,
    Optional<String> override,
    Optional<Actor> confirmedBy,
    Optional<Actor> secondApprover,
    Instant decidedAt) {

  /** Whether the action may run. */
  public enum Outcome {
    ALLOWED,
    NEEDS_CONFIRMATION,
    REFUSED
  }

  public Decision {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(request, "request");
    findings = List.copyOf(findings);
    Objects.requireNonNull(plan, "plan");
    pending = List.copyOf(pending);
    boolean refused = findings.stream().anyMatch(Finding::refuses);
    if (refused != (outcome == Outcome.REFUSED)) {
      throw new IllegalArgumentException("a decision is refused exactly when a finding refuses");
    }
    if (outcome == Outcome.NEEDS_CONFIRMATION && pending.isEmpty()) {
      throw new IllegalArgumentException("a decision that needs confirmation says which");
    }
  }

  /** The findings that refuse the request; empty unless refused. */
  public List<Finding> refusals() {
    return findings.stream().filter(Finding::refuses).toList();
  }

  public List<Finding> findingsOf(Rule rule) {
    return findings.stream().filter(f -> f.rule() == rule).toList();
  }

  public boolean isAllowed() {
    return outcome == Outcome.ALLOWED;
  }

  public boolean isRefused() {
    return outcome == Outcome.REFUSED;
  }

  /** A short account: the outcome, then one line per finding. */
  public String explain() {
    StringBuilder sb = new StringBuilder(request.summary()).append(" in ").append(environment)
        .append(": ").append(outcome).append('\n');
    findings.forEach(f -> sb.append("  ").append(f).append('\n'));
    return sb.toString();
  }
}
