package io.gimops.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.bot.command.Command.Cancel;
import io.gimops.bot.command.Command.ExportViews;
import io.gimops.bot.command.Command.Help;
import io.gimops.bot.command.Command.History;
import io.gimops.bot.command.Command.Ops;
import io.gimops.bot.command.Command.Plan;
import io.gimops.bot.command.Command.Releases;
import io.gimops.bot.command.Command.RestartGim;
import io.gimops.bot.command.Command.Rollback;
import io.gimops.bot.command.Command.Status;
import io.gimops.bot.command.Command.Uninstall;
import io.gimops.bot.command.Command.Upgrade;
import io.gimops.bot.command.Command.UpgradeAll;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever arrives from Slack, {@link CommandParser#parse} either returns a command or throws a
 * {@link CommandParseException}: never anything else. Accepted commands render back to text that
 * parses to the same command, and never carry a shell character outside the quoted reason.
 */
class CommandParserPropertiesTest {

  private static final String FORBIDDEN_OUTSIDE_REASON = ";|&$`<>\\'\u2018\u2019";

  /** Parses, checking the invariants of both outcomes; any other exception fails the property. */
  static Optional<Command> parseOrRefuse(String text) {
    Command c;
    try {
      c = CommandParser.parse(text);
    } catch (CommandParseException e) {
      assertThat(e.problem()).isNotBlank();
      assertThat(e.usage()).isNotBlank();
      return Optional.empty();
    }
    try {
      assertThat(CommandParser.parse(c.toText())).isEqualTo(c);
    } catch (CommandParseException e) {
      throw new AssertionError("canonical text of " + c + " is refused: " + e.getMessage(), e);
    }
    String outsideReason = text;
    Optional<String> reason = overrideReason(c);
    if (reason.isPresent()) {
      outsideReason = text.replace(reason.get(), "");
    }
    assertThat(outsideReason.chars().filter(ch -> FORBIDDEN_OUTSIDE_REASON.indexOf(ch) >= 0))
        .as("shell characters outside the reason of accepted %s", text)
        .isEmpty();
    return Optional.of(c);
  }

  private static Optional<String> overrideReason(Command c) {
    if (c instanceof Upgrade u) {
      return u.overrideReason();
    }
    if (c instanceof UpgradeAll a) {
      return a.overrideReason();
    }
    return Optional.empty();
  }

  private static String outcome(Optional<Command> c) {
    return c.map(x -> x instanceof Plan p ? "Plan " + p.action().getClass().getSimpleName()
        : x.getClass().getSimpleName()).orElse("refused");
  }

  // -- Arbitrary input ------------------------------------------------------------------------

  @Property(tries = 1500)
  void arbitraryStringsAreParsedOrRefused(@ForAll @StringLength(max = 1100) String text) {
    parseOrRefuse(text);
  }

  @Property(tries = 1000)
  void arbitraryBmpCharactersIncludingSurrogatesAreParsedOrRefused(
      @ForAll("anyBmpText") String text) {
    parseOrRefuse(text);
  }

  @Property(tries = 1000)
  void arbitraryCodePointsOfEveryPlaneAreParsedOrRefused(@ForAll("anyCodePoints") String text) {
    parseOrRefuse(text);
  }

  @Property(tries = 1000)
  void arbitraryBytesAsUtf8AreParsedOrRefused(@ForAll @Size(max = 400) byte[] bytes) {
    parseOrRefuse(new String(bytes, StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void arbitraryBytesAsIso88591AreParsedOrRefused(@ForAll @Size(max = 400) byte[] bytes) {
    parseOrRefuse(new String(bytes, StandardCharsets.ISO_8859_1));
  }

  @Property(tries = 1000)
  void printableAsciiIsParsedOrRefused(@ForAll("printableAscii") String text) {
    parseOrRefuse(text);
  }

  @Provide
  Arbitrary<String> anyBmpText() {
    return Arbitraries.strings().all().ofMaxLength(300);
  }

  @Provide
  Arbitrary<String> anyCodePoints() {
    return Arbitraries.integers()
        .between(0, Character.MAX_CODE_POINT)
        .list()
        .ofMaxSize(200)
        .map(cps -> {
          StringBuilder sb = new StringBuilder();
          cps.forEach(sb::appendCodePoint);
          return sb.toString();
        });
  }

  @Provide
  Arbitrary<String> printableAscii() {
    return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(120);
  }

  // -- Input assembled from the grammar's own tokens, to reach deep paths -----------------------

  @Property(tries = 4000)
  void grammarTokensInAnyOrderAreParsedOrRefused(@ForAll("assembled") String text) {
    Optional<Command> c = parseOrRefuse(text);
    Statistics.label("outcome")
        .collect(outcome(c))
        .coverage(
            check -> {
              check.check("refused").percentage(p -> p < 95.0);
              for (String deep :
                  List.of(
                      "Upgrade", "UpgradeAll", "Rollback", "Uninstall", "Status", "Plan Upgrade",
                      "Plan Rollback", "Plan Uninstall", "Cancel", "RestartGim")) {
                check.check(deep).count(n -> n > 0);
              }
            });
  }

  @Provide
  Arbitrary<String> assembled() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(1, tokenSoup()), net.jqwik.api.Tuple.of(2, mutatedCommands()));
  }

  /** Valid commands with up to two tokens replaced, inserted, dropped, swapped or recased. */
  Arbitrary<String> mutatedCommands() {
    Arbitrary<Mutation> mutation =
        Combinators.combine(
                Arbitraries.of(MutationKind.class),
                Arbitraries.integers().between(0, 20),
                Arbitraries.integers().between(0, 20),
                Arbitraries.oneOf(grammarToken(), Arbitraries.of("--env prod", "--reinstall")))
            .as(Mutation::new);
    return Combinators.combine(commands(), mutation.list().ofMaxSize(2))
        .as(
            (command, mutations) -> {
              List<String> tokens = new ArrayList<>(List.of(command.toText().split(" ")));
              mutations.forEach(m -> m.apply(tokens));
              return String.join(" ", tokens);
            });
  }

  enum MutationKind {
    REPLACE, INSERT, DROP, SWAP, UPPERCASE, REPEAT
  }

  record Mutation(MutationKind kind, int at, int other, String token) {
    void apply(List<String> tokens) {
      if (tokens.isEmpty()) {
        return;
      }
      int i = at % tokens.size();
      int j = other % tokens.size();
      switch (kind) {
        case REPLACE -> tokens.set(i, token);
        case INSERT -> tokens.add(i, token);
        case DROP -> tokens.remove(i);
        case SWAP -> java.util.Collections.swap(tokens, i, j);
        case UPPERCASE -> tokens.set(i, tokens.get(i).toUpperCase(java.util.Locale.ROOT));
        case REPEAT -> tokens.add(tokens.get(i));
      }
    }
  }

  Arbitrary<String> tokenSoup() {
    Arbitrary<String> head =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(
                8,
                anyCase(
                    Arbitraries.of(
                        "help", "status", "releases", "history", "upgrade", "rollback",
                        "uninstall", "export-views", "restart", "ops", "cancel"))),
            net.jqwik.api.Tuple.of(
                4,
                anyCase(Arbitraries.of("plan upgrade", "plan rollback", "plan uninstall"))),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.of("upgarde", "plan", "plan restart", "", "gim", "--env")));
    Arbitrary<String> token = grammarToken();
    Arbitrary<String> gap = Arbitraries.of(" ", " ", " ", " ", " ", " ", "  ", "\u00a0", "");
    return Combinators.combine(head, token.list().ofMaxSize(6), gap.list().ofSize(6))
        .as(
            (h, tokens, gaps) -> {
              StringBuilder sb = new StringBuilder(h);
              for (int i = 0; i < tokens.size(); i++) {
                sb.append(i == 0 ? " " : gaps.get(i)).append(tokens.get(i));
              }
              return sb.toString();
            });
  }

  Arbitrary<String> grammarToken() {
    Arbitrary<String> service = anyCase(Arbitraries.of("gim", "gsp", "gca", "all", "gmi", "ALL"));
    Arbitrary<String> version =
        Arbitraries.oneOf(
            versions().map(Version::toString),
            Arbitraries.of("latest", "1.02", "100..1", "1.2.3+", "-1", "0", "007", "12345678"));
    Arbitrary<String> revision = Arbitraries.integers().between(0, 12_000_000).map(String::valueOf);
    Arbitrary<String> flag =
        Arbitraries.oneOf(
            Combinators.combine(
                    Arbitraries.of("--env", "--ENV", "--values", "--image-tag", "--to",
                        "--override", "--reinstall", "--enb", "-env", "—env", "--set",
                        "--set-string", "--", "-"),
                    Arbitraries.of(" ", "="),
                    flagValue())
                .as((f, sep, v) -> f + sep + v),
            Arbitraries.of("--reinstall", "--REINSTALL", "--env", "--override"));
    Arbitrary<String> junk =
        Arbitraries.oneOf(
            Arbitraries.of(
                ";", "|", "&&", "$(id)", "`id`", "'x'", "\"", "“", "”", "x=y", "\u00a0",
                "g\u0131m", "ｇｉｍ", "🚀", "\t", "\n", "\u200b", "\u202e", "../x.yaml",
                "\"quoted words\"", "op-ABCD1234", "op-abcd1234", "op-x"),
            Arbitraries.strings().ofMaxLength(8));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, service),
            net.jqwik.api.Tuple.of(4, version),
            net.jqwik.api.Tuple.of(2, revision),
            net.jqwik.api.Tuple.of(5, flag),
            net.jqwik.api.Tuple.of(2, junk));
  }

  private Arbitrary<String> flagValue() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            "prod", "PROD", "dev-2", "prod-", "1prod", "gim-values.yaml", "x.yml", "../../x.yaml",
            "/abs/x.yaml", "100.0.116", "a,gim.foo=bar", "latest", "Latest", "1.2.3",
            "\"a fine reason to override\"", "“smart quoted reason”", "\"short\"",
            "\"unterminated reason", "\"\"", "v1_2", ".tag"),
        envs(),
        valuesFiles(),
        imageTags());
  }

  /** The same words with each letter's case chosen at random. */
  private static Arbitrary<String> anyCase(Arbitrary<String> words) {
    return Combinators.combine(words, Arbitraries.longs())
        .as(
            (w, bits) -> {
              StringBuilder sb = new StringBuilder(w.length());
              for (int i = 0; i < w.length(); i++) {
                char ch = w.charAt(i);
                boolean upper = ((bits >>> (i % 64)) & 1) == 1;
                sb.append(upper ? Character.toUpperCase(ch) : ch);
              }
              return sb.toString();
            });
  }

  // -- Valid commands round-trip through their text --------------------------------------------

  @Property(tries = 1500)
  void everyValidCommandRoundTripsThroughItsText(@ForAll("commands") Command command)
      throws CommandParseException {
    assertThat(CommandParser.parse(command.toText())).isEqualTo(command);
    Statistics.collect(outcome(Optional.of(command)));
  }

  @Provide
  Arbitrary<Command> commands() {
    Arbitrary<ServiceKind> service = Arbitraries.of(ServiceKind.class);
    Arbitrary<Optional<String>> env = envs().optional(0.5);
    Arbitrary<Optional<String>> reason = reasons().optional(0.4);
    Arbitrary<Upgrade> upgrade =
        Combinators.combine(
                service,
                versions().optional(0.7),
                valuesFiles().optional(0.4),
                imageTags().optional(0.4),
                env,
                reason)
            .as(Upgrade::new);
    Arbitrary<UpgradeAll> upgradeAll = Combinators.combine(env, reason).as(UpgradeAll::new);
    Arbitrary<Rollback> rollback =
        Combinators.combine(
                service,
                Arbitraries.integers()
                    .between(1, 9_999_999)
                    .optional(0.6)
                    .map(o -> o.map(OptionalInt::of).orElse(OptionalInt.empty())),
                env)
            .as(Rollback::new);
    Arbitrary<Uninstall> uninstall =
        Combinators.combine(service, Arbitraries.of(true, false), env)
            .as((s, r, e) -> new Uninstall(s, r && s == ServiceKind.GSP, e));
    Arbitrary<Plan> plan =
        Arbitraries.oneOf(
                upgrade.map(u -> new Upgrade(u.service(), u.version(), u.valuesFile(),
                    u.imageTag(), u.env(), Optional.empty())),
                upgradeAll.map(u -> new UpgradeAll(u.env(), Optional.empty())),
                rollback,
                uninstall)
            .map(Plan::new);
    return Arbitraries.oneOf(
        Arbitraries.of(Verb.class).optional(0.5).map(Help::new),
        Combinators.combine(service.optional(0.5), env).as(Status::new),
        Combinators.combine(service, env).as(Releases::new),
        Combinators.combine(service, env).as(History::new),
        upgrade,
        upgradeAll,
        rollback,
        uninstall,
        plan,
        env.map(ExportViews::new),
        env.map(RestartGim::new),
        env.map(Ops::new),
        opIds().map(Cancel::new));
  }

  static Arbitrary<Version> versions() {
    Arbitrary<String> number = Arbitraries.integers().between(0, 999_999_999).map(String::valueOf);
    return Combinators.combine(number.list().ofMinSize(1).ofMaxSize(6), number.optional(0.5))
        .as((parts, build) -> String.join(".", parts) + build.map(b -> "+" + b).orElse(""))
        .map(Version::parse);
  }

  static Arbitrary<String> envs() {
    return Combinators.combine(
            Arbitraries.chars().range('a', 'z'),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-')
                .ofMaxLength(29),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').ofMaxLength(1))
        .as((first, middle, last) -> first + (last.isEmpty() ? "" : middle + last));
  }

  static Arbitrary<String> valuesFiles() {
    return Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').ofLength(1),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
                .withChars("._-").ofMaxLength(60),
            Arbitraries.of(".yaml", ".yml"))
        .as((a, b, c) -> a + b + c)
        .filter(f -> !f.contains(".."));
  }

  static Arbitrary<String> imageTags() {
    return Combinators.combine(
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars('_').ofLength(1),
            Arbitraries.strings().withCharRange('a', 'z').withCharRange('A', 'Z')
                .withCharRange('0', '9').withChars("_.-").ofMaxLength(127))
        .as((a, b) -> a + b);
  }

  static Arbitrary<String> opIds() {
    return Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9')
        .ofMinLength(4).ofMaxLength(26).map(s -> "op-" + s);
  }

  /** Reasons of printable text in any script, quotes and invisible characters excluded. */
  static Arbitrary<String> reasons() {
    return Arbitraries.strings()
        .all()
        .ofMinLength(10)
        .ofMaxLength(200)
        .map(String::strip)
        .filter(r -> Grammar.reasonProblem(r).isEmpty());
  }

  // -- The records refuse exactly what the parser refuses ---------------------------------------

  @Property(tries = 1000)
  void recordsAndParserAgreeOnValuesFiles(@ForAll("fileLike") String file) {
    boolean parsed = parseOrRefuse("upgrade gim --values " + file).isPresent();
    boolean constructed = constructs(() -> new Upgrade(ServiceKind.GIM, Optional.empty(),
        Optional.of(file), Optional.empty(), Optional.empty(), Optional.empty()));
    assertThat(constructed).as(file).isEqualTo(parsed);
  }

  @Property(tries = 1000)
  void recordsAndParserAgreeOnImageTags(@ForAll("fileLike") String tag) {
    boolean parsed = parseOrRefuse("upgrade gim --image-tag " + tag).isPresent();
    boolean constructed = constructs(() -> new Upgrade(ServiceKind.GIM, Optional.empty(),
        Optional.empty(), Optional.of(tag), Optional.empty(), Optional.empty()));
    assertThat(constructed).as(tag).isEqualTo(parsed);
  }

  @Property(tries = 1000)
  void recordsAndParserAgreeOnLowercaseEnvironments(@ForAll("fileLike") String env) {
    String lower = env.toLowerCase(java.util.Locale.ROOT);
    boolean parsed = parseOrRefuse("ops --env " + lower).isPresent();
    assertThat(constructs(() -> new Ops(Optional.of(lower)))).as(lower).isEqualTo(parsed);
  }

  @Property(tries = 500)
  void recordsAndParserAgreeOnLowercaseOperationIds(@ForAll("fileLike") String suffix) {
    String id = ("op-" + suffix).toLowerCase(java.util.Locale.ROOT);
    boolean parsed = parseOrRefuse("cancel " + id).isPresent();
    assertThat(constructs(() -> new Cancel(id))).as(id).isEqualTo(parsed);
  }

  @Provide
  Arbitrary<String> fileLike() {
    return Arbitraries.oneOf(
        valuesFiles(),
        imageTags(),
        envs(),
        Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(140));
  }

  private static boolean constructs(Runnable constructor) {
    try {
      constructor.run();
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Property(tries = 300)
  void recordsRefuseReasonsTheParserCouldNotHaveProduced(@ForAll String reason) {
    List<String> problems = new ArrayList<>();
    Grammar.reasonProblem(reason).ifPresent(problems::add);
    if (problems.isEmpty()) {
      assertThatCode(() -> new UpgradeAll(Optional.empty(), Optional.of(reason)))
          .doesNotThrowAnyException();
    } else {
      assertThatThrownBy(() -> new UpgradeAll(Optional.empty(), Optional.of(reason)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(problems.stream().collect(Collectors.joining()));
    }
  }
}
