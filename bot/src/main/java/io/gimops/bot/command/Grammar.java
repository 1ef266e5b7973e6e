package io.gimops.bot.command;

import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The grammar of every value a {@code /gim} command carries. Each rule lives here once: the parser
 * turns a problem into a {@link CommandParseException}, the {@link Command} records turn it into an
 * {@link IllegalArgumentException}, so a record can never hold a value the parser would refuse.
 *
 * <p>The rules are strict because these values become helm arguments (a file name after
 * {@code --values}, a tag inside {@code --set <release>.image.tag=}): nothing outside a small
 * alphabet gets through, whatever the caller does with it later.
 *
 * <p>Each {@code ...Problem} method returns empty for a valid value, or a sentence that names the
 * offending text and says what is expected.
 */
public final class Grammar {

  /** Longest accepted input, in Unicode code points. */
  public static final int MAX_INPUT_LENGTH = 1000;

  public static final int MIN_REASON_LENGTH = 10;
  public static final int MAX_REASON_LENGTH = 500;

  /** The keyword that stands for the newest release in the catalog. */
  public static final String LATEST = "latest";

  /** The keyword for a whole upgrade cycle. */
  public static final String ALL = "all";

  private static final Pattern REVISION = Pattern.compile("[1-9][0-9]{0,6}");
  private static final Pattern VALUES_FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Pattern IMAGE_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  private static final Pattern ENV = Pattern.compile("[a-z](?:[a-z0-9-]{0,29}[a-z0-9])?");
  private static final Pattern OP_ID = Pattern.compile("op-[a-z0-9]{4,26}");
  private static final int MAX_QUOTED = 40;

  /** A placeholder of the usage lines and the form its value must take. */
  public record Argument(String placeholder, String form) {}

  /** The placeholders of the usage lines, for {@code help} and the markdown reference. */
  public static final List<Argument> ARGUMENTS =
      List.of(
          new Argument("service", "`gim`, `gsp` or `gca`, in any case"),
          new Argument(
              "version",
              "a release version, `" + Version.EXPECTED_FORM + "`; or `latest`, the newest"
                  + " release in the catalog"),
          new Argument(
              "revision",
              "a Helm revision as `history` shows it: a positive whole number without sign or"
                  + " leading zeros, at most 7 digits"),
          new Argument(
              "FILE",
              "a values file name from the bot's values directory, not a path: letters, digits,"
                  + " `.`, `_` and `-`, at most 100 characters, starting with a letter or digit,"
                  + " ending in `.yaml` or `.yml`, e.g. `gim-values.yaml`"),
          new Argument(
              "TAG",
              "a Docker image tag: letters, digits, `_`, `.` and `-`, at most 128 characters, not"
                  + " starting with `.` or `-`"),
          new Argument(
              "ENV",
              "a configured environment such as `prod`: lowercase letters, digits and `-`,"
                  + " starting with a letter, at most 31 characters; without `--env`, the"
                  + " channel's environment"),
          new Argument(
              "reason",
              "a written reason in double quotes (\"...\" or Slack's “...”), "
                  + MIN_REASON_LENGTH + " to " + MAX_REASON_LENGTH
                  + " characters, on one line"),
          new Argument(
              "op-id",
              "an operation id as `ops` shows it: `op-` and 4 to 26 letters or digits"));

  /** Why a plan carries no override reason. */
  public static final String NO_OVERRIDE_IN_PLAN =
      "A plan changes nothing, so it takes no --override: the plan shows whether the all-healthy"
          + " rule would refuse the upgrade.";

  private Grammar() {}

  /** Why {@code uninstall <service> --reinstall} is refused for every service but GSP. */
  public static String reinstallOnlyForGsp(ServiceKind service) {
    return "--reinstall applies to gsp only: it also deletes GSP's state ConfigMaps so that GSP"
        + " starts clean when installed again; " + service.id() + " keeps no such state, so"
        + " uninstall it without --reinstall.";
  }

  /** A service name, case-insensitive; ASCII only, so that no locale folds {@code gım} to GIM. */
  public static Optional<ServiceKind> service(String text) {
    return text != null && isPrintableAscii(text) ? ServiceKind.fromName(text) : Optional.empty();
  }

  public static Optional<String> revisionProblem(String text) {
    if (text != null && REVISION.matcher(text).matches()) {
      return Optional.empty();
    }
    String t = String.valueOf(text);
    String what = quote(t) + " is not a revision: ";
    if (t.startsWith("+") || t.startsWith("-")) {
      return Optional.of(what + "write it without a sign, e.g. `3`.");
    }
    if (!t.isEmpty() && t.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Optional.of(
          t.length() > 7
              ? what + "a revision has at most 7 digits."
              : what + "revisions start at 1 and are written without leading zeros.");
    }
    if (t.indexOf('.') >= 0 && Version.isValid(t)) {
      return Optional.of(
          what + "rollback takes a Helm revision number from `history <service>`, not a release"
              + " version.");
    }
    return Optional.of(what + "a revision is a positive whole number such as `3` (see `history`).");
  }

  public static Optional<String> valuesFileProblem(String text) {
    String t = String.valueOf(text);
    String what = "--values " + quote(t) + ": ";
    if (t.indexOf('/') >= 0 || t.indexOf('\\') >= 0) {
      return Optional.of(
          what + "give a bare file name from the bot's values directory, not a path,"
              + " e.g. `gim-values.yaml`.");
    }
    if (t.contains("..")) {
      return Optional.of(what + "a values file name must not contain `..`.");
    }
    if (t.startsWith("-") || t.startsWith(".")) {
      return Optional.of(what + "a values file name must not start with `-` or `.`.");
    }
    if (t.length() > 100) {
      return Optional.of(what + "a values file name has at most 100 characters.");
    }
    if (!VALUES_FILE.matcher(t).matches()) {
      return Optional.of(
          what + "a values file name may contain only letters, digits, `.`, `_` and `-`.");
    }
    if (!t.endsWith(".yaml") && !t.endsWith(".yml")) {
      return Optional.of(what + "a values file name must end in `.yaml` or `.yml`.");
    }
    return Optional.empty();
  }

  public static Optional<String> imageTagProblem(String text) {
    String t = String.valueOf(text);
    String what = "--image-tag " + quote(t) + ": ";
    if (t.indexOf(',') >= 0 || t.indexOf('=') >= 0) {
      return Optional.of(
          what + "an image tag has no `,` or `=` (they would add other keys to helm's --set).");
    }
    if (t.isEmpty() || t.length() > 128) {
      return Optional.of(what + "an image tag has 1 to 128 characters.");
    }
    if (t.startsWith(".") || t.startsWith("-")) {
      return Optional.of(what + "an image tag starts with a letter, a digit or `_`.");
    }
    if (!IMAGE_TAG.matcher(t).matches()) {
      return Optional.of(what + "an image tag may contain only letters, digits, `_`, `.` and `-`.");
    }
    return Optional.empty();
  }

  /** Checks an environment name in its canonical, lowercase form. */
  public static Optional<String> envProblem(String text) {
    String t = String.valueOf(text);
    if (ENV.matcher(t).matches()) {
      return Optional.empty();
    }
    String what = "--env " + quote(t) + ": ";
    if (t.isEmpty() || t.length() > 31) {
      return Optional.of(what + "an environment name has 1 to 31 characters.");
    }
    if (t.charAt(0) < 'a' || t.charAt(0) > 'z') {
      return Optional.of(what + "an environment name starts with a letter, e.g. `prod`.");
    }
    if (t.endsWith("-")) {
      return Optional.of(what + "an environment name must not end with `-`.");
    }
    return Optional.of(
        what + "an environment name may contain only lowercase letters, digits and `-`.");
  }

  /** Checks an operation id in its canonical, lowercase form. */
  public static Optional<String> opIdProblem(String text) {
    String t = String.valueOf(text);
    if (OP_ID.matcher(t).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        quote(t) + " is not an operation id: expected `op-` and 4 to 26 letters or digits,"
            + " as `ops` shows them.");
  }

  /** Checks an override reason in its canonical, trimmed form. */
  public static Optional<String> reasonProblem(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.of(
          "The --override reason is empty: write why the all-healthy rule may be overridden,"
              + " at least " + MIN_REASON_LENGTH + " characters.");
    }
    if (!text.equals(text.strip())) {
      return Optional.of("The --override reason must not start or end with spaces.");
    }
    Optional<String> invisible = characterProblem(text);
    if (invisible.isPresent()) {
      return Optional.of("The --override reason: " + invisible.get());
    }
    for (int i = 0; i < text.length(); i++) {
      if (isDoubleQuote(text.charAt(i))) {
        return Optional.of("The --override reason must not contain double quotes.");
      }
    }
    int length = text.codePointCount(0, text.length());
    if (length < MIN_REASON_LENGTH) {
      return Optional.of(
          "The --override reason " + quote(text) + " is too short: write why the all-healthy rule"
              + " may be overridden, at least " + MIN_REASON_LENGTH + " characters.");
    }
    if (length > MAX_REASON_LENGTH) {
      return Optional.of(
          "The --override reason is too long: " + length + " characters, at most "
              + MAX_REASON_LENGTH + ".");
    }
    return Optional.empty();
  }

  /**
   * Finds the first character no command may contain anywhere, even inside a quoted reason:
   * control characters (line breaks included), invisible formatting characters (zero-width
   * spaces, bidirectional overrides, which can disguise a token or an audit line), line and
   * paragraph separators and broken surrogates.
   */
  public static Optional<String> characterProblem(String text) {
    int column = 1;
    for (int i = 0; i < text.length(); column++) {
      int cp = text.codePointAt(i);
      String kind =
          switch (Character.getType(cp)) {
            case Character.CONTROL ->
                cp == '\n' || cp == '\r'
                    ? "a line break; type the command on one line"
                    : "a control character";
            case Character.FORMAT -> "an invisible formatting character";
            case Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> "a line separator";
            case Character.SURROGATE -> "a broken (unpaired) surrogate";
            default -> null;
          };
      if (kind != null) {
        return Optional.of(
            String.format("character %d is %s (U+%04X).", column, kind, cp));
      }
      i += Character.charCount(cp);
    }
    return Optional.empty();
  }

  /** The double quotes that may open or close an override reason: ASCII and Slack's smart ones. */
  static boolean isDoubleQuote(int cp) {
    return cp == '"' || cp == '\u201C' || cp == '\u201D';
  }

  static boolean isPrintableAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) > 0x7E || text.charAt(i) < 0x20) {
        return false;
      }
    }
    return true;
  }

  /**
   * Shows user text inside a message: in backticks (Slack's code style), cut to a readable length.
   * Text holding a backtick cannot sit in a code span, so it goes in plain double quotes.
   */
  static String quote(String text) {
    String t =
        text.codePointCount(0, text.length()) > MAX_QUOTED
            ? text.substring(0, text.offsetByCodePoints(0, MAX_QUOTED)) + "…"
            : text;
    return t.indexOf('`') >= 0 ? "\"" + t + "\"" : "`" + t + "`";
  }
}
