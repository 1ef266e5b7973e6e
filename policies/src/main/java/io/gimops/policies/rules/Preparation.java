package io.gimops.policies.rules;

import io.gimops.policies.decision.ChecklistItem;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rule 7: before an upgrade, the vendor's preparatory steps, confirmed by a person whose name is
 * recorded. "Each time you upgrade a service" the first four items; "if you are upgrading the GIM
 * service" and the upgrade crosses schema changes, the database items too.
 */
public final class Preparation {

  private Preparation() {}

  /** The checklist for every service chart the plan upgrades. */
  public static List<ChecklistItem> checklist(Plan plan, ClusterSnapshot snap, ReleaseCatalog catalog) {
    List<ChecklistItem> items = new ArrayList<>();
    for (PlanStep.HelmUpgrade u : plan.stepsOf(PlanStep.HelmUpgrade.class)) {
      if (!u.isServiceChart()) {
        continue;
      }
      String id = u.service().id() + " " + u.version();
      Optional<Release> release = catalog.find(u.service(), u.version());
      items.add(new ChecklistItem("Reviewed the release note of " + id + " to identify changes",
          release.flatMap(Release::releaseNotes)));
      List<String> packages = new ArrayList<>();
      packages.add(u.packageFile());
      plan.stepsOf(PlanStep.HelmUpgrade.class).stream()
          .filter(x -> x.service() == u.service() && !x.isServiceChart())
          .forEach(x -> packages.add(x.packageFile()));
      items.add(ChecklistItem.of("The package " + String.join(" and ", packages)
          + " is available to deploy in this environment"));
      items.add(ChecklistItem.of("The values file " + u.valuesFile().orElseThrow()
          + " is available and updated if this release requires changes"
          + (u.imageTag().isPresent() ? " (only the image tag changes: --set "
              + u.release() + ".image.tag=" + u.imageTag().get() + ")" : "")));
      items.add(ChecklistItem.of("Reviewed the RAA and GCXI release notes and advisories for the"
          + " impact of Info Mart migration on aggregation, and any extra steps"));
      if (u.service() == ServiceKind.GIM
          && ExportViews.crossesSchemaChange(catalog, u.service(), snap.service(u.service()), u.version())) {
        items.add(ChecklistItem.of("Reviewed \"New in the Info Mart Database\" and \"Summary of Info"
            + " Mart Schema Changes\": this upgrade migrates the Info Mart database; decided whether"
            + " to update export views afterwards"));
        items.add(ChecklistItem.of("Noted custom changes to the Info Mart database (table spaces,"
            + " partitions, additional indexes, views, permissions) to re-create any that migration"
            + " invalidates"));
        items.add(ChecklistItem.of("A recent backup of the Info Mart database is available, in case"
            + " a database migration must be rolled back"));
      }
    }
    return items;
  }

  /** The checklist to confirm, unless somebody already confirmed it. */
  public static Optional<PendingConfirmation> pending(List<ChecklistItem> checklist, boolean confirmed) {
    if (confirmed || checklist.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PendingConfirmation(PendingConfirmation.Kind.CHECKLIST, Rule.R7_PREPARATION,
        "Confirm the vendor's preparatory steps; your name is recorded with the confirmation.", checklist));
  }
}
