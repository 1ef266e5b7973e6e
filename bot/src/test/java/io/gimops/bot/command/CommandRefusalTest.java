package io.gimops.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed input is refused with a message that names what was wrong, a suggestion when a valid
 * word is close, and the usage of the command concerned.
 */
class CommandRefusalTest {

  static CommandParseException refused(String text) {
    try {
      Command c = CommandParser.parse(text);
      return fail("expected a refusal of [%s], got %s", text, c);
    } catch (CommandParseException e) {
      assertThat(e.problem()).isNotBlank();
      assertThat(e.usage()).isNotBlank();
      assertThat(e.userMessage()).startsWith(e.getMessage()).endsWith(e.usage());
      return e;
    }
  }

  @Nested
  class DidYouMean_ {
    @Test
    void unknownCommandSuggestsTheClosestAndShowsTheOverview() {
      CommandParseException e = refused("upgarde gim");
      assertThat(e.problem()).contains("`upgarde`").contains("not a /gim command");
      assertThat(e.suggestion()).contains("upgrade");
      assertThat(e.getMessage()).endsWith("Did you mean `upgrade`?");
      assertThat(e.usage()).isEqualTo(CommandReference.overview());
    }

    @ParameterizedTest
    @CsvSource({
      "rolback gim, rollback",
      "stauts, status",
      "exportviews, export-views",
      "export, export-views",
      "hist gim, history",
      "Uninstal gca, uninstall",
      "cancle op-abcd, cancel"
    })
    void typosOfCommandWords(String text, String suggestion) {
      assertThat(refused(text).suggestion()).contains(suggestion);
    }

    @Test
    void farFromEveryCommandSuggestsNothing() {
      CommandParseException e = refused("deploy everything");
      assertThat(e.suggestion()).isEmpty();
      assertThat(e.getMessage()).doesNotContain("Did you mean");
    }

    @Test
    void badServiceSuggestsTheClosestService() {
      CommandParseException e = refused("rollback gmi");
      assertThat(e.problem()).contains("`gmi`").contains("not a service").contains("gim, gsp or gca");
      assertThat(e.suggestion()).contains("gim");
      assertThat(e.usage()).isEqualTo(CommandReference.usage(Verb.ROLLBACK));
    }

    @ParameterizedTest
    @CsvSource({"upgrade gca2, gca", "upgrade al, all", "status GSPP, gsp", "history gimm, gim"})
    void typosOfServices(String text, String suggestion) {
      assertThat(refused(text).suggestion()).contains(suggestion);
    }

    @ParameterizedTest
    @CsvSource({
      "status --enb prod, --env",
      "status -env prod, --env",
      "status --environment prod, --env",
      "upgrade gim --value x.yaml, --values",
      "upgrade gim --image x, --image-tag",
      "upgrade gim --overide \"a good reason\", --override",
      "uninstall gsp --reinstal, --reinstall",
      "upgrade all --too latest, --to"
    })
    void unknownFlagSuggestsTheClosestFlagOfThatCommand(String text, String suggestion) {
      CommandParseException e = refused(text);
      assertThat(e.problem()).contains("is not a flag of");
      assertThat(e.suggestion()).contains(suggestion);
    }

    @Test
    void slackTurningDoubleHyphenIntoADashIsExplained() {
      CommandParseException e = refused("status —env prod");
      assertThat(e.problem()).contains("`—env`").contains("two hyphens");
      assertThat(e.suggestion()).contains("--env");
    }

    @Test
    void aServiceInPlaceOfTheCommand() {
      assertThat(refused("gim status").problem())
          .contains("`gim` is a service, not a command")
          .contains("`status gim`");
    }
  }

  @Nested
  class Values {
    @Test
    void malformedVersionShowsTheExpectedForm() {
      CommandParseException e = refused("upgrade gim 100.0.x");
      assertThat(e.problem())
          .contains("'100.0.x' is not a version")
          .contains("<number>.<number>.<number>[+<build>], e.g. 100.0.116+2900")
          .contains("`latest`");
      assertThat(e.usage()).isEqualTo(CommandReference.usage(Verb.UPGRADE));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.02", "v100.0.116", "100.0.116+", "100..1", "1.2.3-rc1"})
    void versionsOutsideTheGrammar(String version) {
      assertThat(refused("upgrade gim " + version).problem()).contains("is not a version");
    }

    @Test
    void commandInjectionAfterAVersion() {
      CommandParseException e = refused("upgrade gim 100.0.116+2900;rm -rf /");
      assertThat(e.problem()).contains("`100.0.116+2900;rm`").contains("contains `;`");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '#',
        value = {
          "status gim | tee x # `|`",
          "status gim&& reboot # `&`",
          "status $(id) # `$`",
          "status `id` # a backtick",
          "status gim>/tmp/x # `>`",
          "status <gim # `<`",
          "upgrade gim --values a\\b.yaml # `\\`"
        })
    void shellCharactersAreRefusedByName(String text, String named) {
      assertThat(refused(text).problem()).contains("contains " + named);
    }

    @Test
    void valuesFileMustNotBeARelativePath() {
      CommandParseException e = refused("upgrade gim --values ../../etc/passwd");
      assertThat(e.problem()).contains("`../../etc/passwd`").contains("not a path");
    }

    @Test
    void valuesFileMustNotBeAnAbsolutePath() {
      assertThat(refused("upgrade gim --values /abs/x.yaml").problem())
          .contains("`/abs/x.yaml`")
          .contains("not a path");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '#',
        value = {
          "..x.yaml # must not contain `..`",
          "a..yaml # must not contain `..`",
          ".hidden.yaml # must not start with `-` or `.`",
          "-f.yaml # must not start with `-` or `.`",
          "values.json # must end in `.yaml` or `.yml`",
          "values.YAML # must end in `.yaml` or `.yml`",
          "va+lues.yaml # only letters, digits",
          "x,y.yaml # only letters, digits"
        })
    void valuesFileOutsideTheGrammar(String file, String why) {
      assertThat(refused("upgrade gim --values " + file).problem()).contains(why);
    }

    @Test
    void valuesFileNameOfMoreThanAHundredCharacters() {
      String name = "a".repeat(96) + ".yaml";
      assertThat(refused("upgrade gim --values " + name).problem()).contains("at most 100");
    }

    @Test
    void imageTagInSingleQuotesIsRefused() {
      CommandParseException e = refused("upgrade gim --image-tag 'a,gim.foo=bar'");
      assertThat(e.problem()).contains("single quote");
    }

    @Test
    void imageTagCannotSmuggleHelmSetKeys() {
      assertThat(refused("upgrade gim --image-tag a,gim.foo").problem())
          .contains("`a,gim.foo`")
          .contains("no `,` or `=`");
      assertThat(refused("upgrade gim --image-tag a,gim.foo=bar").problem()).contains("`=`");
      assertThat(refused("upgrade gim --image-tag=a=b").problem()).contains("more than one `=`");
    }

    @ParameterizedTest
    @ValueSource(strings = {".tag", "-tag", "tag:1", "tag+b", "tag/x"})
    void imageTagOutsideTheDockerGrammar(String tag) {
      assertThat(refused("upgrade gim --image-tag " + tag).problem()).contains("--image-tag");
    }

    @Test
    void imageTagOfMoreThan128Characters() {
      assertThat(refused("upgrade gim --image-tag " + "t".repeat(129)).problem())
          .contains("1 to 128");
    }

    @Test
    void helmSetIsRefusedOutright() {
      for (String text :
          new String[] {
            "upgrade gim --set x=y", "upgrade gim --set=x=y", "upgrade gim --SET x",
            "upgrade gim --set-string a=b", "upgrade gim --set-file a=b"
          }) {
        assertThat(refused(text).problem())
            .as(text)
            .contains("is not accepted: helm values cannot be set from chat");
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"status gim x=y", "status gim=1", "upgrade gim a.b.image.tag=1"})
    void equalsSignOutsideFlagEqualsValue(String text) {
      assertThat(refused(text).problem()).contains("contains `=`");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '#',
        value = {
          "rollback gim 0 # start at 1",
          "rollback gim 007 # leading zeros",
          "rollback gim -1 # without a sign",
          "rollback gim +1 # without a sign",
          "rollback gim 12345678 # at most 7 digits",
          "rollback gim 1.5 # not a release version",
          "rollback gim three # positive whole number"
        })
    void revisionOutsideTheGrammar(String text, String why) {
      assertThat(refused(text).problem()).contains("is not a revision").contains(why);
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '#',
        value = {
          "--env 1prod # starts with a letter",
          "--env prod- # must not end with `-`",
          "--env pro_d # only lowercase letters",
          "--env=prod.eu # only lowercase letters",
          "--env aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa # 1 to 31 characters"
        })
    void environmentOutsideTheGrammar(String flag, String why) {
      assertThat(refused("status " + flag).problem()).contains(why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"op-abc", "op-" + "a", "op_abcd", "abcd1234", "op-abcd-1234"})
    void operationIdOutsideTheGrammar(String id) {
      assertThat(refused("cancel " + id).problem()).contains("is not an operation id");
    }

    @Test
    void operationIdOfMoreThan26Characters() {
      assertThat(refused("cancel op-" + "a".repeat(27)).problem())
          .contains("is not an operation id");
    }
  }

  @Nested
  class Quotes {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "status \"gim\"",
          "\"status\"",
          "upgrade gim --values \"x.yaml\"",
          "status --env=\"prod\"",
          "upgrade gim\"1.2.3\"",
          "upgrade gim “1.2.3”",
          "uninstall gsp --reinstall \"now please\""
        })
    void quotesOutsideTheOverrideReason(String text) {
      assertThat(refused(text).problem()).contains("quote");
    }

    @Test
    void unterminatedReason() {
      assertThat(refused("upgrade gim --override \"no end in sight").problem())
          .contains("never closed");
    }

    @Test
    void reasonFollowedByText() {
      assertThat(refused("upgrade gim --override \"a long enough \"reason\"").problem())
          .contains("cannot itself contain double quotes");
    }

    @Test
    void unquotedReason() {
      assertThat(refused("upgrade gim --override because-it-is-fine").problem())
          .contains("Put the --override reason in double quotes");
    }

    @Test
    void shortReason() {
      CommandParseException e = refused("upgrade gim --override \"  urgent  \"");
      assertThat(e.problem()).contains("`urgent`").contains("too short").contains("at least 10");
    }

    @Test
    void longReason() {
      assertThat(refused("upgrade all --override \"" + "x".repeat(501) + "\"").problem())
          .contains("too long")
          .contains("at most 500");
    }

    @Test
    void emptyReason() {
      assertThat(refused("upgrade all --override \"\"").problem()).contains("is empty");
    }

    @Test
    void planTakesNoOverride() {
      assertThat(refused("plan upgrade gim --override \"it is fine, trust me\"").problem())
          .contains("A plan changes nothing, so it takes no --override");
    }
  }

  @Nested
  class Characters {
    @Test
    void overlongInput() {
      CommandParseException e = refused("status " + "x".repeat(1000));
      assertThat(e.problem()).contains("1007 characters long").contains("at most 1000");
    }

    @Test
    void overlongInputEvenWhenItIsAllSpaces() {
      assertThat(refused(" ".repeat(1001)).problem()).contains("at most 1000");
    }

    @Test
    void exactlyAThousandCharactersIsAccepted() throws Exception {
      String text = "status" + " ".repeat(994);
      assertThat(text).hasSize(1000);
      assertThat(CommandParser.parse(text)).isInstanceOf(Command.Status.class);
    }

    @Test
    void controlAndInvisibleCharacters() {
      String[][] cases = {
        {"status\ngim", "character 7 is a line break"},
        {"status\r\ngim", "line break"},
        {"status\tgim", "character 7 is a control character (U+0009)"},
        {"status gim\u0000", "control character (U+0000)"},
        {"status gim\u007f", "control character (U+007F)"},
        {"status g\u200Bim", "invisible formatting character (U+200B)"},
        {"status gim\u202E", "invisible formatting character (U+202E)"},
        {"status\u2028gim", "line separator"},
        {"status \uD800gim", "broken (unpaired) surrogate"}
      };
      for (String[] c : cases) {
        assertThat(refused(c[0]).problem()).as(c[0]).contains(c[1]);
      }
    }

    @Test
    void controlCharactersInsideTheReasonToo() {
      assertThat(refused("upgrade gim --override \"a fine\u0007 reason\"").problem())
          .contains("control character");
    }

    @Test
    void nonAsciiLookalikesOfServiceNames() {
      // 'ı' upper-cases to 'I': String.equalsIgnoreCase would take it for gim.
      CommandParseException e = refused("rollback g\u0131m");
      assertThat(e.problem()).contains("U+0131").contains("not plain ASCII");
      assertThat(refused("rollback ｇｉｍ").problem()).contains("not plain ASCII");
    }
  }

  @Nested
  class Shape {
    @Test
    void repeatedFlag() {
      CommandParseException e = refused("status --env prod --env=dev");
      assertThat(e.problem()).contains("`--env` is given twice");
      assertThat(refused("uninstall gsp --reinstall --reinstall").problem())
          .contains("given twice");
    }

    @ParameterizedTest
    @CsvSource(
        delimiter = '#',
        value = {
          "status gim gsp # `gsp` is one argument too many for `status`",
          "releases gim 1.2.3 # `1.2.3` is one argument too many",
          "upgrade gim 1.2.3 4.5.6 # `4.5.6` is one argument too many",
          "rollback gim 3 4 # `4` is one argument too many",
          "uninstall gsp now # `now` is one argument too many",
          "ops gim # `gim` is one argument too many for `ops`",
          "export-views gim # one argument too many",
          "restart gim now # one argument too many",
          "cancel op-abcd op-efgh # one argument too many",
          "help upgrade gim # one argument too many for `help`",
          "upgrade all now # one argument too many"
        })
    void extraPositionals(String text, String why) {
      assertThat(refused(text).problem()).contains(why);
    }

    @Test
    void argumentsAfterFlags() {
      assertThat(refused("upgrade --env prod gim").problem()).contains("`gim` follows the flags");
      assertThat(refused("uninstall gsp --reinstall prod").problem())
          .contains("`prod` follows the flags")
          .contains("--reinstall takes no value");
    }

    @Test
    void flagWithoutValue() {
      assertThat(refused("status --env").problem()).contains("`--env` needs a value: `--env ENV`");
      assertThat(refused("status --env=").problem()).contains("needs a value");
      assertThat(refused("upgrade gim --values --env prod").problem())
          .contains("`--values` needs a value");
    }

    @Test
    void booleanFlagWithValue() {
      assertThat(refused("uninstall gsp --reinstall=yes").problem()).contains("takes no value");
    }

    @Test
    void flagOfAnotherCommand() {
      assertThat(refused("rollback gim --values x.yaml").problem())
          .contains("`--values` does not apply to `rollback`; it takes `--env ENV`");
      assertThat(refused("cancel op-abcd --env prod").problem()).contains("takes no flags");
      assertThat(refused("upgrade gim --to latest").problem())
          .contains("`--to` belongs to `upgrade all`");
      assertThat(refused("upgrade all --values x.yaml").problem())
          .contains("applies to the upgrade of one service, not to a cycle");
    }

    @Test
    void missingService() {
      assertThat(refused("upgrade").problem()).contains("needs a service: gim, gsp, gca or all");
      assertThat(refused("rollback").problem()).contains("needs a service: gim, gsp or gca");
      assertThat(refused("releases --env prod").problem()).contains("needs a service");
      assertThat(refused("restart").problem()).contains("`restart gim`");
      assertThat(refused("cancel").problem()).contains("needs the id");
    }

    @Test
    void allWhereOneServiceIsNeeded() {
      assertThat(refused("rollback all").problem()).contains("one service at a time");
      assertThat(refused("uninstall ALL").problem()).contains("one service at a time");
      assertThat(refused("status all").problem()).contains("type just `status`");
    }
  }

  @Nested
  class DomainRules {
    @ParameterizedTest
    @ValueSource(strings = {"gim", "gca", "GIM"})
    void reinstallOnlyForGsp(String service) {
      CommandParseException e = refused("uninstall " + service + " --reinstall");
      assertThat(e.problem())
          .contains("--reinstall applies to gsp only")
          .contains("deletes GSP's state ConfigMaps");
      assertThat(refused("plan uninstall " + service + " --reinstall").problem())
          .contains("applies to gsp only");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gsp", "gca", "GSP"})
    void onlyGimMayBeRestarted(String service) {
      CommandParseException e = refused("restart " + service);
      assertThat(e.problem())
          .contains("Only gim may be restarted")
          .contains("resumes an interrupted migration job");
      assertThat(e.usage()).isEqualTo(CommandReference.usage(Verb.RESTART));
    }

    @Test
    void aCycleTakesNoVersionBecauseTheServicesHaveDifferentReleaseNumbers() {
      for (String text :
          new String[] {
            "upgrade all --to 100.0.116+2900", "upgrade all 100.0.116", "upgrade all latest",
            "plan upgrade all --to 1.2.3"
          }) {
        assertThat(refused(text).problem())
            .as(text)
            .contains("each service to its own newest release")
            .contains("different release numbers");
      }
      assertThat(refused("upgrade all --to newest").problem()).contains("only `--to latest`");
    }

    @Test
    void onlyLifecycleActionsCanBePlanned() {
      assertThat(refused("plan restart gim").problem())
          .contains("Only upgrade, rollback and uninstall can be planned");
      CommandParseException e = refused("plan upgarde gim");
      assertThat(e.suggestion()).contains("upgrade");
      assertThat(refused("plan").problem()).contains("needs the action");
    }
  }

  @Test
  void helpForAnUnknownCommandSuggests() {
    CommandParseException e = refused("help upgarde");
    assertThat(e.suggestion()).contains("upgrade");
    assertThat(e.usage()).isEqualTo(CommandReference.usage(Verb.HELP));
  }

  @Test
  void longTokensAreCutInMessages() {
    CommandParseException e = refused("status " + "g".repeat(200));
    assertThat(e.problem()).contains("g".repeat(40) + "…").doesNotContain("g".repeat(41));
  }
}
