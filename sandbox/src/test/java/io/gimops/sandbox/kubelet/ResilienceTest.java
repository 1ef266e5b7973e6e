package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.security.CodeSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Dropped watches, restarts, idempotence, a clean stop. */
class ResilienceTest extends ClusterTest {

  private static final String V1 = "100.0.100+2300";
  private static final String V2 = "100.0.116+2900";

  @Test
  void itSurvivesDroppedWatches() {
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);
    String first = onlyPod().getMetadata().getName();

    int open = cluster.openWatches();
    assertThat(cluster.dropWatches()).as("watches dropped").isEqualTo(open).isPositive();
    // What happens while the watches are down is seen after they come back, or at the next resync.
    client.pods().inNamespace(ns).withName(first).delete();
    editDeployment("gca", d -> d.getSpec().setReplicas(2));

    eventually().untilAsserted(() -> {
      assertThat(readyPods()).hasSize(2).noneMatch(p -> p.getMetadata().getName().equals(first));
      assertThat(deployment("gca").getStatus().getReadyReplicas()).isEqualTo(2);
    });
    eventually().until(() -> cluster.openWatches() == open); // the informers watch again
  }

  @Test
  void aNewControllerCarriesOnFromWhatItFinds() {
    create(Charts.gca(ns, V1, 2));
    eventually().until(() -> readyPods().size() == 2);
    controller.close();

    // Without a controller: a pod goes, the Deployment grows, GIM is installed.
    client.pods().inNamespace(ns).withName(pods().get(0).getMetadata().getName()).delete();
    editDeployment("gca", d -> d.getSpec().setReplicas(3));
    create(Charts.gim(ns, V2, true));
    eventually().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> pods().size() == 1);

    controller = fast().build().start();

    eventually().untilAsserted(() -> {
      assertThat(readyPods()).hasSize(4);
      assertThat(deployment("gca").getStatus().getReadyReplicas()).isEqualTo(3);
      assertThat(deployment("gim").getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(jobs()).as("GIM migrates and transforms inside its pod").isEmpty();
    });
    assertThat(controller.etlHistory()).filteredOn(h -> h.startsWith(ns + "/"))
        .anyMatch(h -> h.contains("Job_MigrateGIM")).anyMatch(h -> h.contains("Job_TransformGIM"));
  }

  @Test
  void aPodLeftPendingByAStoppedControllerIsTakenOver() {
    restartController(fast().readyDelay(Duration.ofSeconds(30)));
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> pods().size() == 1 && isPending(onlyPod()) && onlyPod().getSpec().getNodeName() != null);
    String name = onlyPod().getMetadata().getName();

    restartController(fast());

    eventually().until(() -> readyPods().size() == 1);
    assertThat(onlyPod().getMetadata().getName()).isEqualTo(name);
  }

  @Test
  void aSettledClusterIsLeftAlone() {
    create(Charts.gca(ns, V1, 2));
    create(Charts.gsp(ns, V1, 2));
    create(Charts.gim(ns, V2, true));
    eventually().untilAsserted(() -> {
      assertThat(readyPods()).hasSize(5);
      assertThat(deployment("gca").getStatus().getReadyReplicas()).isEqualTo(2);
      assertThat(deployment("gim").getStatus().getReadyReplicas()).isEqualTo(1);
      assertThat(statefulSet("gsp").getStatus().getReadyReplicas()).isEqualTo(2);
    });
    Map<String, String> settled = versions();

    controller.clearAll(); // queues every pod and Job again
    // Two resyncs replay every object; reconciling a settled object writes nothing.
    eventually().during(RESYNC.multipliedBy(2).plusMillis(200)).atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(versions()).isEqualTo(settled));
  }

  @Test
  void closingStopsItsThreadAndItsWatches() {
    controller.close();
    int recorderWatches = 2; // closing is asynchronous: earlier tests' watches may still be going
    eventually().until(() -> cluster.openWatches() == recorderWatches);
    SandboxController c = fast().threadName("closing-test").build().start();
    eventually().until(() -> cluster.openWatches() == recorderWatches + 5);
    create(Charts.gca(ns, V1, 1));
    eventually().until(() -> readyPods().size() == 1);

    c.close();
    c.close(); // idempotent

    // A pool's thread ends a moment after the pool reports it terminated.
    eventually().untilAsserted(() -> assertThat(threads()).noneMatch(t -> t.getName().equals("closing-test")));
    eventually().untilAsserted(() -> {
      assertThat(cluster.openWatches()).isEqualTo(recorderWatches);
      assertThat(threadsRunningMainCode()).isEmpty();
    });
    // Nobody plays the kubelet any more.
    create(Charts.deployment(ns, "gca-after", "gca", V1, 1, Map.of()));
    eventually().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2))
        .until(() -> client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
            .noneMatch(rs -> rs.getMetadata().getName().startsWith("gca-after")));
    assertThatThrownBy(c::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void itRefusesNonsenseSettings() {
    assertThatThrownBy(() -> SandboxController.builder(client).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("namespace");
    assertThatThrownBy(() -> SandboxController.builder(client).readyDelay(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readyDelay");
    assertThatThrownBy(() -> SandboxController.builder(client).jobDuration(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(controller::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
    assertThat(controller.namespaces()).containsExactly(ns);
  }

  /** resourceVersion of every object in the namespace. */
  private Map<String, String> versions() {
    Map<String, String> versions = new HashMap<>();
    Stream.of(pods(), jobs(), client.apps().replicaSets().inNamespace(ns).list().getItems(),
            client.apps().deployments().inNamespace(ns).list().getItems(),
            client.apps().statefulSets().inNamespace(ns).list().getItems())
        .flatMap(List::stream)
        .forEach((HasMetadata o) -> versions.put(o.getKind() + "/" + o.getMetadata().getName(),
            o.getMetadata().getResourceVersion()));
    return versions;
  }

  private static Set<Thread> threads() {
    return Thread.getAllStackTraces().keySet();
  }

  /** Threads with a frame of the controller's own (main, not test) classes on their stack. */
  private static List<String> threadsRunningMainCode() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(ResilienceTest::isMainCode))
        .map(e -> e.getKey().getName())
        .collect(Collectors.toList());
  }

  private static boolean isMainCode(StackTraceElement frame) {
    if (!frame.getClassName().startsWith("io.gimops.sandbox.kubelet.")) {
      return false;
    }
    try {
      CodeSource source = Class.forName(frame.getClassName()).getProtectionDomain().getCodeSource();
      return source != null && !source.getLocation().getPath().contains("test-classes");
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

}
