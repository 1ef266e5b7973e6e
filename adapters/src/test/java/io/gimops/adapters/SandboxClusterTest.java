package io.gimops.adapters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.adapters.helm.HelmConfig;
import io.gimops.adapters.helm.HelmExecutor;
import io.gimops.adapters.helm.HelmResult;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.adapters.kube.ClusterActions;
import io.gimops.adapters.kube.ClusterEvent;
import io.gimops.adapters.kube.ClusterObserver;
import io.gimops.adapters.kube.PodSelector;
import io.gimops.adapters.kube.ConfigMapCleanup;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.CycleOrder;
import io.gimops.sandbox.PinnedHelm;
import io.gimops.sandbox.api.EmbeddedApiServer;
import io.gimops.sandbox.charts.PackagedCharts;
import io.gimops.sandbox.charts.SampleCharts;
import io.gimops.sandbox.kubelet.Failure;
import io.gimops.sandbox.kubelet.SandboxController;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster adapters together, in the sandbox: the real helm CLI runs the steps the policy
 * engine plans against the embedded API server, the sandbox controller plays the kubelet, and the
 * observer, the release reader and the cluster actions see and act on the result. The tests run
 * in order, each building on the cluster the previous one left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxClusterTest {

  static final Duration AWAIT = Duration.ofSeconds(30);

  @TempDir static Path work;
  static EmbeddedApiServer api;
  static SandboxController controller;
  static PackagedCharts charts;
  static HelmExecutor helm;
  static ClusterObserver observer;
  static ClusterActions actions;
  static final Environment ENV = Environment.standard("sandbox", EmbeddedApiServer.CONTEXT, false);
  static ReleaseCatalog catalog;
  static final List<ClusterEvent> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startTheSandbox() {
    api = new EmbeddedApiServer().start();
    controller = SandboxController.builder(api.newClient()).namespaces("gim", "gsp", "gca")
        .readyDelay(Duration.ofMillis(100)).jobDuration(Duration.ofMillis(100)).build().start();
    charts = SampleCharts.packageAll(work.resolve("charts"));
    helm = executor(List.of());
    // The sample GCA chart labels its pods otherwise than with app.kubernetes.io/instance.
    Map<ServiceKind, PodSelector> selectors = Map.of(ServiceKind.GCA,
        PodSelector.parse(SampleCharts.GCA_POD_SELECTOR.replace("{release}", "gca")));
    observer = ClusterObserver.builder(api.newClient(), ENV).podSelectors(selectors).start();
    observer.subscribe(events::add);
    actions = new ClusterActions(api.newClient(), ENV, selectors);
    List<Release> releases = new ArrayList<>();
    for (ServiceKind k : ServiceKind.values()) {
      for (Version v : SampleCharts.versions(k.id())) {
        Release r = Release.of(k, v.toString());
        releases.add(SampleCharts.changesSchema(v) && k == ServiceKind.GIM ? r.withSchemaChange() : r);
      }
    }
    catalog = new ReleaseCatalog(releases);
  }

  static HelmExecutor executor(List<String> extraUpgradeArgs) {
    return new HelmExecutor(new HelmConfig(PinnedHelm.binary(), Optional.of(api.kubeconfig()), Optional.empty(),
        charts.dir(), charts.dir(), Duration.ofSeconds(30), extraUpgradeArgs,
        Map.of("HELM_CACHE_HOME", work.resolve("helm/cache").toString(),
            "HELM_CONFIG_HOME", work.resolve("helm/config").toString(),
            "HELM_DATA_HOME", work.resolve("helm/data").toString())));
  }

  @AfterAll
  static void stopTheSandbox() {
    for (AutoCloseable c : new AutoCloseable[] {helm, observer, controller, api}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** The policy's own plan (rule 3's steps, rule 5's timeouts) for upgrading services to versions. */
  static Plan plan(Map<ServiceKind, String> targets) {
    Map<ServiceKind, CycleOrder.Target> t = new EnumMap<>(ServiceKind.class);
    targets.forEach((k, v) -> t.put(k, CycleOrder.Target.of(catalog.find(k, Version.parse(v)).orElseThrow())));
    return CycleOrder.plan(ENV, observer.snapshot(), catalog, t);
  }

  static void runHelmSteps(HelmExecutor executor, Plan plan) {
    for (PlanStep.HelmStep step : plan.stepsOf(PlanStep.HelmStep.class)) {
      HelmResult r = executor.run(step, line -> { });
      assertThat(r.outcome()).as(step.describe() + ": " + r.output()).isEqualTo(HelmResult.Outcome.SUCCEEDED);
    }
  }

  static ServiceState awaitReady(ServiceKind k, String version) {
    Version v = Version.parse(version);
    await().atMost(AWAIT).untilAsserted(() -> {
      ServiceState s = observer.snapshot().service(k);
      assertThat(s.installed()).isTrue();
      assertThat(s.helmStatus()).isEqualTo(HelmStatus.DEPLOYED);
      assertThat(s.deployedVersion()).contains(v);
      assertThat(s.desiredReplicas()).isPositive();
      assertThat(s.readyReplicas()).isEqualTo(s.desiredReplicas());
      assertThat(s.pods()).isNotEmpty().allSatisfy(p -> {
        assertThat(p.ready()).isTrue();
        assertThat(p.version()).contains(v);
      });
    });
    return observer.snapshot().service(k);
  }

  @Test
  @Order(1)
  void installGimGspAndGcaWithTheRealHelm() {
    runHelmSteps(helm, plan(Map.of(ServiceKind.GIM, "100.0.116+2900", ServiceKind.GSP, "100.0.100+1400",
        ServiceKind.GCA, "100.0.100+2300")));
    ServiceState gim = awaitReady(ServiceKind.GIM, "100.0.116+2900");
    awaitReady(ServiceKind.GSP, "100.0.100+1400");
    awaitReady(ServiceKind.GCA, "100.0.100+2300");
    assertThat(gim.revision()).isOne();
    assertThat(observer.isHealthy()).isTrue();
  }

  @Test
  @Order(2)
  void upgradeGimWithTheVendorsTimeoutAndReadRevision2BackWithoutHelm() {
    Plan plan = plan(Map.of(ServiceKind.GIM, "100.0.117+3000"));
    assertThat(plan.stepsOf(PlanStep.HelmUpgrade.class).get(0).helmArgs()).containsSubsequence("--timeout", "15m");
    runHelmSteps(helm, plan);
    ServiceState gim = awaitReady(ServiceKind.GIM, "100.0.117+3000");
    assertThat(gim.revision()).isEqualTo(2);
    assertThat(api.client().batch().v1().jobs().inNamespace("gim").list().getItems())
        .as("GIM migrates and transforms inside its pod, as the real one does: no Job").isEmpty();
    ReleaseHistory history = observer.releases().get(ServiceKind.GIM);
    assertThat(history.history()).extracting(RevisionRecord::revision, r -> r.version().toString(), RevisionRecord::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1, "100.0.116+2900", HelmStatus.SUPERSEDED),
            org.assertj.core.groups.Tuple.tuple(2, "100.0.117+3000", HelmStatus.DEPLOYED));
  }

  @Test
  @Order(3)
  void rollGimBackToRevision1() {
    ServiceState gim = observer.snapshot().service(ServiceKind.GIM);
    runHelmSteps(helm, new Plan(List.of(new PlanStep.HelmRollback(ServiceKind.GIM, "gim", "gim", gim.revision(), 1,
        Version.parse("100.0.116+2900"), Optional.of(Duration.ofMinutes(15))))));
    ServiceState back = awaitReady(ServiceKind.GIM, "100.0.116+2900");
    assertThat(back.revision()).isEqualTo(3);
    assertThat(back.history()).extracting(RevisionRecord::status)
        .containsExactly(HelmStatus.SUPERSEDED, HelmStatus.SUPERSEDED, HelmStatus.DEPLOYED);
  }

  @Test
  @Order(4)
  void uninstallGspThenDeleteItsStateConfigMaps() {
    runHelmSteps(helm, new Plan(List.of(new PlanStep.HelmUninstall(ServiceKind.GSP, "gsp", "gsp"))));
    await().atMost(AWAIT).untilAsserted(() -> {
      ServiceState gsp = observer.snapshot().service(ServiceKind.GSP);
      assertThat(gsp.installed()).isFalse();
      assertThat(gsp.pods()).isEmpty();
    });
    assertThat(api.client().configMaps().inNamespace("gsp").withLabel("app", "gsp").list().getItems())
        .as("the vendor: uninstalling GSP does not remove its state ConfigMaps").isNotEmpty();
    ConfigMapCleanup cleanup = actions.deleteGspConfigMaps();
    assertThat(cleanup.outcome()).as(cleanup.message()).isEqualTo(ConfigMapCleanup.Outcome.DELETED);
    assertThat(cleanup.deleted()).isNotEmpty();
    assertThat(api.client().configMaps().inNamespace("gsp").withLabel("app", "gsp").list().getItems()).isEmpty();
  }

  @Test
  @Order(5)
  void aHelmClientThatDiesMidUpgradeLeavesAStuckPendingUpgradeThatIsDetected() {
    // GCA 101's pods never start, so `helm upgrade --wait` waits; then helm dies (SIGKILL, as in a
    // crash or an OOM kill): the release is left pending-upgrade. (A graceful SIGTERM is different:
    // helm 3.18 then records the release as failed, which is why HelmExecutor stops helm that way.)
    Version v101 = Version.parse("100.0.101+2400");
    controller.inject(ServiceKind.GCA, v101, Failure.STUCK_PENDING);
    HelmExecutor waiting = executor(List.of("--wait"));
    Plan plan = plan(Map.of(ServiceKind.GCA, v101.toString()));
    PlanStep.HelmUpgrade gcaChart = plan.stepsOf(PlanStep.HelmUpgrade.class).get(0);
    CompletableFuture<HelmResult> run = CompletableFuture.supplyAsync(() -> waiting.run(gcaChart, line -> { }));
    await().atMost(AWAIT).until(() -> observer.snapshot().service(ServiceKind.GCA).helmStatus() == HelmStatus.PENDING_UPGRADE);
    ProcessHandle helmProcess = ProcessHandle.current().descendants()
        .filter(h -> h.info().arguments().map(a -> List.of(a).containsAll(List.of("upgrade", "gca"))).orElse(false))
        .findFirst().orElseThrow();
    helmProcess.destroyForcibly();
    HelmResult died = run.join();
    assertThat(died.outcome()).as(died.message()).isEqualTo(HelmResult.Outcome.FAILED);
    waiting.close();

    ReleaseHistory gca = observer.releases().get(ServiceKind.GCA);
    assertThat(gca.pending()).hasValueSatisfying(p -> {
      assertThat(p.status()).isEqualTo(HelmStatus.PENDING_UPGRADE);
      assertThat(p.remedy()).contains("helm rollback gca 1");
    });
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ClusterEvent.ReleaseStatusChanged.class,
        c -> assertThat(c.to()).isEqualTo(HelmStatus.PENDING_UPGRADE)));

    // The remedy works: roll back to the last deployed revision.
    controller.clearAll();
    runHelmSteps(helm, new Plan(List.of(new PlanStep.HelmRollback(ServiceKind.GCA, "gca", "gca", 2, 1,
        Version.parse("100.0.100+2300"), Optional.empty()))));
    awaitReady(ServiceKind.GCA, "100.0.100+2300");
  }

  @Test
  @Order(6)
  void anUpgradeToAReleaseWithAMissingImageSurfacesImagePullBackOff() {
    Version v117 = Version.parse("100.0.117+3000");
    controller.inject(ServiceKind.GIM, v117, Failure.IMAGE_MISSING);
    events.clear();
    runHelmSteps(helm, plan(Map.of(ServiceKind.GIM, v117.toString())));
    await().atMost(AWAIT).untilAsserted(() -> assertThat(events).anySatisfy(e ->
        assertThat(e).isInstanceOfSatisfying(ClusterEvent.PodImagePullFailure.class, f -> {
          assertThat(f.service()).isEqualTo(ServiceKind.GIM);
          assertThat(f.image()).contains("100.0.117.3000");
        })));
    ClusterSnapshot snap = observer.snapshot();
    assertThat(snap.service(ServiceKind.GIM).pods()).anySatisfy(p ->
        assertThat(p.failingReason()).hasValueSatisfying(r -> assertThat(r).isIn("ImagePullBackOff", "ErrImagePull")));
    controller.clearAll();
  }

  @Test
  @Order(7)
  void aDroppedWatchIsRecoveredAndWhatChangedMeanwhileIsSeen() throws InterruptedException {
    int dropped = api.dropWatches();
    assertThat(dropped).isPositive();
    ServiceState gim = observer.snapshot().service(ServiceKind.GIM);
    runHelmSteps(helm, new Plan(List.of(new PlanStep.HelmRollback(ServiceKind.GIM, "gim", "gim", gim.revision(), 3,
        Version.parse("100.0.116+2900"), Optional.of(Duration.ofMinutes(15))))));
    assertThat(observer.awaitHealthy(AWAIT)).isTrue();
    ServiceState back = awaitReady(ServiceKind.GIM, "100.0.116+2900");
    assertThat(back.revision()).isEqualTo(gim.revision() + 1);
  }
}
