package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.adapters.http.HttpGuard;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP port's bounds as configured: {@code slack.maxConcurrentBodyBytes}, {@code idleTimeout}, {@code readTimeout}. */
class HttpLimitsConfigTest {

  static final String BASE = "helm: {binary: /bin/helm, charts: /charts}\nenvironments:\n  - name: dev\n"
      + "slack:\n  botToken: xoxb-x\n  signingSecret: s\n";

  static BotConfig.SlackSettings settings(String more) {
    return BotConfig.parse(BASE + more).slackSettings(Map.of()).orElseThrow();
  }

  @Test
  void withoutKeysTheDefaultsHold() {
    BotConfig.SlackSettings s = settings("");
    assertThat(s.maxBodyBytes()).isEqualTo(64 * 1024);
    assertThat(s.http()).isEqualTo(HttpGuard.Limits.defaults());
    assertThat(s.http().concurrentBodyBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(s.http().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.http().readTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theKeysAreRead() {
    BotConfig.SlackSettings s = settings("  maxConcurrentBodyBytes: 4194304\n  idleTimeout: 5s\n  readTimeout: PT2S\n");
    assertThat(s.http()).isEqualTo(new HttpGuard.Limits(4L * 1024 * 1024, Duration.ofSeconds(5), Duration.ofSeconds(2)));
  }

  @Test
  void nonsenseIsRefusedWithTheKeyNamed() {
    assertThatThrownBy(() -> settings("  maxConcurrentBodyBytes: 0\n")).hasMessageContaining("maxConcurrentBodyBytes");
    assertThatThrownBy(() -> settings("  idleTimeout: 0s\n")).hasMessageContaining("idle timeout");
    assertThatThrownBy(() -> settings("  maxBodyBytes: 100000\n  maxConcurrentBodyBytes: 1000\n"))
        .hasMessageContaining("slack.maxBodyBytes");
    assertThatThrownBy(() -> settings("  maxBodyBytes: -1\n")).hasMessageContaining("slack.maxBodyBytes");
  }
}
