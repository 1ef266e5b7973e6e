package io.gimops.bot.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What the bot remembers of alert groups is bounded: resolved ones forgotten, a cap on the rest. */
class AlertGroupsTest {

  static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");

  @Test
  void aResolvedGroupIsForgottenRetainResolvedAfterItResolved() {
    AlertGroups<String> g = new AlertGroups<>(100, Duration.ofMinutes(60));
    g.add("a", "a");
    g.add("b", "b");
    g.status("a", true, T0);
    g.status("b", true, T0.plusSeconds(60));
    assertThat(g.sweep(T0.plus(Duration.ofMinutes(59)))).isEmpty();
    assertThat(g.sweep(T0.plus(Duration.ofMinutes(60)))).containsExactly("a");
    // It fired again before its time was up: kept.
    g.status("b", false, T0.plus(Duration.ofMinutes(60)));
    assertThat(g.sweep(T0.plus(Duration.ofHours(5)))).isEmpty();
    assertThat(g.get("b")).isEqualTo("b");
    assertThat(g.size()).isEqualTo(1);
  }

  @Test
  void beyondTheCapTheLongestResolvedGoFirstThenTheOldest() {
    AlertGroups<String> g = new AlertGroups<>(3, Duration.ofHours(1));
    for (String k : new String[] {"a", "b", "c"}) {
      g.add(k, k);
    }
    g.status("c", true, T0);
    g.status("b", true, T0.plusSeconds(1));
    g.add("d", "d");
    assertThat(g.sweep(T0.plusSeconds(2))).containsExactly("c");
    g.add("e", "e");
    assertThat(g.sweep(T0.plusSeconds(3))).containsExactly("b");
    g.add("f", "f");
    assertThat(g.sweep(T0.plusSeconds(4))).as("none resolved: the oldest").containsExactly("a");
    assertThat(g.values()).containsExactly("d", "e", "f");
  }
}
