package io.gimops.adapters.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gimops.adapters.testing.FuzzChecks;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the reader of Alertmanager's webhook body (the webhook and the Kafka topic hand it
 * whatever arrived). Property: {@link AlertmanagerNotification#parse} returns a notification
 * whose alerts each have a fingerprint and a status of firing or resolved, or throws its {@link
 * AlertmanagerNotification.Invalid} with a message for a person (the key that is wrong, no Java
 * class names); nothing else escapes. Corpus: {@code AlertmanagerNotificationFuzzTestInputs/parse}.
 */
class AlertmanagerNotificationFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void parse(byte[] input) {
    String body = new String(input, StandardCharsets.UTF_8);
    AlertmanagerNotification n;
    try {
      n = AlertmanagerNotification.parse(body);
    } catch (AlertmanagerNotification.Invalid e) {
      FuzzChecks.humanMessage(e.getMessage(), body);
      return;
    }
    assertThat(n.version()).isEqualTo("4");
    assertThat(n.alerts()).isNotEmpty().allSatisfy(a -> {
      assertThat(a.fingerprint()).isNotBlank();
      assertThat(a.status()).isIn("firing", "resolved");
      assertThat(a.labels()).doesNotContainKey(null).doesNotContainValue(null);
      assertThat(a.startsAt()).isNotNull();
    });
  }

  /** The 500s issue 14 names, each now a 400 that says which key is wrong. */
  @Test
  void theKnownCrashesAreRefusedWithTheKeyThatIsWrong() {
    refused("", "empty");
    // The webhook hands an empty body over as null.
    refused(null, "empty");
    refused("{\"version\":\"4\",\"alerts\":\"x\"}", "alerts is a string");
    refused("{\"version\":\"4\",\"alerts\":[1]}", "alerts[0] is a number");
    refused("{\"version\":\"4\",\"alerts\":[null]}", "alerts[0] is null");
    refused("{\"version\":\"4\",\"alerts\":[{\"fingerprint\":\"f\",\"status\":\"firing\",\"labels\":\"x\"}]}",
        "alerts[0].labels is a string");
    refused("[1]", "the body is a list");
    refused("{\"version\":\"4\",\"groupKey\":1,\"alerts\":[{\"fingerprint\":\"f\",\"status\":\"firing\"}]}",
        "groupKey is a number");
    refused("{\"version\":\"4\"} trailing", "not valid JSON (line 1");
  }

  @Test
  void aStormAtTheBodyLimitIsReadInLinearTime() {
    StringBuilder b = new StringBuilder("{\"version\":\"4\",\"groupKey\":\"g\",\"status\":\"firing\",\"alerts\":[");
    for (int i = 0; b.length() < 1024 * 1024 - 400; i++) {
      b.append(i == 0 ? "" : ",").append("{\"status\":\"firing\",\"labels\":{\"alertname\":\"GimBacklog\",\"service\":"
          + "\"gim\",\"pod\":\"gim-0\"},\"annotations\":{\"summary\":\"backlog growing\"},\"startsAt\":"
          + "\"2026-12-04T10:00:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\",\"fingerprint\":\"f" + i + "\"}");
    }
    String body = b.append("]}").toString();
    FuzzChecks.fastestOfFive("reading a 1 MiB notification", 500, () -> {
      try {
        AlertmanagerNotification.parse(body);
      } catch (AlertmanagerNotification.Invalid e) {
        throw new AssertionError(e.getMessage());
      }
    });
    String deep = "[".repeat(100_000);
    FuzzChecks.fastestOfFive("refusing 100,000 nested lists", 200, () -> assertThatThrownBy(
        () -> AlertmanagerNotification.parse(deep)).isInstanceOf(AlertmanagerNotification.Invalid.class));
  }

  private static void refused(String body, String says) {
    assertThatThrownBy(() -> AlertmanagerNotification.parse(body)).as(body)
        .isInstanceOf(AlertmanagerNotification.Invalid.class).hasMessageContaining(says)
        .satisfies(e -> FuzzChecks.humanMessage(e.getMessage(), String.valueOf(body)));
  }
}
