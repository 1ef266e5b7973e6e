package io.gimops.policies.domain;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may act on one environment, and from where: the channels commands for it may come from,
 * and roles granted to users and to user groups. A person's role is the highest granted to them
 * directly or through any of their groups.
 */
public record EnvironmentAccess(
    Set<String> channels, Map<String, Role> users, Map<String, Role> groups) {

  public EnvironmentAccess {
    channels = Set.copyOf(channels);
    users = Map.copyOf(users);
    groups = Map.copyOf(groups);
  }

  public Optional<Role> roleOf(Actor actor) {
    Role best = users.get(actor.userId());
    for (String g : actor.groups()) {
      Role r = groups.get(g);
      if (r != null && (best == null || r.atLeast(best))) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  public boolean allowsChannel(String channel) {
    return channels.contains(channel);
  }
}
