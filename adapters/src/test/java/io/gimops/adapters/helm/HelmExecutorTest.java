package io.gimops.adapters.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.adapters.helm.HelmResult.Outcome;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.PinnedHelm;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executor with the real helm v3 CLI; API servers that refuse or never answer are real sockets. */
class HelmExecutorTest {

  static final Version V = Version.parse("100.0.116+2900");
  @TempDir static Path charts;
  @TempDir static Path values;
  @TempDir static Path home;
  @TempDir Path outside;

  private HelmExecutor executor;

  /** A real chart named gim at a Genesys version, packaged by helm itself. */
  @BeforeAll
  static void packageAChart() throws Exception {
    Path src = charts.resolve("src");
    Files.createDirectories(src.resolve("gim/templates"));
    Files.writeString(src.resolve("gim/Chart.yaml"), "apiVersion: v2\nname: gim\nversion: 0.0.0\n");
    Files.writeString(src.resolve("gim/templates/cm.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: gim-probe\ndata:\n  v: \"{{ .Chart.Version }}\"\n");
    Process p = new ProcessBuilder(PinnedHelm.binary().toString(), "package", src.resolve("gim").toString(),
        "--version", V.toString(), "-d", charts.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    Files.writeString(values.resolve("gim-values.yaml"), "gim:\n  image:\n    tag: x\n");
  }

  private HelmExecutor executor(int apiPort, Duration killMargin) throws IOException {
    Path kubeconfig = home.resolve("kubeconfig-" + apiPort);
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: c
          cluster: {server: "http://127.0.0.1:%d"}
        contexts:
        - name: c
          context: {cluster: c, user: u, namespace: default}
        current-context: c
        users:
        - name: u
          user: {token: t}
        """.formatted(apiPort));
    executor = new HelmExecutor(new HelmConfig(PinnedHelm.binary(), Optional.of(kubeconfig), Optional.of("c"),
        charts, values, killMargin, List.of("--disable-openapi-validation"),
        Map.of("HELM_CACHE_HOME", home.resolve("cache").toString(), "HELM_CONFIG_HOME", home.resolve("config").toString(),
            "HELM_DATA_HOME", home.resolve("data").toString())));
    return executor;
  }

  @AfterEach
  void close() {
    if (executor != null) {
      executor.close();
    }
  }

  private static PlanStep.HelmUpgrade upgrade(Optional<Duration> timeout) {
    return new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim", "gim", V, Optional.of("gim-values.yaml"), "gim",
        timeout, Optional.of("100.0.116.2900"));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void theVendorsCommandIsAnArgumentVectorWithFilesResolvedInTheirDirectories() throws IOException {
    List<String> argv = executor(6443, Duration.ofSeconds(30)).argv(upgrade(Optional.of(Duration.ofMinutes(15))));
    assertThat(argv).containsExactly(PinnedHelm.binary().toString(),
        "upgrade", "--install", "gim", charts.resolve("gim-100.0.116+2900.tgz").toRealPath().toString(),
        "-f", values.resolve("gim-values.yaml").toRealPath().toString(), "-n", "gim", "--timeout", "15m",
        "--set", "gim.image.tag=100.0.116.2900", "--disable-openapi-validation",
        "--kubeconfig", home.resolve("kubeconfig-6443").toString(), "--kube-context", "c");
    assertThat(executor.argv(new PlanStep.HelmRollback(ServiceKind.GSP, "gsp", "gsp", 3, 2, V, Optional.empty())))
        .containsSubsequence("rollback", "gsp", "2", "-n", "gsp").doesNotContain("--timeout", "--disable-openapi-validation");
  }

  @Test
  void aMissingPackageOrValuesFileStopsTheStepBeforeHelmStarts() throws IOException {
    HelmExecutor e = executor(closedPort(), Duration.ofSeconds(5));
    var noPackage = new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim", "gim", Version.parse("100.0.117+3000"),
        Optional.of("gim-values.yaml"), "gim", Optional.empty(), Optional.empty());
    HelmResult r = e.run(noPackage, line -> { });
    assertThat(r.outcome()).isEqualTo(Outcome.PACKAGE_NOT_FOUND);
    assertThat(r.message()).contains("gim-100.0.117+3000.tgz is not in", "preparatory step 2");
    var noValues = new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim", "gim", V, Optional.of("gim-prod.yaml"), "gim",
        Optional.empty(), Optional.empty());
    assertThat(e.run(noValues, line -> { }).outcome()).isEqualTo(Outcome.VALUES_NOT_FOUND);
    assertThat(e.invocations()).isZero();
    assertThatThrownBy(() -> e.argv(noPackage)).hasMessageContaining("is not in");
  }

  @Test
  void aValuesFileLinkThatLeavesItsDirectoryIsRefused() throws IOException {
    Path secret = Files.writeString(outside.resolve("elsewhere.yaml"), "x: 1\n");
    Files.createSymbolicLink(values.resolve("linked-values.yaml"), secret);
    HelmExecutor e = executor(closedPort(), Duration.ofSeconds(5));
    var step = new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim", "gim", V, Optional.of("linked-values.yaml"), "gim",
        Optional.empty(), Optional.empty());
    assertThat(e.run(step, line -> { }).outcome()).isEqualTo(Outcome.VALUES_NOT_FOUND);
    assertThat(e.invocations()).isZero();
  }

  @Test
  void anUnreachableApiServerIsAFailureWithHelmsOwnWords() throws IOException {
    HelmExecutor e = executor(closedPort(), Duration.ofSeconds(30));
    List<String> lines = new CopyOnWriteArrayList<>();
    HelmResult r = e.run(new PlanStep.HelmUninstall(ServiceKind.GSP, "gsp", "gsp"), lines::add);
    assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.message()).startsWith("helm failed (exit 1): ").contains("connection refused");
    assertThat(lines).isEqualTo(r.output());
    assertThat(e.invocations()).isOne();
  }

  @Test
  void helmRunningPastItsTimeoutPlusTheMarginIsKilled() throws Exception {
    // An API server that accepts connections and never answers: helm waits on it for ever.
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            held.add(blackHole.accept());
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      HelmExecutor e = executor(blackHole.getLocalPort(), Duration.ofSeconds(1));
      HelmResult r = e.run(upgrade(Optional.of(Duration.ofSeconds(1))), line -> { });
      assertThat(r.outcome()).isEqualTo(Outcome.KILLED);
      assertThat(r.took()).isBetween(Duration.ofMillis(1900), Duration.ofSeconds(15));
      assertThat(r.message()).contains("past its timeout of 1s plus 1s", "/gim history");
      for (Socket s : held) {
        s.close();
      }
    }
  }

  @Test
  void closingTheExecutorStopsARunningHelm() throws Exception {
    try (ServerSocket blackHole = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      HelmExecutor e = executor(blackHole.getLocalPort(), Duration.ofMinutes(5));
      CompletableFuture<HelmResult> r = CompletableFuture.supplyAsync(() -> e.run(upgrade(Optional.empty()), l -> { }));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> e.invocations() == 1);
      e.close();
      assertThat(r.get(20, java.util.concurrent.TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.CANCELLED);
      assertThat(e.run(upgrade(Optional.empty()), l -> { }).outcome()).isEqualTo(Outcome.CANCELLED);
      assertThat(e.invocations()).isOne();
    }
  }

  @Test
  void helmsWellKnownFailuresAreTyped() {
    var step = new PlanStep.HelmRollback(ServiceKind.GIM, "gim", "gim", 3, 2, V, Optional.of(Duration.ofMinutes(15)));
    assertThat(HelmExecutor.classify(1, List.of("Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress"), step, Duration.ZERO).outcome())
        .isEqualTo(Outcome.ANOTHER_OPERATION_IN_PROGRESS);
    assertThat(HelmExecutor.classify(1, List.of("Error: UPGRADE FAILED: \"gim\" has no deployed releases"), step, Duration.ZERO).outcome())
        .isEqualTo(Outcome.NO_DEPLOYED_RELEASES);
    assertThat(HelmExecutor.classify(1, List.of("Error: uninstall: Release not loaded: gsp: release: not found"), step, Duration.ZERO).outcome())
        .isEqualTo(Outcome.RELEASE_NOT_FOUND);
    HelmResult timedOut = HelmExecutor.classify(1, List.of("Error: UPGRADE FAILED: timed out waiting for the condition"), step, Duration.ZERO);
    assertThat(timedOut.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(timedOut.message()).isEqualTo("helm timed out after 15m: Error: UPGRADE FAILED: timed out waiting for the condition");
    assertThat(HelmExecutor.classify(0, List.of("Rollback was a success! Happy Helming!"), step, Duration.ZERO).succeeded()).isTrue();
  }
}
