package io.gimops.bot.command;

import static io.gimops.bot.command.Grammar.quote;

import io.gimops.bot.command.Command.Action;
import io.gimops.bot.command.Tokenizer.Token;
import io.gimops.policies.domain.MalformedVersionException;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Parses the text Slack delivers after {@code /gim} into a {@link Command}.
 *
 * <ol>
 *   <li>Refuse input over {@value Grammar#MAX_INPUT_LENGTH} characters, and control or invisible
 *       characters anywhere.
 *   <li>Tokenize at spaces ({@link Tokenizer}): quotes only around the {@code --override} reason;
 *       shell characters, single quotes, stray {@code =} and non-ASCII refused outside it.
 *   <li>The first token is the command word; empty input is {@code help}.
 *   <li>Positional arguments, then flags in any order ({@code --flag value} or
 *       {@code --flag=value}, each at most once), each value checked against {@link Grammar}.
 * </ol>
 *
 * <p>Command words, service names, flags and the {@code latest}/{@code all} keywords are
 * case-insensitive; environment names and operation ids are read in lowercase, the form they are
 * configured and generated in. Versions, file names and image tags keep their case.
 */
public final class CommandParser {

  private static final List<String> SERVICES =
      Arrays.stream(ServiceKind.values()).map(ServiceKind::id).collect(Collectors.toList());
  private static final List<String> SERVICES_AND_ALL = concat(SERVICES, Grammar.ALL);
  private static final List<String> VERBS =
      Arrays.stream(Verb.values()).map(Verb::word).collect(Collectors.toList());
  private static final List<Verb> PLANNABLE = List.of(Verb.UPGRADE, Verb.ROLLBACK, Verb.UNINSTALL);

  /** The verb whose usage errors show; empty while the command word is unknown. */
  private Optional<Verb> verb = Optional.empty();

  private CommandParser() {}

  /**
   * Parses one command.
   *
   * @param text the text after {@code /gim}; null or blank means {@code help}
   * @throws CommandParseException if the text is not a valid command; its
   *     {@link CommandParseException#userMessage()} is the answer for the user
   */
  public static Command parse(String text) throws CommandParseException {
    return new CommandParser().run(text == null ? "" : text);
  }

  /** A token is a flag if it starts with {@code -}, except a negative number (a bad argument). */
  static boolean isFlagLike(String text) {
    return text.startsWith("-")
        && !(text.length() > 1 && text.charAt(1) >= '0' && text.charAt(1) <= '9');
  }

  private Command run(String text) throws CommandParseException {
    verb = Verb.fromWord(firstWord(text));
    int length = text.codePointCount(0, text.length());
    if (length > Grammar.MAX_INPUT_LENGTH) {
      throw error(
          "The command is " + length + " characters long; at most " + Grammar.MAX_INPUT_LENGTH
              + " are accepted.");
    }
    Optional<String> bad = Grammar.characterProblem(text);
    if (bad.isPresent()) {
      throw error("The command cannot be read: " + bad.get());
    }
    List<Token> tokens = Tokenizer.tokenize(text, usage());
    if (tokens.isEmpty()) {
      return new Command.Help(Optional.empty());
    }
    Token first = tokens.get(0);
    if (first.isStandaloneQuote()) {
      throw quotedArgument(first);
    }
    verb = Verb.fromWord(first.text());
    if (verb.isEmpty()) {
      throw unknownCommand(first.text());
    }
    List<Token> rest = tokens.subList(1, tokens.size());
    return switch (verb.get()) {
      case HELP -> help(rest);
      case STATUS -> status(rest);
      case RELEASES -> {
        Args a = args(rest, "releases", EnumSet.of(Flag.ENV));
        ServiceKind service = a.service(0, "releases", true);
        a.atMost(1, "releases");
        yield new Command.Releases(service, a.env());
      }
      case HISTORY -> {
        Args a = args(rest, "history", EnumSet.of(Flag.ENV));
        ServiceKind service = a.service(0, "history", true);
        a.atMost(1, "history");
        yield new Command.History(service, a.env());
      }
      case PLAN -> plan(rest);
      case UPGRADE -> upgrade(rest, false);
      case ROLLBACK -> rollback(rest, false);
      case UNINSTALL -> uninstall(rest, false);
      case EXPORT_VIEWS -> {
        Args a = args(rest, "export-views", EnumSet.of(Flag.ENV));
        a.atMost(0, "export-views");
        yield new Command.ExportViews(a.env());
      }
      case RESTART -> restart(rest);
      case OPS -> {
        Args a = args(rest, "ops", EnumSet.of(Flag.ENV));
        a.atMost(0, "ops");
        yield new Command.Ops(a.env());
      }
      case CANCEL -> cancel(rest);
    };
  }

  private Command help(List<Token> rest) throws CommandParseException {
    Args a = args(rest, "help", EnumSet.noneOf(Flag.class));
    a.atMost(1, "help");
    if (a.positionals.isEmpty()) {
      return new Command.Help(Optional.empty());
    }
    String word = a.positionals.get(0);
    Optional<Verb> topic = Verb.fromWord(word);
    if (topic.isEmpty()) {
      throw error(quote(word) + " is not a /gim command.", DidYouMean.closest(word, VERBS));
    }
    return new Command.Help(topic);
  }

  private Command status(List<Token> rest) throws CommandParseException {
    Args a = args(rest, "status", EnumSet.of(Flag.ENV));
    a.atMost(1, "status");
    if (!a.positionals.isEmpty() && a.positionals.get(0).equalsIgnoreCase(Grammar.ALL)) {
      throw error("`status` shows every service when you name none: type just `status`.");
    }
    Optional<ServiceKind> service =
        a.positionals.isEmpty()
            ? Optional.empty()
            : Optional.of(a.service(0, "status", true));
    return new Command.Status(service, a.env());
  }

  private Command plan(List<Token> rest) throws CommandParseException {
    String choices = "`plan upgrade`, `plan rollback` or `plan uninstall`";
    if (rest.isEmpty()) {
      throw error("`plan` needs the action to plan: " + choices + ".");
    }
    Token action = rest.get(0);
    if (action.isStandaloneQuote()) {
      throw quotedArgument(action);
    }
    Optional<Verb> planned = Verb.fromWord(action.text());
    if (planned.isEmpty() || !PLANNABLE.contains(planned.get())) {
      String problem =
          planned.isPresent()
              ? "Only upgrade, rollback and uninstall can be planned, not " + quote(action.text())
                  + ": " + choices + "."
              : quote(action.text()) + " is not an action to plan: " + choices + ".";
      throw error(
          problem,
          DidYouMean.closest(
              action.text(), PLANNABLE.stream().map(Verb::word).collect(Collectors.toList())));
    }
    List<Token> args = rest.subList(1, rest.size());
    Action planAction =
        switch (planned.get()) {
          case UPGRADE -> upgrade(args, true);
          case ROLLBACK -> rollback(args, true);
          default -> uninstall(args, true);
        };
    return new Command.Plan(planAction);
  }

  private Action upgrade(List<Token> rest, boolean plan) throws CommandParseException {
    String name = plan ? "plan upgrade" : "upgrade";
    boolean all =
        !rest.isEmpty()
            && rest.get(0).quoted().isEmpty()
            && rest.get(0).text().equalsIgnoreCase(Grammar.ALL);
    if (all) {
      Set<Flag> flags = EnumSet.of(Flag.TO, Flag.ENV);
      if (!plan) {
        flags.add(Flag.OVERRIDE);
      }
      Args a = args(rest, name + " all", flags);
      if (a.positionals.size() > 1) {
        String extra = a.positionals.get(1);
        if (extra.equalsIgnoreCase(Grammar.LATEST) || Version.isValid(extra)) {
          throw error(cycleTakesNoVersion(quote(extra)));
        }
        throw tooMany(extra, name + " all");
      }
      return new Command.UpgradeAll(a.env(), a.value(Flag.OVERRIDE));
    }
    Set<Flag> flags = EnumSet.of(Flag.VALUES, Flag.IMAGE_TAG, Flag.ENV);
    if (!plan) {
      flags.add(Flag.OVERRIDE);
    }
    Args a = args(rest, name, flags);
    if (a.positionals.isEmpty()) {
      throw error("`" + name + "` needs a service: gim, gsp, gca or all.");
    }
    ServiceKind service = a.service(0, name, false);
    a.atMost(2, name);
    Optional<Version> version = Optional.empty();
    if (a.positionals.size() == 2 && !a.positionals.get(1).equalsIgnoreCase(Grammar.LATEST)) {
      try {
        version = Optional.of(Version.parse(a.positionals.get(1)));
      } catch (MalformedVersionException e) {
        throw error(e.getMessage() + " Or `latest` for the newest release in the catalog.");
      }
    }
    return new Command.Upgrade(
        service,
        version,
        a.value(Flag.VALUES),
        a.value(Flag.IMAGE_TAG),
        a.env(),
        a.value(Flag.OVERRIDE));
  }

  private Action rollback(List<Token> rest, boolean plan) throws CommandParseException {
    String name = plan ? "plan rollback" : "rollback";
    Args a = args(rest, name, EnumSet.of(Flag.TO, Flag.IMAGE_TAG, Flag.ENV));
    ServiceKind service = a.service(0, name, true);
    a.atMost(2, name);
    OptionalInt revision = OptionalInt.empty();
    if (a.positionals.size() == 2) {
      String r = a.positionals.get(1);
      Optional<String> problem = Grammar.revisionProblem(r);
      if (problem.isPresent()) {
        throw error(problem.get() + (Version.isValid(r) ? " To re-install that release's package: `" + name + " "
            + service.id() + " --to " + r + "`." : ""));
      }
      revision = OptionalInt.of(Integer.parseInt(r));
    }
    Optional<Version> to = a.value(Flag.TO).map(Version::parse);
    if (to.isPresent() && revision.isPresent()) {
      throw error("`" + name + "` goes back either to a Helm revision (`" + name + " " + service.id() + " "
          + revision.getAsInt() + "`) or by re-installing a release's package (`" + name + " " + service.id()
          + " --to " + to.get() + "`), not both.");
    }
    if (a.value(Flag.IMAGE_TAG).isPresent() && to.isEmpty()) {
      throw error("`--image-tag` goes with `--to <version>` (the package re-installed, with `--set "
          + service.id() + ".image.tag=<tag>`); `helm rollback` to a revision takes no image tag.");
    }
    return new Command.Rollback(service, revision, to, a.value(Flag.IMAGE_TAG), a.env());
  }

  private Action uninstall(List<Token> rest, boolean plan) throws CommandParseException {
    String name = plan ? "plan uninstall" : "uninstall";
    Args a = args(rest, name, EnumSet.of(Flag.REINSTALL, Flag.ENV));
    ServiceKind service = a.service(0, name, true);
    a.atMost(1, name);
    boolean reinstall = a.values.containsKey(Flag.REINSTALL);
    if (reinstall && service != ServiceKind.GSP) {
      throw error(Grammar.reinstallOnlyForGsp(service));
    }
    return new Command.Uninstall(service, reinstall, a.env());
  }

  private Command restart(List<Token> rest) throws CommandParseException {
    Args a = args(rest, "restart", EnumSet.of(Flag.ENV));
    if (a.positionals.isEmpty()) {
      throw error("`restart` needs the service, and only gim may be restarted: `restart gim`.");
    }
    ServiceKind service = a.service(0, "restart", true);
    if (service != ServiceKind.GIM) {
      throw error(
          "Only gim may be restarted: restarting the GIM pod resumes an interrupted migration"
              + " job, and " + service.id() + " has no such job.");
    }
    a.atMost(1, "restart");
    return new Command.RestartGim(a.env());
  }

  private Command cancel(List<Token> rest) throws CommandParseException {
    Args a = args(rest, "cancel", EnumSet.noneOf(Flag.class));
    if (a.positionals.isEmpty()) {
      throw error("`cancel` needs the id of an operation, as `ops` shows it.");
    }
    a.atMost(1, "cancel");
    // Ids are generated in lowercase; phones capitalise, so any case is read as lowercase.
    String id = a.positionals.get(0).toLowerCase(Locale.ROOT);
    Optional<String> problem = Grammar.opIdProblem(id);
    if (problem.isPresent()) {
      throw error(problem.get());
    }
    return new Command.Cancel(id);
  }

  /** Positional arguments and flag values of one command, already checked against Grammar. */
  private final class Args {
    final List<String> positionals = new ArrayList<>();
    final Map<Flag, String> values = new EnumMap<>(Flag.class);

    Optional<String> value(Flag flag) {
      return Optional.ofNullable(values.get(flag));
    }

    Optional<String> env() {
      return value(Flag.ENV);
    }

    /** The service at {@code index}; {@code oneService} when {@code all} is no choice here. */
    ServiceKind service(int index, String command, boolean oneService)
        throws CommandParseException {
      if (positionals.size() <= index) {
        throw error("`" + command + "` needs a service: gim, gsp or gca.");
      }
      String text = positionals.get(index);
      Optional<ServiceKind> service = Grammar.service(text);
      if (service.isPresent()) {
        return service.get();
      }
      if (oneService && text.equalsIgnoreCase(Grammar.ALL)) {
        throw error("`" + command + "` works on one service at a time: gim, gsp or gca.");
      }
      throw error(
          quote(text) + " is not a service: expected " + (oneService ? "gim, gsp or gca" : "gim,"
              + " gsp, gca or all") + ".",
          DidYouMean.closest(text, oneService ? SERVICES : SERVICES_AND_ALL));
    }

    void atMost(int count, String command) throws CommandParseException {
      if (positionals.size() > count) {
        throw tooMany(positionals.get(count), command);
      }
    }
  }

  /**
   * Splits arguments into positionals and flags: positionals first, then flags in any order,
   * each at most once, each value checked against its grammar.
   */
  private Args args(List<Token> tokens, String command, Set<Flag> allowed)
      throws CommandParseException {
    Args a = new Args();
    Flag lastFlag = null;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isStandaloneQuote()) {
        throw quotedArgument(t);
      }
      if (!isFlagLike(t.text())) {
        if (lastFlag != null) {
          throw error(
              quote(t.text()) + " follows the flags: put arguments before the flags"
                  + (lastFlag.takesValue() ? "" : " (" + lastFlag + " takes no value)") + ".");
        }
        a.positionals.add(t.text());
        continue;
      }
      int eq = t.text().indexOf('=');
      String name = eq < 0 ? t.text() : t.text().substring(0, eq);
      Flag flag = Flag.fromText(name).orElse(null);
      if (flag == null) {
        throw unknownFlag(name, command, allowed);
      }
      if (!allowed.contains(flag)) {
        throw error(flagNotHere(flag, command, allowed));
      }
      if (a.values.containsKey(flag)) {
        throw error("`" + flag + "` is given twice: give each flag at most once.");
      }
      lastFlag = flag;
      if (!flag.takesValue()) {
        if (eq >= 0) {
          throw error("`" + flag + "` takes no value: write just `" + flag + "`.");
        }
        a.values.put(flag, "");
        continue;
      }
      String value;
      boolean quoted;
      if (eq >= 0) {
        quoted = t.quoted().isPresent();
        value = quoted ? t.quoted().get() : t.text().substring(eq + 1);
      } else {
        Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
        if (next == null || (!next.isStandaloneQuote() && next.text().startsWith("--"))) {
          throw error("`" + flag + "` needs a value: `" + flag.usage() + "`.");
        }
        i++;
        quoted = next.isStandaloneQuote();
        value = quoted ? next.quoted().get() : next.text();
      }
      if (flag == Flag.OVERRIDE) {
        if (!quoted) {
          throw error(
              "Put the --override reason in double quotes: `--override \"why the all-healthy"
                  + " rule may be overridden\"`.");
        }
      } else if (quoted) {
        throw error(
            "`" + flag + "` takes its value without quotes: double quotes are only allowed around"
                + " the --override reason.");
      } else if (value.isEmpty()) {
        throw error("`" + flag + "` needs a value: `" + flag.usage() + "`.");
      }
      a.values.put(flag, checkedValue(flag, value, command));
    }
    return a;
  }

  /** The canonical form of a flag value, or an error saying what is wrong with it. */
  private String checkedValue(Flag flag, String value, String command) throws CommandParseException {
    if (flag == Flag.TO && command.endsWith("rollback")) {
      // rollback <service> --to <version>: the earlier release whose package is re-installed.
      if (!Version.isValid(value)) {
        throw error("--to " + quote(value) + ": `" + command + " <service> --to <version>` re-installs an earlier"
            + " release, e.g. `--to 100.0.115+2800` (`releases <service>` lists them); a Helm revision goes"
            + " without `--to`: `" + command + " <service> <revision>`.");
      }
      return value;
    }
    String canonical =
        switch (flag) {
          // Environment names are configured in lowercase; PROD means prod.
          case ENV -> value.toLowerCase(Locale.ROOT);
          case OVERRIDE -> value.strip();
          case TO -> Grammar.LATEST;
          default -> value;
        };
    Optional<String> problem =
        switch (flag) {
          case ENV -> Grammar.envProblem(canonical);
          case VALUES -> Grammar.valuesFileProblem(value);
          case IMAGE_TAG -> Grammar.imageTagProblem(value);
          case OVERRIDE -> Grammar.reasonProblem(canonical);
          case TO -> value.equalsIgnoreCase(Grammar.LATEST)
              ? Optional.empty()
              : Optional.of(
                  Version.isValid(value)
                      ? cycleTakesNoVersion("--to " + quote(value))
                      : "--to " + quote(value) + ": a cycle accepts only `--to latest`.");
          case REINSTALL -> throw new AssertionError(flag);
        };
    if (problem.isPresent()) {
      throw error(problem.get());
    }
    return canonical;
  }

  private static String cycleTakesNoVersion(String what) {
    return what + ": `upgrade all` takes each service to its own newest release, because GIM,"
        + " GSP and GCA have different release numbers, so it takes no version (only `--to"
        + " latest`). To choose a version, upgrade one service: `upgrade gim <version>`.";
  }

  private String flagNotHere(Flag flag, String command, Set<Flag> allowed) {
    if (flag == Flag.OVERRIDE && command.startsWith("plan")) {
      return Grammar.NO_OVERRIDE_IN_PLAN;
    }
    if (flag == Flag.TO && command.endsWith("upgrade")) {
      return "`--to` belongs to `upgrade all`: for one service, give the version after it, e.g."
          + " `upgrade gim 100.0.116+2900`.";
    }
    if ((flag == Flag.VALUES || flag == Flag.IMAGE_TAG) && command.endsWith("upgrade all")) {
      return "`" + flag + "` applies to the upgrade of one service, not to a cycle: `upgrade"
          + " <service> " + flag.usage() + "`.";
    }
    return "`" + flag + "` does not apply to `" + command + "`; " + takes(command, allowed);
  }

  private CommandParseException unknownFlag(String name, String command, Set<Flag> allowed) {
    List<String> names = allowed.stream().map(Flag::text).collect(Collectors.toList());
    return error(
        quote(name) + " is not a flag of `" + command + "`; " + takes(command, allowed),
        DidYouMean.closest(name, names));
  }

  private static String takes(String command, Set<Flag> allowed) {
    return allowed.isEmpty()
        ? "it takes no flags."
        : "it takes "
            + allowed.stream().map(f -> "`" + f.usage() + "`").collect(Collectors.joining(", "))
            + ".";
  }

  private CommandParseException unknownCommand(String word) {
    if (Grammar.service(word).isPresent()) {
      return error(
          quote(word) + " is a service, not a command: the command comes first, e.g. `status "
              + word.toLowerCase(Locale.ROOT) + "`.");
    }
    if (isFlagLike(word)) {
      return error(quote(word) + " is a flag: start with a command, e.g. `status --env prod`.");
    }
    return error(quote(word) + " is not a /gim command.", DidYouMean.closest(word, VERBS));
  }

  private CommandParseException quotedArgument(Token t) {
    return error(
        quote(t.typed()) + " is quoted: double quotes are only allowed around the --override"
            + " reason.");
  }

  private CommandParseException tooMany(String extra, String command) {
    return error(quote(extra) + " is one argument too many for `" + command + "`.");
  }

  private CommandParseException error(String problem) {
    return error(problem, Optional.empty());
  }

  private CommandParseException error(String problem, Optional<String> suggestion) {
    return new CommandParseException(problem, suggestion.orElse(null), usage());
  }

  private String usage() {
    return verb.map(CommandReference::usage).orElseGet(CommandReference::overview);
  }

  private static String firstWord(String text) {
    String t = text.strip();
    int space = t.indexOf(' ');
    return space < 0 ? t : t.substring(0, space);
  }

  private static List<String> concat(List<String> list, String more) {
    List<String> all = new ArrayList<>(list);
    all.add(more);
    return List.copyOf(all);
  }
}
