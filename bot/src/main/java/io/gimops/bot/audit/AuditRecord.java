package io.gimops.bot.audit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the audit trail: a decision (allowed or refused, with the rules and reasons), or a
 * change of an operation's state. Rule 12: "every decision, allowed or refused, is audited with
 * its reason".
 *
 * @param kind {@code decision}, {@code state}, {@code prompt}, {@code choice}, {@code notice}
 * @param operation the operation's id, when there is one
 * @param outcome for a decision: allowed, needs-confirmation or refused; for a state change, the
 *     new state
 * @param rules the rules that refused (or, for allowed decisions, every rule that had a say)
 * @param reasons why, in the engine's words
 */
public record AuditRecord(
    Instant at,
    String kind,
    Optional<String> operation,
    String environment,
    String channel,
    String actor,
    String request,
    String outcome,
    Optional<String> from,
    List<String> rules,
    List<String> reasons) {

  public AuditRecord {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(from, "from");
    rules = List.copyOf(rules);
    reasons = List.copyOf(reasons);
  }
}
