package io.gimops.bot.slack;

import io.gimops.adapters.slack.Mrkdwn;
import io.gimops.bot.conversation.TextViews;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.operation.StepRecord;
import io.gimops.policies.decision.ChecklistItem;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.PendingConfirmation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The Block Kit messages of the conversation: a confirmation with the vendor's checklist and
 * buttons, the one progress message per operation, prompts with their choices as buttons.
 * Action ids start with {@code gimops.}; a button's value names the operation (and the choice).
 *
 * <p>The markup here is the bot's own; every text it did not write (summaries and findings that
 * quote what users typed, outcomes that quote helm, prompts that name pods) goes through
 * {@link Mrkdwn}, and people are mentioned only by a well-formed user id ({@link #mention}).
 */
final class SlackBlocks {

  static final String CONFIRM = "gimops.confirm";
  static final String CANCEL = "gimops.cancel";
  static final String CHOOSE = "gimops.choose";
  static final String CONFIRM_TYPED = "gimops.confirm-typed";
  static final String APPROVE = "gimops.approve";
  static final String UNINSTALL_MODAL = "gimops.uninstall";

  /** Slack caps a section's text at 3000 characters. */
  private static final int SECTION_LIMIT = 2900;

  private SlackBlocks() {}

  static String confirmation(Operation op) {
    JsonArray blocks = new JsonArray();
    blocks.add(section("*" + op.id() + "*: " + e(op.summary()) + " in *" + e(op.environment()) + "*, asked by "
        + mention(op.requestedBy().userId()) + ": allowed once confirmed"));
    blocks.add(section(verdicts(op.findings())));
    op.overrideReason().ifPresent(reason -> blocks.add(section("*Override (rule 2)* by "
        + mention(op.requestedBy().userId()) + ", who wrote: " + e(reason))));
    if (!op.plan().isEmpty()) {
      StringBuilder steps = new StringBuilder("*Steps*\n");
      for (int i = 0; i < op.plan().size(); i++) {
        steps.append(i + 1).append(". `").append(Mrkdwn.inCode(op.plan().get(i).describe())).append("`\n");
      }
      blocks.add(section(steps.toString()));
    }
    for (PendingConfirmation p : op.pending()) {
      StringBuilder sb = new StringBuilder("*To confirm (" + p.rule().label() + ")*: " + e(p.prompt()) + "\n");
      for (ChecklistItem item : p.checklist()) {
        sb.append("• ").append(e(item.text())).append(item.link().map(SlackBlocks::link).orElse("")).append('\n');
      }
      blocks.add(section(sb.toString()));
    }
    boolean typed = op.pending().stream().anyMatch(p -> p.kind() == PendingConfirmation.Kind.TYPE_SERVICE_NAME);
    boolean approver = op.pending().stream().anyMatch(p -> p.kind() == PendingConfirmation.Kind.SECOND_APPROVER);
    JsonArray buttons = new JsonArray();
    if (typed) {
      // Rule 10: the service's name is typed in a modal, never a single click.
      buttons.add(button("Confirm uninstall…", CONFIRM_TYPED, op.id(), "danger"));
    } else if (op.confirmations().confirmedBy().isEmpty()) {
      buttons.add(button("Confirm", CONFIRM, op.id(), "primary"));
    }
    if (approver) {
      buttons.add(button("Approve (second admin)", APPROVE, op.id(), null));
    }
    buttons.add(button("Cancel", CANCEL, op.id(), "danger"));
    op.confirmations().confirmedBy().ifPresent(a -> blocks.add(section("Confirmed by " + mention(a.userId())
        + (approver ? "; waiting for a second admin to approve (rule 10)." : "."))));
    blocks.add(new JsonObject().put("type", "actions").put("block_id", "gimops.confirmation." + op.id())
        .put("elements", buttons));
    return blocks.encode();
  }

  /** The uninstall modal: the vendor's warning and a field for the service's name (rule 10). */
  static String uninstallModal(Operation op, String service) {
    JsonArray blocks = new JsonArray()
        .add(section(":warning: *" + e(op.summary()) + "* in *" + e(op.environment()) + "*\n"
            + op.findings().stream().filter(f -> f.rule().number() == 10).map(Finding::message).map(SlackBlocks::e)
                .reduce((a, b) -> a + "\n" + b).orElse("")))
        .add(new JsonObject().put("type", "input").put("block_id", "name")
            .put("label", new JsonObject().put("type", "plain_text").put("text", "Type " + service + " to confirm"))
            .put("element", new JsonObject().put("type", "plain_text_input").put("action_id", "typed")));
    return new JsonObject().put("type", "modal").put("callback_id", UNINSTALL_MODAL).put("private_metadata", op.id())
        .put("title", new JsonObject().put("type", "plain_text").put("text", "Uninstall " + service))
        .put("submit", new JsonObject().put("type", "plain_text").put("text", "Uninstall"))
        .put("close", new JsonObject().put("type", "plain_text").put("text", "Cancel"))
        .put("blocks", blocks).encode();
  }

  /** The operation's one message: state, a text progress bar, the current step. */
  static String progress(Operation op) {
    String current = op.currentStep().isPresent()
        ? "now: " + op.steps().get(op.currentStep().getAsInt()).step().describe()
        : op.outcome().orElse("");
    JsonArray blocks = new JsonArray()
        .add(section("*" + op.id() + "* " + e(op.summary()) + " in *" + e(op.environment()) + "*: "
            + op.state().id().toUpperCase(Locale.ROOT)))
        .add(section("`" + TextViews.progressBar(op) + "` " + e(current)))
        .add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(
            new JsonObject().put("type", "mrkdwn").put("text", "asked by " + mention(op.requestedBy().userId())
                + "; helm output and verification details in the thread"))));
    return blocks.encode();
  }

  static String progressText(Operation op) {
    return op.id() + " " + e(op.summary()) + ": " + op.state().id() + " " + TextViews.progressBar(op);
  }

  /**
   * A prompt with a button per choice; each button's value names the operation, the prompt and the
   * choice ({@code op-x:rollback:1}), so that two open prompts of one operation are answered apart.
   */
  static String prompt(Operation op, Prompt p) {
    JsonArray buttons = new JsonArray();
    for (Prompt.Choice c : p.choices()) {
      buttons.add(button(c.label(), CHOOSE + "." + p.id() + "." + c.id(), op.id() + ":" + p.id() + ":" + c.id(),
          c.request().isPresent() && c.id().equals("1") ? "danger" : null));
    }
    return new JsonArray()
        .add(section(":warning: *" + op.id() + "*: " + e(p.message())))
        .add(new JsonObject().put("type", "actions").put("block_id", "gimops.prompt." + op.id() + "." + p.id())
            .put("elements", buttons))
        .encode();
  }

  /** A prompt once closed: its question and how it closed, without buttons. */
  static String closedPrompt(Operation op, Prompt p, String how) {
    return new JsonArray()
        .add(section("*" + op.id() + "*: " + e(p.message()) + "\n_" + e(how) + "_"))
        .encode();
  }

  static String summary(Operation op) {
    long done = op.steps().stream().filter(StepRecord::done).count();
    return op.id() + " " + e(op.summary()) + " in " + e(op.environment()) + ": " + op.state().id() + " (" + done + "/"
        + op.steps().size() + " steps). " + e(op.outcome().orElse(""));
  }

  static String verdicts(List<Finding> findings) {
    StringBuilder sb = new StringBuilder();
    findings.stream().sorted(Comparator.comparingInt(f -> f.rule().number() == 0 ? 99 : f.rule().number()))
        .forEach(f -> sb.append(icon(f)).append(" *").append(f.rule().label()).append("* ").append(e(f.message()))
            .append('\n'));
    return sb.length() == 0 ? "(no findings)" : sb.toString();
  }

  private static String icon(Finding f) {
    switch (f.verdict()) {
      case PASS:
        return ":white_check_mark:";
      case FAIL:
        return ":no_entry:";
      case WARN:
        return ":warning:";
      default:
        return ":information_source:";
    }
  }

  private static String e(String text) {
    return Mrkdwn.escape(text);
  }

  private static final java.util.regex.Pattern USER_ID = java.util.regex.Pattern.compile("[UW][A-Z0-9]{2,20}");
  private static final java.util.regex.Pattern SAFE_LINK = java.util.regex.Pattern.compile("https://[^\\s<>|]{1,500}");

  /** A mention of a Slack user by id; anything that is not a Slack user id is shown as text. */
  static String mention(String userId) {
    return USER_ID.matcher(userId).matches() ? "<@" + userId + ">" : "`" + Mrkdwn.inCode(userId) + "`";
  }

  /** A link the configuration gave (release notes): linked when it is a plain https URL, else shown as text. */
  private static String link(String url) {
    return SAFE_LINK.matcher(url).matches() ? " <" + url + ">" : " " + e(url);
  }

  static JsonObject section(String mrkdwn) {
    String text = mrkdwn.length() > SECTION_LIMIT ? mrkdwn.substring(0, SECTION_LIMIT) + "…" : mrkdwn;
    return new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text", text));
  }

  private static JsonObject button(String label, String actionId, String value, String style) {
    JsonObject b = new JsonObject().put("type", "button").put("action_id", actionId).put("value", value)
        .put("text", new JsonObject().put("type", "plain_text").put("text", label));
    if (style != null) {
      b.put("style", style);
    }
    return b;
  }
}
