package io.gimops.policies.engine;

import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.AccessControl;
import io.gimops.policies.rules.AdminOverride;
import io.gimops.policies.rules.AllHealthy;
import io.gimops.policies.rules.CycleOrder;
import io.gimops.policies.rules.ExportViews;
import io.gimops.policies.rules.HelmTimeouts;
import io.gimops.policies.rules.MaintenanceSchedule;
import io.gimops.policies.rules.N2Window;
import io.gimops.policies.rules.OneAtATime;
import io.gimops.policies.rules.Preparation;
import io.gimops.policies.rules.ThirdPartyDependencies;
import io.gimops.policies.rules.UninstallGuard;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides on a lifecycle request. Pure: the same input and clock give the same decision.
 *
 * <ol>
 *   <li>Rule 12: the requester's role and channel (and an override's, and a confirmer's).
 *   <li>The plan the vendor's procedure prescribes for the request ({@link Planner}).
 *   <li>The rules that apply to the request, each adding its findings, passes included:
 *       upgrades get 1, 2, 3, 4, 5, 6, 7, 11 and the maintenance window; rollbacks (by helm
 *       rollback or by re-installing an earlier package) 1, 4, 5, 6, confirmed under rule 8;
 *       uninstalls 4 and 10; export views 4, 6 (PostgreSQL) and 11; a GIM pod restart 4.
 *   <li>An admin's written override turns refusals of rule 2 and of the window into overridden.
 *   <li>The outcome: refused if any finding refuses; otherwise needs confirmation while the
 *       checklist, the typed name, the second approver or a plain confirmation is missing;
 *       otherwise allowed.
 * </ol>
 */
public final class PolicyEngine {

  private final PolicySettings settings;
  private final Clock clock;

  public PolicyEngine(PolicySettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  public PolicySettings settings() {
    return settings;
  }

  public Decision decide(DecisionInput in) {
    Instant now = clock.instant();
    List<Finding> findings = new ArrayList<>(AccessControl.check(in));
    Planner.Result planned = Planner.plan(in);
    Plan plan = planned.plan();
    findings.addAll(planned.findings());
    List<PendingConfirmation> pending = new ArrayList<>();
    String env = in.environment().name();
    Confirmations c = in.confirmations();

    LifecycleRequest request = in.request();
    if (request instanceof LifecycleRequest.Upgrade) {
      upgradeRules(in, plan, false, now, findings, pending);
    } else if (request instanceof LifecycleRequest.UpgradeCycle) {
      upgradeRules(in, plan, true, now, findings, pending);
    } else if (request instanceof LifecycleRequest.Rollback) {
      if (!plan.isEmpty()) {
        findings.addAll(N2Window.check(in.environment(), in.snapshot(), in.catalog(), plan));
        findings.addAll(HelmTimeouts.check(plan));
      }
      findings.add(OneAtATime.check(env, in.activeOperations()));
      findings.addAll(ThirdPartyDependencies.checkReachable(in.snapshot(), "rollback",
          List.of(ThirdParty.KAFKA, ThirdParty.POSTGRESQL)));
      for (PlanStep.HelmRollback rb : plan.stepsOf(PlanStep.HelmRollback.class)) {
        findings.add(podReplacement(in, rb.service(), "helm rollback " + rb.release(), rb.release(), rb.toVersion()));
      }
      confirm(c, Rule.R8_VERIFICATION, "Roll back as planned? The rollback is verified like an upgrade.", pending);
    } else if (request instanceof LifecycleRequest.Reinstall ri) {
      if (!plan.isEmpty()) {
        findings.addAll(N2Window.check(in.environment(), in.snapshot(), in.catalog(), plan));
        findings.addAll(HelmTimeouts.check(plan));
        findings.add(reinstallValues(in, ri));
        for (PlanStep.HelmUpgrade u : plan.stepsOf(PlanStep.HelmUpgrade.class)) {
          findings.add(podReplacement(in, u.service(), "re-installing " + u.packageFile(), u.release(), u.version()));
        }
      }
      findings.add(OneAtATime.check(env, in.activeOperations()));
      findings.addAll(ThirdPartyDependencies.checkReachable(in.snapshot(), "rollback",
          List.of(ThirdParty.KAFKA, ThirdParty.POSTGRESQL)));
      confirm(c, Rule.R8_VERIFICATION, "Re-install the earlier package as planned? The rollback is verified like"
          + " an upgrade.", pending);
    } else if (request instanceof LifecycleRequest.Uninstall u) {
      findings.add(OneAtATime.check(env, in.activeOperations()));
      String fullname = in.environment().service(ServiceKind.GSP).map(ServiceSpec::fullname).orElse("gsp");
      findings.add(Finding.info(Rule.R10_UNINSTALL, UninstallGuard.warning(u.service(), u.reinstall(), fullname)));
      if (!plan.isEmpty()) {
        UninstallGuard.Result g = UninstallGuard.check(in, u.service(), settings);
        findings.addAll(g.findings());
        pending.addAll(g.pending());
      }
    } else if (request instanceof LifecycleRequest.UpdateExportViews) {
      findings.add(OneAtATime.check(env, in.activeOperations()));
      findings.add(ExportViews.checkCanUpdate(in.snapshot()));
      findings.addAll(ThirdPartyDependencies.checkReachable(in.snapshot(), "migration job",
          List.of(ThirdParty.POSTGRESQL)));
      confirm(c, Rule.R11_EXPORT_VIEWS, "Rerun GIM's migration job with -make-export-views?", pending);
    } else if (request instanceof LifecycleRequest.RestartGimPod) {
      findings.add(OneAtATime.check(env, in.activeOperations()));
      if (!plan.isEmpty()) {
        boolean halfMigrated = in.snapshot().service(ServiceKind.GIM).migration() == MigrationState.INCOMPLETE;
        findings.add(Finding.info(Rule.R8_VERIFICATION, halfMigrated
            ? "GIM detects the out-of-date schema and restarts the migration job, which picks up"
                + " from where it left off"
            : "the GIM pod is deleted and its replacement followed to Ready"));
      }
      confirm(c, Rule.R8_VERIFICATION, "Restart the GIM pod?", pending);
    }

    findings = AdminOverride.apply(findings, in.overrideReason(),
        in.access().roleOf(in.actor(), env), settings.minimumOverrideReason());
    boolean refused = findings.stream().anyMatch(Finding::refuses);
    boolean overridden = findings.stream().anyMatch(f -> f.verdict() == Verdict.OVERRIDDEN);
    Decision.Outcome outcome = refused ? Decision.Outcome.REFUSED
        : pending.isEmpty() ? Decision.Outcome.ALLOWED : Decision.Outcome.NEEDS_CONFIRMATION;
    Optional<Actor> approver = in.request() instanceof LifecycleRequest.Uninstall && in.environment().production()
        ? c.secondApprover() : Optional.empty();
    return new Decision(outcome, in.request(), env, in.actor(), findings, plan,
        refused ? List.of() : pending,
        overridden ? in.overrideReason().map(String::strip) : Optional.empty(),
        c.confirmedBy(), approver, now);
  }

  private void upgradeRules(DecisionInput in, Plan plan, boolean cycle, Instant now,
      List<Finding> findings, List<PendingConfirmation> pending) {
    if (!plan.isEmpty()) {
      findings.addAll(N2Window.check(in.environment(), in.snapshot(), in.catalog(), plan));
      findings.addAll(CycleOrder.check(in.environment(), in.snapshot(), in.catalog(), plan, cycle));
      findings.addAll(HelmTimeouts.check(plan));
      List<Release> crossed = new ArrayList<>();
      for (PlanStep.HelmUpgrade u : plan.stepsOf(PlanStep.HelmUpgrade.class)) {
        if (u.isServiceChart()) {
          crossed.addAll(in.catalog().crossedBy(u.service(),
              in.snapshot().service(u.service()).deployedVersion(), u.version()));
        }
      }
      findings.addAll(ThirdPartyDependencies.checkMinimums(in.snapshot(), crossed));
      if (!plan.stepsOf(PlanStep.OfferExportViews.class).isEmpty()) {
        findings.add(Finding.info(Rule.R11_EXPORT_VIEWS, "this GIM upgrade crosses schema changes:"
            + " afterwards the bot offers to update export views, so Data Export includes the new"
            + " tables and columns"));
      }
    }
    findings.addAll(AllHealthy.check(in.environment(), in.snapshot(), settings, now));
    findings.add(OneAtATime.check(in.environment().name(), in.activeOperations()));
    findings.addAll(ThirdPartyDependencies.checkReachable(in.snapshot(), "rollback, should this upgrade need one,",
        List.of(ThirdParty.KAFKA, ThirdParty.POSTGRESQL)));
    MaintenanceSchedule.check(in.environment(), now).ifPresent(findings::add);
    Preparation.pending(Preparation.checklist(plan, in.snapshot(), in.catalog()),
        in.confirmations().confirmedBy().isPresent()).ifPresent(pending::add);
    if (in.confirmations().confirmedBy().isPresent() && !plan.isEmpty()) {
      findings.add(Finding.pass(Rule.R7_PREPARATION, "checklist confirmed by "
          + in.confirmations().confirmedBy().get().displayName()));
    }
  }

  /**
   * A plain confirmation, labelled with the rule that asks for the action: a rollback and a GIM
   * pod restart are rule 8's remedies, an export-views update is rule 11's (rule 4, one at a time,
   * asks for no confirmation: it refuses or allows).
   */
  private static void confirm(Confirmations c, Rule rule, String prompt, List<PendingConfirmation> pending) {
    if (c.confirmedBy().isEmpty()) {
      pending.add(new PendingConfirmation(PendingConfirmation.Kind.CONFIRM, rule, prompt, List.of()));
    }
  }

  /**
   * The vendor's step 1 of "re-install the previous package", said before it is confirmed: the
   * values file must go back too, unless only the image does and the tag is passed with
   * {@code --set}.
   */
  private static Finding reinstallValues(DecisionInput in, LifecycleRequest.Reinstall ri) {
    String values = in.environment().service(ri.service()).map(ServiceSpec::valuesFile).orElse("the values file");
    String release = in.environment().service(ri.service()).map(ServiceSpec::releaseName).orElse(ri.service().id());
    return ri.imageTag().isPresent()
        ? Finding.info(Rule.PROCEDURE, "only the image goes back: --set " + release + ".image.tag=" + ri.imageTag().get()
            + " (the vendor's tip), with " + values + " as it is")
        : Finding.info(Rule.PROCEDURE, "re-installing " + ri.version() + " with " + values + ": \"Revert the image"
            + " version in the " + release + ".image.tag parameter in the values file. If applicable, also revert any"
            + " configuration changes you implemented for the new release.\" (or pass `--image-tag <old version>`)");
  }

  /**
   * What the bot does besides helm after a rollback, said before it is confirmed: a pod of the
   * release being left that stays broken (a StatefulSet waits for a broken pod forever, and
   * {@code helm rollback} does not replace it) is deleted once, so its controller recreates it on
   * the rolled-back revision. Names the pods broken now.
   */
  static Finding podReplacement(DecisionInput in, ServiceKind service, String action, String release, Version to) {
    List<String> broken = in.snapshot().service(service).pods().stream()
        .filter(p -> p.failingReason().isPresent() && p.version().filter(v -> !v.equals(to)).isPresent())
        .map(p -> p.name() + " (" + p.failingReason().get() + ")").toList();
    String which = broken.isEmpty() ? "any pod of " + release + " not on " + to : "pod " + String.join(", ", broken);
    return Finding.info(Rule.R8_VERIFICATION, "after " + action + ", then delete " + which
        + " if it stays broken (once, audited), so its controller recreates it on " + to
        + " (a StatefulSet waits for a broken pod forever)");
  }
}
