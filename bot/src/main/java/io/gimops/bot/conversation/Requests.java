package io.gimops.bot.conversation;

import io.gimops.bot.command.Command;
import io.gimops.policies.decision.Action;
import io.gimops.policies.decision.LifecycleRequest;
import java.util.Optional;
import java.util.OptionalInt;

/** What a parsed command asks of the policy engine. */
public final class Requests {

  private Requests() {}

  /**
   * The read a command is, for rule 12 at the front ends' door: {@code status}, {@code releases},
   * {@code history} and {@code ops} view, {@code plan} plans; empty for lifecycle requests (the
   * engine decides those), cancel (the orchestrator's door) and help.
   */
  public static Optional<Action> read(Command c) {
    if (c instanceof Command.Status || c instanceof Command.Releases || c instanceof Command.History
        || c instanceof Command.Ops) {
      return Optional.of(Action.VIEW);
    }
    return c instanceof Command.Plan ? Optional.of(Action.PLAN) : Optional.empty();
  }

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
      if (r.to().isPresent()) {
        return Optional.of(new LifecycleRequest.Reinstall(r.service(), r.to().get(), r.imageTag()));
      }
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
}
