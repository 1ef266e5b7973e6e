package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An admin's override of rule 2 (and of the maintenance window), which needs a written reason.
 * Only those rules can be overridden: the N-2 window, the order, the lock, the timeouts and the
 * third-party checks protect the platform from states the vendor does not support.
 */
public final class AdminOverride {

  public static final Set<Rule> OVERRIDABLE = Set.of(Rule.R2_ALL_HEALTHY, Rule.SCHEDULE);

  private AdminOverride() {}

  /**
   * Applies an override to the findings: with an admin and a reason long enough, each refusal of
   * an overridable rule becomes {@link Verdict#OVERRIDDEN}; otherwise a finding says what is missing.
   */
  public static List<Finding> apply(List<Finding> findings, Optional<String> reason,
      Optional<Role> role, int minimumReason) {
    if (reason.isEmpty()) {
      return findings;
    }
    List<Finding> out = new ArrayList<>();
    boolean admin = role.map(r -> r.atLeast(Role.ADMIN)).orElse(false);
    String written = reason.get().strip();
    boolean longEnough = written.length() >= minimumReason;
    boolean overrodeSomething = false;
    for (Finding f : findings) {
      if (f.refuses() && OVERRIDABLE.contains(f.rule()) && admin && longEnough) {
        out.add(new Finding(f.rule(), Verdict.OVERRIDDEN,
            f.message() + " (overridden by an admin: \"" + written + "\")"));
        overrodeSomething = true;
      } else {
        out.add(f);
      }
    }
    if (!longEnough) {
      out.add(Finding.fail(Rule.R2_ALL_HEALTHY, "an override needs a written reason of at least "
          + minimumReason + " characters: say why it is safe to go ahead"));
    } else if (admin && !overrodeSomething) {
      out.add(Finding.info(Rule.R2_ALL_HEALTHY, "nothing needed overriding; the reason is recorded"));
    }
    return out;
  }
}
