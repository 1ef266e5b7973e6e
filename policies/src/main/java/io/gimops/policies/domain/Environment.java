package io.gimops.policies.domain;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One place the services run (dev, staging, prod): a kube context, whether it is production, how
 * each service is deployed there, and the maintenance windows for upgrades (none: any time).
 */
public record Environment(
    String name,
    String kubeContext,
    boolean production,
    Map<ServiceKind, ServiceSpec> services,
    List<MaintenanceWindow> maintenanceWindows) {

  public Environment {
    Names.environment(name);
    Objects.requireNonNull(kubeContext, "kubeContext");
    services = services.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(services));
    services.forEach((k, s) -> {
      if (s.kind() != k) {
        throw new IllegalArgumentException("service spec for " + k + " describes " + s.kind());
      }
    });
    long distinctOrders = services.values().stream().mapToInt(ServiceSpec::cycleOrder).distinct().count();
    if (distinctOrders != services.size()) {
      throw new IllegalArgumentException("each service of " + name + " needs its own place in the cycle order");
    }
    maintenanceWindows = List.copyOf(maintenanceWindows);
  }

  /** GIM, GSP and GCA with the defaults of the product brief, each in its own namespace. */
  public static Environment standard(String name, String kubeContext, boolean production) {
    Map<ServiceKind, ServiceSpec> specs = new EnumMap<>(ServiceKind.class);
    for (ServiceKind k : ServiceKind.values()) {
      specs.put(k, ServiceSpec.defaults(k));
    }
    return new Environment(name, kubeContext, production, specs, List.of());
  }

  /** The same services in one shared namespace, as the vendor's page allows. */
  public Environment inSharedNamespace(String namespace) {
    Map<ServiceKind, ServiceSpec> specs = new EnumMap<>(ServiceKind.class);
    services.forEach((k, s) -> specs.put(k, s.inNamespace(namespace)));
    return new Environment(name, kubeContext, production, specs, maintenanceWindows);
  }

  public Environment withService(ServiceSpec spec) {
    Map<ServiceKind, ServiceSpec> specs = new EnumMap<>(services);
    specs.put(spec.kind(), spec);
    return new Environment(name, kubeContext, production, specs, maintenanceWindows);
  }

  public Environment withMaintenanceWindows(List<MaintenanceWindow> windows) {
    return new Environment(name, kubeContext, production, services, windows);
  }

  public Optional<ServiceSpec> service(ServiceKind kind) {
    return Optional.ofNullable(services.get(kind));
  }

  /** The configured services in the order an upgrade cycle takes them (GIM, GSP, GCA by default). */
  public List<ServiceSpec> inCycleOrder() {
    return services.values().stream().sorted(Comparator.comparingInt(ServiceSpec::cycleOrder)).toList();
  }
}
