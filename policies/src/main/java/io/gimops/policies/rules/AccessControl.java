package io.gimops.policies.rules;

import io.gimops.policies.decision.Action;
import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.EnvironmentAccess;
import io.gimops.policies.domain.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Rule 12: roles per environment, from users or user groups; commands only from the channels
 * allowed for the environment. Every check yields a finding, allowed or not, so the audit trail
 * carries the reason either way.
 */
public final class AccessControl {

  private AccessControl() {}

  /** May this actor, in this channel, take this action on this environment? */
  public static Finding check(AccessPolicy access, Actor actor, String channel, String env, Action action) {
    Optional<EnvironmentAccess> ea = access.of(env);
    if (ea.isEmpty()) {
      return Finding.fail(Rule.R12_ACCESS, "environment " + env
          + " has no access configuration, so nobody may act on it: ask an admin to configure it");
    }
    if (!ea.get().allowsChannel(channel)) {
      return Finding.fail(Rule.R12_ACCESS, "commands for " + env + " are not accepted in channel "
          + channel + ": use " + allowedChannels(ea.get()));
    }
    Optional<Role> role = ea.get().roleOf(actor);
    if (role.isEmpty()) {
      return Finding.fail(Rule.R12_ACCESS, actor.displayName() + " has no role in " + env
          + ": ask an admin of " + env + " for the " + action.minimumRole().id() + " role");
    }
    if (!role.get().atLeast(action.minimumRole())) {
      return Finding.fail(Rule.R12_ACCESS, action.id() + " in " + env + " needs the "
          + action.minimumRole().id() + " role; " + actor.displayName() + " is "
          + role.get().id() + ": ask someone with that role");
    }
    return Finding.pass(Rule.R12_ACCESS, actor.displayName() + " is " + role.get().id() + " in "
        + env + "; " + action.id() + " needs " + action.minimumRole().id());
  }

  /** Where to ask instead: the environment's channels. */
  private static String allowedChannels(EnvironmentAccess ea) {
    return ea.channels().isEmpty() ? "a channel an admin allows for it"
        : "one of " + String.join(", ", ea.channels().stream().sorted().toList());
  }

  /**
   * Rule 12 at a door that reads: {@code status}, {@code releases}, {@code history}, {@code ops},
   * {@code plan}. A role (viewer or above) in the environment, asked from one of its channels, or
   * from a direct message with the bot when the policy lets direct messages read.
   *
   * @param directMessage whether {@code channel} is a direct message with the bot
   */
  public static Finding checkRead(AccessPolicy access, Actor actor, String channel, boolean directMessage,
      String env, Action action) {
    if (action.minimumRole() != Role.VIEWER) {
      throw new IllegalArgumentException(action.id() + " is not a read: decide it as a request");
    }
    Optional<EnvironmentAccess> ea = access.of(env);
    if (directMessage && ea.isPresent() && !ea.get().allowsChannel(channel)) {
      if (!access.directMessagesMayRead()) {
        return Finding.fail(Rule.R12_ACCESS, action.id() + " of " + env + " is not answered in direct messages: "
            + "ask in " + allowedChannels(ea.get()));
      }
      Optional<Role> role = ea.get().roleOf(actor);
      if (role.isEmpty()) {
        return Finding.fail(Rule.R12_ACCESS, actor.displayName() + " has no role in " + env
            + ": ask an admin of " + env + " for the viewer role");
      }
      return Finding.pass(Rule.R12_ACCESS, actor.displayName() + " is " + role.get().id() + " in " + env
          + "; " + action.id() + " needs viewer, and direct messages may read");
    }
    return check(access, actor, channel, env, action);
  }

  /**
   * Rule 12 for a decision: the requester's action, an admin's override, and whoever confirms
   * it on their behalf.
   */
  public static List<Finding> check(DecisionInput in) {
    String env = in.environment().name();
    List<Finding> f = new ArrayList<>();
    f.add(check(in.access(), in.actor(), in.channel(), env, in.request().action()));
    if (in.overrideReason().isPresent()) {
      f.add(check(in.access(), in.actor(), in.channel(), env, Action.OVERRIDE));
    }
    in.confirmations().confirmedBy()
        .filter(c -> !c.userId().equals(in.actor().userId()))
        .ifPresent(c -> {
          Finding confirmer = check(in.access(), c, in.channel(), env, in.request().action());
          f.add(confirmer.refuses()
              ? Finding.fail(Rule.R12_ACCESS, "the confirmation does not count: " + confirmer.message())
              : confirmer);
        });
    return f;
  }
}
