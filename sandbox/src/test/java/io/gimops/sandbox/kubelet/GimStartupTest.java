package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GIM's start-up as the vendor's page describes it, run inside the pod as the real GIM runs it. */
class GimStartupTest extends ClusterTest {

  private static final String V1 = "100.0.114+2700";
  private static final String V2 = "100.0.116+2900";

  @Test
  void gimReportsReadyOnlyAfterItsFirstTransformationJobAndNoKubernetesJobShowsIt() {
    // "The GIM service does not report the Ready state until the first post-upgrade
    // transformation job has completed successfully."
    create(Charts.gim(ns, V1, false));

    eventually().until(() -> readyPods().size() == 1);

    String podName = onlyPod().getMetadata().getName();
    assertThat(jobs()).as("GIM runs Job_TransformGIM inside its pod").isEmpty();
    assertThat(history()).singleElement().asString().contains("Job_TransformGIM " + V1 + " COMPLETE");
    assertThat(recorder.pod(podName)).as("Running but not Ready while it transformed")
        .anyMatch(p -> isRunning(p) && !PodStatuses.isReady(p));
  }

  @Test
  void aSchemaChangeMigratesFirstThenTransforms() {
    // "If database migration is required, the upgraded GIM service automatically launches the
    // migration job."
    create(Charts.gim(ns, V2, true));

    eventually().until(() -> readyPods().size() == 1);

    assertThat(jobs()).isEmpty();
    assertThat(history()).hasSize(2);
    assertThat(history().get(0)).contains("Job_MigrateGIM " + V2 + " COMPLETE");
    assertThat(history().get(1)).contains("Job_TransformGIM " + V2 + " COMPLETE");
  }

  @Test
  void anUpgradeWithASchemaChangeKeepsTheOldGimServingUntilTheNewOneIsReady() {
    create(Charts.gim(ns, V1, false));
    eventually().until(() -> readyPods().size() == 1);

    changeTemplate("gim", "gim", V2, Map.of(Labels.SCHEMA_CHANGE, "true"));

    eventually().until(() -> pods().size() == 1 && PodStatuses.isReady(onlyPod())
        && Charts.chartLabel("gim", V2).equals(onlyPod().getMetadata().getLabels().get(Labels.CHART)));
    assertThat(history()).filteredOn(h -> h.contains("Job_MigrateGIM")).singleElement().asString().contains("COMPLETE");
    assertThat(history()).filteredOn(h -> h.contains("Job_TransformGIM")).hasSize(2);
    List<int[]> counts = recorder.podCounts(p -> true);
    int firstReady = 0;
    while (counts.get(firstReady)[1] < 1) {
      firstReady++;
    }
    assertThat(counts.subList(firstReady, counts.size())).allSatisfy(c -> assertThat(c[1]).isPositive());
  }

  @Test
  void aFailedMigrationLeavesGimReadyAndARestartRerunsIt() {
    // "an upgraded or rolled-back GIM service can operate with ... a half-migrated database if the
    // migration job did not complete successfully" ... "Simply restart the GIM pod. The GIM service
    // detects the out-of-date schema and restarts the migration job".
    controller.inject(ServiceKind.GIM, Version.parse(V2), Failure.MIGRATION_FAILS);
    create(Charts.gim(ns, V2, true));

    eventually().until(() -> readyPods().size() == 1);
    assertThat(migrations()).singleElement().asString().contains("FAILED");

    // Restarted while the cause persists: the migration runs again, fails again, GIM still Ready.
    String first = restartGimPod();
    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(first));
    assertThat(migrations()).hasSize(2).allSatisfy(m -> assertThat(m).contains("FAILED"));

    // The transitory condition is gone: the next restart completes the migration.
    controller.clear(ServiceKind.GIM, Version.parse(V2), Failure.MIGRATION_FAILS);
    String second = restartGimPod();
    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(second));
    assertThat(migrations()).hasSize(3).last().asString().contains("COMPLETE");
    assertThat(jobs()).isEmpty();
  }

  @Test
  void aMigrationStoppedHalfwayIsResumedByTheNextPodWithoutClearingAnything() {
    controller.inject(ServiceKind.GIM, Version.parse(V2), Failure.MIGRATION_STOPS_HALFWAY);
    create(Charts.gim(ns, V2, true));
    eventually().until(() -> readyPods().size() == 1);
    assertThat(migrations()).singleElement().asString().contains("FAILED");

    String first = restartGimPod();
    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(first));
    assertThat(migrations()).hasSize(2).last().asString().contains("COMPLETE");
  }

  @Test
  void aMigratedDatabaseIsNotMigratedAgainOnRestart() {
    create(Charts.gim(ns, V2, true));
    eventually().until(() -> readyPods().size() == 1);

    String first = restartGimPod();

    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(first));
    assertThat(migrations()).hasSize(1);
    assertThat(history()).filteredOn(h -> h.contains("Job_TransformGIM")).hasSize(2);
  }

  @Test
  void anyJobInTheNamespaceRunsToCompletion() {
    // A chart's own Job (a Helm hook, say) would otherwise hold helm until its timeout.
    Job hook = client.batch().v1().jobs().inNamespace(ns).resource(new JobBuilder()
        .withNewMetadata().withName("gsp-pre-upgrade").endMetadata()
        .withNewSpec().withBackoffLimit(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
            .addNewContainer().withName("hook").withImage("busybox").endContainer().endSpec().endTemplate()
        .endSpec().build()).create();

    eventually().until(() -> JobStatuses.succeeded(job(hook.getMetadata().getName())));
    assertThat(recorder.job("gsp-pre-upgrade")).anyMatch(j -> j.getStatus() != null
        && Integer.valueOf(1).equals(j.getStatus().getActive()) && j.getStatus().getStartTime() != null);
  }

  @Test
  void uninstallingGimDeletesItsPods() {
    create(Charts.gim(ns, V2, true));
    eventually().until(() -> readyPods().size() == 1);

    client.apps().deployments().inNamespace(ns).withName("gim").delete();

    eventually().until(() -> pods().isEmpty());
  }

  /** This namespace's rows of the Info Mart's ETL history. */
  private List<String> history() {
    return controller.etlHistory().stream().filter(h -> h.startsWith(ns + "/")).toList();
  }

  private List<String> migrations() {
    return history().stream().filter(h -> h.contains("Job_MigrateGIM")).toList();
  }

  private String restartGimPod() {
    String name = onlyPod().getMetadata().getName();
    client.pods().inNamespace(ns).withName(name).delete();
    return name;
  }

  private Job job(String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }
}
