package io.gimops.policies.rules;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether one service is "operating normally": the checks rule 2 needs before an upgrade, and
 * that {@code status} shows. Each problem says what to do about it.
 */
public final class ServiceHealth {

  private ServiceHealth() {}

  /** The problems of one installed service; empty when it operates normally. */
  public static List<String> problems(ServiceState s, PolicySettings settings, Instant now) {
    List<String> p = new ArrayList<>();
    String id = s.kind().id();
    if (s.helmStatus().isPending()) {
      p.add(id + " revision " + s.revision() + " is stuck in " + s.helmStatus().helmName()
          + " (a helm client stopped mid-operation): roll it back with `/gim rollback " + id + "`");
    } else if (s.helmStatus() == HelmStatus.FAILED) {
      p.add(id + " revision " + s.revision() + " failed to deploy: roll back with `/gim rollback " + id
          + "` or fix and upgrade again");
    } else if (s.helmStatus() != HelmStatus.DEPLOYED) {
      p.add(id + " has Helm status " + s.helmStatus().helmName() + ", not deployed");
    }
    if (s.desiredReplicas() == 0) {
      p.add(id + " wants no replicas: scale it up before upgrading");
    } else if (s.readyReplicas() < s.desiredReplicas()) {
      p.add(id + " has " + s.readyReplicas() + " of " + s.desiredReplicas() + " replicas ready");
    }
    for (PodState pod : s.pods()) {
      pod.failingReason().ifPresent(r -> p.add("pod " + pod.name() + " is in " + r
          + (r.contains("Image") ? " (is the image available?)" : "")));
      if (pod.pendingLongerThan(settings.pendingThreshold(), now)) {
        p.add("pod " + pod.name() + " has been Pending for "
            + pod.pendingFor(now).orElseThrow().toMinutes() + "m, longer than "
            + settings.pendingThreshold().toMinutes() + "m");
      }
    }
    if (s.metrics() == MetricPresence.ABSENT) {
      p.add(id + " reports no metrics (often a missing image, or the monitoring chart is not installed)");
    } else if (s.metrics() == MetricPresence.UNKNOWN) {
      p.add("could not tell whether " + id + " reports metrics: the metrics source did not answer");
    }
    if (s.kind() == ServiceKind.GIM) {
      BacklogTrend.Assessment backlog = BacklogTrend.assess(s.backlog(), now, settings.backlog());
      if (!backlog.isHealthy()) {
        p.add(backlog.explanation());
      }
      switch (s.migration()) {
        case INCOMPLETE -> p.add("GIM's database migration did not complete (half-migrated database):"
            + " restart the GIM pod with `/gim restart gim` to resume it where it left off");
        case RUNNING -> p.add("GIM's database migration job is still running: wait for it to complete");
        default -> { }
      }
    }
    return p;
  }
}
