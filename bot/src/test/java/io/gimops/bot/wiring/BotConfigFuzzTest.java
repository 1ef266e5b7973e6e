package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes the configuration reader: YAML in, then everything the bot derives from it before it
 * starts (environments, catalog, access, policy and orchestrator settings, durations, Slack,
 * Kafka and PostgreSQL settings), without starting anything. Property: a configuration is read,
 * or {@link BotConfig} refuses it with an {@link IllegalArgumentException} it raised itself (its
 * documented refusal: thrown by gimops code, not passed on from a library) whose message is for
 * the person who wrote the file (no Java class names); nothing else escapes. Corpus:
 * {@code BotConfigFuzzTestInputs/read}.
 */
class BotConfigFuzzTest {

  private static final Pattern CLASS_NAME = Pattern.compile(
      "\\b(?:java|javax|jdk|sun|com|org|io|net)\\.[a-z0-9_]+\\.[A-Za-z0-9_.$]+"
          + "|\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b|\\$[A-Z][A-Za-z0-9]+\\b");

  @FuzzTest(maxDuration = "5s")
  void read(byte[] input) {
    String yaml = new String(input, StandardCharsets.UTF_8);
    try {
      interpret(BotConfig.parse(yaml));
    } catch (IllegalArgumentException e) {
      StackTraceElement top = e.getStackTrace().length == 0 ? null : e.getStackTrace()[0];
      if (top == null || !top.getClassName().startsWith("io.gimops.")) {
        throw new AssertionError("a library's exception escaped the configuration reader", e);
      }
      humanMessage(e.getMessage(), yaml);
    }
  }

  /** What {@code Bot.start} derives from a configuration before it connects to anything. */
  static void interpret(BotConfig c) {
    assertThat(c.replicaName()).isNotNull();
    assertThat(c.botNamespace()).isNotNull();
    assertThat(c.environmentModels()).hasSameSizeAs(c.environments());
    assertThat(c.releaseCatalog()).isNotNull();
    assertThat(c.configuredReleases()).hasSizeLessThanOrEqualTo(c.catalog().size());
    assertThat(c.accessPolicy()).isNotNull();
    assertThat(c.policySettings()).isNotNull();
    assertThat(c.orchestratorSettings()).isNotNull();
    assertThat(c.assertedThirdParty()).isNotNull();
    assertThat(c.thirdPartyEvery()).isNotNull();
    c.metricsInterval().map(BotConfig::duration);
    c.helm().killMargin().map(BotConfig::duration);
    c.alerts().flatMap(BotConfig.Alerts::recentChange).map(BotConfig::duration);
    c.slackSettings(Map.of());
    c.slackSettings(Map.of("SLACK_BOT_TOKEN", "xoxb-fuzz", "SLACK_SIGNING_SECRET", "s"));
    c.kafka().ifPresent(k -> assertThat(k.connection()).isNotNull());
    for (BotConfig.Env e : c.environments()) {
      e.kafka().ifPresent(k -> assertThat(k.connection()).isNotNull());
      e.postgres().ifPresent(p -> assertThat(p.check(Map.of("GIM_DB_PASSWORD", "pw"))).isNotNull());
    }
  }

  static void humanMessage(String message, String input) {
    if (message == null || message.isBlank()) {
      throw new AssertionError("a refusal without a message");
    }
    Matcher m = CLASS_NAME.matcher(message);
    while (m.find()) {
      if (!input.contains(m.group())) {
        throw new AssertionError("a refusal names a Java class (" + m.group() + "): " + message);
      }
    }
  }
}
