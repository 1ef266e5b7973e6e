package io.gimops.bot.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.domain.Actor;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's sandbox story, typed into the console: status, a whole cycle confirmed and
 * watched, the vendor's next releases, GSP's broken on purpose, the cycle stopping with a
 * rollback prompt, and the rollback. Plus what a newcomer gets wrong.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTest {

  static final Duration AWAIT = Duration.ofSeconds(120);

  @TempDir static Path work;
  static SandboxBots sandbox;
  static Console console;
  static final StringBuffer live = new StringBuffer();

  @BeforeAll
  static void start() {
    sandbox = SandboxBots.start(work);
    Bot bot = sandbox.bot("console-bot", SandboxWorld.Pace.TEST);
    SandboxBots.awaitLeading(bot);
    Map<String, Actor> people = new LinkedHashMap<>();
    people.put("viewer", Actor.of("console-viewer", "you (viewer)"));
    people.put("operator", Actor.of("console-operator", "you (operator)"));
    people.put("admin", Actor.of("console-admin", "you (admin)"));
    people.put("admin2", Actor.of("console-admin2", "a second admin"));
    console = new Console(bot.orchestrator(), SandboxWorld.ENVIRONMENT, people, "operator",
        Map.of(SandboxWorld.ENVIRONMENT, SandboxWorld.CHANNEL), Optional.of(sandbox.world()), live::append,
        Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    console.close();
    sandbox.close();
  }

  static void awaitLive(String text) {
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(100)).until(() -> live.toString().contains(text));
  }

  @Test
  @Order(1)
  void statusShowsTheThreeServicesOneReleaseBehind() {
    String out = console.handle("/gim status");
    assertThat(out).contains("sandbox", "gim", "gsp", "gca", "100.0.115+2800", "deployed");
    assertThat(console.banner()).contains("`sandbox help`");
  }

  @Test
  @Order(2)
  void aPlanShowsEachRulesVerdictAndTheChecklistAndRunsNothing() {
    String out = console.handle("plan upgrade all");
    assertThat(out).startsWith("Plan: upgrade all to latest in sandbox: allowed once confirmed")
        .contains("rule 1", "rule 3", "1. helm upgrade --install gim", "[ ]");
    assertThat(sandbox.helmCalls()).isEmpty();
  }

  @Test
  @Order(3)
  void upgradeAllConfirmedRunsAndReportsProgressLive() {
    String asked = console.handle("/gim upgrade all");
    assertThat(asked).contains("allowed once confirmed", "Type `confirm` to go ahead");
    String started = console.handle("confirm");
    assertThat(started).contains("started: upgrade all to latest");
    awaitLive("SUCCEEDED");
    assertThat(live.toString()).contains("step 1: helm upgrade --install gim", "gim verified", "gsp verified",
        "gca verified", "[##########] 8/8");
    assertThat(live.indexOf("gim verified")).isLessThan(live.indexOf("step 4: helm upgrade --install gsp"));
    assertThat(console.handle("ops")).contains("succeeded", "upgrade all to latest");
  }

  @Test
  @Order(4)
  void aBrokenReleaseStopsTheCycleWithARollbackPromptAndChoosingRollsBack() {
    live.setLength(0);
    assertThat(console.handle("sandbox release")).contains("published", "gim 100.0.117+3000 (changes the database schema)");
    assertThat(console.handle("sandbox break gsp")).contains("gsp 100.0.101+1500 is now broken");
    console.handle("upgrade all");
    console.handle("confirm");
    awaitLive("FAILED");
    String out = live.toString();
    assertThat(out).contains("gim verified", "Update export views", "gsp did not verify", "Roll back gsp to revision 2",
        "choose <n>");
    assertThat(out).doesNotContain("helm upgrade --install gca");
    String chosen = console.handle("choose 1");
    assertThat(chosen).contains("started: roll back gsp to revision 2");
    awaitLive("ROLLED-BACK");
    assertThat(console.handle("status gsp")).contains("100.0.100+1400");
  }

  @Test
  @Order(5)
  void whatANewcomerGetsWrongIsAnsweredAndChangesNothing() {
    int calls = sandbox.helmCalls().size();
    assertThat(console.handle("upgarde gim")).startsWith("`upgarde` is not a /gim command. Did you mean `upgrade`?");
    assertThat(console.handle("upgrade gim 100.0.117+3000;rm -rf /")).contains("`;`");
    assertThat(console.handle("status --env prod")).contains("There is no environment prod here");
    assertThat(console.handle("confirm")).contains("Nothing waits for confirmation");
    assertThat(console.handle("choose 7 op-nothing")).contains("no open question");
    assertThat(console.handle("as viewer")).contains("you (viewer)");
    assertThat(console.handle("upgrade gca")).contains("refused", "needs the operator role");
    assertThat(console.handle("as root")).contains("Use `as");
    assertThat(console.handle("sandbox break gsp sideways")).contains("Break it how?");
    assertThat(sandbox.helmCalls()).hasSize(calls);
  }
}
