package io.gimops.adapters.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.gimops.adapters.slack.SlackSignature.Verdict;
import io.gimops.adapters.testing.FuzzChecks;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the signature check with what a stranger controls: both headers and the body. Property:
 * the answer is a {@link Verdict}, never an exception, and VALID exactly when the timestamp is a
 * number within five minutes and the signature is the HMAC of that timestamp and body.
 *
 * <p>Input: the timestamp header, a line feed, the signature header, a line feed, the body; a
 * missing line is a missing header. A signature line {@code SIGN} stands for the correct
 * signature, so that the fuzzer reaches the paths behind the HMAC too. The corpus is in
 * {@code SlackSignatureFuzzTestInputs/verdict}.
 */
class SlackSignatureFuzzTest {

  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
  static final SlackSignature SIGNATURE =
      new SlackSignature("8f742231b10e8888abcd99yyyzzz85a5", Clock.fixed(NOW, ZoneOffset.UTC));

  @FuzzTest(maxDuration = "5s")
  void verdict(byte[] input) {
    int first = indexOf(input, 0);
    int second = first < 0 ? -1 : indexOf(input, first + 1);
    // Header values reach the handler as ISO-8859-1 text; the body as the bytes received.
    String timestamp = first < 0 ? null : new String(input, 0, first, StandardCharsets.ISO_8859_1);
    String signature = second < 0 ? null : new String(input, first + 1, second - first - 1, StandardCharsets.ISO_8859_1);
    byte[] body = second < 0 ? new byte[0] : Arrays.copyOfRange(input, second + 1, input.length);
    if ("SIGN".equals(signature) && timestamp != null) {
      signature = SIGNATURE.sign(timestamp, body);
    }

    Verdict v = SIGNATURE.verify(timestamp, signature, body);

    assertThat(v).isNotNull();
    FuzzChecks.humanMessage(v.reason(), "");
    boolean signed = timestamp != null && signature != null && signature.equals(SIGNATURE.sign(timestamp, body));
    Long seconds = number(timestamp);
    boolean inTime = seconds != null && Math.abs(seconds - NOW.getEpochSecond()) <= SlackSignature.TOLERANCE.toSeconds();
    if (v == Verdict.VALID) {
      assertThat(signed && inTime).as("VALID only for a correct signature in time").isTrue();
    }
    if (signed && inTime) {
      assertThat(v).isEqualTo(Verdict.VALID);
    }
    if (seconds != null && !inTime && signature != null && signature.startsWith("v0=") && signature.length() == 67) {
      assertThat(v).isEqualTo(seconds < NOW.getEpochSecond() ? Verdict.STALE : Verdict.FUTURE);
    }
  }

  /** The crash that started issue 14: a timestamp past Instant's range, with any v0= signature. */
  @Test
  void aTimestampBeyondInstantsRangeIsInTheFuture() {
    String v0 = "v0=" + "a".repeat(64);
    byte[] body = "token=x&command=%2Fgim".getBytes(StandardCharsets.UTF_8);
    assertThat(SIGNATURE.verify("99999999999999999", v0, body)).isEqualTo(Verdict.FUTURE);
    assertThat(SIGNATURE.verify(Long.toString(Long.MAX_VALUE), v0, body)).isEqualTo(Verdict.FUTURE);
    assertThat(SIGNATURE.verify("-99999999999999999", v0, body)).isEqualTo(Verdict.STALE);
    assertThat(SIGNATURE.verify(Long.toString(Long.MIN_VALUE), v0, body)).isEqualTo(Verdict.STALE);
  }

  @Test
  void aBodyAtTheLimitIsCheckedInLinearTime() {
    byte[] body = new byte[64 * 1024];
    Arrays.fill(body, (byte) '&');
    String ts = Long.toString(NOW.getEpochSecond());
    String sig = SIGNATURE.sign(ts, body);
    FuzzChecks.fastestOfFive("verifying a 64 KiB body", 50, () -> SIGNATURE.verify(ts, sig, body));
  }

  private static Long number(String s) {
    try {
      return s == null ? null : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
