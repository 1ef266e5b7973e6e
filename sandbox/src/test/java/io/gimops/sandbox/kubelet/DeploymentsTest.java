package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Deployments (GIM and GCA in the sample charts): pods, status, scaling, rolling, deletes. */
class DeploymentsTest extends ClusterTest {

  private static final String V1 = "100.0.114+2700";
  private static final String V2 = "100.0.116+2900";

  @Test
  void aDeploymentGetsPodsThatArePendingThenReady() {
    Deployment d = create(Charts.gca(ns, V1, 2));

    eventually().until(() -> readyPods().size() == 2);

    ReplicaSet rs = replicaSets().get(0);
    assertThat(rs.getMetadata().getName()).matches("gca-[bcdfghjklmnpqrstvwxz2456789]{6,10}");
    assertThat(rs.getMetadata().getOwnerReferences()).singleElement()
        .extracting(OwnerReference::getKind, OwnerReference::getName, OwnerReference::getUid, OwnerReference::getController)
        .containsExactly("Deployment", "gca", d.getMetadata().getUid(), true);
    String hash = rs.getMetadata().getLabels().get(Labels.POD_TEMPLATE_HASH);
    assertThat(rs.getMetadata().getName()).isEqualTo("gca-" + hash);

    for (Pod pod : pods()) {
      assertThat(pod.getMetadata().getName()).matches("gca-" + hash + "-[bcdfghjklmnpqrstvwxz2456789]{5}");
      assertThat(pod.getMetadata().getLabels())
          .containsAllEntriesOf(d.getSpec().getTemplate().getMetadata().getLabels())
          .containsEntry(Labels.POD_TEMPLATE_HASH, hash);
      assertThat(pod.getSpec().getContainers()).isEqualTo(d.getSpec().getTemplate().getSpec().getContainers());
      assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
          .extracting(OwnerReference::getKind, OwnerReference::getUid)
          .containsExactly("ReplicaSet", rs.getMetadata().getUid());
      assertThat(pod.getSpec().getNodeName()).isEqualTo(PodStatuses.NODE);

      List<Pod> history = recorder.pod(pod.getMetadata().getName());
      Pod firstPending = history.stream().filter(ClusterTest::isPending).findFirst().orElseThrow();
      assertThat(firstPending.getStatus().getStartTime()).as("pending since").isNotNull();
      assertThat(firstPending.getStatus().getContainerStatuses()).allSatisfy(s ->
          assertThat(s.getState().getWaiting().getReason()).isEqualTo("ContainerCreating"));
      assertThat(history.indexOf(firstPending)).isLessThan(indexOfFirstReady(history));

      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      assertThat(pod.getStatus().getConditions())
          .filteredOn(c -> c.getType().equals("Ready")).singleElement()
          .satisfies(c -> assertThat(c.getStatus()).isEqualTo("True"));
      assertThat(pod.getStatus().getContainerStatuses()).allSatisfy(s -> {
        assertThat(s.getReady()).isTrue();
        assertThat(s.getState().getRunning().getStartedAt()).isNotNull();
      });
    }

    eventually().untilAsserted(() -> assertThat(deployment("gca").getStatus())
        .satisfies(s -> {
          assertThat(s.getObservedGeneration()).isEqualTo(deployment("gca").getMetadata().getGeneration());
          assertThat(s.getReplicas()).isEqualTo(2);
          assertThat(s.getReadyReplicas()).isEqualTo(2);
          assertThat(s.getUpdatedReplicas()).isEqualTo(2);
          assertThat(s.getAvailableReplicas()).isEqualTo(2);
          assertThat(s.getConditions()).extracting(DeploymentCondition::getType, DeploymentCondition::getStatus,
                  DeploymentCondition::getReason)
              .contains(org.assertj.core.groups.Tuple.tuple("Available", "True", "MinimumReplicasAvailable"),
                  org.assertj.core.groups.Tuple.tuple("Progressing", "True", "NewReplicaSetAvailable"));
        }));
    eventually().untilAsserted(() -> assertThat(replicaSets().get(0).getStatus().getReadyReplicas()).isEqualTo(2));
    assertThat(helmSeesReady(deployment("gca"))).as("helm --wait is satisfied").isTrue();
  }

  @Test
  void scalingAddsAndRemovesPods() {
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);

    scale(3);
    eventually().untilAsserted(() -> {
      assertThat(readyPods()).hasSize(3);
      assertThat(deployment("gca").getStatus().getReadyReplicas()).isEqualTo(3);
    });

    scale(1);
    eventually().untilAsserted(() -> {
      assertThat(pods()).hasSize(1);
      assertThat(deployment("gca").getStatus().getReplicas()).isEqualTo(1);
      assertThat(deployment("gca").getStatus().getReadyReplicas()).isEqualTo(1);
    });

    scale(0);
    eventually().untilAsserted(() -> {
      assertThat(pods()).isEmpty();
      assertThat(deployment("gca").getStatus().getReplicas()).isZero();
    });
  }

  @Test
  void anUpgradeRollsPodsWithTheNewOnesReadyBeforeOldOnesGo() {
    create(Charts.gca(ns, V1, 3));
    eventually().until(() -> readyPods().size() == 3);
    String oldHash = replicaSets().get(0).getMetadata().getLabels().get(Labels.POD_TEMPLATE_HASH);

    changeTemplate("gca", "gca", V2, Map.of());
    assertThat(helmSeesReady(deployment("gca"))).as("helm waits for the new ReplicaSet").isFalse();

    eventually().untilAsserted(() -> {
      assertThat(helmSeesReady(deployment("gca"))).isTrue();
      assertThat(pods()).hasSize(3).allSatisfy(p -> {
        assertThat(p.getMetadata().getLabels()).containsEntry(Labels.CHART, Charts.chartLabel("gca", V2));
        assertThat(PodStatuses.isReady(p)).isTrue();
      });
      Deployment d = deployment("gca");
      assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration()).isEqualTo(2L);
      assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(3);
      assertThat(d.getStatus().getReplicas()).isEqualTo(3);
      assertThat(d.getStatus().getReadyReplicas()).isEqualTo(3);
    });

    // Defaults 25%: surge 1, unavailable 0: never fewer than 3 Ready, never more than 4 pods.
    List<int[]> counts = recorder.podCounts(p -> true);
    int firstFull = indexOf(counts, c -> c[1] == 3);
    assertThat(counts.subList(firstFull, counts.size())).allSatisfy(c -> {
      assertThat(c[1]).as("ready pods").isGreaterThanOrEqualTo(3);
      assertThat(c[0]).as("pods").isLessThanOrEqualTo(4);
    });
    assertThat(replicaSets()).hasSize(2);
    ReplicaSet old = replicaSets().stream()
        .filter(rs -> oldHash.equals(rs.getMetadata().getLabels().get(Labels.POD_TEMPLATE_HASH))).findFirst().orElseThrow();
    assertThat(old.getSpec().getReplicas()).isZero();
  }

  @Test
  void aRollbackReusesTheOldReplicaSet() {
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);
    String v1Hash = replicaSets().get(0).getMetadata().getLabels().get(Labels.POD_TEMPLATE_HASH);
    changeTemplate("gca", "gca", V2, Map.of());
    eventually().until(() -> pods().size() == 1 && hasChart(onlyPod(), V2) && PodStatuses.isReady(onlyPod()));

    changeTemplate("gca", "gca", V1, Map.of());

    eventually().untilAsserted(() -> {
      assertThat(pods()).singleElement().satisfies(p -> {
        assertThat(p.getMetadata().getLabels()).containsEntry(Labels.POD_TEMPLATE_HASH, v1Hash);
        assertThat(PodStatuses.isReady(p)).isTrue();
      });
      assertThat(deployment("gca").getStatus().getUpdatedReplicas()).isEqualTo(1);
    });
    assertThat(replicaSets()).hasSize(2);
    ReplicaSet v1 = replicaSets().stream()
        .filter(rs -> rs.getMetadata().getName().equals("gca-" + v1Hash)).findFirst().orElseThrow();
    assertThat(v1.getMetadata().getAnnotations()).containsEntry(Labels.REVISION, "3");
  }

  @Test
  void aDeletedPodIsReplacedByANewOne() {
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);
    String first = onlyPod().getMetadata().getName();

    client.pods().inNamespace(ns).withName(first).delete();

    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(first));
    String second = onlyPod().getMetadata().getName();
    assertThat(recorder.pod(second)).anyMatch(ClusterTest::isPending);
    eventually().untilAsserted(() -> assertThat(deployment("gca").getStatus().getReadyReplicas()).isEqualTo(1));
  }

  @Test
  void deletingTheDeploymentDeletesItsReplicaSetsAndPods() {
    create(Charts.gca(ns, V1, 2));
    eventually().until(() -> readyPods().size() == 2);

    client.apps().deployments().inNamespace(ns).withName("gca").delete();

    eventually().untilAsserted(() -> {
      assertThat(replicaSets()).isEmpty();
      assertThat(pods()).isEmpty();
    });
  }

  @Test
  void recreateStopsOldPodsBeforeStartingNewOnes() {
    Deployment d = Charts.gca(ns, V1, 2);
    d.getSpec().setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
        .withType("Recreate").build());
    create(d);
    eventually().until(() -> readyPods().size() == 2);

    changeTemplate("gca", "gca", V2, Map.of());

    eventually().until(() -> readyPods().size() == 2 && readyPods().stream().allMatch(p -> hasChart(p, V2)));
    List<int[]> counts = recorder.podCounts(p -> hasChart(p, V1));
    int lastOld = lastIndexOf(counts, c -> c[0] > 0);
    List<int[]> newCounts = recorder.podCounts(p -> hasChart(p, V2));
    assertThat(newCounts.subList(0, lastOld + 1)).as("no new pod while an old one exists")
        .allSatisfy(c -> assertThat(c[0]).isZero());
  }

  private void scale(int replicas) {
    editDeployment("gca", d -> d.getSpec().setReplicas(replicas));
  }

  private List<ReplicaSet> replicaSets() {
    return client.apps().replicaSets().inNamespace(ns).list().getItems();
  }

  private static boolean hasChart(Pod p, String version) {
    return Charts.chartLabel("gca", version).equals(p.getMetadata().getLabels().get(Labels.CHART));
  }

  private static int indexOfFirstReady(List<Pod> history) {
    for (int i = 0; i < history.size(); i++) {
      if (PodStatuses.isReady(history.get(i))) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }

  private static int indexOf(List<int[]> counts, java.util.function.Predicate<int[]> p) {
    for (int i = 0; i < counts.size(); i++) {
      if (p.test(counts.get(i))) {
        return i;
      }
    }
    throw new AssertionError("never reached: " + counts.stream().map(java.util.Arrays::toString)
        .collect(Collectors.joining(" ")));
  }

  private static int lastIndexOf(List<int[]> counts, java.util.function.Predicate<int[]> p) {
    for (int i = counts.size() - 1; i >= 0; i--) {
      if (p.test(counts.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
