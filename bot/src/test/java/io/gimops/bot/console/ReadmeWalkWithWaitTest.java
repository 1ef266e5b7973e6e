package io.gimops.bot.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SteppedClock;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's walk with the wait people take before answering: break GSP, {@code upgrade all},
 * confirm, wait two minutes, {@code choose 1}; it ends "rolled back". Measured before the fix of
 * rule 8: the rollback's verification failed 33 ms after it started with "pod gsp-0 Pending longer
 * than 1m", the broken pod's age from before the rollback held against it.
 *
 * <p>The two minutes pass on the bot's clock ({@link SteppedClock}), not in real time: the
 * cluster's pods keep their real creation times, so to the bot the broken gsp-0 has been Pending
 * for more than two minutes, four times the test pace's 30 s threshold, exactly as after a real wait.
 */
class ReadmeWalkWithWaitTest {

  static final Duration AWAIT = Duration.ofSeconds(120);

  @TempDir static Path work;
  static SandboxBots sandbox;
  static Bot bot;
  static Console console;
  static final SteppedClock clock = new SteppedClock();
  static final StringBuffer live = new StringBuffer();

  @BeforeAll
  static void start() {
    sandbox = SandboxBots.start(work);
    bot = sandbox.botFromYaml("walk-bot", sandbox.config("walk-bot", SandboxWorld.Pace.TEST), clock);
    SandboxBots.awaitLeading(bot);
    console = new Console(bot.orchestrator(), SandboxWorld.ENVIRONMENT,
        Map.of("operator", Actor.of("console-operator", "you (operator)")), "operator",
        Map.of(SandboxWorld.ENVIRONMENT, SandboxWorld.CHANNEL), Optional.of(sandbox.world()), live::append, clock);
  }

  @AfterAll
  static void stop() {
    console.close();
    sandbox.close();
  }

  @Test
  void theReadmeWalkWithATwoMinuteWaitBeforeChoose1EndsRolledBack() {
    assertThat(console.handle("sandbox release")).contains("published");
    assertThat(console.handle("sandbox break gsp")).contains("is now broken");
    assertThat(console.handle("/gim upgrade all")).contains("confirm");
    console.handle("confirm");
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(200)).until(() -> cycle()
        .map(o -> o.state() == OperationState.FAILED).orElse(false));
    Operation failed = cycle().orElseThrow();
    assertThat(failed.prompts()).extracting(Prompt::kind).containsExactly(Prompt.Kind.EXPORT_VIEWS, Prompt.Kind.ROLLBACK);
    // GIM migrated before GSP failed: the final report says what the vendor says next.
    assertThat(failed.outcome().orElseThrow()).contains("preparatory step 3",
        "re-create any custom database objects or permissions");
    await().atMost(AWAIT).until(() -> live.toString().contains("re-create any custom database objects"));

    clock.advance(Duration.ofMinutes(2));
    Instant brokenSince = Instant.parse(sandbox.world().api().client().pods().inNamespace("gsp").withName("gsp-0").get()
        .getMetadata().getCreationTimestamp());
    assertThat(Duration.between(brokenSince, clock.instant())).as("to the bot, gsp-0 has been broken for two minutes")
        .isGreaterThan(Duration.ofMinutes(2));

    String chosen = console.handle("choose 1");
    assertThat(chosen).as(chosen).doesNotContain("Not chosen", "no open question");
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(200)).until(() -> bot.orchestrator().operation(failed.id())
        .map(o -> o.state().ended() && o.state() != OperationState.FAILED).orElse(false)
        || bot.orchestrator().operations().stream().anyMatch(o -> o.request() instanceof LifecycleRequest.Rollback
            && o.state() == OperationState.FAILED));
    Operation rollback = bot.orchestrator().operations().stream()
        .filter(o -> o.request() instanceof LifecycleRequest.Rollback).findFirst().orElseThrow();
    assertThat(rollback.state()).as(rollback.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    assertThat(bot.orchestrator().operation(failed.id()).orElseThrow().state()).isEqualTo(OperationState.ROLLED_BACK);
    assertThat(console.handle("ops")).contains("rolled-back");
    await().atMost(AWAIT).until(() -> live.toString().contains("ROLLED-BACK"));
  }

  private static Optional<Operation> cycle() {
    return bot.orchestrator().operations().stream()
        .filter(o -> o.request() instanceof LifecycleRequest.UpgradeCycle).findFirst();
  }
}
