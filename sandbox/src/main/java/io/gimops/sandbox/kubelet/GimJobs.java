package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a starting GIM pod does before it reports Ready, after the vendor's page: "The GIM service
 * does not report the Ready state until the first post-upgrade transformation job has completed
 * successfully", and "If database migration is required, the upgraded GIM service automatically
 * launches the migration job".
 *
 * <ol>
 *   <li>If the pod template says {@code gimops.io/schema-change: "true"}, the database must be
 *       migrated to this version first: a migration Job of this release and chart that succeeded
 *       means it is; one still running is waited for (a restarted pod "picks up from where it left
 *       off"); otherwise the pod launches its own. A migration this pod launched that failed
 *       leaves the database half-migrated, which GIM tolerates: the pod goes on.</li>
 *   <li>Then the pod launches its transformation Job and is Ready once that Job succeeded.</li>
 * </ol>
 *
 * <p>A restarted pod is a new pod: it finds no successful migration and launches a new one, which
 * is how "restart the GIM pod" reruns a failed migration.
 */
final class GimJobs {

  private static final int MAX_NAME = 63;

  private final KubernetesClient client;

  GimJobs(KubernetesClient client) {
    this.client = client;
  }

  /** True once this pod's transformation Job succeeded; launches the Jobs it still needs. */
  boolean transformationDone(Pod pod) {
    String namespace = pod.getMetadata().getNamespace();
    String release = Labels.label(pod, Labels.INSTANCE);
    List<Job> jobs = client.batch().v1().jobs().inNamespace(namespace).list().getItems().stream()
        .filter(j -> Labels.label(j, Labels.JOB) != null)
        .filter(j -> release == null || release.equals(Labels.label(j, Labels.INSTANCE)))
        .collect(Collectors.toList());

    if ("true".equals(Labels.annotation(pod, Labels.SCHEMA_CHANGE)) && !migrated(pod, jobs)) {
      return false;
    }
    String name = jobName(pod, Labels.TRANSFORMATION);
    Optional<Job> transformation = jobs.stream().filter(j -> name.equals(j.getMetadata().getName())).findFirst();
    if (transformation.isEmpty()) {
      launch(pod, Labels.TRANSFORMATION, "Job_TransformGIM");
      return false;
    }
    return JobStatuses.succeeded(transformation.get());
  }

  /** True when the pod may go on: migrated, or its own migration attempt failed (half-migrated). */
  private boolean migrated(Pod pod, List<Job> jobs) {
    String chart = Labels.label(pod, Labels.CHART);
    List<Job> migrations = jobs.stream()
        .filter(j -> Labels.MIGRATION.equals(Labels.label(j, Labels.JOB)))
        .filter(j -> chart == null || chart.equals(Labels.label(j, Labels.CHART)))
        .collect(Collectors.toList());
    if (migrations.stream().anyMatch(JobStatuses::succeeded)) {
      return true;
    }
    if (migrations.stream().anyMatch(j -> !JobStatuses.finished(j))) {
      return false;
    }
    String podName = pod.getMetadata().getName();
    boolean triedHere = migrations.stream().anyMatch(j -> podName.equals(Labels.annotation(j, Labels.LAUNCHED_BY)));
    if (triedHere) {
      return true;
    }
    launch(pod, Labels.MIGRATION, "Job_MigrateGIM");
    return false;
  }

  private void launch(Pod pod, String kind, String gimJob) {
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.JOB, kind);
    labels.put(Labels.NAME, "gim");
    putIfPresent(labels, Labels.INSTANCE, Labels.label(pod, Labels.INSTANCE));
    putIfPresent(labels, Labels.CHART, Labels.label(pod, Labels.CHART));
    String image = pod.getSpec().getContainers().isEmpty() ? null : pod.getSpec().getContainers().get(0).getImage();
    Job job = new JobBuilder()
        .withNewMetadata()
            .withName(jobName(pod, kind))
            .withNamespace(namespace)
            .withLabels(labels)
            .withAnnotations(Map.of(Labels.LAUNCHED_BY, pod.getMetadata().getName()))
            .withOwnerReferences(workloadOf(pod))
        .endMetadata()
        .withNewSpec()
            .withBackoffLimit(0)
            .withCompletions(1)
            .withParallelism(1)
            .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    .addNewContainer()
                        .withName(kind)
                        .withImage(image)
                        .withCommand("./entrypoint.sh")
                        .withArgs("-job", gimJob)
                    .endContainer()
                .endSpec()
            .endTemplate()
        .endSpec()
        .build();
    try {
      client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw e;
      }
    }
  }

  /**
   * The Deployment or StatefulSet the pod belongs to, which owns the Jobs (not the pod: the Jobs
   * outlive a restarted pod, and go when the release is uninstalled).
   */
  private List<OwnerReference> workloadOf(Pod pod) {
    List<OwnerReference> refs = new ArrayList<>();
    Owners.controllerOf(pod).ifPresent(ref -> {
      if ("StatefulSet".equals(ref.getKind())) {
        refs.add(new OwnerReferenceBuilder(ref).withController(false).withBlockOwnerDeletion(null).build());
      } else if ("ReplicaSet".equals(ref.getKind())) {
        ReplicaSet rs = client.apps().replicaSets().inNamespace(pod.getMetadata().getNamespace())
            .withName(ref.getName()).get();
        if (rs != null) {
          Owners.controllerOf(rs).ifPresent(d ->
              refs.add(new OwnerReferenceBuilder(d).withController(false).withBlockOwnerDeletion(null).build()));
        }
      }
    });
    return refs;
  }

  static String jobName(Pod pod, String kind) {
    String base = pod.getMetadata().getName();
    String suffix = "-" + kind;
    if (base.length() + suffix.length() > MAX_NAME) {
      base = base.substring(0, MAX_NAME - suffix.length());
    }
    return base + suffix;
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }
}
