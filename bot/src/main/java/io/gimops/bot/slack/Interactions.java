package io.gimops.bot.slack;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import io.gimops.bot.operation.Prompt;
import io.gimops.policies.domain.ServiceKind;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a click or a modal submission says, read from Slack's signed payload: who acted, where,
 * and the value of the button. Slack sends what the bot put in its buttons, but the payload is
 * only as trustworthy as its signature: a signed request may still be malformed (no actions, a
 * value without its separator, a revision that is not a number, a view without state). Anything
 * that is not what the bot could have sent is {@link Malformed}, which the front end answers with
 * a 400 that says what is wrong; nothing else escapes from here.
 */
public final class Interactions {

  private static final Pattern OPERATION_ID = Pattern.compile("op-[a-z0-9]{4,26}");
  private static final Pattern CHOICE_ID = Pattern.compile("[0-9]{1,2}");
  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z][a-z0-9-]{0,30}");
  private static final Pattern REVISION = Pattern.compile("[1-9][0-9]{0,6}");
  private static final Pattern SLACK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Interactions() {}

  /** A payload that the bot's own messages could not have produced. */
  public static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** Who clicked, in which channel (empty for a click outside any channel, e.g. in a modal or App Home). */
  public record Clicker(String userId, String userName, Optional<String> channel) {}

  /**
   * A prompt's button: which operation, which of its open prompts (empty on a button posted before
   * an operation could hold several: its latest), which choice.
   */
  public record Choice(String operationId, Optional<Prompt.Kind> prompt, String choiceId) {}

  /** The Roll back button of an alert: the environment, the service and the revision to return to. */
  public record AlertRollback(String environment, ServiceKind service, int revision) {}

  /** The user and channel of a click. */
  public static Clicker clicker(BlockActionPayload p) {
    if (p == null || p.getUser() == null || p.getUser().getId() == null || !SLACK_ID.matcher(p.getUser().getId()).matches()) {
      throw new Malformed("the payload names no user (user.id)");
    }
    String channel = p.getChannel() != null ? p.getChannel().getId()
        : p.getContainer() != null ? p.getContainer().getChannelId() : null;
    if (channel != null && !SLACK_ID.matcher(channel).matches()) {
      throw new Malformed("the payload's channel id is not a Slack id");
    }
    return new Clicker(p.getUser().getId(), p.getUser().getUsername(), Optional.ofNullable(channel));
  }

  /** The value of the one button clicked. */
  public static String value(BlockActionPayload p) {
    List<BlockActionPayload.Action> actions = p == null ? null : p.getActions();
    if (actions == null || actions.isEmpty() || actions.get(0) == null) {
      throw new Malformed("the payload carries no action (actions[0])");
    }
    String v = actions.get(0).getValue();
    if (v == null || v.isEmpty()) {
      throw new Malformed("the button has no value (actions[0].value)");
    }
    if (v.length() > 200) {
      throw new Malformed("the button's value is longer than any the bot sends (200 characters)");
    }
    return v;
  }

  /** A Confirm, Cancel, Approve or Confirm uninstall button: its value is an operation id. */
  public static String operationId(BlockActionPayload p) {
    return operationId(value(p));
  }

  static String operationId(String value) {
    if (!OPERATION_ID.matcher(value).matches()) {
      throw new Malformed("the button's value is not an operation id (op- and 4 to 26 letters or digits)");
    }
    return value;
  }

  /** A prompt's button: {@code <operation id>:<prompt>:<choice>} (before: {@code <operation id>:<choice>}). */
  public static Choice choice(BlockActionPayload p) {
    String[] parts = value(p).split(":", -1);
    if (parts.length != 2 && parts.length != 3) {
      throw new Malformed("the prompt button's value is not <operation id>:<prompt>:<choice>");
    }
    String choice = parts[parts.length - 1];
    if (!CHOICE_ID.matcher(choice).matches()) {
      throw new Malformed("the prompt button's choice is not a number of one or two digits");
    }
    Optional<Prompt.Kind> prompt = Optional.empty();
    if (parts.length == 3) {
      prompt = Optional.of(Prompt.Kind.fromId(parts[1]).orElseThrow(() -> new Malformed(
          "the prompt button names no prompt the bot asks (rollback, export-views, ...)")));
    }
    return new Choice(operationId(parts[0]), prompt, choice);
  }

  /** An alert's Roll back button: {@code <environment>|<service>|<revision>}. */
  public static AlertRollback alertRollback(BlockActionPayload p) {
    String[] parts = value(p).split("\\|", -1);
    if (parts.length != 3) {
      throw new Malformed("the Roll back button's value is not <environment>|<service>|<revision>");
    }
    if (!ENVIRONMENT.matcher(parts[0]).matches()) {
      throw new Malformed("the Roll back button names no valid environment");
    }
    ServiceKind service = ServiceKind.fromName(parts[1]).orElseThrow(() ->
        new Malformed("the Roll back button names no service (gim, gsp or gca)"));
    if (!REVISION.matcher(parts[2]).matches()) {
      throw new Malformed("the Roll back button's revision is not a positive whole number of at most 7 digits");
    }
    return new AlertRollback(parts[0], service, Integer.parseInt(parts[2]));
  }

  /** A modal's submission: who submitted it and the operation it belongs to. */
  public static String submitter(ViewSubmissionPayload p) {
    if (p == null || p.getUser() == null || p.getUser().getId() == null || !SLACK_ID.matcher(p.getUser().getId()).matches()) {
      throw new Malformed("the submission names no user (user.id)");
    }
    return p.getUser().getId();
  }

  /** The operation a modal confirms (its private metadata). */
  public static String modalOperation(ViewSubmissionPayload p) {
    if (p == null || p.getView() == null || p.getView().getPrivateMetadata() == null) {
      throw new Malformed("the submission's view carries no operation (view.private_metadata)");
    }
    return operationId(p.getView().getPrivateMetadata());
  }

  /** The text typed into an input of a modal; empty when the field was left empty. */
  public static Optional<String> typed(ViewSubmissionPayload p, String block, String action) {
    var view = p == null ? null : p.getView();
    if (view == null || view.getState() == null || view.getState().getValues() == null) {
      throw new Malformed("the submission's view carries no state (view.state.values)");
    }
    var inBlock = view.getState().getValues().get(block);
    if (inBlock == null || !inBlock.containsKey(action) || inBlock.get(action) == null) {
      throw new Malformed("the submission has no field " + block + "." + action);
    }
    String v = inBlock.get(action).getValue();
    if (v != null && v.length() > 200) {
      throw new Malformed("the typed text is longer than the field allows (200 characters)");
    }
    return Optional.ofNullable(v);
  }
}
