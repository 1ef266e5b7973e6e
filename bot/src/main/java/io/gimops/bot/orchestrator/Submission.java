package io.gimops.bot.orchestrator;

import io.gimops.bot.operation.Operation;
import io.gimops.policies.decision.Decision;
import java.util.Optional;

/** What a front end gets back at once for a request, a confirmation or a chosen prompt action. */
public sealed interface Submission {

  /**
   * The operation exists: newly created, confirmed, or found by a repeated idempotency key.
   *
   * @param repeated true when the key was seen before and nothing new happened
   */
  record Accepted(Operation operation, boolean repeated) implements Submission {}

  /**
   * Refused and nothing changed.
   *
   * @param message what to tell the person: which rule or role, and what to do instead
   * @param decision the engine's decision, when the engine refused (not for an unknown operation)
   */
  record Refused(String message, Optional<Decision> decision) implements Submission {}
}
