package io.gimops.bot.operation;

import io.gimops.policies.rules.UpgradeAlerts;
import java.util.List;

/**
 * The progress stream that chat front ends subscribe to. Every event carries the operation as it
 * stood when the event happened, so a front end can redraw its one message from any event.
 */
public sealed interface OperationEvent {

  /** The operation this event concerns; empty for {@link Notice}. */
  java.util.Optional<Operation> operation();

  /** Decided and waiting for people: show the plan, the findings and what to confirm. */
  record AwaitingConfirmation(Operation op) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** The operation holds its environment's lock and starts its plan. */
  record Started(Operation op) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  record StepStarted(Operation op, int index) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** One line helm (or the export-views job) printed. */
  record OutputLine(Operation op, int index, String line) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** Verification still waiting, with what holds and what does not yet; sent when that changes. */
  record VerificationProgress(Operation op, int index, List<String> passed, List<String> unmet)
      implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** A step finished well: a helm call succeeded or a service verified. */
  record StepSucceeded(Operation op, int index, List<String> detail) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  record StepFailed(Operation op, int index, List<String> reasons) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** Rule 9: raised during an upgrade, once per subject. */
  record AlertRaised(Operation op, UpgradeAlerts.Alert alert) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** A question opened beside any already open (see {@link Operation#prompts}). */
  record PromptRaised(Operation op, Prompt prompt) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /**
   * One open question closed (dismissed, or what was chosen from it succeeded); the others stay
   * open. A front end takes the buttons off that prompt's message.
   *
   * @param how for people, e.g. "dismissed by Olivia" or "done by op-x1y2 (rollback gsp)"
   */
  record PromptClosed(Operation op, Prompt prompt, String how) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** The operation ended: succeeded, failed, rolled back, cancelled or refused. */
  record Finished(Operation op) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /**
   * A replica took the lead and found this operation, already ended, in the journal: a front end
   * finishes its story if it had not (the final state in its messages, the final report once).
   */
  record Recovered(Operation op) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.of(op);
    }
  }

  /** Something people should know that belongs to no operation (a stuck release found at start). */
  record Notice(String environment, String message) implements OperationEvent {
    public java.util.Optional<Operation> operation() {
      return java.util.Optional.empty();
    }
  }
}
