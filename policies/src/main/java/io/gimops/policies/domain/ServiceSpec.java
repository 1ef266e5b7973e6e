package io.gimops.policies.domain;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one service is deployed in one environment: its Helm release, namespace, the extra charts
 * upgraded with it (the monitoring charts), its place in an upgrade cycle and its helm timeout
 * for upgrade and rollback (empty: helm's default of 5 minutes).
 *
 * @param fullname what GSP's {@code gsp.fullname} macro computes; selects GSP's state ConfigMaps
 *     ({@code app=<fullname>}) on a reinstall. It is the release name unless overridden.
 * @param valuesFile the {@code <override>-values.yaml} passed with {@code -f}
 */
public record ServiceSpec(
    ServiceKind kind,
    String releaseName,
    String namespace,
    List<String> extraCharts,
    int cycleOrder,
    Optional<Duration> helmTimeout,
    String fullname,
    String valuesFile) {

  /** Helm's own default timeout, which applies when a service configures none. */
  public static final Duration HELM_DEFAULT_TIMEOUT = Duration.ofMinutes(5);

  public ServiceSpec {
    Objects.requireNonNull(kind, "kind");
    Names.release(releaseName);
    Names.namespace(namespace);
    extraCharts = List.copyOf(extraCharts);
    extraCharts.forEach(Names::release);
    Objects.requireNonNull(helmTimeout, "helmTimeout");
    helmTimeout.ifPresent(t -> {
      if (t.isNegative() || t.isZero()) {
        throw new IllegalArgumentException("helm timeout of " + kind.id() + " must be positive");
      }
    });
    Names.release(fullname);
    Names.valuesFile(valuesFile);
  }

  /** The defaults of the product brief's services table, in the service's own namespace. */
  public static ServiceSpec defaults(ServiceKind kind) {
    return switch (kind) {
      case GIM -> of(kind, List.of("gim-monitoring"), 1, Optional.of(Duration.ofMinutes(15)));
      case GSP -> of(kind, List.of(), 2, Optional.of(Duration.ofMinutes(15)));
      case GCA -> of(kind, List.of("gca-monitoring"), 3, Optional.empty());
    };
  }

  private static ServiceSpec of(ServiceKind k, List<String> extra, int order, Optional<Duration> t) {
    return new ServiceSpec(k, k.id(), k.id(), extra, order, t, k.id(), k.id() + "-values.yaml");
  }

  /** The timeout helm will actually apply: the configured one, else helm's default. */
  public Duration effectiveTimeout() {
    return helmTimeout.orElse(HELM_DEFAULT_TIMEOUT);
  }

  /** The Helm package of a chart at a version: {@code <chart>-<version>.tgz}. */
  public static String packageFile(String chart, Version version) {
    return chart + "-" + version + ".tgz";
  }

  public ServiceSpec inNamespace(String ns) {
    return new ServiceSpec(kind, releaseName, ns, extraCharts, cycleOrder, helmTimeout, fullname, valuesFile);
  }

  public ServiceSpec withHelmTimeout(Optional<Duration> timeout) {
    return new ServiceSpec(kind, releaseName, namespace, extraCharts, cycleOrder, timeout, fullname, valuesFile);
  }

  public ServiceSpec withCycleOrder(int order) {
    return new ServiceSpec(kind, releaseName, namespace, extraCharts, order, helmTimeout, fullname, valuesFile);
  }
}
