package io.gimops.bot.operation;

import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.Actor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;

/**
 * A lifecycle operation as the journal keeps it: the request and who made it, the policy
 * engine's findings, the plan with what happened to each step, and where it stands. Immutable:
 * each change makes a new value, which the orchestrator journals before acting on it.
 *
 * @param key the idempotency key of the request that created it (a repeated key finds this)
 * @param findings the findings of the latest decision (at confirmation, the engine decides again)
 * @param pending what must still be confirmed
 * @param confirmations the confirmations given so far (who confirmed, the typed name, the second
 *     approver), kept across the steps of a confirmation
 * @param cancelledBy who asked to cancel; the operation stops at the next safe point
 * @param outcome the last word for people: why it ended, or what it waits for
 * @param prompts the open questions, oldest first, at most one of each {@link Prompt.Kind}: each is
 *     answered or dismissed on its own (export views offered after GIM verified stay open when GSP's
 *     rollback prompt arrives)
 * @param remedyFor the operation this one remedies (an action chosen from one of its prompts)
 * @param posted what the chat front ends posted about it, by kind (its confirmation, its progress
 *     message, its final report), as {@code <channel> <ts>}: after a restart the story goes on in
 *     the same messages, and a final report is sent once
 */
public record Operation(
    String id,
    String key,
    String environment,
    String channel,
    Actor requestedBy,
    LifecycleRequest request,
    OperationState state,
    Optional<String> overrideReason,
    List<Finding> findings,
    List<PendingConfirmation> pending,
    Confirmations confirmations,
    List<StepRecord> steps,
    Instant createdAt,
    Instant updatedAt,
    Optional<Actor> cancelledBy,
    Optional<String> outcome,
    List<Prompt> prompts,
    Optional<String> remedyFor,
    java.util.Map<String, String> posted) {

  public Operation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(requestedBy, "requestedBy");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(overrideReason, "overrideReason");
    findings = List.copyOf(findings);
    pending = List.copyOf(pending);
    Objects.requireNonNull(confirmations, "confirmations");
    steps = List.copyOf(steps);
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(cancelledBy, "cancelledBy");
    Objects.requireNonNull(outcome, "outcome");
    prompts = prompts == null ? List.of() : List.copyOf(prompts);
    if (prompts.stream().map(Prompt::kind).distinct().count() != prompts.size()) {
      throw new IllegalArgumentException("operation " + id + " holds two open prompts of one kind");
    }
    Objects.requireNonNull(remedyFor, "remedyFor");
    // A journal written before front ends recorded their messages has none.
    posted = posted == null ? java.util.Map.of() : java.util.Map.copyOf(posted);
  }

  /** An operation nothing has been posted about yet. */
  public Operation(String id, String key, String environment, String channel, Actor requestedBy,
      LifecycleRequest request, OperationState state, Optional<String> overrideReason, List<Finding> findings,
      List<PendingConfirmation> pending, Confirmations confirmations, List<StepRecord> steps, Instant createdAt,
      Instant updatedAt, Optional<Actor> cancelledBy, Optional<String> outcome, List<Prompt> prompts,
      Optional<String> remedyFor) {
    this(id, key, environment, channel, requestedBy, request, state, overrideReason, findings, pending, confirmations,
        steps, createdAt, updatedAt, cancelledBy, outcome, prompts, remedyFor, java.util.Map.of());
  }

  /** Records that a front end posted something about this operation ({@link #posted}). */
  public Operation withPosted(String kind, String where, Instant at) {
    java.util.Map<String, String> p = new java.util.HashMap<>(posted);
    p.put(kind, where);
    return copy(b -> b.posted = p, at);
  }

  /** As this, with what {@code other} records as posted and this does not (a commit keeps both). */
  public Operation keepingPosted(Operation other) {
    if (other.posted.isEmpty() || posted.entrySet().containsAll(other.posted.entrySet())) {
      return this;
    }
    java.util.Map<String, String> p = new java.util.HashMap<>(other.posted);
    p.putAll(posted);
    return copy(b -> b.posted = p, updatedAt);
  }

  public String summary() {
    return request.summary();
  }

  public List<PlanStep> plan() {
    return steps.stream().map(StepRecord::step).toList();
  }

  /** The first step not done yet, if any. */
  public OptionalInt currentStep() {
    for (int i = 0; i < steps.size(); i++) {
      if (!steps.get(i).done()) {
        return OptionalInt.of(i);
      }
    }
    return OptionalInt.empty();
  }

  public long stepsDone() {
    return steps.stream().filter(StepRecord::done).count();
  }

  /** Moves to {@code next}, refusing a move the state machine does not allow. */
  public Operation moveTo(OperationState next, Instant at) {
    if (!state.canMoveTo(next)) {
      throw new IllegalStateException("operation " + id + " cannot move from " + state + " to " + next);
    }
    return copy(b -> b.state = next, at);
  }

  /** Moves to {@code next} unless already there. */
  public Operation moveToIfNeeded(OperationState next, Instant at) {
    return state == next ? this : moveTo(next, at);
  }

  public Operation withStep(int index, StepRecord record, Instant at) {
    List<StepRecord> s = new ArrayList<>(steps);
    s.set(index, record);
    return copy(b -> b.steps = s, at);
  }

  public Operation withOutcome(String text, Instant at) {
    return copy(b -> b.outcome = Optional.of(text), at);
  }

  /** The open prompt of that kind, if any. */
  public Optional<Prompt> prompt(Prompt.Kind kind) {
    return prompts.stream().filter(p -> p.kind() == kind).findFirst();
  }

  /** The open prompt raised last: what a bare {@code choose <n>} answers. */
  public Optional<Prompt> latestPrompt() {
    return prompts.isEmpty() ? Optional.empty() : Optional.of(prompts.get(prompts.size() - 1));
  }

  /** Opens {@code p} beside the prompts already open; it replaces an open prompt of its own kind. */
  public Operation withPrompt(Prompt p, Instant at) {
    List<Prompt> open = new ArrayList<>(prompts);
    open.removeIf(q -> q.kind() == p.kind());
    open.add(p);
    return copy(b -> b.prompts = open, at);
  }

  /** Closes the open prompt of that kind (answered, dismissed, or no longer true); the others stay. */
  public Operation withoutPrompt(Prompt.Kind kind, Instant at) {
    if (prompt(kind).isEmpty()) {
      return this;
    }
    List<Prompt> open = new ArrayList<>(prompts);
    open.removeIf(q -> q.kind() == kind);
    return copy(b -> b.prompts = open, at);
  }

  public Operation withCancelRequest(Actor by, Instant at) {
    return copy(b -> b.cancelledBy = Optional.of(by), at);
  }

  /** Records a fresh decision: its findings, its plan, what is still to confirm, and who confirmed. */
  public Operation decided(List<Finding> f, List<PlanStep> plan, List<PendingConfirmation> p,
      Confirmations given, Instant at) {
    return copy(b -> {
      b.findings = f;
      b.steps = plan.stream().map(StepRecord::pending).toList();
      b.pending = p;
      b.confirmations = given;
    }, at);
  }

  private Operation copy(java.util.function.Consumer<Builder> change, Instant at) {
    Builder b = new Builder(this);
    change.accept(b);
    b.updatedAt = at;
    return b.build();
  }

  /** Applies {@code f} to the step at {@code index}. */
  public Operation updateStep(int index, UnaryOperator<StepRecord> f, Instant at) {
    return withStep(index, f.apply(steps.get(index)), at);
  }

  private static final class Builder {
    final String id;
    final String key;
    final String environment;
    final String channel;
    final Actor requestedBy;
    final LifecycleRequest request;
    OperationState state;
    final Optional<String> overrideReason;
    List<Finding> findings;
    List<PendingConfirmation> pending;
    Confirmations confirmations;
    List<StepRecord> steps;
    final Instant createdAt;
    Instant updatedAt;
    Optional<Actor> cancelledBy;
    Optional<String> outcome;
    List<Prompt> prompts;
    final Optional<String> remedyFor;
    java.util.Map<String, String> posted;

    Builder(Operation o) {
      id = o.id;
      key = o.key;
      environment = o.environment;
      channel = o.channel;
      requestedBy = o.requestedBy;
      request = o.request;
      state = o.state;
      overrideReason = o.overrideReason;
      findings = o.findings;
      pending = o.pending;
      confirmations = o.confirmations;
      steps = o.steps;
      createdAt = o.createdAt;
      updatedAt = o.updatedAt;
      cancelledBy = o.cancelledBy;
      outcome = o.outcome;
      prompts = o.prompts;
      remedyFor = o.remedyFor;
      posted = o.posted;
    }

    Operation build() {
      return new Operation(id, key, environment, channel, requestedBy, request, state, overrideReason,
          findings, pending, confirmations, steps, createdAt, updatedAt, cancelledBy,
          outcome, prompts, remedyFor, posted);
    }
  }
}
