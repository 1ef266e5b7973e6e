package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.MaintenanceWindow;
import java.time.Instant;
import java.util.Optional;

/**
 * "Plan a time when this eventuality is least disruptive to your operations": where an
 * environment configures maintenance windows, upgrades start only inside one (an admin may
 * override with a written reason). Rollbacks are remedies and are never held to a window.
 */
public final class MaintenanceSchedule {

  private MaintenanceSchedule() {}

  public static Optional<Finding> check(Environment env, Instant now) {
    if (env.maintenanceWindows().isEmpty()) {
      return Optional.empty();
    }
    for (MaintenanceWindow w : env.maintenanceWindows()) {
      if (w.contains(now)) {
        return Optional.of(Finding.pass(Rule.SCHEDULE, "inside the maintenance window " + w));
      }
    }
    return Optional.of(Finding.fail(Rule.SCHEDULE, "upgrades in " + env.name()
        + " start inside a maintenance window (" + env.maintenanceWindows() + "): wait for the next"
        + " one, or an admin may override with a written reason"));
  }
}
