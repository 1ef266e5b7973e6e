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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Export views in the sandbox console, as a user types it: the vendor's next GIM release changes
 * the schema, the upgrade offers export views, {@code choose 1} runs the vendor's command in the
 * GIM pod through the sandbox API server's exec, and the console shows its output and the
 * vendor's next step; {@code export-views} asked directly succeeds the same way.
 */
class ConsoleExportViewsTest {

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
    console = new Console(bot.orchestrator(), SandboxWorld.ENVIRONMENT,
        Map.of("operator", Actor.of("console-operator", "you (operator)")), "operator",
        Map.of(SandboxWorld.ENVIRONMENT, SandboxWorld.CHANNEL), Optional.of(sandbox.world()), live::append,
        Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    console.close();
    sandbox.close();
  }

  static void awaitLive(String... texts) {
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      String l = live.toString();
      for (String t : texts) {
        if (!l.contains(t)) {
          return false;
        }
      }
      return true;
    });
  }

  @Test
  void exportViewsSucceedInTheSandboxConsole() {
    assertThat(console.handle("sandbox release")).contains("gim 100.0.117+3000 (changes the database schema)");
    String asked = console.handle("upgrade gim 100.0.117+3000");
    if (asked.contains("confirm")) {
      console.handle("confirm");
    }
    awaitLive("gim verified", "Update export views", "choose <n>");
    live.setLength(0);

    assertThat(console.handle("choose 1")).contains("started");
    awaitLive("SUCCEEDED");
    assertThat(live.toString()).contains("Job_MigrateGIM: started with -make-export-views",
        "export views updated", "target schema", "import processing");

    live.setLength(0);
    String again = console.handle("export-views");
    if (again.contains("Type `confirm`")) {
      console.handle("confirm");
    }
    awaitLive("SUCCEEDED");
    assertThat(live.toString()).contains("export views updated");
  }
}
