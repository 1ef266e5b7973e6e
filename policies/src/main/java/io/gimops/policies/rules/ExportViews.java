package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.PodPhase;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;

/**
 * Rule 11: after a GIM upgrade with schema changes, offer "update export views": exec
 * {@code ./entrypoint.sh -job Job_MigrateGIM -make-export-views} in the GIM pod. "Your data will
 * continue to be exported using the export views in effect before GIM was upgraded".
 */
public final class ExportViews {

  private ExportViews() {}

  /** Whether upgrading a service from what it runs to {@code to} crosses a schema change. */
  public static boolean crossesSchemaChange(ReleaseCatalog catalog, ServiceKind service,
      ServiceState current, Version to) {
    return service == ServiceKind.GIM
        && catalog.crossedBy(service, current.deployedVersion(), to).stream()
            .anyMatch(r -> r.schemaChange());
  }

  /** Whether export views can be updated now: GIM installed, with a Running, Ready pod to exec in. */
  public static Finding checkCanUpdate(ClusterSnapshot snap) {
    ServiceState gim = snap.service(ServiceKind.GIM);
    if (!gim.installed()) {
      return Finding.fail(Rule.R11_EXPORT_VIEWS, "GIM is not installed, so there is no pod to"
          + " update export views in: install or upgrade GIM first");
    }
    boolean readyPod = gim.pods().stream().anyMatch(p -> p.phase() == PodPhase.RUNNING && p.ready());
    if (!readyPod) {
      return Finding.fail(Rule.R11_EXPORT_VIEWS, "no GIM pod is Running and Ready to exec in:"
          + " wait until GIM is Ready (`/gim status gim`), then try again");
    }
    return Finding.pass(Rule.R11_EXPORT_VIEWS, "GIM " + gim.deployedVersion().orElseThrow()
        + " has a Ready pod; the migration job reruns with -make-export-views");
  }
}
