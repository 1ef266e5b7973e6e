package io.gimops.adapters.kube;

import static io.gimops.adapters.testing.Workloads.crashLoop;
import static io.gimops.adapters.testing.Workloads.deployment;
import static io.gimops.adapters.testing.Workloads.imagePullFailure;
import static io.gimops.adapters.testing.Workloads.pod;
import static io.gimops.adapters.testing.Workloads.ready;
import static io.gimops.adapters.testing.Workloads.statefulSet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.adapters.kube.ClusterEvent.ObserverHealthy;
import io.gimops.adapters.kube.ClusterEvent.ObserverUnhealthy;
import io.gimops.adapters.kube.ClusterEvent.PodCrashLoopBackOff;
import io.gimops.adapters.kube.ClusterEvent.PodImagePullFailure;
import io.gimops.adapters.kube.ClusterEvent.PodPending;
import io.gimops.adapters.kube.ClusterEvent.PodReady;
import io.gimops.adapters.kube.ClusterEvent.ReleaseRecordProblem;
import io.gimops.adapters.kube.ClusterEvent.ReleaseStatusChanged;
import io.gimops.adapters.testing.HelmRecords;
import io.gimops.adapters.testing.MockCluster;
import io.gimops.adapters.testing.Workloads;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.MigrationState;
import io.gimops.policies.domain.PodPhase;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterObserverTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private MockCluster cluster;
  private KubernetesClient world;
  private ClusterObserver observer;
  private final List<ClusterEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startCluster() {
    cluster = new MockCluster();
    world = cluster.newClient();
  }

  @AfterEach
  void stopAll() {
    if (observer != null) {
      observer.close();
    }
    cluster.close();
  }

  private ClusterObserver observe(Environment env) throws InterruptedException {
    observer = ClusterObserver.builder(cluster.newClient(), env)
        .healthCheckEvery(Duration.ofMillis(50))
        .watchGrace(Duration.ofMillis(300))
        .start();
    observer.subscribe(events::add);
    assertThat(observer.awaitHealthy(WAIT)).as("observer healthy").isTrue();
    return observer;
  }

  /** GIM 100.0.116+2900 at revision 3 after two earlier releases, migrated and transformed; GSP and GCA deployed. */
  private void installAll(String gimNs, String gspNs, String gcaNs) {
    world.resource(HelmRecords.revision("gim", 1).in(gimNs).chart("gim", "100.0.114+2700").status("superseded")
        .deployedAt(Instant.parse("2026-11-01T09:00:00Z")).secret()).create();
    world.resource(HelmRecords.revision("gim", 2).in(gimNs).chart("gim", "100.0.115+2800").status("superseded")
        .deployedAt(Instant.parse("2026-11-02T09:00:00Z")).description("Upgrade complete").secret()).create();
    world.resource(HelmRecords.revision("gim", 3).in(gimNs).chart("gim", "100.0.116+2900").status("deployed")
        .deployedAt(Instant.parse("2026-11-03T09:00:00Z")).description("Upgrade complete").secret()).create();
    world.resource(HelmRecords.revision("gim-monitoring", 1).in(gimNs).chart("gim-monitoring", "100.0.116+2900")
        .secret()).create();
    world.resource(deployment(gimNs, "gim", "gim", "100.0.116+2900", 1, 1)).create();
    readyPod(gimNs, "gim-6d9f7c5b4-x2k8p", "gim", "gim", "100.0.116+2900");

    world.resource(HelmRecords.revision("gsp", 1).in(gspNs).chart("gsp", "100.0.100+1400").secret()).create();
    world.resource(statefulSet(gspNs, "gsp", "gsp", "100.0.100+1400", 2, 2)).create();
    readyPod(gspNs, "gsp-0", "gsp", "gsp", "100.0.100+1400");
    readyPod(gspNs, "gsp-1", "gsp", "gsp", "100.0.100+1400");

    world.resource(HelmRecords.revision("gca", 1).in(gcaNs).chart("gca", "100.0.100+2300").secret()).create();
    world.resource(deployment(gcaNs, "gca", "gca", "100.0.100+2300", 1, 1)).create();
    readyPod(gcaNs, "gca-7f8b9c6d5-abcde", "gca", "gca", "100.0.100+2300");
  }

  private Pod readyPod(String ns, String name, String release, String chart, String version) {
    Pod p = world.resource(pod(ns, name, release, chart, version)).create();
    return world.resource(new PodBuilder(p).withStatus(ready(p)).build()).updateStatus();
  }

  private void assertStandardState(ClusterSnapshot snap) {
    assertThat(snap.unreliable()).isEmpty();
    ServiceState gim = snap.service(ServiceKind.GIM);
    assertThat(gim.installed()).isTrue();
    assertThat(gim.helmStatus()).isEqualTo(HelmStatus.DEPLOYED);
    assertThat(gim.revision()).isEqualTo(3);
    assertThat(gim.deployedVersion()).contains(Version.parse("100.0.116+2900"));
    assertThat(gim.history()).extracting(RevisionRecord::revision, RevisionRecord::status).containsExactly(
        org.assertj.core.groups.Tuple.tuple(1, HelmStatus.SUPERSEDED),
        org.assertj.core.groups.Tuple.tuple(2, HelmStatus.SUPERSEDED),
        org.assertj.core.groups.Tuple.tuple(3, HelmStatus.DEPLOYED));
    assertThat(gim.desiredReplicas()).isEqualTo(1);
    assertThat(gim.readyReplicas()).isEqualTo(1);
    assertThat(gim.pods()).singleElement().satisfies(p -> {
      assertThat(p.name()).isEqualTo("gim-6d9f7c5b4-x2k8p");
      assertThat(p.phase()).isEqualTo(PodPhase.RUNNING);
      assertThat(p.ready()).isTrue();
      assertThat(p.waitingReason()).isEmpty();
      assertThat(p.pendingSince()).isEmpty();
      assertThat(p.version()).contains(Version.parse("100.0.116+2900"));
    });
    // GIM migrates and transforms inside its pod: the cluster cannot tell the migration.
    assertThat(gim.migration()).isEqualTo(MigrationState.UNKNOWN);
    assertThat(gim.metrics()).isEqualTo(MetricPresence.UNKNOWN);
    assertThat(gim.backlog()).isEmpty();

    ServiceState gsp = snap.service(ServiceKind.GSP);
    assertThat(gsp.deployedVersion()).contains(Version.parse("100.0.100+1400"));
    assertThat(gsp.desiredReplicas()).isEqualTo(2);
    assertThat(gsp.readyReplicas()).isEqualTo(2);
    assertThat(gsp.pods()).extracting(PodState::name).containsExactly("gsp-0", "gsp-1");

    ServiceState gca = snap.service(ServiceKind.GCA);
    assertThat(gca.deployedVersion()).contains(Version.parse("100.0.100+2300"));
    assertThat(gca.pods()).hasSize(1);
    assertThat(snap.thirdParty()).isEmpty();
  }

  @Test
  @DisplayName("snapshot per service, each in its own namespace: release, history, replicas, pods")
  void snapshotPerService() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));

    assertStandardState(observer.snapshot());
    assertThat(observer.releases().get(ServiceKind.GIM).appVersion()).contains("100.0.116");
    assertThat(events).singleElement().isInstanceOf(ObserverHealthy.class);
  }

  @Test
  @DisplayName("snapshot of an environment whose services share one namespace, beside the monitoring charts")
  void sharedNamespace() throws Exception {
    installAll("genesys", "genesys", "genesys");
    observe(Environment.standard("staging", "kind-staging", false).inSharedNamespace("genesys"));

    assertStandardState(observer.snapshot());
  }

  @Test
  @DisplayName("a service with no Helm release is not installed; its stray pods are still shown")
  void notInstalled() throws Exception {
    world.resource(deployment("gca", "gca", "gca", "100.0.100+2300", 1, 0)).create();
    observe(Environment.standard("dev", "kind-dev", false));

    ServiceState gca = observer.snapshot().service(ServiceKind.GCA);
    assertThat(gca.installed()).isFalse();
    assertThat(gca.helmStatus()).isEqualTo(HelmStatus.UNINSTALLED);
    assertThat(gca.desiredReplicas()).isEqualTo(1);
    assertThat(observer.snapshot().unreliable()).isEmpty();
  }

  @Test
  @DisplayName("events: a new pod is Pending, then ImagePullBackOff once (however often it flips to ErrImagePull)")
  void imagePullBackOffEvents() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));

    Pod p = world.resource(pod("gca", "gca-5c4b3a291-zzzzz", "gca", "gca", "100.0.101+2400")).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(e -> {
      assertThat(e).isInstanceOfSatisfying(PodPending.class, pp -> {
        assertThat(pp.service()).isEqualTo(ServiceKind.GCA);
        assertThat(pp.pod()).isEqualTo("gca-5c4b3a291-zzzzz");
        assertThat(pp.namespace()).isEqualTo("gca");
      });
    }));
    assertThat(observer.snapshot().service(ServiceKind.GCA).pods())
        .filteredOn(s -> s.name().equals("gca-5c4b3a291-zzzzz")).singleElement()
        .satisfies(s -> assertThat(s.pendingSince()).isPresent());

    for (String reason : List.of("ErrImagePull", "ImagePullBackOff", "ErrImagePull", "ImagePullBackOff")) {
      p = world.resource(new PodBuilder(p).withStatus(imagePullFailure(p, reason)).build()).updateStatus();
      await().atMost(WAIT).untilAsserted(() -> assertThat(observer.snapshot().service(ServiceKind.GCA).pods())
          .filteredOn(s -> s.name().equals("gca-5c4b3a291-zzzzz")).singleElement()
          .satisfies(s -> assertThat(s.failingReason()).contains(reason)));
    }
    assertThat(events).filteredOn(PodImagePullFailure.class::isInstance).singleElement()
        .isInstanceOfSatisfying(PodImagePullFailure.class, e -> {
          assertThat(e.image()).isEqualTo(Workloads.image("gca", "100.0.101+2400"));
          assertThat(e.summary()).contains("is the image available?");
        });
  }

  @Test
  @DisplayName("events: CrashLoopBackOff once per episode, Ready when the pod recovers")
  void crashLoopAndReadyEvents() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));

    Pod p = world.pods().inNamespace("gsp").withName("gsp-1").get();
    p = world.resource(new PodBuilder(p).withStatus(crashLoop(p, 3)).build()).updateStatus();
    p = world.resource(new PodBuilder(p).withStatus(crashLoop(p, 4)).build()).updateStatus();
    await().atMost(WAIT).until(() -> events.stream().anyMatch(PodCrashLoopBackOff.class::isInstance));
    p = world.resource(new PodBuilder(p).withStatus(crashLoop(p, 5)).build()).updateStatus();
    p = world.resource(new PodBuilder(p).withStatus(ready(p)).build()).updateStatus();
    await().atMost(WAIT).untilAsserted(() -> assertThat(events)
        .filteredOn(e -> e instanceof PodReady r && r.pod().equals("gsp-1")).hasSize(1));
    // One event for the episode, however many restarts it saw (updates close together may coalesce).
    assertThat(events).filteredOn(PodCrashLoopBackOff.class::isInstance).singleElement()
        .isInstanceOfSatisfying(PodCrashLoopBackOff.class, e -> {
          assertThat(e.service()).isEqualTo(ServiceKind.GSP);
          assertThat(e.pod()).isEqualTo("gsp-1");
          assertThat(e.restarts()).isIn(3, 4);
        });
    PodReady readyEvent = (PodReady) events.stream().filter(PodReady.class::isInstance).findFirst().orElseThrow();
    assertThat(readyEvent.version()).contains(Version.parse("100.0.100+1400"));
    assertThat(events.indexOf(readyEvent)).isGreaterThan(events.indexOf(
        events.stream().filter(PodCrashLoopBackOff.class::isInstance).findFirst().orElseThrow()));
  }

  @Test
  @DisplayName("Jobs are not watched: a Job in GIM's namespace (a chart's hook) yields no event; GIM's own signal is its pod turning Ready")
  void jobsAreNotWatchedGimReadinessIs() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));

    world.resource(new JobBuilder().withNewMetadata().withName("gim-pre-upgrade").withNamespace("gim")
        .addToLabels("app.kubernetes.io/instance", "gim").endMetadata()
        .withNewSpec().withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("hook").withImage("busybox").endContainer().endSpec().endTemplate().endSpec()
        .build()).create();
    Pod starting = world.resource(pod("gim", "gim-6d9f7c5b4-new01", "gim", "gim", "100.0.116+2900")).create();
    world.resource(new PodBuilder(starting).withStatus(ready(starting)).build()).updateStatus();
    await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(e ->
        assertThat(e).isInstanceOfSatisfying(PodReady.class, r -> assertThat(r.pod()).isEqualTo("gim-6d9f7c5b4-new01"))));
    assertThat(events).noneSatisfy(e -> assertThat(e.summary()).containsIgnoringCase("job"));
  }

  @Test
  @DisplayName("a helm upgrade stuck in pending-upgrade shows in the snapshot and as a status change with its remedy")
  void stuckPendingUpgrade() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));

    world.resource(HelmRecords.revision("gim", 4).in("gim").chart("gim", "100.0.117+3000").status("pending-upgrade")
        .deployedAt(Instant.parse("2026-11-04T09:00:00Z")).description("Preparing upgrade").secret()).create();
    await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(e ->
        assertThat(e).isInstanceOfSatisfying(ReleaseStatusChanged.class, c -> {
          assertThat(c.fromRevision()).isEqualTo(3);
          assertThat(c.from()).isEqualTo(HelmStatus.DEPLOYED);
          assertThat(c.toRevision()).isEqualTo(4);
          assertThat(c.to()).isEqualTo(HelmStatus.PENDING_UPGRADE);
          assertThat(c.pending()).hasValueSatisfying(p -> assertThat(p.remedy()).contains("helm rollback gim 3 -n gim"));
        })));
    ServiceState gim = observer.snapshot().service(ServiceKind.GIM);
    assertThat(gim.helmStatus()).isEqualTo(HelmStatus.PENDING_UPGRADE);
    assertThat(gim.revision()).isEqualTo(4);
    assertThat(observer.releases().get(ServiceKind.GIM).pending()).isPresent();
  }

  @Test
  @DisplayName("a corrupt old record is reported and leaves the snapshot reliable; a corrupt current one makes it unreliable")
  void corruptSecrets() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));

    world.secrets().inNamespace("gim").withName("sh.helm.release.v1.gim.v2")
        .edit(s -> new SecretBuilder(s).withData(Map.of("release", "H4sIAAAA%%garbage")).build());
    await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(e ->
        assertThat(e).isInstanceOfSatisfying(ReleaseRecordProblem.class, r -> {
          assertThat(r.service()).isEqualTo(ServiceKind.GIM);
          assertThat(r.secret()).isEqualTo("sh.helm.release.v1.gim.v2");
          assertThat(r.problem()).contains("cannot read");
        })));
    assertThat(observer.snapshot().unreliable()).isEmpty();
    assertThat(observer.snapshot().service(ServiceKind.GIM).history()).extracting(RevisionRecord::revision)
        .containsExactly(1, 3);

    world.resource(HelmRecords.revision("gca", 2).in("gca").status("deployed").secretWithBody("bm90IGd6aXA=")).create();
    await().atMost(WAIT).until(() -> observer.snapshot().unreliable().isPresent());
    ClusterSnapshot snap = observer.snapshot();
    assertThat(snap.unreliable().get()).contains("gca", "current revision 2", "cannot be used");
    // The version falls back to what the workload's pods are labelled with.
    assertThat(snap.service(ServiceKind.GCA).deployedVersion()).contains(Version.parse("100.0.100+2300"));
    assertThat(snap.service(ServiceKind.GCA).revision()).isEqualTo(2);
    assertThat(observer.isHealthy()).isTrue();
  }

  @Test
  @DisplayName("a metrics source, when given, fills metric presence, GIM's backlog and the success conditions at snapshot time")
  void metricsSource() throws Exception {
    installAll("gim", "gsp", "gca");
    BacklogSample sample = new BacklogSample(Instant.parse("2026-11-03T10:00:00Z"), 12.5);
    var flink = io.gimops.policies.domain.ConditionReading.of(new io.gimops.policies.domain.SuccessCondition(
        "Flink jobs running", "max(flink_jobmanager_numRunningJobs)", io.gimops.policies.domain.SuccessCondition
            .Comparison.GE, 1), List.of(0.0));
    observer = ClusterObserver.builder(cluster.newClient(), Environment.standard("dev", "kind-dev", false))
        .healthCheckEvery(Duration.ofMillis(50))
        .metrics(new MetricsSource() {
          @Override
          public MetricPresence presence(ServiceKind service) {
            return service == ServiceKind.GCA ? MetricPresence.ABSENT : MetricPresence.PRESENT;
          }

          @Override
          public List<BacklogSample> backlog(ServiceKind service) {
            return List.of(sample);
          }

          @Override
          public List<io.gimops.policies.domain.ConditionReading> conditions(ServiceKind service) {
            return service == ServiceKind.GSP ? List.of(flink) : List.of();
          }
        })
        .start();
    assertThat(observer.awaitHealthy(WAIT)).isTrue();

    ClusterSnapshot snap = observer.snapshot();
    assertThat(snap.service(ServiceKind.GSP).conditions()).containsExactly(flink);
    assertThat(snap.service(ServiceKind.GIM).conditions()).isEmpty();
    assertThat(snap.service(ServiceKind.GIM).metrics()).isEqualTo(MetricPresence.PRESENT);
    assertThat(snap.service(ServiceKind.GIM).backlog()).containsExactly(sample);
    assertThat(snap.service(ServiceKind.GSP).backlog()).isEmpty();
    assertThat(snap.service(ServiceKind.GCA).metrics()).isEqualTo(MetricPresence.ABSENT);
  }

  @Test
  @DisplayName("API server restart: unhealthy and unreliable while down; after it, recovered, with the changes made meanwhile")
  void recoversFromApiServerRestart() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));
    int relistsBefore = observer.relists();

    cluster.stop();
    await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(ObserverUnhealthy.class)));
    assertThat(observer.isHealthy()).isFalse();
    assertThat(observer.snapshot().unreliable()).hasValueSatisfying(r -> assertThat(r).contains("cannot see dev", "watch down"));

    cluster.whileDown(side -> {
      Pod p = side.pods().inNamespace("gim").withName("gim-6d9f7c5b4-x2k8p").get();
      side.resource(new PodBuilder(p).withStatus(imagePullFailure(p, "ImagePullBackOff")).build()).updateStatus();
      side.pods().inNamespace("gca").withName("gca-7f8b9c6d5-abcde").delete();
      side.resource(HelmRecords.revision("gsp", 2).in("gsp").chart("gsp", "100.0.101+1500").status("deployed").secret()).create();
    });
    cluster.restart();

    await().atMost(WAIT).until(observer::isHealthy);
    ClusterSnapshot snap = observer.snapshot();
    assertThat(snap.unreliable()).isEmpty();
    assertThat(snap.service(ServiceKind.GIM).pods()).singleElement()
        .satisfies(p -> assertThat(p.failingReason()).contains("ImagePullBackOff"));
    assertThat(snap.service(ServiceKind.GCA).pods()).isEmpty();
    assertThat(snap.service(ServiceKind.GSP).revision()).isEqualTo(2);
    assertThat(observer.relists()).isGreaterThan(relistsBefore);
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(PodImagePullFailure.class));
    assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ObserverHealthy.class,
        h -> assertThat(h.blindFor()).isPositive()));
    // Blind, then the changes made meanwhile, then sight again.
    int unhealthy = indexOf(ObserverUnhealthy.class);
    int change = indexOf(PodImagePullFailure.class);
    assertThat(change).isGreaterThan(unhealthy);
    assertThat(events.subList(change, events.size())).last().isInstanceOf(ObserverHealthy.class);
  }

  @Test
  @DisplayName("watches dropped by the server: unhealthy past the grace, then relisted and healthy, nothing missed")
  void recoversFromDroppedWatches() throws Exception {
    installAll("gim", "gsp", "gca");
    observe(Environment.standard("dev", "kind-dev", false));
    await().atMost(WAIT).until(() -> cluster.openWatches() == 12);
    observer.close();
    events.clear();
    observer = ClusterObserver.builder(cluster.newClient(), Environment.standard("dev", "kind-dev", false))
        .healthCheckEvery(Duration.ofMillis(20))
        .watchGrace(Duration.ZERO)
        .start();
    observer.subscribe(events::add);
    assertThat(observer.awaitHealthy(WAIT)).isTrue();

    cluster.dropWatches();
    Pod p = world.pods().inNamespace("gsp").withName("gsp-0").get();
    world.resource(new PodBuilder(p).withStatus(crashLoop(p, 1)).build()).updateStatus();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOf(PodCrashLoopBackOff.class));
      List<ClusterEvent> seen = List.copyOf(events);
      int unhealthy = seen.indexOf(seen.stream().filter(ObserverUnhealthy.class::isInstance).findFirst().orElseThrow());
      assertThat(seen.subList(unhealthy, seen.size())).anySatisfy(e -> assertThat(e).isInstanceOf(ObserverHealthy.class));
      assertThat(observer.isHealthy()).isTrue();
    });
    assertThat(observer.relists()).isPositive();
    assertThat(observer.snapshot().unreliable()).isEmpty();
  }

  @Test
  @DisplayName("API server down when the observer starts: unhealthy with the error, then healthy once it answers")
  void apiServerDownAtStart() throws Exception {
    installAll("gim", "gsp", "gca");
    cluster.stop();
    observer = ClusterObserver.builder(cluster.newClient(), Environment.standard("dev", "kind-dev", false))
        .healthCheckEvery(Duration.ofMillis(50))
        .watchGrace(Duration.ofMillis(200))
        .start();
    observer.subscribe(events::add);

    await().atMost(WAIT).untilAsserted(() -> assertThat(events).anySatisfy(e ->
        assertThat(e).isInstanceOfSatisfying(ObserverUnhealthy.class, u -> assertThat(u.reason())
            .contains("all 12 watches", "not listed yet", "the API server does not answer"))));
    assertThat(observer.snapshot().unreliable()).isPresent();
    assertThat(observer.snapshot().services()).isEmpty();

    cluster.restart();
    assertThat(observer.awaitHealthy(WAIT)).isTrue();
    assertStandardState(observer.snapshot());
  }

  private int indexOf(Class<? extends ClusterEvent> type) {
    for (int i = 0; i < events.size(); i++) {
      if (type.isInstance(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}
