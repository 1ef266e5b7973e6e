package io.gimops.bot.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * When a channel storms, on a fixed clock: more than 5 new groups within 10 s begins a storm;
 * it ends once the last 10 s brought at most 2; channels storm apart.
 */
class StormRuleTest {

  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  final StormRule rule = new StormRule(5, Duration.ofSeconds(10));

  @Test
  void moreThanTheThresholdWithinTheWindowBeginsAStorm() {
    for (int i = 0; i < 5; i++) {
      assertThat(rule.newGroup("C1", T0.plusMillis(i * 100))).as("group %d", i + 1).isFalse();
    }
    assertThat(rule.newGroup("C1", T0.plusMillis(500))).as("the sixth within 10 s").isTrue();
    assertThat(rule.newGroup("C2", T0.plusMillis(600))).as("another channel").isFalse();
    assertThat(rule.describe()).isEqualTo("more than 5 new alert groups within 10 s");
  }

  @Test
  void groupsSpreadWiderThanTheWindowNeverStorm() {
    for (int i = 0; i < 100; i++) {
      assertThat(rule.newGroup("C1", T0.plusSeconds(i * 2L))).isFalse(); // 5 in any 10 s, never 6
    }
  }

  @Test
  void theStormEndsOnceTheWindowHeldAtMostHalfTheThreshold() {
    for (int i = 0; i < 50; i++) {
      rule.newGroup("C1", T0.plusMillis(i * 10));
    }
    assertThat(rule.storming("C1", T0.plusSeconds(5))).isTrue();
    // A trickle of one group every 3 s keeps it (3 or 4 in any 10 s, more than half the threshold): no flapping.
    for (int s = 3; s <= 12; s += 3) {
      assertThat(rule.newGroup("C1", T0.plusSeconds(s))).as("at %d s", s).isTrue();
    }
    assertThat(rule.storming("C1", T0.plusMillis(15_500))).as("6, 9 and 12 s within the window").isTrue();
    assertThat(rule.storming("C1", T0.plusMillis(16_500))).as("only 9 and 12 s").isFalse();
    assertThat(rule.newGroup("C1", T0.plusSeconds(17))).as("the next group gets its own message").isFalse();
  }

  @Test
  void aChannelGoneQuietIsOverWhenTheWindowHoldsHalfTheThreshold() {
    for (int i = 0; i < 1000; i++) {
      rule.newGroup("C1", T0.plusMillis(i));
    }
    assertThat(rule.storming("C1", T0.plusMillis(10_996))).as("0.997, 0.998 and 0.999 s within").isTrue();
    assertThat(rule.storming("C1", T0.plusMillis(10_997))).isFalse();
  }

  @Test
  void aRuleThatCannotWorkIsRefused() {
    assertThatThrownBy(() -> new StormRule(0, Duration.ofSeconds(10))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new StormRule(5, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }
}
