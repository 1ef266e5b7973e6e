package io.gimops.policies.domain;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The state of one environment at one instant: each service, and the third-party dependencies.
 *
 * @param unreliable why this snapshot cannot be trusted (a watch is down, the API server is not
 *     answering), if it cannot: rules that need the cluster's health then refuse instead of acting
 *     on stale state
 */
public record ClusterSnapshot(
    Instant takenAt,
    Map<ServiceKind, ServiceState> services,
    Map<ThirdParty, ThirdPartyState> thirdParty,
    Optional<String> unreliable) {

  public ClusterSnapshot {
    Objects.requireNonNull(takenAt, "takenAt");
    Map<ServiceKind, ServiceState> s = new EnumMap<>(ServiceKind.class);
    services.forEach((k, v) -> {
      if (v.kind() != k) {
        throw new IllegalArgumentException("state for " + k + " describes " + v.kind());
      }
      s.put(k, v);
    });
    services = s.isEmpty() ? Map.of() : Map.copyOf(s);
    Map<ThirdParty, ThirdPartyState> t = new EnumMap<>(ThirdParty.class);
    thirdParty.forEach(t::put);
    thirdParty = t.isEmpty() ? Map.of() : Map.copyOf(t);
    Objects.requireNonNull(unreliable, "unreliable");
  }

  /** The state of a service; a service the snapshot does not mention is not installed. */
  public ServiceState service(ServiceKind kind) {
    return services.getOrDefault(kind, ServiceState.notInstalled(kind));
  }

  /** What is known of a dependency; one the snapshot does not mention is unknown. */
  public ThirdPartyState thirdParty(ThirdParty dependency) {
    return thirdParty.getOrDefault(dependency, ThirdPartyState.unknown(dependency));
  }

  public ClusterSnapshot with(ServiceState state) {
    Map<ServiceKind, ServiceState> s = new EnumMap<>(ServiceKind.class);
    s.putAll(services);
    s.put(state.kind(), state);
    return new ClusterSnapshot(takenAt, s, thirdParty, unreliable);
  }

  public ClusterSnapshot with(ThirdPartyState state) {
    Map<ThirdParty, ThirdPartyState> t = new EnumMap<>(ThirdParty.class);
    t.putAll(thirdParty);
    t.put(state.dependency(), state);
    return new ClusterSnapshot(takenAt, services, t, unreliable);
  }

  public ClusterSnapshot markedUnreliable(String why) {
    return new ClusterSnapshot(takenAt, services, thirdParty, Optional.of(why));
  }
}
