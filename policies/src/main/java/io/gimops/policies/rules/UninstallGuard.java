package io.gimops.policies.rules;

import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.Role;
import io.gimops.policies.domain.ServiceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rule 10: an uninstall shows the vendor's warning, needs the service's name typed to confirm,
 * and in production a second approver. It says what is not affected.
 */
public final class UninstallGuard {

  private UninstallGuard() {}

  /** The vendor's warning for uninstalling one service, with what it does not affect. */
  public static String warning(ServiceKind service, boolean reinstall, String gspFullname) {
    StringBuilder w = new StringBuilder("Uninstalling a service removes all Kubernetes resources"
        + " associated with that service. Genesys recommends that you contact Genesys Customer Care"
        + " before uninstalling any private edition services, particularly in a production"
        + " environment. Uninstalling does not affect the Info Mart database or any files on the"
        + " S3-compatible storage GIM uses for Data Export.");
    if (service == ServiceKind.GIM) {
      w.append(" Aggregation in progress and GCXI reports are not directly affected, but the Info"
          + " Mart database will no longer be updated.");
    }
    if (service == ServiceKind.GSP) {
      w.append(reinstall
          ? " Because you will reinstall GSP, its state ConfigMaps (app=" + gspFullname + ") are deleted too."
          : " GSP's state ConfigMaps (app=" + gspFullname + ") stay; use --reinstall to clear them"
              + " before reinstalling GSP.");
    }
    return w.toString();
  }

  /** The findings and the confirmations still missing for an uninstall. */
  public static Result check(DecisionInput in, ServiceKind service, PolicySettings settings) {
    List<Finding> f = new ArrayList<>();
    List<PendingConfirmation> pending = new ArrayList<>();
    Optional<String> typed = in.confirmations().typedServiceName();
    if (typed.isEmpty()) {
      pending.add(new PendingConfirmation(PendingConfirmation.Kind.TYPE_SERVICE_NAME, Rule.R10_UNINSTALL,
          "Type " + service.id() + " to confirm the uninstall.", List.of()));
    } else if (!typed.get().strip().equalsIgnoreCase(service.id())) {
      f.add(Finding.fail(Rule.R10_UNINSTALL, "you typed \"" + typed.get().strip() + "\", not "
          + service.id() + ": nothing was uninstalled; type " + service.id() + " exactly to confirm"));
    } else {
      f.add(Finding.pass(Rule.R10_UNINSTALL, "the service name was typed to confirm"));
    }
    if (in.environment().production()) {
      Optional<Actor> approver = in.confirmations().secondApprover();
      if (approver.isEmpty()) {
        pending.add(new PendingConfirmation(PendingConfirmation.Kind.SECOND_APPROVER, Rule.R10_UNINSTALL,
            in.environment().name() + " is production: a second " + settings.secondApproverRole().id()
                + " must approve this uninstall.", List.of()));
      } else if (approver.get().userId().equals(in.actor().userId())) {
        f.add(Finding.fail(Rule.R10_UNINSTALL, "the second approver must be someone other than the"
            + " requester: ask another " + settings.secondApproverRole().id() + " of "
            + in.environment().name() + " to approve"));
      } else {
        Optional<Role> role = in.access().roleOf(approver.get(), in.environment().name());
        if (role.isEmpty() || !role.get().atLeast(settings.secondApproverRole())) {
          f.add(Finding.fail(Rule.R10_UNINSTALL, approver.get().displayName() + " cannot approve:"
              + " a production uninstall needs a second " + settings.secondApproverRole().id()));
        } else {
          f.add(Finding.pass(Rule.R10_UNINSTALL, "second approver: " + approver.get().displayName()));
        }
      }
    }
    return new Result(f, pending);
  }

  /** Findings, and what must still be confirmed. */
  public record Result(List<Finding> findings, List<PendingConfirmation> pending) {}
}
