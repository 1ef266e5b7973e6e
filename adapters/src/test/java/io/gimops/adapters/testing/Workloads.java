package io.gimops.adapters.testing;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.time.Instant;
import java.util.Map;

/**
 * Deployments, StatefulSets and pods as the sandbox's charts and controller make them (see
 * sandbox/README.md): the contract labels, and statuses as a kubelet and the workload controllers
 * would write them.
 */
public final class Workloads {

  private Workloads() {}

  /** The labels the charts put on a pod template: name, instance, app (fullname) and helm.sh/chart. */
  public static Map<String, String> labels(String chart, String release, String version) {
    return Map.of(
        "app.kubernetes.io/name", chart,
        "app.kubernetes.io/instance", release,
        "app", release,
        "helm.sh/chart", chart + "-" + version.replace('+', '_'));
  }

  public static String image(String chart, String version) {
    return "registry.example.com/genesys/" + chart + ":" + version.replace('+', '.');
  }

  public static Deployment deployment(String ns, String release, String chart, String version, int replicas, int ready) {
    Map<String, String> labels = labels(chart, release, version);
    return new DeploymentBuilder()
        .withNewMetadata().withName(release).withNamespace(ns).withLabels(labels).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().addToMatchLabels("app.kubernetes.io/instance", release).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName(chart).withImage(image(chart, version)).endContainer().endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus().withReplicas(replicas).withReadyReplicas(ready).withAvailableReplicas(ready)
        .withUpdatedReplicas(replicas).endStatus()
        .build();
  }

  /** GSP's StatefulSet; only the pod template carries the contract labels. */
  public static StatefulSet statefulSet(String ns, String release, String chart, String version, int replicas, int ready) {
    Map<String, String> labels = labels(chart, release, version);
    return new StatefulSetBuilder()
        .withNewMetadata().withName(release).withNamespace(ns).endMetadata()
        .withNewSpec().withReplicas(replicas).withServiceName(release)
        .withNewSelector().addToMatchLabels("app.kubernetes.io/instance", release).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(labels).endMetadata()
        .withNewSpec().addNewContainer().withName(chart).withImage(image(chart, version)).endContainer().endSpec()
        .endTemplate()
        .endSpec()
        .withNewStatus().withReplicas(replicas).withReadyReplicas(ready).endStatus()
        .build();
  }

  /** A pod just created: Pending, not yet scheduled. */
  public static Pod pod(String ns, String name, String release, String chart, String version) {
    return new PodBuilder()
        .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels(chart, release, version)).endMetadata()
        .withNewSpec().addNewContainer().withName(chart).withImage(image(chart, version)).endContainer().endSpec()
        .withStatus(pending())
        .build();
  }

  public static PodStatus pending() {
    return new PodStatusBuilder().withPhase("Pending")
        .addNewCondition().withType("PodScheduled").withStatus("False").withReason("Unschedulable").endCondition()
        .build();
  }

  /** Running, its container started and the Ready condition true. */
  public static PodStatus ready(Pod p) {
    String container = p.getSpec().getContainers().get(0).getName();
    String image = p.getSpec().getContainers().get(0).getImage();
    return new PodStatusBuilder().withPhase("Running")
        .withStartTime(Instant.now().toString())
        .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .addNewCondition().withType("Initialized").withStatus("True").endCondition()
        .addNewCondition().withType("ContainersReady").withStatus("True").endCondition()
        .addNewCondition().withType("Ready").withStatus("True").endCondition()
        .addToContainerStatuses(new ContainerStatusBuilder().withName(container).withImage(image).withReady(true)
            .withStarted(true).withRestartCount(0)
            .withNewState().withNewRunning().withStartedAt(Instant.now().toString()).endRunning().endState()
            .build())
        .build();
  }

  /** Scheduled, its image cannot be pulled: phase Pending, the container waiting with {@code reason}. */
  public static PodStatus imagePullFailure(Pod p, String reason) {
    String container = p.getSpec().getContainers().get(0).getName();
    String image = p.getSpec().getContainers().get(0).getImage();
    return waiting("Pending", container, image, reason, "Back-off pulling image \"" + image + "\"", 0);
  }

  /** Running but its container keeps crashing. */
  public static PodStatus crashLoop(Pod p, int restarts) {
    String container = p.getSpec().getContainers().get(0).getName();
    String image = p.getSpec().getContainers().get(0).getImage();
    return waiting("Running", container, image, "CrashLoopBackOff",
        "back-off 40s restarting failed container=" + container, restarts);
  }

  private static PodStatus waiting(String phase, String container, String image, String reason, String message,
      int restarts) {
    ContainerStatus status = new ContainerStatusBuilder().withName(container).withImage(image).withReady(false)
        .withStarted(false).withRestartCount(restarts)
        .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
        .build();
    return new PodStatusBuilder().withPhase(phase)
        .addNewCondition().withType("PodScheduled").withStatus("True").endCondition()
        .addNewCondition().withType("Ready").withStatus("False").withReason("ContainersNotReady").endCondition()
        .addToContainerStatuses(status)
        .build();
  }
}
