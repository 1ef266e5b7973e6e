package io.gimops.bot.operation;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a lifecycle operation stands. An operation is created once the policy engine has decided
 * on a request and did not refuse it; from there it moves only along the arrows below, and every
 * move is journaled and audited.
 *
 * <pre>
 * REQUESTED -> DECIDED -> AWAITING_CONFIRMATION -> RUNNING <-> VERIFYING -> SUCCEEDED
 *                  \               |    \             |            |    \--> FAILED -> ROLLED_BACK
 *                   \-> REFUSED <--/     \-> CANCELLED <-----------/
 * </pre>
 */
public enum OperationState {
  REQUESTED,
  DECIDED,
  AWAITING_CONFIRMATION,
  RUNNING,
  VERIFYING,
  SUCCEEDED,
  FAILED,
  ROLLED_BACK,
  CANCELLED,
  REFUSED;

  /** True once nothing more happens (a failed operation may still be marked rolled back). */
  public boolean ended() {
    return this == SUCCEEDED || this == FAILED || this == ROLLED_BACK || this == CANCELLED || this == REFUSED;
  }

  /** True while the operation changes the cluster: what rule 4 counts. */
  public boolean executing() {
    return this == RUNNING || this == VERIFYING;
  }

  public boolean canMoveTo(OperationState next) {
    return next(this).contains(next);
  }

  private static Set<OperationState> next(OperationState s) {
    switch (s) {
      case REQUESTED:
        return EnumSet.of(DECIDED, REFUSED);
      case DECIDED:
        return EnumSet.of(AWAITING_CONFIRMATION, RUNNING, REFUSED, CANCELLED);
      case AWAITING_CONFIRMATION:
        return EnumSet.of(RUNNING, REFUSED, CANCELLED);
      case RUNNING:
        return EnumSet.of(VERIFYING, SUCCEEDED, FAILED, CANCELLED);
      case VERIFYING:
        return EnumSet.of(RUNNING, SUCCEEDED, FAILED, CANCELLED);
      case FAILED:
        return EnumSet.of(ROLLED_BACK);
      default:
        return EnumSet.noneOf(OperationState.class);
    }
  }

  /** Lower case, for people and the journal's labels. */
  public String id() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
