package io.gimops.bot.operation;

import io.gimops.policies.decision.LifecycleRequest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A question the bot puts to people after something happened: a failed verification (rule 8:
 * Roll back, and for GIM Restart pod), GIM's migration that did not complete while GIM operates
 * normally (Restart pod, Roll back), a release stuck in {@code pending-*}, or the offer to update
 * export views (rule 11). Choices are numbered from 1, as the console and Slack show them.
 *
 * <p>An operation may hold several open prompts at once (a cycle offers export views after GIM
 * verified, then GSP fails and asks to roll back): each is addressed by its {@link Kind}, of which
 * an operation holds at most one open, and answered or dismissed on its own.
 */
public record Prompt(Kind kind, String message, List<Choice> choices) {

  /** What the prompt is about. */
  public enum Kind {
    ROLLBACK("rollback"),
    EXPORT_VIEWS("export-views"),
    STUCK_RELEASE("stuck-release"),
    /** GIM operates normally but its migration did not complete: Restart pod first, Roll back second. */
    MIGRATION_INCOMPLETE("migration");

    private final String id;

    Kind(String id) {
      this.id = id;
    }

    /** How people and buttons name the prompt, e.g. {@code choose 1 export-views}. */
    public String id() {
      return id;
    }

    public static Optional<Kind> fromId(String id) {
      return java.util.Arrays.stream(values()).filter(k -> k.id.equalsIgnoreCase(id)).findFirst();
    }
  }

  /**
   * One answer.
   *
   * @param request the lifecycle action it starts; empty for Dismiss
   */
  public record Choice(String id, String label, Optional<LifecycleRequest> request) {
    public Choice {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(request, "request");
    }
  }

  public Prompt {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    choices = List.copyOf(choices);
  }

  /** The prompt's address within its operation: its kind's id. */
  public String id() {
    return kind.id();
  }

  public Optional<Choice> choice(String id) {
    return choices.stream().filter(c -> c.id().equals(id)).findFirst();
  }

  /** Builds a prompt from the actions offered, numbering them and adding Dismiss. */
  public static Prompt of(Kind kind, String message, List<Choice> actions) {
    List<Choice> numbered = new java.util.ArrayList<>();
    for (Choice c : actions) {
      numbered.add(new Choice(Integer.toString(numbered.size() + 1), c.label(), c.request()));
    }
    numbered.add(new Choice(Integer.toString(numbered.size() + 1), "Dismiss", Optional.empty()));
    return new Prompt(kind, message, numbered);
  }

  public static Choice action(String label, LifecycleRequest request) {
    return new Choice("", label, Optional.of(request));
  }
}
