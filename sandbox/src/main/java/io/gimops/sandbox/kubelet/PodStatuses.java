package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The pod statuses a kubelet writes, one method per stage a pod goes through here. Pure: each
 * takes the pod as it is and the time, keeps every timestamp whose state did not change (so a
 * second reconcile of an unchanged pod yields an equal status and writes nothing), and returns
 * the status to store.
 *
 * <p>How long a pod has been Pending reads back as {@code status.startTime} once it is scheduled,
 * else the {@code PodScheduled} condition's {@code lastTransitionTime}.
 */
final class PodStatuses {

  static final String NODE = "sandbox-node-1";
  static final String HOST_IP = "10.0.0.11";

  static final String CONTAINERS_NOT_READY = "ContainersNotReady";
  static final String ERR_IMAGE_PULL = "ErrImagePull";
  static final String IMAGE_PULL_BACK_OFF = "ImagePullBackOff";
  static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
  static final String CONTAINER_CREATING = "ContainerCreating";
  static final String UNSCHEDULABLE = "Unschedulable";

  private PodStatuses() {}

  /** The scheduler found no node: Pending, no start time, no container statuses. */
  static PodStatus unschedulable(Pod pod, Instant now) {
    List<PodCondition> old = conditions(pod);
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withQosClass(qosClass(pod))
        .withConditions(condition(old, "PodScheduled", false, UNSCHEDULABLE,
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: "
                + "1 No preemption victims found for incoming pod.", now))
        .build();
  }

  /** Scheduled, containers being created: Pending, waiting ContainerCreating. */
  static PodStatus creating(Pod pod, Instant now) {
    return scheduled(pod, now, "Pending", false, false, c -> waiting(pod, c, CONTAINER_CREATING, null));
  }

  /** The image cannot be pulled: Pending, waiting ErrImagePull or ImagePullBackOff. */
  static PodStatus pullFailing(Pod pod, String reason, Instant now) {
    return scheduled(pod, now, "Pending", true, false, c -> {
      String message = ERR_IMAGE_PULL.equals(reason)
          ? "failed to pull and unpack image \"" + c.getImage() + "\": failed to resolve reference \""
              + c.getImage() + "\": " + c.getImage() + ": not found"
          : "Back-off pulling image \"" + c.getImage() + "\"";
      return waiting(pod, c, reason, message);
    });
  }

  /** The container exits each time it starts: Running, waiting CrashLoopBackOff. */
  static PodStatus crashLooping(Pod pod, int restarts, Instant now) {
    long backoff = Math.min(300, 10L << Math.min(Math.max(restarts - 1, 0), 5));
    return scheduled(pod, now, "Running", true, false, c -> {
      ContainerStatus old = containerStatus(pod, c.getName());
      ContainerState last = old != null && old.getRestartCount() != null && old.getRestartCount() == restarts
          && old.getLastState() != null && old.getLastState().getTerminated() != null
          ? old.getLastState()
          : new ContainerStateBuilder().withNewTerminated()
              .withExitCode(1).withReason("Error")
              .withStartedAt(Times.format(now)).withFinishedAt(Times.format(now))
              .withContainerID(containerId(pod, c, restarts))
              .endTerminated().build();
      return new ContainerStatusBuilder()
          .withName(c.getName())
          .withImage(c.getImage())
          .withImageID(imageId(c))
          .withContainerID(containerId(pod, c, restarts))
          .withReady(false)
          .withStarted(false)
          .withRestartCount(restarts)
          .withNewState().withNewWaiting()
              .withReason(CRASH_LOOP_BACK_OFF)
              .withMessage("back-off " + backoff + "s restarting failed container=" + c.getName() + " pod="
                  + pod.getMetadata().getName() + "_" + pod.getMetadata().getNamespace()
                  + "(" + pod.getMetadata().getUid() + ")")
          .endWaiting().endState()
          .withLastState(last)
          .build();
    });
  }

  /** The containers run; Ready when {@code ready} (GIM waits for its transformation Job). */
  static PodStatus running(Pod pod, boolean ready, Instant now) {
    return scheduled(pod, now, "Running", true, ready, c -> {
      ContainerStatus old = containerStatus(pod, c.getName());
      int restarts = old == null || old.getRestartCount() == null ? 0 : old.getRestartCount();
      String startedAt = old != null && old.getState() != null && old.getState().getRunning() != null
          ? old.getState().getRunning().getStartedAt()
          : Times.format(now);
      return new ContainerStatusBuilder()
          .withName(c.getName())
          .withImage(c.getImage())
          .withImageID(imageId(c))
          .withContainerID(containerId(pod, c, restarts))
          .withReady(ready)
          .withStarted(true)
          .withRestartCount(restarts)
          .withNewState().withNewRunning().withStartedAt(startedAt).endRunning().endState()
          .withLastState(old == null || old.getLastState() == null ? new ContainerState() : old.getLastState())
          .build();
    });
  }

  static boolean isReady(Pod pod) {
    return conditions(pod).stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static boolean isScheduled(Pod pod) {
    return pod.getSpec() != null && pod.getSpec().getNodeName() != null;
  }

  /** True once a container has run: an image that is pulled cannot go missing any more. */
  static boolean containersStarted(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getContainerStatuses() != null
        && pod.getStatus().getContainerStatuses().stream()
            .anyMatch(s -> s.getContainerID() != null);
  }

  static String waitingReason(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getState() != null && s.getState().getWaiting() != null)
        .map(s -> s.getState().getWaiting().getReason())
        .findFirst().orElse(null);
  }

  static int restartCount(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return 0;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .map(ContainerStatus::getRestartCount)
        .filter(n -> n != null)
        .max(Integer::compare).orElse(0);
  }

  private static PodStatus scheduled(Pod pod, Instant now, String phase, boolean sandboxReady, boolean ready,
      Function<Container, ContainerStatus> container) {
    List<PodCondition> old = conditions(pod);
    List<Container> containers = pod.getSpec().getContainers() == null ? List.of() : pod.getSpec().getContainers();
    String unready = containers.stream().map(Container::getName).collect(Collectors.joining(" ", "[", "]"));
    String notReadyMessage = "containers with unready status: " + unready;
    String startTime = pod.getStatus() != null && pod.getStatus().getStartTime() != null
        ? pod.getStatus().getStartTime()
        : Times.format(now);
    PodStatusBuilder b = new PodStatusBuilder()
        .withPhase(phase)
        .withHostIP(HOST_IP)
        .withStartTime(startTime)
        .withQosClass(qosClass(pod))
        .withConditions(
            condition(old, "PodReadyToStartContainers", sandboxReady, null, null, now),
            condition(old, "Initialized", true, null, null, now),
            condition(old, "Ready", ready, ready ? null : CONTAINERS_NOT_READY, ready ? null : notReadyMessage, now),
            condition(old, "ContainersReady", ready, ready ? null : CONTAINERS_NOT_READY,
                ready ? null : notReadyMessage, now),
            condition(old, "PodScheduled", true, null, null, now));
    if (sandboxReady) {
      String ip = podIp(pod);
      b.withPodIP(ip).withPodIPs(new PodIP(ip)).withHostIPs(new HostIP(HOST_IP));
    }
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Container c : containers) {
      statuses.add(container.apply(c));
    }
    return b.withContainerStatuses(statuses).build();
  }

  private static ContainerStatus waiting(Pod pod, Container c, String reason, String message) {
    ContainerStatus old = containerStatus(pod, c.getName());
    return new ContainerStatusBuilder()
        .withName(c.getName())
        .withImage(c.getImage())
        .withImageID("")
        .withReady(false)
        .withStarted(false)
        .withRestartCount(old == null || old.getRestartCount() == null ? 0 : old.getRestartCount())
        .withNewState().withNewWaiting().withReason(reason).withMessage(message).endWaiting().endState()
        .withLastState(new ContainerState())
        .build();
  }

  /** A condition, keeping its last transition time unless its status changes. */
  private static PodCondition condition(List<PodCondition> old, String type, boolean status, String reason,
      String message, Instant now) {
    String value = status ? "True" : "False";
    String since = old.stream()
        .filter(c -> type.equals(c.getType()) && value.equals(c.getStatus()))
        .map(PodCondition::getLastTransitionTime)
        .findFirst().orElse(Times.format(now));
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(since)
        .withLastProbeTime(null)
        .build();
  }

  private static List<PodCondition> conditions(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null
        ? List.of()
        : pod.getStatus().getConditions();
  }

  private static ContainerStatus containerStatus(Pod pod, String name) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> name.equals(s.getName())).findFirst().orElse(null);
  }

  private static String qosClass(Pod pod) {
    boolean anyResources = pod.getSpec().getContainers() != null && pod.getSpec().getContainers().stream()
        .anyMatch(c -> c.getResources() != null
            && ((c.getResources().getRequests() != null && !c.getResources().getRequests().isEmpty())
                || (c.getResources().getLimits() != null && !c.getResources().getLimits().isEmpty())));
    return anyResources ? "Burstable" : "BestEffort";
  }

  private static String podIp(Pod pod) {
    int h = Math.floorMod(pod.getMetadata().getUid().hashCode(), 250) + 2;
    return "10.244.0." + h;
  }

  private static String imageId(Container c) {
    String image = c.getImage() == null ? "" : c.getImage();
    int colon = image.lastIndexOf(':');
    String repository = colon > image.lastIndexOf('/') ? image.substring(0, colon) : image;
    return repository + "@sha256:" + sha256(image);
  }

  private static String containerId(Pod pod, Container c, int restarts) {
    return "containerd://" + sha256(pod.getMetadata().getUid() + "/" + c.getName() + "/" + restarts);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
