package io.gimops.bot.command;

import static io.gimops.bot.command.Grammar.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Splits a command into tokens at spaces and refuses, token by token, what no argument may
 * contain. Double quotes (ASCII or Slack's smart quotes) exist only for the {@code --override}
 * reason: a quoted token is either standalone or glued to {@code --override=}, and the parser
 * accepts it nowhere else. There are no escapes.
 */
final class Tokenizer {

  /** A token: {@code text} unquoted, then the quoted part if the token had one. */
  record Token(String text, Optional<String> quoted) {

    boolean isStandaloneQuote() {
      return text.isEmpty() && quoted.isPresent();
    }

    /** The token as the user typed it, for messages. */
    String typed() {
      return text + quoted.map(q -> "\"" + q + "\"").orElse("");
    }
  }

  static final String SHELL_CHARACTERS = "`;`, `|`, `&`, `$`, `<`, `>`, `\\` or backticks";

  private static final String OVERRIDE_PREFIX = Flag.OVERRIDE.text() + "=";

  private final String input;
  private final String usage;
  private final List<Token> tokens = new ArrayList<>();
  private final StringBuilder current = new StringBuilder();

  private Tokenizer(String input, String usage) {
    this.input = input;
    this.usage = usage;
  }

  /**
   * Tokenizes {@code input}, which has passed {@link Grammar#characterProblem}.
   *
   * @param usage the usage to attach to errors
   */
  static List<Token> tokenize(String input, String usage) throws CommandParseException {
    return new Tokenizer(input, usage).run();
  }

  private List<Token> run() throws CommandParseException {
    int column = 1;
    int i = 0;
    while (i < input.length()) {
      int cp = input.codePointAt(i);
      if (Character.getType(cp) == Character.SPACE_SEPARATOR) {
        endToken();
      } else if (Grammar.isDoubleQuote(cp)) {
        int close = closingQuote(i + 1);
        String prefix = current.toString();
        if (!prefix.isEmpty() && !prefix.equalsIgnoreCase(OVERRIDE_PREFIX)) {
          throw error(
              "A quote follows " + quote(prefix) + ": double quotes are only allowed around the"
                  + " --override reason, as in `--override \"why\"`.",
              null);
        }
        if (close < 0) {
          throw error(
              "The quote at character " + column + " is never closed: put the --override reason"
                  + " between two double quotes.",
              null);
        }
        String reason = input.substring(i + 1, close);
        int after = close + 1;
        if (after < input.length()
            && Character.getType(input.codePointAt(after)) != Character.SPACE_SEPARATOR) {
          throw error(
              "Text follows the closing quote after " + quote(reason) + ": the --override reason"
                  + " cannot itself contain double quotes, and a space must follow it.",
              null);
        }
        tokens.add(new Token(prefix, Optional.of(reason)));
        current.setLength(0);
        column += reason.codePointCount(0, reason.length()) + 2;
        i = after;
        continue;
      } else {
        current.appendCodePoint(cp);
      }
      i += Character.charCount(cp);
      column++;
    }
    endToken();
    return tokens;
  }

  private int closingQuote(int from) {
    for (int j = from; j < input.length(); j++) {
      if (Grammar.isDoubleQuote(input.charAt(j))) {
        return j;
      }
    }
    return -1;
  }

  private void endToken() throws CommandParseException {
    if (current.length() == 0) {
      return;
    }
    String text = current.toString();
    current.setLength(0);
    checkUnquoted(text);
    tokens.add(new Token(text, Optional.empty()));
  }

  /** Refuses what no unquoted token may contain, with a message naming the character. */
  private void checkUnquoted(String text) throws CommandParseException {
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.startsWith("--set")
        && (lower.length() == 5 || lower.charAt(5) == '-' || lower.charAt(5) == '=')) {
      throw error(
          quote(text) + " is not accepted: helm values cannot be set from chat. Use `--values"
              + " FILE` for a values file, or `--image-tag TAG` for an image-only change.",
          null);
    }
    boolean flag = CommandParser.isFlagLike(text);
    int equalsSigns = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      if (cp == '\'' || cp == '\u2018' || cp == '\u2019') {
        throw error(
            quote(text) + " contains a single quote: only the --override reason may be quoted,"
                + " with double quotes.",
            null);
      }
      if (cp == '`' || ";|&$<>\\".indexOf(cp) >= 0) {
        String what = cp == '`' ? "a backtick" : "`" + (char) cp + "`";
        throw error(
            quote(text) + " contains " + what + ": no /gim argument may contain "
                + SHELL_CHARACTERS + ".",
            null);
      }
      if (cp == '=') {
        equalsSigns++;
        if (!flag) {
          throw error(
              quote(text) + " contains `=`: `=` only joins a flag to its value, as in"
                  + " `--env=prod`, and helm values cannot be set from chat.",
              null);
        }
        if (equalsSigns > 1) {
          throw error(
              quote(text) + " has more than one `=`: one `=` joins the flag to its value, and a"
                  + " value contains none.",
              null);
        }
      }
      if (cp > 0x7E) {
        throw nonAscii(text, i, cp);
      }
      i += Character.charCount(cp);
    }
  }

  private CommandParseException nonAscii(String text, int index, int cp) {
    String shown = new String(Character.toChars(cp));
    if (index == 0 && cp <= 0xFFFF && DidYouMean.isDash((char) cp)) {
      String rest = text.substring(1).replaceFirst("^[-\u2010-\u2015\u2212]+", "");
      String suggestion = Flag.fromText("--" + rest).map(Flag::text).orElse(null);
      return error(
          quote(text) + " starts with `" + shown + "`: Slack may have turned `--` into a dash;"
              + " type two hyphens, e.g. `--env`.",
          suggestion);
    }
    return error(
        String.format(
            "%s contains `%s` (U+%04X), which is not plain ASCII: commands, services, versions,"
                + " flags and their values are plain ASCII; only the --override reason may"
                + " contain other characters.",
            quote(text), shown, cp),
        null);
  }

  private CommandParseException error(String problem, String suggestion) {
    return new CommandParseException(problem, suggestion, usage);
  }
}
