package io.gimops.adapters.kube;

import static io.gimops.adapters.testing.Workloads.crashLoop;
import static io.gimops.adapters.testing.Workloads.imagePullFailure;
import static io.gimops.adapters.testing.Workloads.pod;
import static io.gimops.adapters.testing.Workloads.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.gimops.adapters.helm.HelmReleaseReader;
import io.gimops.adapters.testing.HelmRecords;
import io.gimops.adapters.testing.Workloads;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.PodPhase;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The object-to-state mapping and the change rules, without a server. */
class ClusterViewTest {

  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private final HelmReleaseReader reader = new HelmReleaseReader();
  private final Environment env = Environment.standard("dev", "kind-dev", false);

  private static Pod created(Pod p, Instant at) {
    return new PodBuilder(p).editMetadata().withUid(UUID.randomUUID().toString())
        .withCreationTimestamp(at.toString()).endMetadata().build();
  }

  private static Pod withStatus(Pod p, io.fabric8.kubernetes.api.model.PodStatus s) {
    return new PodBuilder(p).withStatus(s).build();
  }

  @Test
  @DisplayName("a pod's state: phase, Ready, the failing waiting reason, pending since creation, restarts, version from helm.sh/chart")
  void podState() {
    Pod p = created(pod("gim", "gim-a", "gim", "gim", "100.0.116+2900"), T0);

    PodState pending = ClusterView.pod(p).state();
    assertThat(pending.phase()).isEqualTo(PodPhase.PENDING);
    assertThat(pending.pendingSince()).contains(T0);
    assertThat(pending.version()).contains(Version.parse("100.0.116+2900"));

    PodState pulling = ClusterView.pod(withStatus(p, imagePullFailure(p, "ErrImagePull"))).state();
    assertThat(pulling.failingReason()).contains("ErrImagePull");
    assertThat(pulling.pendingSince()).contains(T0);

    PodState crashing = ClusterView.pod(withStatus(p, crashLoop(p, 7))).state();
    assertThat(crashing.phase()).isEqualTo(PodPhase.RUNNING);
    assertThat(crashing.failingReason()).contains("CrashLoopBackOff");
    assertThat(crashing.restarts()).isEqualTo(7);
    assertThat(crashing.pendingSince()).isEmpty();

    PodState up = ClusterView.pod(withStatus(p, ready(p))).state();
    assertThat(up.ready()).isTrue();
    assertThat(up.waitingReason()).isEmpty();
  }

  @Test
  @DisplayName("a failing init container counts, and wins over a harmless waiting reason")
  void initContainers() {
    Pod p = created(pod("gim", "gim-a", "gim", "gim", "100.0.116+2900"), T0);
    Pod init = new PodBuilder(p).editStatus()
        .addToInitContainerStatuses(new ContainerStatusBuilder().withName("wait-for-db").withImage("busybox")
            .withNewState().withNewWaiting().withReason("CreateContainerConfigError").withMessage("secret \"db\" not found")
            .endWaiting().endState().build())
        .addToContainerStatuses(new ContainerStatusBuilder().withName("gim").withImage("gim")
            .withNewState().withNewWaiting().withReason("PodInitializing").endWaiting().endState().build())
        .endStatus().build();

    ClusterView.PodView v = ClusterView.pod(init);
    assertThat(v.state().failingReason()).contains("CreateContainerConfigError");
    assertThat(v.waiting()).hasValueSatisfying(w -> {
      assertThat(w.container()).isEqualTo("wait-for-db");
      assertThat(w.message()).contains("secret");
    });
  }

  @Test
  @DisplayName("helm.sh/chart carries the version with '+' written '_'; a chart name with dashes still parses")
  void chartLabel() {
    assertThat(ClusterView.chartVersion(Map.of("helm.sh/chart", "gim-100.0.116_2900")))
        .contains(Version.parse("100.0.116+2900"));
    assertThat(ClusterView.chartVersion(Map.of("helm.sh/chart", "gim-monitoring-100.0.116_2900")))
        .contains(Version.parse("100.0.116+2900"));
    assertThat(ClusterView.chartVersion(Map.of("helm.sh/chart", "gim-1.2.3-rc.1"))).isEmpty();
    assertThat(ClusterView.chartVersion(Map.of())).isEmpty();
  }

  @Test
  @DisplayName("change rules: the first view is a silent baseline; one event per failure episode; a vanished pod leaves nothing behind")
  void changeRules() {
    ChangeDetector d = new ChangeDetector("dev");
    List<Secret> secrets = List.of(HelmRecords.revision("gca", 1).in("gca").chart("gca", "100.0.100+2300").secret());
    Pod p = created(pod("gca", "gca-a", "gca", "gca", "100.0.100+2300"), T0);

    assertThat(d.next(view(secrets, withStatus(p, crashLoop(p, 1))), T0)).isEmpty();
    assertThat(d.next(view(secrets, withStatus(p, crashLoop(p, 2))), T0)).isEmpty();
    assertThat(d.next(view(secrets, withStatus(p, ready(p))), T0))
        .singleElement().isInstanceOf(ClusterEvent.PodReady.class);
    assertThat(d.next(view(secrets, withStatus(p, crashLoop(p, 3))), T0))
        .singleElement().isInstanceOf(ClusterEvent.PodCrashLoopBackOff.class);
    assertThat(d.next(view(secrets, withStatus(p, imagePullFailure(p, "ImagePullBackOff"))), T0))
        .extracting(ClusterEvent::kind)
        .containsExactly(ClusterEvent.Kind.POD_PENDING, ClusterEvent.Kind.POD_IMAGE_PULL_FAILURE);
    assertThat(d.next(view(secrets, withStatus(p, imagePullFailure(p, "ErrImagePull"))), T0)).isEmpty();

    assertThat(d.next(view(secrets), T0)).isEmpty();
    Pod again = new PodBuilder(withStatus(p, imagePullFailure(p, "ImagePullBackOff"))).editMetadata()
        .withUid(UUID.randomUUID().toString()).endMetadata().build();
    assertThat(d.next(view(secrets, again), T0)).extracting(ClusterEvent::kind)
        .containsExactly(ClusterEvent.Kind.POD_PENDING, ClusterEvent.Kind.POD_IMAGE_PULL_FAILURE);
  }

  @Test
  @DisplayName("a chart that labels its pods otherwise is seen through its configured selector, and only then")
  void podsAndWorkloadsByAConfiguredSelector() {
    Map<String, String> gcaLabels = Map.of("servicename", "gca", "release", "gca", "helm.sh/chart", "gca-100.0.100_2300");
    Pod p = new PodBuilder(pod("gca", "gca-5f-x", "gca", "gca", "100.0.100+2300")).editMetadata()
        .withLabels(gcaLabels).endMetadata().build();
    p = withStatus(p, ready(p));
    var d = Workloads.deployment("gca", "gca", "gca", "100.0.100+2300", 1, 1);
    d.getMetadata().setLabels(gcaLabels);
    d.getSpec().getTemplate().getMetadata().setLabels(gcaLabels);
    var inputs = new ClusterView.Inputs(List.of(d), List.of(), List.of(p), List.of());

    var byDefault = ClusterView.of(env, inputs, reader::decode).service(ServiceKind.GCA).orElseThrow().state();
    assertThat(byDefault.pods()).isEmpty();
    assertThat(byDefault.desiredReplicas()).isZero();

    var bySelector = ClusterView.of(env, inputs, reader::decode,
        Map.of(ServiceKind.GCA, PodSelector.parse("servicename=gca,release=gca"))).service(ServiceKind.GCA).orElseThrow()
        .state();
    assertThat(bySelector.pods()).extracting(PodState::name).containsExactly("gca-5f-x");
    assertThat(bySelector.desiredReplicas()).isEqualTo(1);
    assertThat(bySelector.readyReplicas()).isEqualTo(1);
  }

  private ClusterView view(List<Secret> secrets, Pod... pods) {
    return ClusterView.of(env, new ClusterView.Inputs(List.of(), List.of(), List.of(pods), secrets), reader::decode);
  }

  @Test
  @DisplayName("a release's first revision, its upgrade and its uninstall are status changes")
  void releaseChanges() {
    ChangeDetector d = new ChangeDetector("dev");
    d.next(view(List.of()), T0);
    Secret v1 = HelmRecords.revision("gim", 1).in("gim").chart("gim", "100.0.116+2900").status("superseded").secret();
    Secret v2 = HelmRecords.revision("gim", 2).in("gim").chart("gim", "100.0.117+3000").secret();

    List<ClusterEvent> installed = d.next(view(List.of(HelmRecords.revision("gim", 1).in("gim")
        .chart("gim", "100.0.116+2900").secret())), T0);
    assertThat(installed).singleElement().isInstanceOfSatisfying(ClusterEvent.ReleaseStatusChanged.class, c -> {
      assertThat(c.service()).isEqualTo(ServiceKind.GIM);
      assertThat(c.summary()).isEqualTo("release gim went from uninstalled to revision 1 deployed (100.0.116+2900)");
    });
    assertThat(d.next(view(List.of(v1, v2)), T0)).singleElement()
        .satisfies(e -> assertThat(e.summary()).isEqualTo(
            "release gim went from revision 1 deployed to revision 2 deployed (100.0.117+3000)"));
    assertThat(d.next(view(List.of()), T0)).singleElement()
        .satisfies(e -> assertThat(e.summary()).isEqualTo("release gim went from revision 2 deployed to uninstalled"));
  }
}
