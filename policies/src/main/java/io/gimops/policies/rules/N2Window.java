package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.domain.WindowPosition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Rule 1: after any action, each service runs one of the newest three releases of its service in
 * the release catalog. Upgrades to unknown or out-of-window releases, and rollbacks to revisions
 * whose release is out of the window, are refused; services that already fell out of the window
 * are shown before every action.
 */
public final class N2Window {

  private N2Window() {}

  /** The release an upgrade targets: the one asked for, or the newest; a finding if none. */
  public static Resolution resolveTarget(ReleaseCatalog catalog, ServiceKind service, Optional<Version> asked) {
    List<Release> all = catalog.releases(service);
    if (all.isEmpty()) {
      return new Resolution(Optional.empty(), Optional.of(Finding.fail(Rule.R1_N2_WINDOW,
          "the release catalog lists no release of " + service.id() + ": add its releases to the catalog first")));
    }
    if (asked.isEmpty()) {
      return new Resolution(Optional.of(all.get(0)), Optional.empty());
    }
    Optional<Release> found = catalog.find(service, asked.get());
    if (found.isEmpty()) {
      return new Resolution(Optional.empty(), Optional.of(Finding.fail(Rule.R1_N2_WINDOW,
          service.id() + " " + asked.get() + " is not in the release catalog: choose one of "
              + versions(catalog.window(service)) + " (`/gim releases " + service.id() + "`)")));
    }
    return new Resolution(found, Optional.empty());
  }

  /** A resolved target, or the finding that says why there is none. */
  public record Resolution(Optional<Release> release, Optional<Finding> refusal) {}

  /**
   * The version each configured service runs after the plan; a service the plan uninstalls, or
   * that is not installed, has none.
   */
  public static Map<ServiceKind, Optional<Version>> projected(Environment env, ClusterSnapshot snap, Plan plan) {
    Map<ServiceKind, Optional<Version>> v = new EnumMap<>(ServiceKind.class);
    for (ServiceSpec spec : env.inCycleOrder()) {
      v.put(spec.kind(), snap.service(spec.kind()).deployedVersion());
    }
    for (PlanStep step : plan.steps()) {
      if (step instanceof PlanStep.HelmUpgrade u && u.isServiceChart()) {
        v.put(u.service(), Optional.of(u.version()));
      } else if (step instanceof PlanStep.HelmRollback r) {
        v.put(r.service(), Optional.of(r.toVersion()));
      } else if (step instanceof PlanStep.HelmUninstall u
          && env.service(u.service()).map(s -> s.releaseName().equals(u.release())).orElse(false)) {
        v.put(u.service(), Optional.empty());
      }
    }
    return v;
  }

  /** The services whose version the plan changes. */
  public static Set<ServiceKind> touched(Plan plan) {
    Set<ServiceKind> t = EnumSet.noneOf(ServiceKind.class);
    for (PlanStep step : plan.steps()) {
      if (step instanceof PlanStep.HelmUpgrade || step instanceof PlanStep.HelmRollback) {
        t.add(step.service());
      }
    }
    return t;
  }

  /**
   * Rule 1 on a plan: every service the plan moves must land inside the window (refused
   * otherwise); every other service already outside it is shown, with what to do.
   */
  public static List<Finding> check(Environment env, ClusterSnapshot snap, ReleaseCatalog catalog, Plan plan) {
    Map<ServiceKind, Optional<Version>> after = projected(env, snap, plan);
    Set<ServiceKind> moved = touched(plan);
    List<Finding> f = new ArrayList<>();
    List<String> positions = new ArrayList<>();
    for (Map.Entry<ServiceKind, Optional<Version>> e : after.entrySet()) {
      ServiceKind k = e.getKey();
      if (e.getValue().isEmpty()) {
        continue;
      }
      Version v = e.getValue().get();
      WindowPosition pos = catalog.position(k, v);
      positions.add(k.id() + " " + v + " " + pos.label());
      if (pos.inWindow()) {
        continue;
      }
      if (moved.contains(k)) {
        f.add(Finding.fail(Rule.R1_N2_WINDOW, "this would leave " + k.id() + " on " + v + ", "
            + pos.label() + ": the window of " + k.id() + " is " + versions(catalog.window(k))
            + "; choose one of those"));
      } else {
        f.add(Finding.warn(Rule.R1_N2_WINDOW, k.id() + " runs " + v + ", " + pos.label()
            + ": upgrade it (`/gim upgrade " + k.id() + "`) or run `/gim upgrade all`"));
      }
    }
    if (f.stream().noneMatch(Finding::refuses)) {
      f.add(Finding.pass(Rule.R1_N2_WINDOW, moved.isEmpty()
          ? "no service changes release"
          : "afterwards: " + String.join(", ", positions)));
    }
    return f;
  }

  /** The installed services that run a release outside the window, for status and warnings. */
  public static List<ServiceState> outsideWindow(ClusterSnapshot snap, ReleaseCatalog catalog) {
    return snap.services().values().stream()
        .filter(s -> s.installed()
            && !catalog.inWindow(s.kind(), s.deployedVersion().orElseThrow()))
        .toList();
  }

  static String versions(List<Release> releases) {
    return releases.stream().map(r -> r.version().toString()).toList().toString();
  }
}
