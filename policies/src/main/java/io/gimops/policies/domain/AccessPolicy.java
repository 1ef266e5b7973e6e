package io.gimops.policies.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Access for every environment. A channel's own environment is the one environment that lists
 * it; a channel listed by several environments has none, and commands from it must name one with
 * {@code --env}.
 *
 * @param directMessagesMayRead whether a person with a role may read (status, releases, history,
 *     plans, operations) in a direct message with the bot; nothing is ever changed from one
 */
public record AccessPolicy(Map<String, EnvironmentAccess> environments, boolean directMessagesMayRead) {

  public AccessPolicy {
    environments = Map.copyOf(environments);
  }

  /** Reads only from the environments' channels. */
  public AccessPolicy(Map<String, EnvironmentAccess> environments) {
    this(environments, false);
  }

  public Optional<EnvironmentAccess> of(String environment) {
    return Optional.ofNullable(environments.get(environment));
  }

  /** The environment a channel belongs to, when exactly one environment lists it. */
  public Optional<String> homeEnvironmentOf(String channel) {
    List<String> homes = new TreeMap<>(environments).entrySet().stream()
        .filter(e -> e.getValue().allowsChannel(channel))
        .map(Map.Entry::getKey)
        .toList();
    return homes.size() == 1 ? Optional.of(homes.get(0)) : Optional.empty();
  }

  public Optional<Role> roleOf(Actor actor, String environment) {
    return of(environment).flatMap(a -> a.roleOf(actor));
  }
}
