package io.gimops.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gimops.sandbox.HelmProcess;
import io.gimops.sandbox.charts.PackagedCharts;
import io.gimops.sandbox.charts.SampleCharts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real helm CLI (v3.18) runs the vendor's commands against the embedded API server, with the
 * sample charts, exactly as the vendor's page writes them (plus {@code --kubeconfig}).
 */
class HelmAgainstEmbeddedApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path tmp;

  private static EmbeddedApiServer api;
  private static PackagedCharts charts;
  private static HelmProcess helm;

  @BeforeAll
  static void start() {
    api = new EmbeddedApiServer().start();
    charts = SampleCharts.packageAll(tmp.resolve("charts"));
    helm = new HelmProcess(tmp.resolve("helm-home"), api.kubeconfig());
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  /**
   * "helm upgrade --install gim gim-100.0.116+2900.tgz -f gim-values.yaml -n gim --timeout 15m",
   * then the next release, then "helm rollback <service> <revision version>".
   */
  @Test
  void gimUpgradesAndRollsBackAsTheVendorsCommandsDo() throws Exception {
    helm.ok(charts.dir(), "upgrade", "--install", "gim", "gim-100.0.116+2900.tgz", "-f", "gim-values.yaml",
        "-n", "gim", "--timeout", "15m");
    assertThat(podTemplate("gim")).containsEntry("helm.sh/chart", "gim-100.0.116_2900");

    String upgraded = helm.ok(charts.dir(), "upgrade", "--install", "gim", "gim-100.0.117+3000.tgz",
        "-f", "gim-values.yaml", "-n", "gim", "--timeout", "15m").stdout();
    assertThat(upgraded).contains("REVISION: 2");
    Deployment gim = deployment("gim", "gim");
    assertThat(gim.getSpec().getTemplate().getMetadata().getAnnotations())
        .as("100.0.117+3000 changes the Info Mart schema")
        .containsEntry("gimops.io/schema-change", "true");
    assertThat(gim.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.gimops.sandbox/gim/gim:100.0.117.3000");

    String history = helm.ok(charts.dir(), "history", "gim", "-n", "gim").stdout();
    assertThat(history).contains("gim-100.0.116+2900", "gim-100.0.117+3000", "superseded", "deployed");

    helm.ok(charts.dir(), "rollback", "gim", "1", "-n", "gim", "--timeout", "15m");

    JsonNode revisions = JSON.readTree(helm.ok(charts.dir(), "history", "gim", "-n", "gim", "-o", "json").stdout());
    assertThat(revisions).hasSize(3);
    assertThat(revisions.get(0).path("status").asText()).isEqualTo("superseded");
    assertThat(revisions.get(1).path("status").asText()).isEqualTo("superseded");
    assertThat(revisions.get(2).path("status").asText()).isEqualTo("deployed");
    assertThat(revisions.get(2).path("chart").asText()).isEqualTo("gim-100.0.116+2900");
    assertThat(revisions.get(2).path("description").asText()).isEqualTo("Rollback to 1");

    gim = deployment("gim", "gim");
    assertThat(gim.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.gimops.sandbox/gim/gim:100.0.116.2900");
    assertThat(gim.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("gimops.io/schema-change", "false");
    assertThat(podTemplate("gim")).containsAllEntriesOf(Map.of(
        "app.kubernetes.io/name", "gim",
        "app.kubernetes.io/instance", "gim",
        "app", "gim",
        "helm.sh/chart", "gim-100.0.116_2900"));
  }

  /** Helm stores releases as Secrets sh.helm.release.v1.<name>.v<N> labelled owner, name, status, version. */
  @Test
  void helmKeepsEachRevisionInALabelledSecret() {
    helm.ok(charts.dir(), "upgrade", "--install", "gim", "gim-100.0.115+2800.tgz", "-f", "gim-values.yaml",
        "-n", "revisions", "--timeout", "15m");
    helm.ok(charts.dir(), "upgrade", "--install", "gim", "gim-100.0.116+2900.tgz", "-f", "gim-values.yaml",
        "-n", "revisions", "--timeout", "15m");
    helm.ok(charts.dir(), "rollback", "gim", "1", "-n", "revisions", "--timeout", "15m");

    List<Secret> secrets = api.client().secrets().inNamespace("revisions")
        .withLabel("owner", "helm").withLabel("name", "gim").list().getItems().stream()
        .sorted(Comparator.comparing(s -> s.getMetadata().getName()))
        .toList();
    assertThat(secrets).extracting(s -> s.getMetadata().getName())
        .containsExactly("sh.helm.release.v1.gim.v1", "sh.helm.release.v1.gim.v2", "sh.helm.release.v1.gim.v3");
    assertThat(secrets).extracting(s -> s.getMetadata().getLabels().get("status"))
        .containsExactly("superseded", "superseded", "deployed");
    assertThat(secrets).extracting(s -> s.getMetadata().getLabels().get("version"))
        .containsExactly("1", "2", "3");
    assertThat(secrets).allSatisfy(s -> {
      assertThat(s.getType()).isEqualTo("helm.sh/release.v1");
      assertThat(s.getData()).containsKey("release");
    });
  }

  /**
   * "helm uninstall gsp -n gsp"; "Uninstalling GSP does not remove all state-related Kubernetes
   * resources (ConfigMaps)": they are left for "kubectl delete cm --selector='app=<gsp.fullname>'",
   * after which GSP installs again.
   */
  @Test
  void uninstallingGspRemovesItsReleaseButLeavesItsStateConfigMaps() {
    helm.ok(charts.dir(), "upgrade", "--install", "gsp", "gsp-100.0.100+1400.tgz", "-f", "gsp-values.yaml",
        "-n", "gsp", "--timeout", "15m");
    KubernetesClient k = api.client();
    assertThat(k.apps().statefulSets().inNamespace("gsp").withName("gsp").get()).isNotNull();
    assertThat(k.apps().statefulSets().inNamespace("gsp").withName("gsp").get()
        .getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(Map.of(
            "app.kubernetes.io/name", "gsp",
            "app.kubernetes.io/instance", "gsp",
            "app", "gsp",
            "helm.sh/chart", "gsp-100.0.100_1400"));

    String out = helm.ok(charts.dir(), "uninstall", "gsp", "-n", "gsp").stdout();

    assertThat(out).contains("release \"gsp\" uninstalled");
    assertThat(k.apps().statefulSets().inNamespace("gsp").withName("gsp").get()).isNull();
    assertThat(k.services().inNamespace("gsp").withName("gsp").get()).isNull();
    assertThat(k.secrets().inNamespace("gsp").withLabel("owner", "helm").list().getItems()).isEmpty();
    assertThat(k.configMaps().inNamespace("gsp").withLabel("app", "gsp").list().getItems())
        .extracting(cm -> cm.getMetadata().getName())
        .containsExactly("gsp-state");

    k.configMaps().inNamespace("gsp").withLabel("app", "gsp").delete();
    assertThat(k.configMaps().inNamespace("gsp").withLabel("app", "gsp").list().getItems()).isEmpty();
    helm.ok(charts.dir(), "upgrade", "--install", "gsp", "gsp-100.0.101+1500.tgz", "-f", "gsp-values.yaml",
        "-n", "gsp", "--timeout", "15m");
    assertThat(k.configMaps().inNamespace("gsp").withName("gsp-state").get()).as("a reinstall starts afresh").isNotNull();
  }

  /** "helm list -A" sees every release, the monitoring charts (installed without -f) too. */
  @Test
  void listAllShowsTheReleasesOfEveryNamespace() throws Exception {
    helm.ok(charts.dir(), "upgrade", "--install", "gca", "gca-100.0.100+2300.tgz", "-f", "gca-values.yaml",
        "-n", "gca");
    helm.ok(charts.dir(), "upgrade", "--install", "gca-monitoring", "gca-monitoring-100.0.100+2300.tgz",
        "-n", "gca");

    assertThat(helm.ok(charts.dir(), "list", "-A").stdout()).contains("gca-monitoring-100.0.100+2300");
    JsonNode releases = JSON.readTree(helm.ok(charts.dir(), "list", "-A", "-o", "json").stdout());
    assertThat(releases).anySatisfy(r -> {
      assertThat(r.path("name").asText()).isEqualTo("gca");
      assertThat(r.path("namespace").asText()).isEqualTo("gca");
      assertThat(r.path("status").asText()).isEqualTo("deployed");
      assertThat(r.path("chart").asText()).isEqualTo("gca-100.0.100+2300");
    });
    assertThat(releases).anySatisfy(r -> assertThat(r.path("name").asText()).isEqualTo("gca-monitoring"));
    ConfigMap monitoring = api.client().configMaps().inNamespace("gca").withName("gca-monitoring").get();
    assertThat(monitoring.getData()).containsKeys("servicemonitor.yaml", "prometheusrule.yaml");
  }

  /** "you can pass the image tag as an argument by using the --set flag". */
  @Test
  void theImageTagCanBeSetOnTheCommandLine() {
    helm.ok(charts.dir(), "upgrade", "--install", "gca", "gca-100.0.101+2400.tgz", "-f", "gca-values.yaml",
        "-n", "tag", "--set", "gca.image.tag=100.0.101.2400-hotfix1");

    assertThat(deployment("tag", "gca").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.gimops.sandbox/gim/gca:100.0.101.2400-hotfix1");
  }

  /** A fabric8 informer follows helm's changes through the server, and again after its watches drop. */
  @Test
  void anInformerSeesHelmsChangesAndComesBackAfterTheWatchesDrop() {
    Set<String> images = ConcurrentHashMap.newKeySet();
    SharedIndexInformer<Deployment> informer = api.client().apps().deployments().inNamespace("watched")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Deployment d) {
            images.add(image(d));
          }

          @Override
          public void onUpdate(Deployment old, Deployment d) {
            images.add(image(d));
          }

          @Override
          public void onDelete(Deployment d, boolean unknownFinalState) {
            images.remove(image(d));
          }
        });
    try {
      helm.ok(charts.dir(), "upgrade", "--install", "gca", "gca-100.0.100+2300.tgz", "-f", "gca-values.yaml",
          "-n", "watched");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> images.contains("registry.gimops.sandbox/gim/gca:100.0.100.2300"));

      assertThat(api.dropWatches()).isPositive();
      await().atMost(Duration.ofSeconds(10)).until(() -> api.openWatches() > 0);

      helm.ok(charts.dir(), "upgrade", "--install", "gca", "gca-100.0.101+2400.tgz", "-f", "gca-values.yaml",
          "-n", "watched");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> images.contains("registry.gimops.sandbox/gim/gca:100.0.101.2400"));
    } finally {
      informer.close();
    }
  }

  /**
   * Helm waits for a hook Job through a client-go watch (a long HTTP response, not a WebSocket),
   * which the server bridges from the mock; here the test plays the Job controller.
   */
  @Test
  void helmWaitsForAHookJobThroughAStreamingWatch() throws Exception {
    Path chart = tmp.resolve("hooked");
    Files.createDirectories(chart.resolve("templates"));
    Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: hooked\nversion: 1.0.0\n");
    Files.writeString(chart.resolve("templates/hook.yaml"), String.join("\n",
        "apiVersion: batch/v1",
        "kind: Job",
        "metadata:",
        "  name: hooked-pre-install",
        "  annotations:",
        "    helm.sh/hook: pre-install",
        "spec:",
        "  template:",
        "    spec:",
        "      restartPolicy: Never",
        "      containers:",
        "        - name: hook",
        "          image: busybox",
        ""));
    CompletableFuture<HelmProcess.Result> install = CompletableFuture.supplyAsync(() ->
        helm.run(tmp, "install", "hooked", chart.toString(), "-n", "hooks", "--timeout", "30s"));
    try {
      var job = api.client().batch().v1().jobs().inNamespace("hooks").withName("hooked-pre-install");
      await().atMost(Duration.ofSeconds(20)).until(() -> job.get() != null && api.openWatches() > 0);
      assertThat(install).isNotDone();

      job.editStatus(j -> new JobBuilder(j).withNewStatus().withSucceeded(1)
          .addNewCondition().withType("Complete").withStatus("True").endCondition().endStatus().build());

      HelmProcess.Result result = install.get(20, TimeUnit.SECONDS).ok();
      assertThat(result.stdout()).contains("STATUS: deployed");
    } finally {
      install.cancel(true);
    }
  }

  private static String image(Deployment d) {
    return d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private static Deployment deployment(String namespace, String name) {
    Deployment d = api.client().apps().deployments().inNamespace(namespace).withName(name).get();
    assertThat(d).as("Deployment %s/%s", namespace, name).isNotNull();
    return d;
  }

  private static Map<String, String> podTemplate(String name) {
    return deployment(name, name).getSpec().getTemplate().getMetadata().getLabels();
  }
}
