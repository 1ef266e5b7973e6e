package io.gimops.policies.engine;

import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.CycleOrder;
import io.gimops.policies.rules.N2Window;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a request into the plan the vendor's procedure prescribes, or into the findings that say
 * why there can be none (an unknown release, a revision not in the history, a service not
 * installed). The rules then judge the plan.
 */
final class Planner {

  record Result(Plan plan, List<Finding> findings) {
    static Result refused(Finding f) {
      return new Result(Plan.EMPTY, List.of(f));
    }
  }

  private Planner() {}

  static Result plan(DecisionInput in) {
    LifecycleRequest r = in.request();
    if (r instanceof LifecycleRequest.Upgrade u) {
      return upgrade(in, u);
    }
    if (r instanceof LifecycleRequest.UpgradeCycle) {
      return cycle(in);
    }
    if (r instanceof LifecycleRequest.Rollback rb) {
      return rollback(in, rb);
    }
    if (r instanceof LifecycleRequest.Reinstall ri) {
      return reinstall(in, ri);
    }
    if (r instanceof LifecycleRequest.Uninstall u) {
      return uninstall(in, u);
    }
    if (r instanceof LifecycleRequest.UpdateExportViews) {
      return withSpec(in, ServiceKind.GIM, spec -> new Result(
          new Plan(List.of(new PlanStep.UpdateExportViews(ServiceKind.GIM, spec.namespace()))), List.of()));
    }
    return withSpec(in, ServiceKind.GIM, spec -> {
      if (!in.snapshot().service(ServiceKind.GIM).installed()) {
        return Result.refused(notInstalled(in, ServiceKind.GIM));
      }
      return new Result(new Plan(List.of(new PlanStep.RestartPod(ServiceKind.GIM, spec.namespace()))), List.of());
    });
  }

  private static Result upgrade(DecisionInput in, LifecycleRequest.Upgrade u) {
    return withSpec(in, u.service(), spec -> {
      N2Window.Resolution target = N2Window.resolveTarget(in.catalog(), u.service(), u.version());
      if (target.refusal().isPresent()) {
        return Result.refused(target.refusal().get());
      }
      Release release = target.release().orElseThrow();
      ServiceState current = in.snapshot().service(u.service());
      if (current.installed()) {
        Version running = current.deployedVersion().orElseThrow();
        if (release.version().isOlderThan(running)) {
          return Result.refused(Finding.fail(Rule.PROCEDURE, u.service().id() + " runs " + running
              + ", newer than " + release.version() + ": to go back, roll back (`/gim rollback "
              + u.service().id() + " [revision]`, see `/gim history " + u.service().id() + "`), or re-install"
              + " the earlier package (`/gim rollback " + u.service().id() + " --to " + release.version() + "`)"));
        }
        if (release.version().equals(running) && u.valuesFile().isEmpty() && u.imageTag().isEmpty()
            && current.helmStatus() == HelmStatus.DEPLOYED) {
          return Result.refused(Finding.fail(Rule.PROCEDURE, u.service().id() + " already runs "
              + running + (u.version().isEmpty() ? ", the newest release in the catalog" : "")
              + ": nothing to upgrade"));
        }
      }
      Map<ServiceKind, CycleOrder.Target> targets = new EnumMap<>(ServiceKind.class);
      targets.put(u.service(), new CycleOrder.Target(release, u.valuesFile(), u.imageTag()));
      return new Result(CycleOrder.plan(in.environment(), in.snapshot(), in.catalog(), targets), List.of());
    });
  }

  private static Result cycle(DecisionInput in) {
    Map<ServiceKind, CycleOrder.Target> targets = new EnumMap<>(ServiceKind.class);
    List<Finding> findings = new ArrayList<>();
    for (ServiceSpec spec : in.environment().inCycleOrder()) {
      ServiceKind k = spec.kind();
      ServiceState s = in.snapshot().service(k);
      if (!s.installed()) {
        findings.add(Finding.info(Rule.R3_ORDER_AND_VERIFY, k.id() + " is not installed and is"
            + " skipped (install it with `/gim upgrade " + k.id() + "`)"));
        continue;
      }
      N2Window.Resolution target = N2Window.resolveTarget(in.catalog(), k, Optional.empty());
      if (target.refusal().isPresent()) {
        findings.add(target.refusal().get());
        continue;
      }
      Version latest = target.release().orElseThrow().version();
      Version running = s.deployedVersion().orElseThrow();
      if (running.isNewerThan(latest)) {
        findings.add(Finding.fail(Rule.R1_N2_WINDOW, k.id() + " runs " + running + ", newer than"
            + " the newest catalog release " + latest + ": update the release catalog"));
      } else if (running.equals(latest)) {
        findings.add(Finding.info(Rule.R3_ORDER_AND_VERIFY, k.id() + " already runs its newest"
            + " release " + latest + " and is skipped"));
      } else {
        targets.put(k, CycleOrder.Target.of(target.release().orElseThrow()));
      }
    }
    if (targets.isEmpty() && findings.stream().noneMatch(Finding::refuses)) {
      findings.add(Finding.fail(Rule.PROCEDURE, "every installed service already runs its newest"
          + " release: nothing to upgrade"));
    }
    return new Result(CycleOrder.plan(in.environment(), in.snapshot(), in.catalog(), targets), findings);
  }

  private static Result rollback(DecisionInput in, LifecycleRequest.Rollback r) {
    return withSpec(in, r.service(), spec -> {
      ServiceState s = in.snapshot().service(r.service());
      if (!s.installed() || s.history().isEmpty()) {
        return Result.refused(notInstalled(in, r.service()));
      }
      String id = r.service().id();
      int current = s.revision();
      Optional<RevisionRecord> target;
      if (r.revision().isPresent()) {
        int asked = r.revision().getAsInt();
        if (asked == current) {
          return Result.refused(Finding.fail(Rule.PROCEDURE, id + " is at revision " + current
              + " already: choose an earlier revision (" + choices(s) + ")"));
        }
        target = s.revisionRecord(asked);
        if (target.isEmpty()) {
          return Result.refused(Finding.fail(Rule.PROCEDURE, id + " has no revision " + asked
              + " in its Helm history: choose one of " + choices(s)));
        }
        if (target.get().status() == HelmStatus.FAILED || target.get().status().isPending()) {
          return Result.refused(Finding.fail(Rule.PROCEDURE, id + " revision " + asked + " never"
              + " deployed (" + target.get().status().helmName() + "): choose one of " + choices(s)));
        }
      } else {
        // "helm rollback <service>" returns to the previous revision; the bot names it explicitly
        // and skips revisions that never deployed, so the plan says exactly where it goes.
        target = s.history().stream()
            .filter(h -> h.revision() < current && wasDeployed(h))
            .reduce((a, b) -> b);
        if (target.isEmpty()) {
          return Result.refused(Finding.fail(Rule.PROCEDURE, id + " has no earlier deployed"
              + " revision to roll back to (history: " + choices(s) + ")"));
        }
      }
      RevisionRecord to = target.get();
      return new Result(new Plan(List.of(
          new PlanStep.HelmRollback(r.service(), spec.releaseName(), spec.namespace(), current,
              to.revision(), to.version(), spec.helmTimeout()),
          new PlanStep.Verify(r.service(), to.version()))), List.of());
    });
  }

  /**
   * The vendor's "re-install the previous package": {@code helm upgrade --install} of the earlier
   * release's package with the service's values file (and its timeout), then verify, as a
   * rollback. Only the service's own release: {@code helm rollback <service>} leaves the extra
   * charts too. The release must be in the catalog, inside the window, and earlier than the
   * running one; the same chart version goes back only with the image tag named (only the image
   * changes, the vendor's {@code --set} tip).
   */
  private static Result reinstall(DecisionInput in, LifecycleRequest.Reinstall r) {
    return withSpec(in, r.service(), spec -> {
      ServiceState s = in.snapshot().service(r.service());
      if (!s.installed() || s.deployedVersion().isEmpty()) {
        return Result.refused(notInstalled(in, r.service()));
      }
      N2Window.Resolution target = N2Window.resolveTarget(in.catalog(), r.service(), Optional.of(r.version()));
      if (target.refusal().isPresent()) {
        return Result.refused(target.refusal().get());
      }
      String id = r.service().id();
      Version running = s.deployedVersion().get();
      if (r.version().isNewerThan(running) || (r.version().equals(running) && r.imageTag().isEmpty())) {
        return Result.refused(Finding.fail(Rule.PROCEDURE, id + " runs " + running + ": `--to` re-installs an"
            + " earlier release (" + (r.version().equals(running) ? "the same one only with `--image-tag <old"
                + " tag>`, when only the image goes back" : "to go forward, upgrade") + ")"));
      }
      return new Result(new Plan(List.of(
          new PlanStep.HelmUpgrade(r.service(), spec.releaseName(), spec.releaseName(), r.version(),
              Optional.of(spec.valuesFile()), spec.namespace(), spec.helmTimeout(), r.imageTag()),
          new PlanStep.Verify(r.service(), r.version()))), List.of());
    });
  }

  private static Result uninstall(DecisionInput in, LifecycleRequest.Uninstall u) {
    return withSpec(in, u.service(), spec -> {
      if (u.reinstall() && u.service() != ServiceKind.GSP) {
        return Result.refused(Finding.fail(Rule.R10_UNINSTALL, "--reinstall clears GSP's state"
            + " ConfigMaps and applies to gsp only: run `/gim uninstall " + u.service().id() + "`"));
      }
      if (!in.snapshot().service(u.service()).installed()) {
        return Result.refused(notInstalled(in, u.service()));
      }
      List<PlanStep> steps = new ArrayList<>();
      steps.add(new PlanStep.HelmUninstall(u.service(), spec.releaseName(), spec.namespace()));
      for (String extra : spec.extraCharts()) {
        steps.add(new PlanStep.HelmUninstall(u.service(), extra, spec.namespace()));
      }
      if (u.reinstall()) {
        steps.add(new PlanStep.DeleteConfigMaps(u.service(), spec.namespace(), "app=" + spec.fullname()));
      }
      return new Result(new Plan(steps), List.of());
    });
  }

  private static boolean wasDeployed(RevisionRecord h) {
    return h.status() == HelmStatus.SUPERSEDED || h.status() == HelmStatus.DEPLOYED;
  }

  private static String choices(ServiceState s) {
    return s.history().stream()
        .map(h -> h.revision() + " (" + h.version() + ", " + h.status().helmName() + ")")
        .toList().toString();
  }

  private static Finding notInstalled(DecisionInput in, ServiceKind k) {
    return Finding.fail(Rule.PROCEDURE, k.id() + " is not installed in " + in.environment().name()
        + ": there is nothing to " + in.request().action().id());
  }

  private static Result withSpec(DecisionInput in, ServiceKind k, java.util.function.Function<ServiceSpec, Result> f) {
    return in.environment().service(k).map(f).orElseGet(() -> Result.refused(Finding.fail(Rule.PROCEDURE,
        k.id() + " is not configured in environment " + in.environment().name()
            + ": add it to the bot's configuration")));
  }

}
