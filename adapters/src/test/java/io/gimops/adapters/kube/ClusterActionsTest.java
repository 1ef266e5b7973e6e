package io.gimops.adapters.kube;

import static io.gimops.adapters.testing.Workloads.imagePullFailure;
import static io.gimops.adapters.testing.Workloads.pod;
import static io.gimops.adapters.testing.Workloads.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.ErrorStreamMessage;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.gimops.adapters.kube.OutputLine.Stream;
import io.gimops.adapters.testing.MockCluster;
import io.gimops.adapters.testing.Workloads;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ClusterActionsTest {

  private static final String GIM_POD = "gim-6d9f7c5b4-x2k8p";
  private static final String GIM_VERSION = "100.0.116+2900";

  private MockCluster cluster;
  private KubernetesClient world;
  private ClusterActions actions;
  private final Environment env = Environment.standard("dev", "kind-dev", false);

  @BeforeEach
  void start() {
    cluster = new MockCluster();
    world = cluster.newClient();
    actions = new ClusterActions(cluster.newClient(), env);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  private Pod readyPod(String ns, String name, String release, String version) {
    Pod p = world.resource(pod(ns, name, release, release, version)).create();
    return world.resource(new PodBuilder(p).withStatus(ready(p)).build()).updateStatus();
  }

  private static ConfigMap configMap(String ns, String name, String app) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels("app", app)
        .endMetadata().addToData("s3-state", "s3://gsp/" + name).build();
  }

  @Nested
  @DisplayName("delete GSP's state ConfigMaps (uninstall gsp --reinstall)")
  class GspConfigMaps {

    @Test
    @DisplayName("deletes exactly the ConfigMaps selected by app=<gsp fullname> in GSP's namespace and names them")
    void deletesBySelector() {
      world.resource(configMap("gsp", "gsp-state-b", "gsp")).create();
      world.resource(configMap("gsp", "gsp-state-a", "gsp")).create();
      world.resource(configMap("gsp", "gsp-offsets", "gsp")).create();
      world.resource(configMap("gsp", "unrelated", "something-else")).create();
      world.resource(configMap("gim", "gim-state", "gsp")).create();

      ConfigMapCleanup r = actions.deleteGspConfigMaps();

      assertThat(r.outcome()).isEqualTo(ConfigMapCleanup.Outcome.DELETED);
      assertThat(r.succeeded()).isTrue();
      assertThat(r.selector()).isEqualTo("app=gsp");
      assertThat(r.namespace()).isEqualTo("gsp");
      assertThat(r.deleted()).containsExactly("gsp-offsets", "gsp-state-a", "gsp-state-b");
      assertThat(r.message()).contains("deleted 3 GSP state ConfigMaps", "gsp-offsets, gsp-state-a, gsp-state-b");
      assertThat(world.configMaps().inNamespace("gsp").list().getItems())
          .extracting(c -> c.getMetadata().getName()).containsExactly("unrelated");
      assertThat(world.configMaps().inNamespace("gim").withName("gim-state").get()).isNotNull();
    }

    @Test
    @DisplayName("uses the configured fullname and the shared namespace")
    void configuredFullnameAndSharedNamespace() {
      Environment shared = env.inSharedNamespace("genesys").withService(new ServiceSpec(ServiceKind.GSP, "gsp",
          "genesys", List.of(), 2, Optional.of(Duration.ofMinutes(15)), "gsp-eu", "gsp-values.yaml"));
      world.resource(configMap("genesys", "gsp-eu-state", "gsp-eu")).create();
      world.resource(configMap("genesys", "gsp-state", "gsp")).create();

      ConfigMapCleanup r = new ClusterActions(world, shared).deleteGspConfigMaps();

      assertThat(r.selector()).isEqualTo("app=gsp-eu");
      assertThat(r.deleted()).containsExactly("gsp-eu-state");
      assertThat(world.configMaps().inNamespace("genesys").withName("gsp-state").get()).isNotNull();
    }

    @Test
    @DisplayName("nothing selected is reported as such")
    void nothingToDelete() {
      ConfigMapCleanup r = actions.deleteGspConfigMaps();
      assertThat(r.outcome()).isEqualTo(ConfigMapCleanup.Outcome.NOTHING_TO_DELETE);
      assertThat(r.succeeded()).isTrue();
      assertThat(r.message()).contains("no ConfigMap in gsp matches app=gsp");
    }

    @Test
    @DisplayName("refuses while GSP still runs, and deletes nothing")
    void refusesWhileGspRuns() {
      world.resource(Workloads.statefulSet("gsp", "gsp", "gsp", "100.0.100+1400", 1, 1)).create();
      readyPod("gsp", "gsp-0", "gsp", "100.0.100+1400");
      world.resource(configMap("gsp", "gsp-state", "gsp")).create();

      ConfigMapCleanup r = actions.deleteGspConfigMaps();

      assertThat(r.outcome()).isEqualTo(ConfigMapCleanup.Outcome.GSP_STILL_RUNNING);
      assertThat(r.message()).contains("pod gsp-0", "helm uninstall gsp -n gsp", "nothing was deleted");
      assertThat(world.configMaps().inNamespace("gsp").withName("gsp-state").get()).isNotNull();
    }
  }

  @Nested
  @DisplayName("restart the GIM pod")
  class RestartGimPod {

    private final ExecutorService controller = Executors.newSingleThreadExecutor();
    private SharedIndexInformer<Pod> playsController;

    @AfterEach
    void stopController() {
      if (playsController != null) {
        playsController.close();
      }
      controller.shutdownNow();
    }

    /** Plays the Deployment controller and kubelet: a deleted GIM pod gets a replacement, Ready or failing. */
    private void replaceDeletedPods(boolean becomesReady) {
      playsController = world.pods().inNamespace("gim").inform(new ResourceEventHandler<>() {
        @Override
        public void onAdd(Pod p) {
        }

        @Override
        public void onUpdate(Pod before, Pod p) {
        }

        @Override
        public void onDelete(Pod p, boolean unknown) {
          controller.execute(() -> {
            Pod next = world.resource(pod("gim", "gim-6d9f7c5b4-r7t2m", "gim", "gim", GIM_VERSION)).create();
            next = world.resource(new PodBuilder(next)
                .withStatus(becomesReady ? ready(next) : imagePullFailure(next, "ImagePullBackOff")).build()).updateStatus();
          });
        }
      });
    }

    @Test
    @DisplayName("deletes the pod and follows its replacement to Ready, naming both")
    void followsReplacementToReady() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);
      replaceDeletedPods(true);

      PodRestart r = actions.restartGimPod(Duration.ofSeconds(10));

      assertThat(r.outcome()).as(r.message()).isEqualTo(PodRestart.Outcome.RESTARTED);
      assertThat(r.oldPod()).contains(GIM_POD);
      assertThat(r.newPod()).contains("gim-6d9f7c5b4-r7t2m");
      assertThat(r.message()).contains("deleted pod " + GIM_POD, "gim-6d9f7c5b4-r7t2m is Ready");
      assertThat(world.pods().inNamespace("gim").withName(GIM_POD).get()).isNull();
    }

    @Test
    @DisplayName("a replacement that does not become Ready in time is named, with why")
    void replacementNotReadyInTime() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);
      replaceDeletedPods(false);

      PodRestart r = actions.restartGimPod(Duration.ofMillis(1500));

      assertThat(r.outcome()).isEqualTo(PodRestart.Outcome.NOT_READY_IN_TIME);
      assertThat(r.oldPod()).contains(GIM_POD);
      assertThat(r.newPod()).contains("gim-6d9f7c5b4-r7t2m");
      assertThat(r.message()).contains("not Ready after 1s", "ImagePullBackOff", "roll back");
    }

    @Test
    @DisplayName("no replacement at all is reported with where to look")
    void noReplacement() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);

      PodRestart r = actions.restartGimPod(Duration.ofMillis(500));

      assertThat(r.outcome()).isEqualTo(PodRestart.Outcome.NOT_READY_IN_TIME);
      assertThat(r.newPod()).isEmpty();
      assertThat(r.message()).contains("no replacement appeared", "kubectl describe deployment gim -n gim");
    }

    @Test
    @DisplayName("no GIM pod: nothing to restart")
    void noPod() {
      readyPod("gsp", "gsp-0", "gsp", "100.0.100+1400");
      PodRestart r = actions.restartGimPod(Duration.ofSeconds(1));
      assertThat(r.outcome()).isEqualTo(PodRestart.Outcome.NO_POD);
      assertThat(r.oldPod()).isEmpty();
    }
  }

  @Nested
  @DisplayName("update export views (exec in the GIM pod)")
  class ExportViews {

    private static final String EXEC_PATH = "/api/v1/namespaces/gim/pods/" + GIM_POD + "/exec?command=.%2Fentrypoint.sh"
        + "&command=-job&command=Job_MigrateGIM&command=-make-export-views&container=gim&stdout=true&stderr=true";

    private final List<OutputLine> lines = new CopyOnWriteArrayList<>();

    @Test
    @DisplayName("runs the vendor's command in the Running, Ready GIM pod, streams its lines and reports exit 0")
    void succeeds() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);
      cluster.expect().get().withPath(EXEC_PATH).andUpgradeToWebSocket()
          .open(new OutputStreamMessage("Job_MigrateGIM: updating export views\nviews: 42 upd"),
              new OutputStreamMessage("ated\r\n"),
              new ErrorStreamMessage("warning: view gidb_gc_x is deprecated\n"),
              new OutputStreamMessage("done"),
              new StatusStreamMessage(0))
          .done().once();

      ExportViewsResult r = actions.updateExportViews(lines::add, Duration.ofSeconds(10));

      assertThat(r.outcome()).as(r.message()).isEqualTo(ExportViewsResult.Outcome.SUCCEEDED);
      assertThat(r.pod()).contains(GIM_POD);
      assertThat(r.exitCode()).hasValue(0);
      assertThat(lines).containsExactly(
          new OutputLine(Stream.STDOUT, "Job_MigrateGIM: updating export views"),
          new OutputLine(Stream.STDOUT, "views: 42 updated"),
          new OutputLine(Stream.STDERR, "warning: view gidb_gc_x is deprecated"),
          new OutputLine(Stream.STDOUT, "done"));
    }

    @Test
    @DisplayName("a non-zero exit is a failure with the code")
    void nonZeroExit() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);
      cluster.expect().get().withPath(EXEC_PATH).andUpgradeToWebSocket()
          .open(new ErrorStreamMessage("ERROR: cannot connect to the Info Mart database\n"), new StatusStreamMessage(3))
          .done().once();

      ExportViewsResult r = actions.updateExportViews(lines::add, Duration.ofSeconds(10));

      assertThat(r.outcome()).isEqualTo(ExportViewsResult.Outcome.FAILED);
      assertThat(r.exitCode()).hasValue(3);
      assertThat(r.message()).contains("exited 3 in pod " + GIM_POD);
      assertThat(lines).extracting(OutputLine::stream).containsExactly(Stream.STDERR);
    }

    @Test
    @DisplayName("picks the Ready pod when another GIM pod is still Pending")
    void picksTheReadyPod() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);
      world.resource(pod("gim", "gim-7a8b9c0d1-pend1", "gim", "gim", "100.0.117+3000")).create();
      cluster.expect().get().withPath(EXEC_PATH).andUpgradeToWebSocket()
          .open(new StatusStreamMessage(0)).done().once();

      ExportViewsResult r = actions.updateExportViews(lines::add, Duration.ofSeconds(10));

      assertThat(r.pod()).contains(GIM_POD);
      assertThat(r.succeeded()).isTrue();
    }

    @Test
    @DisplayName("no Running, Ready GIM pod: refused with the pods' states, nothing run")
    void noReadyPod() {
      Pod p = world.resource(pod("gim", GIM_POD, "gim", "gim", GIM_VERSION)).create();
      world.resource(new PodBuilder(p).withStatus(imagePullFailure(p, "ImagePullBackOff")).build()).updateStatus();

      ExportViewsResult r = actions.updateExportViews(lines::add, Duration.ofSeconds(10));

      assertThat(r.outcome()).isEqualTo(ExportViewsResult.Outcome.NO_READY_POD);
      assertThat(r.message()).contains(GIM_POD + " Pending, ImagePullBackOff, not Ready");
    }

    @Test
    @DisplayName("an API server that refuses the exec is an error with the reason, not an exception")
    void execRefused() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);

      ExportViewsResult r = actions.updateExportViews(lines::add, Duration.ofSeconds(10));

      assertThat(r.outcome()).as(r.message()).isEqualTo(ExportViewsResult.Outcome.ERROR);
      assertThat(r.pod()).contains(GIM_POD);
      // The CRUD mock answers an exec it has no expectation for with a plain 200.
      assertThat(r.message()).isEqualTo("could not run ./entrypoint.sh -job Job_MigrateGIM -make-export-views in pod "
          + GIM_POD + ": the API server refused the exec connection (HTTP 200)");
    }

    @Test
    @DisplayName("a command that outlives the timeout is reported as possibly still running")
    void timesOut() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);
      cluster.expect().get().withPath(EXEC_PATH).andUpgradeToWebSocket()
          .open(new OutputStreamMessage("Job_MigrateGIM: updating export views\n"))
          // A message the client never sends keeps the mock's session, and the command, open.
          .expect("never sent").andEmit(new StatusStreamMessage(0)).once()
          .done().once();

      ExportViewsResult r = actions.updateExportViews(lines::add, Duration.ofMillis(500));

      assertThat(r.outcome()).isEqualTo(ExportViewsResult.Outcome.TIMED_OUT);
      assertThat(r.message()).contains("may still be running", "kubectl logs " + GIM_POD + " -n gim");
      assertThat(lines).hasSize(1);
    }

    @Test
    @DisplayName("a connection that closes without an exit code is a failure that says to check the pod's log")
    void closesWithoutExitCode() {
      readyPod("gim", GIM_POD, "gim", GIM_VERSION);
      cluster.expect().get().withPath(EXEC_PATH).andUpgradeToWebSocket()
          .open(new OutputStreamMessage("Job_MigrateGIM: updating export views\n")).done().once();

      ExportViewsResult r = actions.updateExportViews(lines::add, Duration.ofSeconds(10));

      assertThat(r.outcome()).isEqualTo(ExportViewsResult.Outcome.FAILED);
      assertThat(r.exitCode()).isEmpty();
      assertThat(r.message()).contains("ended without an exit code", "kubectl logs " + GIM_POD + " -n gim");
    }
  }
}
