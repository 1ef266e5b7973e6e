package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The statuses the kubelet writes, without a server. */
class PodStatusesTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.700Z");
  private static final Instant T1 = T0.plusSeconds(42);
  private final KubernetesSerialization json = new KubernetesSerialization();

  @Test
  void reconcilingAnUnchangedPodAgainYieldsTheSameStatusEvenLater() {
    assertStable((p, t) -> PodStatuses.unschedulable(p, t));
    assertStable((p, t) -> PodStatuses.creating(p, t));
    assertStable((p, t) -> PodStatuses.pullFailing(p, PodStatuses.IMAGE_PULL_BACK_OFF, t));
    assertStable((p, t) -> PodStatuses.crashLooping(p, 3, t));
    assertStable((p, t) -> PodStatuses.running(p, false, t));
    assertStable((p, t) -> PodStatuses.running(p, true, t));
  }

  @Test
  void timestampsAreWholeSecondsInUtc() {
    PodStatus s = PodStatuses.creating(pod(), T0);
    assertThat(s.getStartTime()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(s.getConditions()).extracting(PodCondition::getLastTransitionTime).containsOnly("2026-11-22T10:00:00Z");
  }

  @Test
  void theConditionsComeInTheKubeletsOrder() {
    assertThat(PodStatuses.running(pod(), true, T0).getConditions()).extracting(PodCondition::getType)
        .containsExactly("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");
  }

  @Test
  void aConditionKeepsItsTransitionTimeUntilItsStatusChanges() {
    Pod pod = pod();
    pod.setStatus(PodStatuses.running(pod, false, T0));
    PodStatus ready = PodStatuses.running(pod, true, T1);
    assertThat(condition(ready, "Ready").getLastTransitionTime()).isEqualTo("2026-11-22T10:00:42Z");
    assertThat(condition(ready, "PodScheduled").getLastTransitionTime()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(ready.getStartTime()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(ready.getContainerStatuses().get(0).getState().getRunning().getStartedAt())
        .as("the container kept running").isEqualTo("2026-11-22T10:00:00Z");
  }

  @Test
  void aCrashLoopRecordsTheLastCrash() {
    Pod pod = pod();
    pod.setStatus(PodStatuses.crashLooping(pod, 1, T0));
    PodStatus twice = PodStatuses.crashLooping(pod, 2, T1);
    assertThat(twice.getPhase()).isEqualTo("Running");
    assertThat(twice.getContainerStatuses().get(0).getRestartCount()).isEqualTo(2);
    assertThat(twice.getContainerStatuses().get(0).getLastState().getTerminated().getFinishedAt())
        .isEqualTo("2026-11-22T10:00:42Z");
    assertThat(twice.getContainerStatuses().get(0).getState().getWaiting().getMessage()).startsWith("back-off 20s");
    pod.setStatus(twice);
    PodStatus recovered = PodStatuses.running(pod, true, T1);
    assertThat(recovered.getContainerStatuses().get(0).getRestartCount()).isEqualTo(2);
    assertThat(recovered.getContainerStatuses().get(0).getLastState().getTerminated().getExitCode()).isEqualTo(1);
  }

  @Test
  void readinessReadsTheReadyCondition() {
    Pod pod = pod();
    assertThat(PodStatuses.isReady(pod)).isFalse();
    pod.setStatus(PodStatuses.running(pod, false, T0));
    assertThat(PodStatuses.isReady(pod)).isFalse();
    pod.setStatus(PodStatuses.running(pod, true, T0));
    assertThat(PodStatuses.isReady(pod)).isTrue();
  }

  /** A second reconcile, after the status went through the API server (JSON), writes nothing. */
  private void assertStable(BiFunction<Pod, Instant, PodStatus> stage) {
    Pod pod = pod();
    pod.setStatus(json.unmarshal(json.asJson(stage.apply(pod, T0)), PodStatus.class));
    assertThat(stage.apply(pod, T1)).isEqualTo(pod.getStatus());
  }

  private static PodCondition condition(PodStatus s, String type) {
    return s.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  private static Pod pod() {
    Pod pod = new Pod();
    pod.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("gim-abc-xyz12")
        .withNamespace("gim").withUid("0000-1").build());
    pod.setSpec(Charts.template("gim", "gim", "100.0.116+2900", Map.of()).getSpec());
    return pod;
  }
}
