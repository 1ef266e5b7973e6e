package io.gimops.bot.command;

import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command and flag of the language, parsed; defaults and case-insensitivity. */
class CommandParserTest {

  private static final Optional<String> NO_ENV = Optional.empty();
  private static final Optional<String> PROD = Optional.of("prod");

  static Command parse(String text) throws CommandParseException {
    return CommandParser.parse(text);
  }

  @Nested
  class Help_ {
    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "help", "HELP", " help "})
    void emptyInputAndHelpShowTheOverview(String text) throws Exception {
      assertThat(parse(text)).isEqualTo(new Help(Optional.empty()));
    }

    @Test
    void nullIsHelp() throws Exception {
      assertThat(parse(null)).isEqualTo(new Help(Optional.empty()));
    }

    @Test
    void helpForOneCommand() throws Exception {
      assertThat(parse("help upgrade")).isEqualTo(new Help(Optional.of(Verb.UPGRADE)));
      assertThat(parse("help Export-Views")).isEqualTo(new Help(Optional.of(Verb.EXPORT_VIEWS)));
      assertThat(parse("help plan")).isEqualTo(new Help(Optional.of(Verb.PLAN)));
    }
  }

  @Nested
  class ReadOnly {
    @Test
    void statusOfEveryServiceInTheChannelsEnvironment() throws Exception {
      assertThat(parse("status")).isEqualTo(new Status(Optional.empty(), NO_ENV));
    }

    @Test
    void statusOfOneServiceInANamedEnvironment() throws Exception {
      assertThat(parse("status gsp --env prod"))
          .isEqualTo(new Status(Optional.of(ServiceKind.GSP), PROD));
      assertThat(parse("status --env=prod"))
          .isEqualTo(new Status(Optional.empty(), PROD));
    }

    @Test
    void releasesAndHistory() throws Exception {
      assertThat(parse("releases gim")).isEqualTo(new Releases(ServiceKind.GIM, NO_ENV));
      assertThat(parse("releases gca --env prod")).isEqualTo(new Releases(ServiceKind.GCA, PROD));
      assertThat(parse("history gsp")).isEqualTo(new History(ServiceKind.GSP, NO_ENV));
      assertThat(parse("history gim --env=staging-2"))
          .isEqualTo(new History(ServiceKind.GIM, Optional.of("staging-2")));
    }

    @Test
    void opsAndExportViews() throws Exception {
      assertThat(parse("ops")).isEqualTo(new Ops(NO_ENV));
      assertThat(parse("ops --env prod")).isEqualTo(new Ops(PROD));
      assertThat(parse("export-views")).isEqualTo(new ExportViews(NO_ENV));
      assertThat(parse("export-views --env prod")).isEqualTo(new ExportViews(PROD));
    }
  }

  @Nested
  class Upgrades {
    @Test
    void versionOmittedMeansLatest() throws Exception {
      Upgrade u = (Upgrade) parse("upgrade gim");
      assertThat(u.version()).isEmpty();
      assertThat(u.toLatest()).isTrue();
      assertThat(u).isEqualTo(parse("upgrade gim latest")).isEqualTo(parse("upgrade gim LATEST"));
      assertThat(u.valuesFile()).isEmpty();
      assertThat(u.imageTag()).isEmpty();
      assertThat(u.env()).isEmpty();
      assertThat(u.overrideReason()).isEmpty();
    }

    @Test
    void everyFlagOfASingleServiceUpgrade() throws Exception {
      assertThat(
              parse(
                  "upgrade gsp 100.0.116+2900 --values gsp-values.yaml --image-tag 100.0.116_b2"
                      + " --env prod --override \"GCA is degraded, vendor case 1234 says go\""))
          .isEqualTo(
              new Upgrade(
                  ServiceKind.GSP,
                  Optional.of(Version.parse("100.0.116+2900")),
                  Optional.of("gsp-values.yaml"),
                  Optional.of("100.0.116_b2"),
                  PROD,
                  Optional.of("GCA is degraded, vendor case 1234 says go")));
    }

    @Test
    void flagsInAnyOrderAndEitherSpelling() throws Exception {
      Command a = parse("upgrade gim 1.2.3 --values v.yml --image-tag t1 --env prod");
      assertThat(parse("upgrade gim 1.2.3 --env=prod --image-tag=t1 --values=v.yml")).isEqualTo(a);
      assertThat(parse("upgrade gim 1.2.3 --image-tag t1 --env prod --values=v.yml")).isEqualTo(a);
    }

    @Test
    void overrideReasonInSlacksSmartQuotesOrGluedWithEquals() throws Exception {
      Optional<String> reason = Optional.of("GSP lag is known, INC-4711");
      assertThat(((Upgrade) parse("upgrade gim --override “GSP lag is known, INC-4711”"))
              .overrideReason())
          .isEqualTo(reason);
      assertThat(((Upgrade) parse("upgrade gim --override=\"GSP lag is known, INC-4711\""))
              .overrideReason())
          .isEqualTo(reason);
      assertThat(((Upgrade) parse("upgrade gim --OVERRIDE=“GSP lag is known, INC-4711\""))
              .overrideReason())
          .isEqualTo(reason);
    }

    @Test
    void overrideReasonIsTrimmedAndMayHoldAnyPrintableText() throws Exception {
      Upgrade u =
          (Upgrade) parse("upgrade gim --override \"  Kafka lag's fine; see $RUNBOOK & ünïcødé ✓ \"");
      assertThat(u.overrideReason()).contains("Kafka lag's fine; see $RUNBOOK & ünïcødé ✓");
    }

    @Test
    void upgradeAllIsACycleToEachServicesLatest() throws Exception {
      assertThat(parse("upgrade all")).isEqualTo(new UpgradeAll(NO_ENV, Optional.empty()));
      assertThat(parse("upgrade ALL --to latest")).isEqualTo(parse("upgrade all"));
      assertThat(parse("upgrade all --to=Latest --env prod --override \"verified by hand, INC-1\""))
          .isEqualTo(new UpgradeAll(PROD, Optional.of("verified by hand, INC-1")));
    }

    @Test
    void versionKeepsItsBuildNumber() throws Exception {
      assertThat(((Upgrade) parse("upgrade gca 100.0.200+1234")).version())
          .contains(Version.parse("100.0.200+1234"));
      assertThat(((Upgrade) parse("upgrade gca 100.0.200")).version())
          .contains(Version.parse("100.0.200"));
    }
  }

  @Nested
  class RollbackAndUninstall {
    @Test
    void rollbackWithoutRevisionMeansThePreviousOne() throws Exception {
      assertThat(parse("rollback gim"))
          .isEqualTo(new Rollback(ServiceKind.GIM, OptionalInt.empty(), NO_ENV));
    }

    @Test
    void rollbackToARevision() throws Exception {
      assertThat(parse("rollback gsp 12 --env prod"))
          .isEqualTo(new Rollback(ServiceKind.GSP, OptionalInt.of(12), PROD));
      assertThat(parse("rollback gsp 9999999"))
          .isEqualTo(new Rollback(ServiceKind.GSP, OptionalInt.of(9_999_999), NO_ENV));
    }

    @Test
    void rollbackByReinstallingAnEarlierRelease() throws Exception {
      assertThat(parse("rollback gsp --to 100.0.99+1300"))
          .isEqualTo(new Rollback(ServiceKind.GSP, OptionalInt.empty(), Optional.of(Version.parse("100.0.99+1300")),
              Optional.empty(), NO_ENV));
      assertThat(parse("rollback gim --to 100.0.115+2800 --image-tag 100.0.115.2800 --env prod"))
          .isEqualTo(new Rollback(ServiceKind.GIM, OptionalInt.empty(), Optional.of(Version.parse("100.0.115+2800")),
              Optional.of("100.0.115.2800"), PROD));
    }

    @Test
    void rollbackByReinstallSaysWhatItTakes() {
      assertThatThrownBy(() -> parse("rollback gsp 3 --to 100.0.99+1300"))
          .hasMessageContaining("either to a Helm revision", "not both");
      assertThatThrownBy(() -> parse("rollback gsp --to latest")).hasMessageContaining("re-installs an earlier release");
      assertThatThrownBy(() -> parse("rollback gsp --image-tag 1.2")).hasMessageContaining("goes with `--to");
      assertThatThrownBy(() -> parse("rollback gsp 100.0.99+1300")).hasMessageContaining("rollback gsp --to 100.0.99+1300");
    }

    @Test
    void uninstall() throws Exception {
      assertThat(parse("uninstall gca")).isEqualTo(new Uninstall(ServiceKind.GCA, false, NO_ENV));
      assertThat(parse("uninstall gim --env prod"))
          .isEqualTo(new Uninstall(ServiceKind.GIM, false, PROD));
    }

    @Test
    void uninstallGspWithReinstallClearsItsState() throws Exception {
      assertThat(parse("uninstall gsp --reinstall"))
          .isEqualTo(new Uninstall(ServiceKind.GSP, true, NO_ENV));
      assertThat(parse("uninstall GSP --env prod --REINSTALL"))
          .isEqualTo(new Uninstall(ServiceKind.GSP, true, PROD));
    }
  }

  @Nested
  class Plans {
    @Test
    void aPlanIsTheSameRequestMarkedPlanOnly() throws Exception {
      assertThat(parse("plan upgrade gim 100.0.116+2900 --values gim-values.yaml --env prod"))
          .isEqualTo(new Plan((Upgrade) parse("upgrade gim 100.0.116+2900 --values gim-values.yaml"
              + " --env prod")));
      assertThat(parse("plan upgrade all --to latest"))
          .isEqualTo(new Plan(new UpgradeAll(NO_ENV, Optional.empty())));
      assertThat(parse("plan upgrade all --env prod"))
          .isEqualTo(new Plan(new UpgradeAll(PROD, Optional.empty())));
      assertThat(parse("plan rollback gca 3"))
          .isEqualTo(new Plan(new Rollback(ServiceKind.GCA, OptionalInt.of(3), NO_ENV)));
      assertThat(parse("plan uninstall gsp --reinstall"))
          .isEqualTo(new Plan(new Uninstall(ServiceKind.GSP, true, NO_ENV)));
    }

    @Test
    void planWordsAreCaseInsensitive() throws Exception {
      assertThat(parse("PLAN Upgrade GIM")).isEqualTo(parse("plan upgrade gim"));
    }
  }

  @Nested
  class RestartAndCancel {
    @Test
    void restartGim() throws Exception {
      assertThat(parse("restart gim")).isEqualTo(new RestartGim(NO_ENV));
      assertThat(parse("restart GIM --env prod")).isEqualTo(new RestartGim(PROD));
    }

    @Test
    void cancelReadsOperationIdsInLowercase() throws Exception {
      assertThat(parse("cancel op-01hx3kq7")).isEqualTo(new Cancel("op-01hx3kq7"));
      // Phones capitalise and ULIDs are often shown in uppercase: the same id.
      assertThat(parse("cancel OP-01HX3KQ7")).isEqualTo(new Cancel("op-01hx3kq7"));
      assertThat(parse("cancel op-01234567890123456789abcdef"))
          .isEqualTo(new Cancel("op-01234567890123456789abcdef"));
    }
  }

  @Nested
  class CaseAndSpacing {
    @ParameterizedTest
    @ValueSource(strings = {"gim", "GIM", "Gim", "gIm"})
    void serviceNamesAreCaseInsensitive(String name) throws Exception {
      assertThat(parse("history " + name)).isEqualTo(new History(ServiceKind.GIM, NO_ENV));
    }

    @ParameterizedTest
    @ValueSource(strings = {"upgrade", "UPGRADE", "Upgrade", "uPgRaDe"})
    void commandWordsAreCaseInsensitive(String word) throws Exception {
      assertThat(parse(word + " gca")).isEqualTo(parse("upgrade gca"));
    }

    @Test
    void flagNamesAreCaseInsensitiveAndEnvironmentsReadInLowercase() throws Exception {
      assertThat(parse("status --ENV PROD")).isEqualTo(new Status(Optional.empty(), PROD));
    }

    @Test
    void versionsFileNamesAndTagsKeepTheirCase() throws Exception {
      Upgrade u = (Upgrade) parse("upgrade gim --values GIM-Values.yaml --image-tag RC1");
      assertThat(u.valuesFile()).contains("GIM-Values.yaml");
      assertThat(u.imageTag()).contains("RC1");
    }

    @Test
    void extraSpacesAndSlacksNonBreakingSpacesSeparateTokens() throws Exception {
      assertThat(parse("  upgrade \u00a0 gim   1.2.3\u00a0--env  prod "))
          .isEqualTo(parse("upgrade gim 1.2.3 --env prod"));
    }
  }

  @Test
  void canonicalTextParsesBackToTheSameCommand() throws Exception {
    for (String text :
        new String[] {
          "help", "help cancel", "status", "status gca --env prod", "releases gim",
          "history gsp --env dev", "upgrade gim latest",
          "upgrade gim 100.0.116+2900 --values gim-values.yaml --image-tag 9.1 --env prod"
              + " --override \"all good here, INC-1\"",
          "upgrade all --env prod --override \"cycle is safe, INC-2\"", "rollback gsp 4",
          "rollback gim --to 100.0.115+2800 --image-tag 100.0.115.2800 --env prod",
          "uninstall gsp --reinstall --env prod", "plan upgrade all", "plan rollback gim",
          "export-views", "restart gim --env prod", "ops", "cancel op-abcd1234"
        }) {
      Command c = parse(text);
      assertThat(c.toText()).isEqualTo(text);
      assertThat(parse(c.toText())).isEqualTo(c);
    }
  }

  @Test
  void everyCommandNamesItsVerb() throws Exception {
    assertThat(parse("plan rollback gim").verb()).isEqualTo(Verb.PLAN);
    assertThat(parse("upgrade all").verb()).isEqualTo(Verb.UPGRADE);
    assertThat(parse("restart gim").verb()).isEqualTo(Verb.RESTART);
  }
}
