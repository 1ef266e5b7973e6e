package io.gimops.sandbox.kubelet;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * One mock API server per test class; per test, a fresh namespace, a controller with fast
 * timings (100 ms ready delay, job duration and failure interval) and a {@link Recorder}.
 */
abstract class ClusterTest {

  static final Duration READY_DELAY = Duration.ofMillis(100);
  static final Duration JOB_DURATION = Duration.ofMillis(100);
  static final Duration FAILURE_INTERVAL = Duration.ofMillis(100);
  static final Duration RESYNC = Duration.ofMillis(500);

  private static final AtomicInteger NAMESPACES = new AtomicInteger();

  static MockCluster cluster;
  static KubernetesClient client;

  String ns;
  SandboxController controller;
  Recorder recorder;

  static {
    Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
    Awaitility.setDefaultPollDelay(Duration.ZERO);
    Awaitility.setDefaultTimeout(Duration.ofSeconds(10));
  }

  @BeforeAll
  static void startCluster() {
    cluster = new MockCluster();
    client = cluster.client;
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @BeforeEach
  void startController() {
    ns = "test-" + NAMESPACES.incrementAndGet();
    recorder = new Recorder(client, ns);
    controller = fast().build().start();
  }

  @AfterEach
  void stopController() {
    controller.close();
    recorder.close();
  }

  /** Replaces the test's controller with one built from {@code builder}. */
  void restartController(SandboxController.Builder builder) {
    controller.close();
    controller = builder.build().start();
  }

  SandboxController.Builder fast() {
    return SandboxController.builder(client)
        .namespaces(ns)
        .readyDelay(READY_DELAY)
        .jobDuration(JOB_DURATION)
        .failureInterval(FAILURE_INTERVAL)
        .resyncPeriod(RESYNC)
        .threadName("sandbox-controller-" + ns);
  }

  static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(10)).ignoreExceptions();
  }

  List<Pod> pods() {
    return client.pods().inNamespace(ns).list().getItems();
  }

  List<Pod> pods(Predicate<Pod> filter) {
    return pods().stream().filter(filter).collect(Collectors.toList());
  }

  List<Pod> readyPods() {
    return pods(PodStatuses::isReady);
  }

  Pod onlyPod() {
    List<Pod> pods = pods();
    if (pods.size() != 1) {
      throw new AssertionError("expected one pod in " + ns + ", found " + pods.size());
    }
    return pods.get(0);
  }

  Deployment deployment(String name) {
    return client.apps().deployments().inNamespace(ns).withName(name).get();
  }

  StatefulSet statefulSet(String name) {
    return client.apps().statefulSets().inNamespace(ns).withName(name).get();
  }

  List<Job> jobs() {
    return client.batch().v1().jobs().inNamespace(ns).list().getItems();
  }


  Deployment create(Deployment d) {
    return client.apps().deployments().inNamespace(ns).resource(d).create();
  }

  StatefulSet create(StatefulSet s) {
    return client.apps().statefulSets().inNamespace(ns).resource(s).create();
  }

  /** What helm upgrade or rollback does to a Deployment: a new pod template (and labels). */
  void changeTemplate(String deployment, String chart, String version, java.util.Map<String, String> annotations) {
    editDeployment(deployment, d -> {
      d.getSpec().setTemplate(Charts.template(chart, deployment, version, annotations));
      d.getMetadata().getLabels().put(Labels.CHART, Charts.chartLabel(chart, version));
    });
  }

  void editDeployment(String name, Consumer<Deployment> change) {
    retryingConflicts(() -> client.apps().deployments().inNamespace(ns).withName(name).edit(d -> {
      change.accept(d);
      return d;
    }));
  }

  void editStatefulSet(String name, Consumer<StatefulSet> change) {
    retryingConflicts(() -> client.apps().statefulSets().inNamespace(ns).withName(name).edit(s -> {
      change.accept(s);
      return s;
    }));
  }

  /** An edit races the controller's status writes (409 Conflict), as any client's would: retry. */
  private static void retryingConflicts(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 20) {
          throw e;
        }
      }
    }
  }

  /**
   * What {@code helm upgrade --wait} (v3.18, pkg/kube/ready.go) checks for a Deployment: the
   * status observed the current generation, and the new ReplicaSet (owned by the Deployment,
   * same template but for pod-template-hash) has at least replicas - maxUnavailable Ready pods.
   */
  boolean helmSeesReady(Deployment d) {
    if (d.getStatus() == null || !Objects.equals(d.getStatus().getObservedGeneration(), d.getMetadata().getGeneration())) {
      return false;
    }
    Templates templates = new Templates(client.getKubernetesSerialization());
    int replicas = Workloads.replicas(d.getSpec().getReplicas());
    int expectedReady = replicas - replicas * 25 / 100;
    return client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
        .filter(rs -> Owners.controlledBy(rs, d))
        .filter(rs -> templates.sameTemplate(rs.getSpec().getTemplate(), d.getSpec().getTemplate()))
        .anyMatch(rs -> rs.getStatus() != null && rs.getStatus().getReadyReplicas() != null
            && rs.getStatus().getReadyReplicas() >= expectedReady);
  }

  /** What {@code helm upgrade --wait} (v3.18) checks for a StatefulSet with a RollingUpdate strategy. */
  static boolean helmSeesReady(StatefulSet s) {
    int replicas = Workloads.replicas(s.getSpec().getReplicas());
    return s.getStatus() != null
        && Objects.equals(s.getStatus().getObservedGeneration(), s.getMetadata().getGeneration())
        && s.getStatus().getUpdatedReplicas() != null && s.getStatus().getUpdatedReplicas() >= replicas
        && Objects.equals(s.getStatus().getReadyReplicas(), replicas)
        && Objects.equals(s.getStatus().getCurrentRevision(), s.getStatus().getUpdateRevision());
  }

  static boolean isPending(Pod p) {
    return p.getStatus() != null && "Pending".equals(p.getStatus().getPhase());
  }

  static boolean isRunning(Pod p) {
    return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
  }
}
