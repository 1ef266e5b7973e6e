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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rule 3: in one upgrade cycle GIM, then GSP, then GCA (the configured cycle order), and the next
 * service starts only after the previous one upgraded and verified. A service's steps are: its
 * chart (with its values file and helm timeout), its extra charts (the monitoring charts, as the
 * vendor's examples show), then verification; after GIM, the export-views offer when the upgrade
 * crossed schema changes.
 */
public final class CycleOrder {

  private CycleOrder() {}

  /** What to upgrade one service to, with the optional values file and image tag overrides. */
  public record Target(Release release, Optional<String> valuesFile, Optional<String> imageTag) {
    public static Target of(Release release) {
      return new Target(release, Optional.empty(), Optional.empty());
    }
  }

  /** The steps that upgrade and verify the given services, in cycle order. */
  public static Plan plan(Environment env, ClusterSnapshot snap, ReleaseCatalog catalog,
      Map<ServiceKind, Target> targets) {
    List<PlanStep> steps = new ArrayList<>();
    for (ServiceSpec spec : env.inCycleOrder()) {
      Target t = targets.get(spec.kind());
      if (t == null) {
        continue;
      }
      Version v = t.release().version();
      // The package is the vendor's chart (gim-<version>.tgz) whatever the release is called.
      steps.add(new PlanStep.HelmUpgrade(spec.kind(), spec.releaseName(), spec.kind().id(), v,
          Optional.of(t.valuesFile().orElse(spec.valuesFile())), spec.namespace(),
          spec.helmTimeout(), t.imageTag()));
      for (String extra : spec.extraCharts()) {
        steps.add(new PlanStep.HelmUpgrade(spec.kind(), extra, extra, v, Optional.empty(),
            spec.namespace(), Optional.empty(), Optional.empty()));
      }
      steps.add(new PlanStep.Verify(spec.kind(), v));
      if (ExportViews.crossesSchemaChange(catalog, spec.kind(), snap.service(spec.kind()), v)) {
        steps.add(new PlanStep.OfferExportViews(spec.kind()));
      }
    }
    return new Plan(steps);
  }

  /**
   * Rule 3 on an upgrade plan: the order holds and each service verifies before the next starts;
   * for a single-service upgrade, a reminder when other services have newer releases too.
   */
  public static List<Finding> check(Environment env, ClusterSnapshot snap, ReleaseCatalog catalog,
      Plan plan, boolean wholeCycle) {
    List<Finding> f = new ArrayList<>();
    List<ServiceKind> upgraded = new ArrayList<>();
    ServiceKind awaitingVerify = null;
    for (PlanStep step : plan.steps()) {
      if (step instanceof PlanStep.HelmUpgrade u && u.isServiceChart()) {
        if (awaitingVerify != null) {
          f.add(Finding.fail(Rule.R3_ORDER_AND_VERIFY, u.service().id() + " would start before "
              + awaitingVerify.id() + " verified"));
        }
        awaitingVerify = u.service();
        upgraded.add(u.service());
      } else if (step instanceof PlanStep.Verify v && v.service() == awaitingVerify) {
        awaitingVerify = null;
      }
    }
    List<ServiceKind> expected = env.inCycleOrder().stream().map(ServiceSpec::kind)
        .filter(upgraded::contains).toList();
    if (!expected.equals(upgraded)) {
      f.add(Finding.fail(Rule.R3_ORDER_AND_VERIFY, "the cycle must run " + ids(expected)
          + ", not " + ids(upgraded)));
    }
    if (f.isEmpty() && !upgraded.isEmpty()) {
      f.add(Finding.pass(Rule.R3_ORDER_AND_VERIFY, upgraded.size() == 1
          ? upgraded.get(0).id() + " is upgraded, then verified"
          : ids(upgraded) + ", each verified before the next starts"));
    }
    if (!wholeCycle) {
      List<String> others = new ArrayList<>();
      for (ServiceSpec spec : env.inCycleOrder()) {
        ServiceState s = snap.service(spec.kind());
        if (upgraded.contains(spec.kind()) || !s.installed()) {
          continue;
        }
        catalog.latest(spec.kind())
            .filter(r -> r.version().isNewerThan(s.deployedVersion().orElseThrow()))
            .ifPresent(r -> others.add(spec.kind().id() + " " + r.version()));
      }
      if (!others.isEmpty()) {
        f.add(Finding.info(Rule.R3_ORDER_AND_VERIFY, "newer releases are available for "
            + String.join(", ", others) + " too: Genesys recommends upgrading all services in the"
            + " same cycle (`/gim upgrade all`: GIM, then GSP, then GCA)"));
      }
    }
    return f;
  }

  private static String ids(List<ServiceKind> kinds) {
    return String.join(" -> ", kinds.stream().map(ServiceKind::id).toList());
  }
}
