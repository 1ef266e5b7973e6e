package io.gimops.bot.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The console end to end: real parser, real policy engine, the example world. */
class PolicyConsoleTest {

  private final PolicyConsole console =
      new PolicyConsole(Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC));

  @Test
  void statusShowsEveryServiceAndWhoIsOutsideTheWindow() {
    String out = console.handle("/gim status");
    assertThat(out).contains("prod (production)", "gim      gim      3    deployed     100.0.116+2900  N-1",
        "gca runs 100.0.98+2100, outside the N-2 window");
    assertThat(console.handle("status gsp --env staging")).startsWith("staging\n").contains("gsp").doesNotContain("gca ");
  }

  @Test
  void aPlannedCycleShowsEachRulesVerdictThePlanAndTheChecklist() {
    String out = console.handle("plan upgrade all");
    assertThat(out).startsWith("Plan: upgrade all to latest in prod: allowed once confirmed")
        .contains("[pass]       rule 1", "[pass]       rule 3               gim -> gsp -> gca",
            "1. helm upgrade --install gim gim-100.0.117+3000.tgz -f gim-values.yaml -n gim --timeout 15m",
            "A recent backup of the Info Mart database is available")
        .doesNotContain("nothing runs here");
    assertThat(out.indexOf("rule 1 ")).isLessThan(out.indexOf("rule 12"));
  }

  @Test
  void anActionSaysPlainlyThatNothingRuns() {
    assertThat(console.handle("rollback gsp")).contains("helm rollback gsp 2 -n gsp --timeout 15m",
        "Roll back as planned?", "nothing runs here");
  }

  @Test
  void rolesChangeTheVerdict() {
    assertThat(console.handle("as viewer")).isEqualTo("You are now you (viewer) in prod and staging.\n");
    assertThat(console.handle("upgrade gim")).contains(": refused", "needs the operator role");
    assertThat(console.handle("as admin")).contains("you (admin)");
    assertThat(console.handle("uninstall gsp --reinstall")).contains("allowed once confirmed",
        "Type gsp to confirm", "a second admin must approve", "delete ConfigMaps in gsp selected by app=gsp");
    assertThat(console.handle("as root")).contains("use as viewer, as operator or as admin");
  }

  @Test
  void anOverrideReachesThePolicyEngine() {
    console.handle("as admin");
    assertThat(console.handle("upgrade gim --override \"CAB-17 approved emergency fix\""))
        .contains("nothing needed overriding; the reason is recorded");
  }

  @Test
  void badInputIsAnsweredWithWhatWasWrongAndChangesNothing() {
    assertThat(console.handle("upgarde gim")).startsWith("`upgarde` is not a /gim command. Did you mean `upgrade`?");
    assertThat(console.handle("upgrade gim 100.0.117+3000;rm -rf /")).contains("`;`");
    assertThat(console.handle("status --env dev")).isEqualTo("There is no environment dev here: use prod or staging.\n");
    assertThat(console.handle("/gim status")).contains("100.0.116+2900");
  }

  @Test
  void readOnlyCommandsAnswerToo() {
    assertThat(console.handle("releases gim")).contains("100.0.117+3000  N ", "<- running");
    assertThat(console.handle("history gca")).contains("1         100.0.98+2100  deployed");
    assertThat(console.handle("help")).contains("/gim upgrade all");
    assertThat(console.handle("ops")).isEqualTo("No operations: the policy console runs nothing.\n");
  }
}
