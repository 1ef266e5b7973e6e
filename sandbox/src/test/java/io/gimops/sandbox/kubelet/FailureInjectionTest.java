package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Each injected failure produces exactly the contract's pod and Job state, and only where injected. */
class FailureInjectionTest extends ClusterTest {

  private static final String V1 = "100.0.100+2300";
  private static final String V2 = "100.0.101+2400";
  private static final Duration STAYS = Duration.ofMillis(400);

  @Test
  void imageMissingKeepsThePodPendingInImagePullBackOff() {
    controller.inject(ServiceKind.GCA, Version.parse(V2), Failure.IMAGE_MISSING);
    create(Charts.deployment(ns, "gca", "gca", V2, 1, Map.of()));
    create(Charts.deployment(ns, "gca-old", "gca", V1, 1, Map.of()));

    eventually().until(() -> {
      List<String> reasons = reasons(v2Pod());
      return reasons.contains("ErrImagePull") && reasons.contains("ImagePullBackOff");
    });
    eventually().during(STAYS).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      Pod pod = v2Pod();
      assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
      assertThat(PodStatuses.isReady(pod)).isFalse();
      assertThat(pod.getStatus().getStartTime()).isNotNull();
      assertThat(pod.getStatus().getContainerStatuses()).singleElement().satisfies(s -> {
        assertThat(s.getState().getWaiting().getReason()).isIn("ErrImagePull", "ImagePullBackOff");
        assertThat(s.getState().getWaiting().getMessage()).contains(s.getImage());
        assertThat(s.getReady()).isFalse();
        assertThat(s.getContainerID()).isNull();
      });
    });
    assertThat(readyPods()).as("only the other version runs").singleElement()
        .satisfies(p -> assertThat(p.getMetadata().getName()).startsWith("gca-old-"));

    controller.clear(ServiceKind.GCA, Version.parse(V2), Failure.IMAGE_MISSING);
    eventually().until(() -> PodStatuses.isReady(v2Pod()));
  }

  @Test
  void crashLoopRunsThePodAndRestartsItWithoutEverBeingReady() {
    controller.inject(ServiceKind.GSP, Version.parse(V2), Failure.CRASH_LOOP);
    create(Charts.gsp(ns, V2, 1));

    eventually().until(() -> PodStatuses.restartCount(onlyPod()) >= 3);
    Pod pod = onlyPod();
    assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
    assertThat(PodStatuses.isReady(pod)).isFalse();
    assertThat(pod.getStatus().getContainerStatuses()).singleElement().satisfies(s -> {
      assertThat(s.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
      assertThat(s.getState().getWaiting().getMessage()).startsWith("back-off ").contains("gsp-0");
      assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(1);
      assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("Error");
      assertThat(s.getReady()).isFalse();
    });
    List<Integer> restarts = recorder.pod("gsp-0").stream().map(PodStatuses::restartCount).collect(Collectors.toList());
    assertThat(restarts).isSorted().contains(1, 2, 3);
    assertThat(recorder.pod("gsp-0")).noneMatch(PodStatuses::isReady);
    eventually().untilAsserted(() -> assertThat(statefulSet("gsp").getStatus().getReadyReplicas()).isZero());

    controller.clear(ServiceKind.GSP, Version.parse(V2));
    eventually().until(() -> PodStatuses.isReady(onlyPod()));
    assertThat(PodStatuses.restartCount(onlyPod())).isGreaterThanOrEqualTo(3);
  }

  @Test
  void stuckPendingLeavesThePodUnscheduledSinceItWasCreated() {
    Instant t0 = Instant.parse("2026-11-22T10:00:00Z");
    restartController(fast().clock(Clock.fixed(t0, ZoneOffset.UTC)));
    controller.inject(ServiceKind.GIM, Version.parse(V2), Failure.STUCK_PENDING);
    create(Charts.gim(ns, V2, false));

    eventually().until(() -> !pods().isEmpty() && onlyPod().getStatus() != null
        && onlyPod().getStatus().getConditions() != null);
    eventually().during(STAYS).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      Pod pod = onlyPod();
      assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
      assertThat(pod.getSpec().getNodeName()).isNull();
      assertThat(pod.getStatus().getStartTime()).isNull();
      assertThat(pod.getStatus().getContainerStatuses()).isNullOrEmpty();
      assertThat(pod.getStatus().getConditions()).singleElement().satisfies(c -> {
        assertThat(c.getType()).isEqualTo("PodScheduled");
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getReason()).isEqualTo("Unschedulable");
        assertThat(c.getLastTransitionTime()).as("pending since").isEqualTo("2026-11-22T10:00:00Z");
      });
    });
    assertThat(jobs()).as("a GIM that never started launches nothing").isEmpty();

    controller.clearAll();
    eventually().until(() -> PodStatuses.isReady(onlyPod()));
    assertThat(onlyPod().getStatus().getStartTime()).isEqualTo("2026-11-22T10:00:00Z");
  }

  @Test
  void aFailedUpgradeKeepsTheOldPodServingAndARollbackRecovers() {
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);
    String serving = onlyPod().getMetadata().getName();
    controller.inject(ServiceKind.GCA, Version.parse(V2), Failure.CRASH_LOOP);

    changeTemplate("gca", "gca", V2, Map.of());

    eventually().until(() -> PodStatuses.restartCount(v2Pod()) >= 2);
    eventually().untilAsserted(() -> {
      Deployment d = deployment("gca");
      assertThat(d.getStatus().getReplicas()).isEqualTo(2);
      assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(1);
      assertThat(d.getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(d.getStatus().getUnavailableReplicas()).as("the new pod is not available").isEqualTo(1);
    });
    assertThat(readyPods()).extracting(p -> p.getMetadata().getName()).containsExactly(serving);
    assertThat(helmSeesReady(deployment("gca"))).as("helm upgrade --wait would time out").isFalse();

    changeTemplate("gca", "gca", V1, Map.of()); // helm rollback

    eventually().untilAsserted(() -> {
      assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactly(serving);
      Deployment d = deployment("gca");
      assertThat(d.getStatus().getReplicas()).isEqualTo(1);
      assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(1);
      assertThat(d.getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(helmSeesReady(d)).as("helm rollback --wait succeeds").isTrue();
    });
  }

  @Test
  void aReadyPodStaysReadyAndTheNextPodGetsTheFailure() {
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);
    String first = onlyPod().getMetadata().getName();

    controller.inject(ServiceKind.GCA, Version.parse(V1), Failure.CRASH_LOOP);
    eventually().during(STAYS).atMost(Duration.ofSeconds(5)).until(() -> PodStatuses.isReady(onlyPod()));

    client.pods().inNamespace(ns).withName(first).delete();
    eventually().until(() -> !onlyPod().getMetadata().getName().equals(first)
        && "CrashLoopBackOff".equals(PodStatuses.waitingReason(onlyPod())));
  }

  @Test
  void failuresAreKeptPerServiceAndVersion() {
    Version v1 = Version.parse(V1);
    Version v2 = Version.parse(V2);
    controller.inject(ServiceKind.GIM, v2, Failure.MIGRATION_FAILS);
    controller.inject(ServiceKind.GIM, v2, Failure.CRASH_LOOP);
    controller.inject(ServiceKind.GSP, v2, Failure.STUCK_PENDING);

    assertThat(controller.injected(ServiceKind.GIM, v2)).containsExactlyInAnyOrder(Failure.MIGRATION_FAILS, Failure.CRASH_LOOP);
    assertThat(controller.injected(ServiceKind.GIM, v1)).isEmpty();
    assertThat(controller.injected(ServiceKind.GCA, v2)).isEmpty();

    controller.clear(ServiceKind.GIM, v2, Failure.CRASH_LOOP);
    assertThat(controller.injected(ServiceKind.GIM, v2)).containsExactly(Failure.MIGRATION_FAILS);
    controller.clear(ServiceKind.GIM, v2);
    assertThat(controller.injected(ServiceKind.GIM, v2)).isEmpty();
    controller.clearAll();
    assertThat(controller.injected(ServiceKind.GSP, v2)).isEqualTo(Set.of());
    assertThatThrownBy(() -> controller.inject(ServiceKind.GSP, v2, null)).isInstanceOf(NullPointerException.class);
  }

  private Pod v2Pod() {
    return pods(p -> Charts.chartLabel("gca", V2).equals(p.getMetadata().getLabels().get(Labels.CHART))).get(0);
  }

  /** The waiting reasons this pod has shown so far. */
  private List<String> reasons(Pod pod) {
    return recorder.pod(pod.getMetadata().getName()).stream()
        .filter(p -> p.getStatus() != null && p.getStatus().getContainerStatuses() != null)
        .flatMap(p -> p.getStatus().getContainerStatuses().stream())
        .map(ContainerStatus::getState)
        .filter(s -> s != null && s.getWaiting() != null)
        .map(s -> s.getWaiting().getReason())
        .distinct()
        .collect(Collectors.toList());
  }

}
