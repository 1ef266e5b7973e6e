package io.gimops.bot.command;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders the usage text kept in {@link Verb} and {@link Grammar}: the overview {@code help}
 * shows, one command's usage (also attached to parse errors), and the markdown "Command
 * language" reference in the root README (between markers that a test keeps equal to
 * {@link #markdown()}).
 */
public final class CommandReference {

  private static final String PREFIX = "/gim ";

  /** The language rules, in the words of the reference; the parser enforces each one. */
  static final List<String> RULES =
      List.of(
          "Command words, service names, flags and the keywords `all` and `latest` may be typed"
              + " in any case; environment names and operation ids are read in lowercase.",
          "Arguments come first, then flags in any order, as `--flag value` or `--flag=value`;"
              + " each flag at most once.",
          "Without `--env`, a command acts on the channel's environment.",
          "Double quotes (`\"` or Slack's `“ ”`) are allowed only around the `--override` reason,"
              + " and there are no escapes.",
          "Refused outside the reason: `;`, `|`, `&`, `$`, `<`, `>`, `\\`, backticks, single quotes,"
              + " `=` other than in `--flag=value`, `--set`, and characters that are not plain"
              + " ASCII.",
          "Refused everywhere: control characters (line breaks included), invisible formatting"
              + " characters, and commands longer than " + Grammar.MAX_INPUT_LENGTH
              + " characters.",
          "An empty command is `help`.");

  private CommandReference() {}

  /** The answer to {@code help}: one line per usage form, with what the command does. */
  public static String overview() {
    StringBuilder sb = new StringBuilder("Commands (`/gim help <command>` for details):\n");
    for (Verb v : Verb.values()) {
      for (int i = 0; i < v.usage().size(); i++) {
        sb.append("• `").append(PREFIX).append(v.usage().get(i)).append('`');
        if (i == 0) {
          sb.append(" — ").append(v.summary());
        }
        sb.append('\n');
      }
    }
    return sb.append("Without `--env`, a command acts on the channel's environment.").toString();
  }

  /** The usage lines of one command, as parse errors show them. */
  public static String usage(Verb verb) {
    return "Usage: "
        + verb.usage().stream()
            .map(u -> "`" + PREFIX + u + "`")
            .collect(Collectors.joining("\n       "));
  }

  /** The answer to {@code help <command>}: usage, summary, notes and the arguments' forms. */
  public static String help(Verb verb) {
    StringBuilder sb = new StringBuilder(usage(verb)).append('\n').append(verb.summary());
    verb.notes().forEach(n -> sb.append("\n• ").append(n));
    for (Grammar.Argument a : arguments(verb)) {
      sb.append("\n• `").append(a.placeholder()).append("`: ").append(a.form());
    }
    return sb.toString();
  }

  /** The "Command language" reference in markdown, for the README. */
  public static String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("## Command language\n\n");
    sb.append("Type these after `/gim` in Slack. `<...>` is required, `[...]` optional, `a|b` one"
        + " of.\n\n");
    sb.append("| command | what it does |\n|---|---|\n");
    for (Verb v : Verb.values()) {
      for (int i = 0; i < v.usage().size(); i++) {
        sb.append("| `").append(PREFIX).append(v.usage().get(i).replace("|", "\\|"))
            .append("` | ").append(i == 0 ? v.summary() : "").append(" |\n");
      }
    }
    sb.append("\n### Notes\n\n");
    for (Verb v : Verb.values()) {
      for (String note : v.notes()) {
        sb.append("- **").append(v.word()).append("**: ").append(note).append('\n');
      }
    }
    sb.append("\n### Arguments\n\n| argument | form |\n|---|---|\n");
    for (Grammar.Argument a : Grammar.ARGUMENTS) {
      sb.append("| `").append(a.placeholder()).append("` | ").append(a.form()).append(" |\n");
    }
    sb.append("\n### Rules\n\n");
    RULES.forEach(r -> sb.append("- ").append(r).append('\n'));
    sb.append("\nA refused command is answered with what was wrong, a \"did you mean\" when a"
        + " command word, service or flag is close to a valid one, and the command's usage.\n");
    return sb.toString();
  }

  /** The arguments named in the verb's usage lines, in the order of {@link Grammar#ARGUMENTS}. */
  private static List<Grammar.Argument> arguments(Verb verb) {
    String usage = String.join(" ", verb.usage());
    return Grammar.ARGUMENTS.stream()
        .filter(
            a -> Pattern.compile("(?<![\\w-])" + Pattern.quote(a.placeholder()) + "(?![\\w-])")
                .matcher(usage)
                .find())
        .collect(Collectors.toList());
  }
}
