package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.MaintenanceWindow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * "Plan a time when this eventuality is least disruptive to your operations": where an
 * environment configures allow windows, upgrades start only inside one; inside a deny window they
 * never start, even inside an allow window (a freeze beats the weekly slot). An admin may override
 * either with a written reason ({@link AdminOverride}). Rollbacks are remedies and are never held
 * to a window.
 */
public final class MaintenanceSchedule {

  private MaintenanceSchedule() {}

  public static Optional<Finding> check(Environment env, Instant now) {
    if (env.maintenanceWindows().isEmpty()) {
      return Optional.empty();
    }
    for (MaintenanceWindow w : env.maintenanceWindows()) {
      if (w.denies() && w.contains(now)) {
        return Optional.of(Finding.fail(Rule.SCHEDULE, "upgrades in " + env.name() + " do not start inside the"
            + " deny window " + w + ": wait until it ends, or an admin may override with a written reason"));
      }
    }
    List<MaintenanceWindow> allow = env.maintenanceWindows().stream().filter(w -> !w.denies()).toList();
    if (allow.isEmpty()) {
      return Optional.of(Finding.pass(Rule.SCHEDULE, "outside every deny window (" + env.maintenanceWindows() + ")"));
    }
    for (MaintenanceWindow w : allow) {
      if (w.contains(now)) {
        return Optional.of(Finding.pass(Rule.SCHEDULE, "inside the maintenance window " + w));
      }
    }
    return Optional.of(Finding.fail(Rule.SCHEDULE, "upgrades in " + env.name()
        + " start inside a maintenance window (" + allow + "): wait for the next"
        + " one, or an admin may override with a written reason"));
  }
}
