package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Workloads as the sample charts render them (sandbox/README.md): GIM and GCA as Deployments,
 * GSP as a StatefulSet, the pod template labelled with the chart, release, fullname and
 * {@code helm.sh/chart}, GIM's template annotated {@code gimops.io/schema-change}.
 */
final class Charts {

  static final String REPOSITORY = "pureengage-docker-staging.jfrog.io/gim";

  private Charts() {}

  static Deployment gim(String namespace, String version, boolean schemaChange) {
    return deployment(namespace, "gim", "gim", version, 1, Map.of(Labels.SCHEMA_CHANGE, Boolean.toString(schemaChange)));
  }

  static Deployment gca(String namespace, String version, int replicas) {
    return deployment(namespace, "gca", "gca", version, replicas, Map.of());
  }

  static StatefulSet gsp(String namespace, String version, int replicas) {
    return new StatefulSetBuilder()
        .withNewMetadata()
            .withName("gsp").withNamespace(namespace).withLabels(labels("gsp", "gsp", version))
            .withAnnotations(helmAnnotations("gsp", namespace))
        .endMetadata()
        .withNewSpec()
            .withReplicas(replicas)
            .withServiceName("gsp")
            .withNewSelector().withMatchLabels(selector("gsp", "gsp")).endSelector()
            .withTemplate(template("gsp", "gsp", version, Map.of()))
        .endSpec()
        .build();
  }

  static Deployment deployment(String namespace, String release, String chart, String version, int replicas,
      Map<String, String> annotations) {
    return new DeploymentBuilder()
        .withNewMetadata()
            .withName(release).withNamespace(namespace).withLabels(labels(chart, release, version))
            .withAnnotations(helmAnnotations(release, namespace))
        .endMetadata()
        .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector().withMatchLabels(selector(chart, release)).endSelector()
            .withTemplate(template(chart, release, version, annotations))
        .endSpec()
        .build();
  }

  /** The pod template of {@code chart} at {@code version}: what helm upgrade and rollback change. */
  static PodTemplateSpec template(String chart, String release, String version, Map<String, String> annotations) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata().withLabels(labels(chart, release, version)).withAnnotations(annotations).endMetadata()
        .withNewSpec()
            .addNewContainer()
                .withName(chart)
                .withImage(REPOSITORY + "/" + chart + ":" + version.replace('+', '.'))
                .addNewPort().withName("http").withContainerPort(8080).endPort()
            .endContainer()
        .endSpec()
        .build();
  }

  static String chartLabel(String chart, String version) {
    return chart + "-" + version.replace('+', '_');
  }

  private static Map<String, String> labels(String chart, String release, String version) {
    Map<String, String> labels = new LinkedHashMap<>(selector(chart, release));
    labels.put("app", release);
    labels.put(Labels.CHART, chartLabel(chart, version));
    labels.put("app.kubernetes.io/managed-by", "Helm");
    return labels;
  }

  private static Map<String, String> selector(String chart, String release) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.NAME, chart);
    labels.put(Labels.INSTANCE, release);
    return labels;
  }

  private static Map<String, String> helmAnnotations(String release, String namespace) {
    return Map.of("meta.helm.sh/release-name", release, "meta.helm.sh/release-namespace", namespace);
  }
}
