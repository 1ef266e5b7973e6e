package io.gimops.sandbox.kubelet;

import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.kubelet.Labels.Target;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The failures injected per service and version. Thread-safe: tests call it from their thread. */
final class Injections {

  private final Map<Target, Set<Failure>> failures = new ConcurrentHashMap<>();

  void inject(ServiceKind service, Version version, Failure failure) {
    Objects.requireNonNull(failure, "failure");
    failures.compute(key(service, version), (k, set) -> {
      EnumSet<Failure> next = set == null ? EnumSet.noneOf(Failure.class) : EnumSet.copyOf(set);
      next.add(failure);
      return Set.copyOf(next);
    });
  }

  void clear(ServiceKind service, Version version, Failure failure) {
    Objects.requireNonNull(failure, "failure");
    failures.computeIfPresent(key(service, version), (k, set) -> {
      EnumSet<Failure> next = EnumSet.copyOf(set);
      next.remove(failure);
      return next.isEmpty() ? null : Set.copyOf(next);
    });
  }

  void clear(ServiceKind service, Version version) {
    failures.remove(key(service, version));
  }

  void clearAll() {
    failures.clear();
  }

  Set<Failure> get(ServiceKind service, Version version) {
    return failures.getOrDefault(key(service, version), Set.of());
  }

  Set<Failure> get(Optional<Target> target) {
    return target.map(t -> failures.getOrDefault(t, Set.of())).orElse(Set.of());
  }

  boolean has(Optional<Target> target, Failure failure) {
    return get(target).contains(failure);
  }

  private static Target key(ServiceKind service, Version version) {
    return new Target(Objects.requireNonNull(service, "service"), Objects.requireNonNull(version, "version"));
  }
}
