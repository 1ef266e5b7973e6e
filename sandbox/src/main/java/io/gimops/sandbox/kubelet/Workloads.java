package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Comparator;

/** Small rules the workload controllers share. */
final class Workloads {

  /**
   * The order Kubernetes deletes pods in when it scales down: unscheduled before scheduled,
   * Pending before Running, not Ready before Ready, then the newest first.
   */
  static final Comparator<Pod> DELETE_FIRST = Comparator
      .comparing((Pod p) -> PodStatuses.isScheduled(p))
      .thenComparing(p -> !"Pending".equals(p.getStatus() == null ? "Pending" : p.getStatus().getPhase()))
      .thenComparing(PodStatuses::isReady)
      .thenComparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()), Comparator.reverseOrder())
      .thenComparing(p -> p.getMetadata().getName(), Comparator.reverseOrder());

  private Workloads() {}

  static int replicas(Integer replicas) {
    return replicas == null ? 1 : replicas;
  }

  /**
   * An absolute count or a percentage of {@code total}, as {@code maxSurge} (rounded up) and
   * {@code maxUnavailable} (rounded down) are read.
   */
  static int scaled(IntOrString value, int total, boolean roundUp, int fallback) {
    if (value == null) {
      return fallback;
    }
    if (value.getIntVal() != null) {
      return value.getIntVal();
    }
    String s = value.getStrVal();
    if (s != null && s.endsWith("%")) {
      int percent = Integer.parseInt(s.substring(0, s.length() - 1).trim());
      return roundUp ? (total * percent + 99) / 100 : total * percent / 100;
    }
    return Integer.parseInt(s.trim());
  }
}
