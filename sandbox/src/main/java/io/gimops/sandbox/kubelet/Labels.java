package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.util.Map;
import java.util.Optional;

/** The labels and annotations of the sandbox contract (sandbox/README.md) and of Kubernetes. */
final class Labels {

  static final String NAME = "app.kubernetes.io/name";
  static final String INSTANCE = "app.kubernetes.io/instance";
  static final String CHART = "helm.sh/chart";
  /** On GIM's pod template, from the sample chart's values: this version changes the schema. */
  static final String SCHEMA_CHANGE = "gimops.io/schema-change";

  static final String POD_TEMPLATE_HASH = "pod-template-hash";
  static final String CONTROLLER_REVISION_HASH = "controller-revision-hash";
  static final String STATEFULSET_POD_NAME = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX = "apps.kubernetes.io/pod-index";
  static final String REVISION = "deployment.kubernetes.io/revision";

  private Labels() {}

  static String label(HasMetadata o, String key) {
    Map<String, String> labels = o.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  static String annotation(HasMetadata o, String key) {
    Map<String, String> annotations = o.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  /** The service an object belongs to, from {@code app.kubernetes.io/name}. */
  static Optional<ServiceKind> service(HasMetadata o) {
    String name = label(o, NAME);
    return name == null ? Optional.empty() : ServiceKind.fromName(name);
  }

  static boolean isGim(HasMetadata o) {
    return service(o).filter(ServiceKind.GIM::equals).isPresent();
  }

  /**
   * The version in {@code helm.sh/chart}, which Helm writes {@code <chart>-<version>} with
   * {@code +} written {@code _}. Chart names may hold dashes ({@code gim-monitoring}), versions
   * may not, so the version is the first dash-separated suffix that parses.
   */
  static Optional<Version> version(HasMetadata o) {
    String chart = label(o, CHART);
    if (chart == null) {
      return Optional.empty();
    }
    for (int dash = chart.indexOf('-'); dash >= 0; dash = chart.indexOf('-', dash + 1)) {
      String candidate = chart.substring(dash + 1).replace('_', '+');
      if (Version.isValid(candidate)) {
        return Optional.of(Version.parse(candidate));
      }
    }
    return Optional.empty();
  }

  /** The service and version failures are injected for, when the object names both. */
  static Optional<Target> target(HasMetadata o) {
    return service(o).flatMap(s -> version(o).map(v -> new Target(s, v)));
  }

  /** A service at one version: what a failure is injected for. */
  record Target(ServiceKind service, Version version) {}
}
