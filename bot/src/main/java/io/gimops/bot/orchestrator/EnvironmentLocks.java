package io.gimops.bot.orchestrator;

import java.util.Optional;

/**
 * Rule 4's lock: one lifecycle operation at a time per environment, across bot replicas and
 * restarts. Held by an operation (not by a process), so an operation resumed after a restart
 * still holds it. Implementations block.
 */
public interface EnvironmentLocks {

  /**
   * Takes the environment's lock for the operation.
   *
   * @return empty when the operation now holds it (or already did); else the id of the
   *     operation that holds it
   */
  Optional<String> acquire(String environment, String operationId, String summary);

  /** Lets go of the lock if the operation holds it. */
  void release(String environment, String operationId);

  /** The operation holding the environment's lock, if any. */
  Optional<String> holder(String environment);
}
