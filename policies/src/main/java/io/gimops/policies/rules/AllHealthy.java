package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule 2: "Do not attempt to upgrade a service unless all the Genesys Info Mart services are
 * operating normally." Checks every configured service, not only the one being upgraded. A
 * snapshot the observer marked unreliable refuses too: health that cannot be seen is not health.
 * An admin may override with a written reason ({@link AdminOverride}).
 */
public final class AllHealthy {

  private AllHealthy() {}

  public static List<Finding> check(Environment env, ClusterSnapshot snap, PolicySettings settings, Instant now) {
    List<Finding> f = new ArrayList<>();
    if (snap.unreliable().isPresent()) {
      f.add(Finding.fail(Rule.R2_ALL_HEALTHY, "the cluster state cannot be trusted right now ("
          + snap.unreliable().get() + "): wait until the bot sees the cluster again"));
    }
    List<String> healthy = new ArrayList<>();
    for (ServiceSpec spec : env.inCycleOrder()) {
      ServiceState s = snap.service(spec.kind());
      if (!s.installed()) {
        f.add(Finding.warn(Rule.R2_ALL_HEALTHY, spec.kind().id() + " is not installed in "
            + env.name() + ", so its health is not checked"));
        continue;
      }
      List<String> problems = ServiceHealth.problems(s, settings, now);
      if (problems.isEmpty()) {
        healthy.add(spec.kind().id());
      } else {
        f.add(Finding.fail(Rule.R2_ALL_HEALTHY, spec.kind().id() + " is not operating normally: "
            + String.join("; ", problems)));
      }
    }
    if (f.stream().noneMatch(Finding::refuses)) {
      f.add(Finding.pass(Rule.R2_ALL_HEALTHY, healthy.isEmpty()
          ? "no service is installed"
          : String.join(", ", healthy) + " operating normally"));
    }
    return f;
  }
}
