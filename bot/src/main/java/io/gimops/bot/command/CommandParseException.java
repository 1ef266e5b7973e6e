package io.gimops.bot.command;

import java.util.Optional;

/**
 * A {@code /gim} command that cannot be parsed. Checked on purpose: every caller must answer the
 * user, and the answer is {@link #userMessage()}: what was wrong, a "did you mean" when a valid
 * word is close, and the usage of the command concerned (the overview when the command word
 * itself is unknown).
 */
public final class CommandParseException extends Exception {

  private final String problem;
  private final String suggestion;
  private final String usage;

  CommandParseException(String problem, String suggestion, String usage) {
    super(problem + (suggestion == null ? "" : " Did you mean `" + suggestion + "`?"));
    this.problem = problem;
    this.suggestion = suggestion;
    this.usage = usage;
  }

  /** What was wrong, quoting the offending text. */
  public String problem() {
    return problem;
  }

  /** The closest valid command word, service name or flag, when one is close enough. */
  public Optional<String> suggestion() {
    return Optional.ofNullable(suggestion);
  }

  /** The usage lines of the command concerned, or the overview of all commands. */
  public String usage() {
    return usage;
  }

  /** The whole answer for the user, in Slack mrkdwn: problem, suggestion, usage. */
  public String userMessage() {
    return getMessage() + "\n" + usage;
  }
}
