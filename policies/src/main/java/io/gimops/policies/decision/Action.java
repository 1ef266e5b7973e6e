package io.gimops.policies.decision;

import io.gimops.policies.domain.Role;

/** What a command asks to do, as rule 12 grants it: each action needs at least a role. */
public enum Action {
  VIEW(Role.VIEWER),
  PLAN(Role.VIEWER),
  UPGRADE(Role.OPERATOR),
  ROLLBACK(Role.OPERATOR),
  UPDATE_EXPORT_VIEWS(Role.OPERATOR),
  RESTART_POD(Role.OPERATOR),
  CANCEL(Role.OPERATOR),
  UNINSTALL(Role.ADMIN),
  OVERRIDE(Role.ADMIN);

  private final Role minimum;

  Action(Role minimum) {
    this.minimum = minimum;
  }

  public Role minimumRole() {
    return minimum;
  }

  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
