package io.gimops.bot.conversation;

import io.gimops.bot.command.Command;
import io.gimops.policies.decision.LifecycleRequest;
import java.util.Optional;
import java.util.OptionalInt;

/** What a parsed command asks of the policy engine: the lifecycle request, its environment, its override. */
public final class Requests {

  private Requests() {}

  /** The lifecycle request a command (or the action a plan wraps) stands for; empty for read-only commands. */
  public static Optional<LifecycleRequest> lifecycle(Command c) {
    if (c instanceof Command.Plan p) {
      return lifecycle(p.action());
    }
    if (c instanceof Command.Upgrade u) {
      return Optional.of(new LifecycleRequest.Upgrade(u.service(), u.version(), u.valuesFile(), u.imageTag()));
    }
    if (c instanceof Command.UpgradeAll) {
      return Optional.of(new LifecycleRequest.UpgradeCycle());
    }
    if (c instanceof Command.Rollback r) {
      OptionalInt rev = r.revision();
      return Optional.of(new LifecycleRequest.Rollback(r.service(), rev));
    }
    if (c instanceof Command.Uninstall u) {
      return Optional.of(new LifecycleRequest.Uninstall(u.service(), u.reinstall()));
    }
    if (c instanceof Command.ExportViews) {
      return Optional.of(new LifecycleRequest.UpdateExportViews());
    }
    if (c instanceof Command.RestartGim) {
      return Optional.of(new LifecycleRequest.RestartGimPod());
    }
    return Optional.empty();
  }

  /** The environment a command names with {@code --env}; empty: the channel's own. */
  public static Optional<String> environment(Command c) {
    if (c instanceof Command.Plan p) {
      return environment(p.action());
    }
    if (c instanceof Command.Status s) {
      return s.env();
    }
    if (c instanceof Command.Releases r) {
      return r.env();
    }
    if (c instanceof Command.History h) {
      return h.env();
    }
    if (c instanceof Command.Upgrade u) {
      return u.env();
    }
    if (c instanceof Command.UpgradeAll u) {
      return u.env();
    }
    if (c instanceof Command.Rollback r) {
      return r.env();
    }
    if (c instanceof Command.Uninstall u) {
      return u.env();
    }
    if (c instanceof Command.ExportViews e) {
      return e.env();
    }
    if (c instanceof Command.RestartGim r) {
      return r.env();
    }
    if (c instanceof Command.Ops o) {
      return o.env();
    }
    return Optional.empty();
  }

  /** The admin's written override reason a command carries, if any. */
  public static Optional<String> overrideReason(Command c) {
    if (c instanceof Command.Upgrade u) {
      return u.overrideReason();
    }
    if (c instanceof Command.UpgradeAll u) {
      return u.overrideReason();
    }
    return Optional.empty();
  }
}
