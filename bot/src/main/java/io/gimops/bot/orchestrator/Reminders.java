package io.gimops.bot.orchestrator;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.StepRecord;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.ServiceKind;
import java.util.ArrayList;
import java.util.List;

/**
 * What the vendor's page says to do next, added to an operation's last word (its outcome, which
 * the journal keeps and the final reports in Slack and the console show), in the page's words.
 */
final class Reminders {

  /** GIM's preparatory step 3, for an upgrade whose migration ran. */
  static final String CUSTOM_DATABASE_OBJECTS = "Reminder (the vendor's preparatory step 3 for GIM):"
      + " \"Database migration might involve creating new tables or replacing some tables with views. You will"
      + " need to re-create any custom database objects or permissions that become lost or invalidated during"
      + " the update process.\"";

  /** The page's last word on verifying, for a rollback that did not bring the service back. */
  static final String CUSTOMER_CARE = "The rollback did not verify: \"Contact Genesys Customer Care if you"
      + " cannot resolve an upgrade issue.\"";

  private Reminders() {}

  /** The reminders that apply to {@code op} as it ends. */
  static List<String> after(Operation op, boolean failed) {
    List<String> r = new ArrayList<>();
    if (migrated(op)) {
      r.add(CUSTOM_DATABASE_OBJECTS);
    }
    if (failed && (op.request() instanceof LifecycleRequest.Rollback
        || op.request() instanceof LifecycleRequest.Reinstall)) {
      r.add(CUSTOMER_CARE);
    }
    return r;
  }

  /** {@code text}, then the reminders that apply, each on its own. */
  static String with(String text, Operation op, boolean failed) {
    List<String> r = after(op, failed);
    return r.isEmpty() ? text : text + ". " + String.join(" ", r);
  }

  /**
   * GIM's own release was upgraded across a schema change (the plan offers export views for that
   * reason): the upgraded GIM launched the migration job, whatever came after.
   */
  private static boolean migrated(Operation op) {
    boolean crossed = op.plan().stream().anyMatch(s -> s instanceof PlanStep.OfferExportViews);
    return crossed && op.steps().stream().anyMatch(s -> s.step() instanceof PlanStep.HelmUpgrade u
        && u.service() == ServiceKind.GIM && u.isServiceChart() && s.status() == StepRecord.Status.SUCCEEDED);
  }
}
