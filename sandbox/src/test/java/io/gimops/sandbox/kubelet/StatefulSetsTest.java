package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** StatefulSets (GSP in the sample charts): ordinal pods, ordered start, rolling update. */
class StatefulSetsTest extends ClusterTest {

  private static final String V1 = "100.0.100+1400";
  private static final String V2 = "100.0.101+1500";

  @Test
  void podsAreNamedByOrdinalAndStartInOrder() {
    StatefulSet sts = create(Charts.gsp(ns, V1, 3));

    eventually().until(() -> readyPods().size() == 3);

    assertThat(pods()).extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("gsp-0", "gsp-1", "gsp-2");
    assertThat(recorder.podNames()).containsExactly("gsp-0", "gsp-1", "gsp-2");
    // OrderedReady: gsp-1 appears only once gsp-0 is Ready, gsp-2 once gsp-1 is.
    assertThat(readyBeforeAppearing("gsp-0", "gsp-1")).isTrue();
    assertThat(readyBeforeAppearing("gsp-1", "gsp-2")).isTrue();

    String revision = statefulSet("gsp").getStatus().getUpdateRevision();
    assertThat(revision).matches("gsp-[bcdfghjklmnpqrstvwxz2456789]+");
    for (Pod p : pods()) {
      assertThat(p.getMetadata().getLabels())
          .containsAllEntriesOf(sts.getSpec().getTemplate().getMetadata().getLabels())
          .containsEntry(Labels.CONTROLLER_REVISION_HASH, revision)
          .containsEntry(Labels.STATEFULSET_POD_NAME, p.getMetadata().getName());
      assertThat(p.getMetadata().getOwnerReferences()).singleElement()
          .extracting(OwnerReference::getKind, OwnerReference::getUid, OwnerReference::getController)
          .containsExactly("StatefulSet", sts.getMetadata().getUid(), true);
      assertThat(p.getSpec().getHostname()).isEqualTo(p.getMetadata().getName());
      assertThat(p.getSpec().getSubdomain()).isEqualTo("gsp");
      assertThat(recorder.pod(p.getMetadata().getName())).anyMatch(ClusterTest::isPending);
    }
    eventually().untilAsserted(() -> assertThat(statefulSet("gsp").getStatus()).satisfies(s -> {
      assertThat(s.getObservedGeneration()).isEqualTo(1L);
      assertThat(s.getReplicas()).isEqualTo(3);
      assertThat(s.getReadyReplicas()).isEqualTo(3);
      assertThat(s.getAvailableReplicas()).isEqualTo(3);
      assertThat(s.getUpdatedReplicas()).isEqualTo(3);
      assertThat(s.getCurrentReplicas()).isEqualTo(3);
      assertThat(s.getCurrentRevision()).isEqualTo(s.getUpdateRevision());
    }));
  }

  @Test
  void anUpgradeReplacesPodsFromTheHighestOrdinalDown() {
    create(Charts.gsp(ns, V1, 3));
    eventually().until(() -> readyPods().size() == 3);
    String oldRevision = statefulSet("gsp").getStatus().getUpdateRevision();

    editStatefulSet("gsp", s -> s.getSpec().setTemplate(Charts.template("gsp", "gsp", V2, Map.of())));

    eventually().untilAsserted(() -> {
      StatefulSet s = statefulSet("gsp");
      assertThat(s.getStatus().getUpdateRevision()).isNotEqualTo(oldRevision);
      assertThat(s.getStatus().getUpdatedReplicas()).isEqualTo(3);
      assertThat(s.getStatus().getReadyReplicas()).isEqualTo(3);
      assertThat(s.getStatus().getCurrentRevision()).isEqualTo(s.getStatus().getUpdateRevision());
      assertThat(s.getStatus().getObservedGeneration()).isEqualTo(2L);
      assertThat(helmSeesReady(s)).as("helm --wait is satisfied").isTrue();
      assertThat(pods()).hasSize(3).allSatisfy(p -> assertThat(p.getMetadata().getLabels())
          .containsEntry(Labels.CHART, Charts.chartLabel("gsp", V2))
          .containsEntry(Labels.CONTROLLER_REVISION_HASH, s.getStatus().getUpdateRevision()));
    });
    assertThat(recorder.deletedPods()).containsExactly("gsp-2", "gsp-1", "gsp-0");
    // One at a time: never fewer than two Ready once the rollout began.
    List<int[]> counts = recorder.podCounts(p -> true);
    int firstFull = 0;
    while (counts.get(firstFull)[1] < 3) {
      firstFull++;
    }
    assertThat(counts.subList(firstFull, counts.size())).allSatisfy(c -> assertThat(c[1]).isGreaterThanOrEqualTo(2));
  }

  @Test
  void aDeletedPodComesBackUnderItsName() {
    create(Charts.gsp(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);
    String uid = onlyPod().getMetadata().getUid();

    client.pods().inNamespace(ns).withName("gsp-0").delete();

    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getUid().equals(uid));
    assertThat(onlyPod().getMetadata().getName()).isEqualTo("gsp-0");
    List<Pod> history = recorder.pod("gsp-0");
    assertThat(history.stream().filter(p -> !p.getMetadata().getUid().equals(uid))).anyMatch(ClusterTest::isPending);
  }

  @Test
  void scalingDownRemovesTheHighestOrdinals() {
    create(Charts.gsp(ns, V1, 3));
    eventually().until(() -> readyPods().size() == 3);

    editStatefulSet("gsp", s -> s.getSpec().setReplicas(1));

    eventually().untilAsserted(() -> {
      assertThat(pods()).extracting(p -> p.getMetadata().getName()).containsExactly("gsp-0");
      assertThat(statefulSet("gsp").getStatus().getReplicas()).isEqualTo(1);
    });
    assertThat(recorder.deletedPods()).containsExactly("gsp-2", "gsp-1");
  }

  @Test
  void deletingTheStatefulSetDeletesItsPods() {
    create(Charts.gsp(ns, V1, 2));
    eventually().until(() -> readyPods().size() == 2);

    client.apps().statefulSets().inNamespace(ns).withName("gsp").delete();

    eventually().until(() -> pods().isEmpty());
  }

  /** True if {@code first} was Ready before {@code second} first appeared. */
  private boolean readyBeforeAppearing(String first, String second) {
    for (Recorder.Event e : recorder.events()) {
      if (e.isPod() && e.name().equals(second)) {
        return false;
      }
      if (e.isPod() && e.name().equals(first) && PodStatuses.isReady((Pod) e.object())) {
        return true;
      }
    }
    return false;
  }
}
