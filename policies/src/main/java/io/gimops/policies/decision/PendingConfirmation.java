package io.gimops.policies.decision;

import java.util.List;
import java.util.Objects;

/**
 * Something a person must still do before an allowed action runs.
 *
 * @param prompt what to show them
 * @param checklist the vendor's checklist, for {@link Kind#CHECKLIST}
 */
public record PendingConfirmation(Kind kind, Rule rule, String prompt, List<ChecklistItem> checklist) {

  /** How the action is confirmed. */
  public enum Kind {
    /** Confirm the action as planned. */
    CONFIRM,
    /** Confirm the vendor's preparatory checklist (rule 7); who confirmed it is recorded. */
    CHECKLIST,
    /** Type the service's name (rule 10). */
    TYPE_SERVICE_NAME,
    /** A second person approves (rule 10, production). */
    SECOND_APPROVER
  }

  public PendingConfirmation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(prompt, "prompt");
    checklist = List.copyOf(checklist);
  }
}
