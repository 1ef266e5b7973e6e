package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** GIM's Jobs, as the vendor's page describes them. */
class GimJobsTest extends ClusterTest {

  private static final String V1 = "100.0.114+2700";
  private static final String V2 = "100.0.116+2900";

  @Test
  void gimReportsReadyOnlyAfterItsFirstTransformationJobCompleted() {
    // "The GIM service does not report the Ready state until the first post-upgrade
    // transformation job has completed successfully."
    create(Charts.gim(ns, V1, false));

    eventually().until(() -> readyPods().size() == 1);

    Pod pod = onlyPod();
    String podName = pod.getMetadata().getName();
    assertThat(jobs(Labels.MIGRATION)).isEmpty();
    Job transformation = onlyJob(Labels.TRANSFORMATION);
    assertThat(transformation.getMetadata().getName()).isEqualTo(podName + "-transformation");
    assertThat(transformation.getMetadata().getLabels())
        .containsEntry(Labels.JOB, "transformation")
        .containsEntry(Labels.INSTANCE, "gim")
        .containsEntry(Labels.NAME, "gim")
        .containsEntry(Labels.CHART, Charts.chartLabel("gim", V1));
    assertThat(transformation.getMetadata().getAnnotations()).containsEntry(Labels.LAUNCHED_BY, podName);
    assertThat(transformation.getMetadata().getOwnerReferences()).singleElement()
        .extracting(OwnerReference::getKind, OwnerReference::getName).containsExactly("Deployment", "gim");
    assertThat(transformation.getStatus()).satisfies(s -> {
      assertThat(s.getStartTime()).isNotNull();
      assertThat(s.getCompletionTime()).isNotNull();
      assertThat(s.getSucceeded()).isEqualTo(1);
      assertThat(s.getFailed()).isNull();
      assertThat(s.getConditions()).extracting(JobCondition::getType, JobCondition::getStatus)
          .contains(org.assertj.core.groups.Tuple.tuple("Complete", "True"));
    });

    assertThat(recorder.pod(podName)).as("Running but not Ready while the Job ran")
        .anyMatch(p -> isRunning(p) && !PodStatuses.isReady(p));
    assertThat(firstEvent(e -> isJobDone(e, transformation.getMetadata().getName())))
        .isLessThan(firstEvent(e -> isReadyPod(e, podName)));
  }

  @Test
  void aSchemaChangeRunsTheMigrationJobFirst() {
    // "If database migration is required, the upgraded GIM service automatically launches the
    // migration job."
    create(Charts.gim(ns, V2, true));

    eventually().until(() -> readyPods().size() == 1);

    String podName = onlyPod().getMetadata().getName();
    Job migration = onlyJob(Labels.MIGRATION);
    assertThat(migration.getMetadata().getName()).isEqualTo(podName + "-migration");
    assertThat(migration.getMetadata().getLabels()).containsEntry(Labels.CHART, Charts.chartLabel("gim", V2));
    assertThat(JobStatuses.succeeded(migration)).isTrue();
    String transformation = onlyJob(Labels.TRANSFORMATION).getMetadata().getName();

    int migrationDone = firstEvent(e -> isJobDone(e, migration.getMetadata().getName()));
    int transformationStarted = firstEvent(e -> e.name().equals(transformation));
    int transformationDone = firstEvent(e -> isJobDone(e, transformation));
    int ready = firstEvent(e -> isReadyPod(e, podName));
    assertThat(firstEvent(e -> e.name().equals(migration.getMetadata().getName()))).isLessThan(migrationDone);
    assertThat(migrationDone).isLessThan(transformationStarted);
    assertThat(transformationDone).isLessThan(ready);
  }

  @Test
  void anUpgradeWithASchemaChangeKeepsTheOldGimServingUntilTheNewOneIsReady() {
    create(Charts.gim(ns, V1, false));
    eventually().until(() -> readyPods().size() == 1);

    changeTemplate("gim", "gim", V2, Map.of(Labels.SCHEMA_CHANGE, "true"));

    eventually().until(() -> pods().size() == 1 && PodStatuses.isReady(onlyPod())
        && Charts.chartLabel("gim", V2).equals(onlyPod().getMetadata().getLabels().get(Labels.CHART)));
    assertThat(jobs(Labels.MIGRATION)).singleElement().satisfies(j -> assertThat(JobStatuses.succeeded(j)).isTrue());
    assertThat(jobs(Labels.TRANSFORMATION)).hasSize(2);
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
    Job failed = onlyJob(Labels.MIGRATION);
    assertThat(failed.getStatus()).satisfies(s -> {
      assertThat(s.getFailed()).isEqualTo(1);
      assertThat(s.getSucceeded()).isNull();
      assertThat(s.getCompletionTime()).isNull();
      assertThat(s.getConditions()).extracting(JobCondition::getType, JobCondition::getStatus, JobCondition::getReason)
          .contains(org.assertj.core.groups.Tuple.tuple("Failed", "True", "BackoffLimitExceeded"));
    });
    assertThat(onlyJob(Labels.TRANSFORMATION).getStatus().getSucceeded()).isEqualTo(1);

    // Restarted while the cause persists: the migration runs again, fails again, GIM still Ready.
    String first = restartGimPod();
    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(first));
    assertThat(jobs(Labels.MIGRATION)).hasSize(2).allSatisfy(j -> assertThat(JobStatuses.failed(j)).isTrue());

    // The transitory condition is gone: the next restart completes the migration.
    controller.clear(ServiceKind.GIM, Version.parse(V2), Failure.MIGRATION_FAILS);
    String second = restartGimPod();
    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(second));
    String third = onlyPod().getMetadata().getName();
    assertThat(jobs(Labels.MIGRATION)).hasSize(3)
        .filteredOn(JobStatuses::succeeded).singleElement()
        .satisfies(j -> assertThat(j.getMetadata().getAnnotations()).containsEntry(Labels.LAUNCHED_BY, third));
  }

  @Test
  void aMigratedDatabaseIsNotMigratedAgainOnRestart() {
    create(Charts.gim(ns, V2, true));
    eventually().until(() -> readyPods().size() == 1);

    String first = restartGimPod();

    eventually().until(() -> readyPods().size() == 1 && !onlyPod().getMetadata().getName().equals(first));
    assertThat(jobs(Labels.MIGRATION)).hasSize(1);
    assertThat(jobs(Labels.TRANSFORMATION)).hasSize(2);
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
  void uninstallingGimDeletesItsPodsAndJobs() {
    create(Charts.gim(ns, V2, true));
    eventually().until(() -> readyPods().size() == 1);

    client.apps().deployments().inNamespace(ns).withName("gim").delete();

    eventually().until(() -> pods().isEmpty() && jobs().isEmpty());
  }

  private String restartGimPod() {
    String name = onlyPod().getMetadata().getName();
    client.pods().inNamespace(ns).withName(name).delete();
    return name;
  }

  private Job onlyJob(String kind) {
    List<Job> jobs = jobs(kind);
    assertThat(jobs).as(kind + " jobs").hasSize(1);
    return jobs.get(0);
  }

  private Job job(String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  private int firstEvent(Predicate<Recorder.Event> p) {
    List<Recorder.Event> events = recorder.events();
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such event among " + events.size());
  }

  private static boolean isJobDone(Recorder.Event e, String name) {
    return e.object() instanceof Job && e.name().equals(name) && JobStatuses.finished((Job) e.object());
  }

  private static boolean isReadyPod(Recorder.Event e, String name) {
    return e.isPod() && e.name().equals(name) && PodStatuses.isReady((Pod) e.object());
  }
}
