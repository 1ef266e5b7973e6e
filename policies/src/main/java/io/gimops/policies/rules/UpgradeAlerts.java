package io.gimops.policies.rules;

import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Rule 9: during an upgrade, alert on a pod Pending longer than its timeout, and on absent
 * metrics, "a situation that can occur if the Docker image is not available" (an image that
 * cannot be pulled is alerted as such straight away).
 */
public final class UpgradeAlerts {

  /** What an alert is about. */
  public enum Kind {
    POD_PENDING_TOO_LONG,
    IMAGE_UNAVAILABLE,
    METRICS_ABSENT
  }

  /** One alert; {@code subject} is the pod or service it concerns, for de-duplication. */
  public record Alert(ServiceKind service, Kind kind, String subject, String message) {}

  private UpgradeAlerts() {}

  /**
   * @param upgrading the services the running operation changes
   * @param started when the operation started; metrics get the pending threshold as grace
   */
  public static List<Alert> scan(ClusterSnapshot snap, Set<ServiceKind> upgrading, Instant started,
      Instant now, PolicySettings settings) {
    List<Alert> alerts = new ArrayList<>();
    for (ServiceKind k : upgrading) {
      ServiceState s = snap.service(k);
      for (PodState p : s.pods()) {
        if (p.pendingLongerThan(settings.pendingThreshold(), now)) {
          alerts.add(new Alert(k, Kind.POD_PENDING_TOO_LONG, p.name(), "pod " + p.name() + " of "
              + k.id() + " has been Pending for " + p.pendingFor(now).orElseThrow().toMinutes()
              + "m, longer than " + settings.pendingThreshold().toMinutes() + "m"));
        }
        p.failingReason().filter(r -> r.contains("Image")).ifPresent(r -> alerts.add(new Alert(k,
            Kind.IMAGE_UNAVAILABLE, p.name(), "pod " + p.name() + " of " + k.id() + " is in " + r
                + ": the image is not available")));
      }
      boolean graceOver = now.isAfter(started.plus(settings.pendingThreshold()));
      if (s.installed() && s.metrics() == MetricPresence.ABSENT && graceOver) {
        alerts.add(new Alert(k, Kind.METRICS_ABSENT, k.id(), k.id() + " has reported no metrics for"
            + " more than " + settings.pendingThreshold().toMinutes() + "m into the upgrade"
            + " (often a missing image)"));
      }
    }
    return alerts;
  }
}
