package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SignedSlack;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.ServiceKind;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompts accumulate in Slack: a cycle that offered export views after GIM verified and then
 * stopped at GSP posts two prompts, each with its own buttons; answering one leaves the other.
 */
class SlackPromptsTest {

  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a6";
  static final String CHANNEL = "C0GIMOPS";
  static final String OPERATOR = "U0OPERATOR";
  static final Duration AWAIT = Duration.ofSeconds(120);

  @TempDir static Path work;
  static SandboxBots sandbox;
  static FakeSlack slack;
  static Bot bot;
  static SignedSlack signed;

  @BeforeAll
  static void start() {
    slack = new FakeSlack();
    sandbox = SandboxBots.start(work);
    String yaml = sandbox.config("prompts-bot", SandboxWorld.Pace.TEST)
        .replace("channels: [" + SandboxWorld.CHANNEL + "]", "channels: [" + SandboxWorld.CHANNEL + ", " + CHANNEL + "]")
        .replace("      console-admin2: admin\n", "      console-admin2: admin\n      " + OPERATOR + ": operator\n")
        + slack.httpConfigYaml(SECRET, 0);
    bot = sandbox.botFromYaml("prompts-bot", yaml);
    SandboxBots.awaitLeading(bot);
    signed = SignedSlack.to(bot, SECRET, slack);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
    slack.close();
  }

  @Test
  void twoOpenPromptsHaveTheirOwnButtonsAndCloseOneAtATime() {
    sandbox.world().publishNewest();
    bot.orchestrator().updateCatalog(sandbox.world().catalog());
    sandbox.world().breakNext(ServiceKind.GSP, "image");
    signed.send(signed.slashCommand(OPERATOR, CHANNEL, "upgrade all"));
    await().atMost(AWAIT).until(() -> cycle() != null && cycle().state() == OperationState.AWAITING_CONFIRMATION);
    Operation op = cycle();
    await().atMost(AWAIT).until(() -> slack.calls("chat.postMessage").stream()
        .anyMatch(c -> c.param("blocks").contains(SlackBlocks.CONFIRM)));
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CONFIRM, op.id()));
    await().atMost(AWAIT).until(() -> cycle().state() == OperationState.FAILED);
    assertThat(cycle().prompts()).extracting(Prompt::kind).containsExactly(Prompt.Kind.EXPORT_VIEWS, Prompt.Kind.ROLLBACK);

    // Two prompt messages, each with buttons that name their own prompt.
    await().atMost(AWAIT).until(() -> slack.calls("chat.postMessage").stream()
        .anyMatch(c -> c.param("blocks").contains(op.id() + ":rollback:1")));
    assertThat(slack.calls("chat.postMessage")).anyMatch(c -> c.param("blocks").contains(op.id() + ":export-views:1")
        && !c.param("blocks").contains(":rollback:"));
    // Each message is journaled after Slack answered its post.
    await().atMost(AWAIT).untilAsserted(() ->
        assertThat(cycle().posted()).containsKeys("slack.prompt.export-views", "slack.prompt.rollback"));
    // GIM migrated before GSP failed: the final report says what the vendor says next.
    await().atMost(AWAIT).until(() -> slack.calls("chat.postMessage").stream().anyMatch(c ->
        "C0NOTIFY".equals(c.param("channel")) && c.param("text").contains(op.id())
            && c.param("text").contains("re-create any custom database objects or permissions")));

    // Dismiss export views: that prompt's message loses its buttons; the rollback prompt stays open.
    Prompt views = cycle().prompt(Prompt.Kind.EXPORT_VIEWS).orElseThrow();
    String dismiss = views.choices().get(views.choices().size() - 1).id();
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CHOOSE + ".export-views." + dismiss,
        op.id() + ":export-views:" + dismiss));
    await().atMost(AWAIT).until(() -> cycle().prompt(Prompt.Kind.EXPORT_VIEWS).isEmpty());
    assertThat(cycle().prompt(Prompt.Kind.ROLLBACK)).isPresent();
    await().atMost(AWAIT).until(() -> slack.calls("chat.update").stream().anyMatch(c -> c.param("blocks")
        .contains("dismissed by") && c.param("blocks").contains("export views") && !c.param("blocks").contains("\"actions\"")));

    // Roll back from the other prompt's button: the cycle ends rolled back.
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CHOOSE + ".rollback.1", op.id() + ":rollback:1"));
    await().atMost(AWAIT).until(() -> cycle().state() == OperationState.ROLLED_BACK);
    assertThat(cycle().prompts()).isEmpty();
    assertThat(bot.orchestrator().operations()).filteredOn(o -> o.request() instanceof LifecycleRequest.Rollback)
        .singleElement().satisfies(o -> assertThat(o.state()).isEqualTo(OperationState.SUCCEEDED));
  }

  private static Operation cycle() {
    return bot.orchestrator().operations().stream().filter(o -> o.request() instanceof LifecycleRequest.UpgradeCycle)
        .findFirst().orElse(null);
  }
}
