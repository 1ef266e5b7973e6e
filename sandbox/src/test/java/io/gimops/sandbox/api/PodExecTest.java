package io.gimops.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code pods/exec} through the embedded API server, with the fabric8 client as gimops uses it
 * (WebSocket, {@code v4.channel.k8s.io}): the vendor's export-views command in the GIM pod prints
 * and exits 0; other commands exit non-zero with a message; a missing or not Running pod is
 * refused before the upgrade, as the API server refuses it.
 */
class PodExecTest {

  static EmbeddedApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = new EmbeddedApiServer().start();
    client = api.newClient();
    pod("gim", "gim-6c9f-x1", "gim", "gim-100.0.116_2900", "Running");
    pod("gsp", "gsp-0", "gsp", "gsp-100.0.100_1400", "Running");
    pod("gim", "gim-6c9f-p2", "gim", "gim-100.0.117_3000", "Pending");
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
  }

  static void pod(String ns, String name, String chart, String chartLabel, String phase) {
    Pod p = client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(ns)
        .withLabels(Map.of("app.kubernetes.io/name", chart, "helm.sh/chart", chartLabel)).endMetadata()
        .withNewSpec().addNewContainer().withName(chart).withImage("registry.gimops.sandbox/gim/" + chart).endContainer()
        .endSpec().build()).create();
    client.pods().inNamespace(ns).resource(new PodBuilder(p).withNewStatus().withPhase(phase).endStatus().build())
        .updateStatus();
  }

  record Ran(int exitCode, String stdout, String stderr) {}

  static Ran exec(String ns, String pod, String container, String... command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch w = client.pods().inNamespace(ns).withName(pod).inContainer(container).writingOutput(out)
        .writingError(err).exec(command)) {
      int code = w.exitCode().get(20, TimeUnit.SECONDS);
      return new Ran(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }

  @Test
  void theVendorsExportViewsCommandRunsInTheGimPod() throws Exception {
    Ran r = exec("gim", "gim-6c9f-x1", "gim", "./entrypoint.sh", "-job", "Job_MigrateGIM", "-make-export-views");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).contains("Job_MigrateGIM: started with -make-export-views (GIM 100.0.116+2900)")
        .contains("export views updated");
    assertThat(r.stderr()).isEmpty();
  }

  /** The vendor's command as the vendor's page writes it, run by the real kubectl (the pinned v1.33; WebSocket, v5/v4 channel). */
  @Test
  void kubectlExecRunsTheVendorsCommandAndReportsOtherCommandsExitCode() throws Exception {
    java.nio.file.Path kubectl = io.gimops.sandbox.PinnedKubectl.binary();
    String[] vendors = {"./entrypoint.sh", "-job", "Job_MigrateGIM", "-make-export-views"};
    Ran ok = kubectl(kubectl, "gim-6c9f-x1", vendors);
    assertThat(ok.exitCode()).as(ok.stderr()).isZero();
    assertThat(ok.stdout()).contains("export views updated");
    Ran other = kubectl(kubectl, "gim-6c9f-x1", "ls", "/");
    assertThat(other.exitCode()).isEqualTo(127);
    assertThat(other.stderr()).contains("sh: ls: not found");
  }

  private static Ran kubectl(java.nio.file.Path kubectl, String pod, String... command) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", api.kubeconfig().toString(),
        "exec", pod, "-n", "gim", "-c", "gim", "--"));
    argv.addAll(List.of(command));
    java.nio.file.Path out = java.nio.file.Files.createTempFile("kubectl-out", ".txt");
    java.nio.file.Path err = java.nio.file.Files.createTempFile("kubectl-err", ".txt");
    Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl ended").isTrue();
    return new Ran(p.exitValue(), java.nio.file.Files.readString(out), java.nio.file.Files.readString(err));
  }

  @Test
  void otherCommandsExitNonZeroWithAMessage() throws Exception {
    Ran other = exec("gim", "gim-6c9f-x1", "gim", "./entrypoint.sh", "-job", "Job_TransformGIM");
    assertThat(other.exitCode()).isEqualTo(2);
    assertThat(other.stderr()).contains("knows only -job Job_MigrateGIM -make-export-views");

    Ran shell = exec("gim", "gim-6c9f-x1", "gim", "sh", "-c", "rm -rf /");
    assertThat(shell.exitCode()).isEqualTo(127);
    assertThat(shell.stderr()).contains("sh: sh: not found");

    Ran notGim = exec("gsp", "gsp-0", "gsp", "./entrypoint.sh", "-job", "Job_MigrateGIM", "-make-export-views");
    assertThat(notGim.exitCode()).isEqualTo(127);
  }

  @Test
  void aMissingOrNotRunningPodOrContainerIsRefusedBeforeTheUpgrade() {
    assertThat(refusal("gim", "nope", "gim")).contains("404");
    assertThat(refusal("gim", "gim-6c9f-p2", "gim")).contains("400");
    // fabric8 checks the container against the pod it reads first; the server would answer 400.
    assertThat(refusal("gim", "gim-6c9f-x1", "sidecar")).contains("sidecar not found");
  }

  private static String refusal(String ns, String pod, String container) {
    CompletableFuture<String> why = new CompletableFuture<>();
    try (ExecWatch w = client.pods().inNamespace(ns).withName(pod).inContainer(container)
        .writingOutput(new ByteArrayOutputStream()).exec("./entrypoint.sh")) {
      why.complete("upgraded, exit " + w.exitCode().get(20, TimeUnit.SECONDS));
    } catch (Exception e) {
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof io.fabric8.kubernetes.client.http.WebSocketHandshakeException h && h.getResponse() != null) {
          why.complete("HTTP " + h.getResponse().code());
          break;
        }
      }
      why.complete("failed: " + e);
    }
    return why.join();
  }
}
