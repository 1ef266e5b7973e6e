package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.bot.console.Console;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.policies.domain.Actor;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine uses what the configuration says: a bot in the sandbox whose catalog is read from
 * the charts directory, whose GIM has a 25-minute helm timeout and whose environment is inside a
 * deny window, asked through the console.
 */
class ConfiguredSandboxTest {

  @TempDir static Path work;
  static SandboxBots sandbox;
  static Console console;

  @BeforeAll
  static void start() {
    sandbox = SandboxBots.start(work);
    String yaml = sandbox.config("configured-bot", SandboxWorld.Pace.TEST)
        .replace("catalogFrom:\n  charts: false\n", "")
        .replace("    production: false\n", "    production: false\n"
            + "    services:\n      gim: {helmTimeout: 25m}\n"
            + "    maintenance:\n      deny:\n        - {cron: \"* * * * *\", length: 2h}\n")
        .replace("access:\n", "  - {service: gca, version: \"100.0.101+2400\", minimumVersions: {kafka: \"9.0\"},"
            + " releaseNotes: \"https://docs.example.com/gca/100.0.101\"}\naccess:\n");
    Bot bot = sandbox.botFromYaml("configured-bot", yaml);
    SandboxBots.awaitLeading(bot);
    Map<String, Actor> people = new LinkedHashMap<>();
    people.put("operator", Actor.of("console-operator", "you (operator)"));
    people.put("admin", Actor.of("console-admin", "you (admin)"));
    console = new Console(bot.orchestrator(), SandboxWorld.ENVIRONMENT, people, "operator",
        Map.of(SandboxWorld.ENVIRONMENT, SandboxWorld.CHANNEL), Optional.of(sandbox.world()), s -> { },
        Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    console.close();
    sandbox.close();
  }

  @Test
  void theCatalogComesFromTheChartsDirectory_andReleasesSaysSo() {
    String out = console.handle("releases gim");
    Path charts = sandbox.world().charts().dir();
    // The newest package is in the directory though the sandbox has not "published" it.
    assertThat(out).contains("100.0.117+3000", "charts directory " + charts + " and configuration",
        "<- running");
    assertThat(out.lines().filter(l -> l.contains("100.0.117+3000")).findFirst().orElseThrow())
        .contains("yes", "charts directory " + charts);
  }

  @Test
  void theConfiguredTimeoutAndDenyWindowReachThePlan() {
    String plan = console.handle("plan upgrade gim");
    assertThat(plan).contains("--timeout 25m", "do not start inside the deny window * * * * *");
    assertThat(plan).startsWith("Plan: upgrade gim to latest in sandbox: refused");
    // An admin's written reason overrides the window.
    console.handle("as admin");
    String overridden = console.handle("upgrade gim --override \"the CAB lifted the freeze for this fix\"");
    assertThat(overridden).contains("overridden by an admin", "the CAB lifted the freeze for this fix")
        .doesNotContain("refused");
    assertThat(sandbox.helmCalls()).isEmpty();
  }

  @Test
  void aReleasesMinimumVersionAndReleaseNoteReachTheRules() {
    String plan = console.handle("plan upgrade gca");
    // Rule 6 holds the sandbox's Kafka 3.7.0 against the configured minimum.
    assertThat(plan.lines().filter(l -> l.contains("rule 6")).toList()).anySatisfy(l ->
        assertThat(l).contains("[fail]", "needs Kafka 9.0 or later; 3.7.0 runs"));
    // The note is listed by releases (and linked from rule 7's checklist when an upgrade asks for it).
    assertThat(console.handle("releases gca")).contains("100.0.101+2400: https://docs.example.com/gca/100.0.101");
  }
}
