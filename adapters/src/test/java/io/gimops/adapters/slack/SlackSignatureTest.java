package io.gimops.adapters.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Slack's v0 signature at its edges, on a fixed clock. */
class SlackSignatureTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  final SlackSignature s = new SlackSignature("8f742231b10e8888abcd99yyyzzz85a5", Clock.fixed(NOW, ZoneOffset.UTC));
  final byte[] body = "token=x&command=%2Fgim&text=status".getBytes(StandardCharsets.UTF_8);

  String ts(long offsetSeconds) {
    return Long.toString(NOW.getEpochSecond() + offsetSeconds);
  }

  @Test
  void fiveMinutesEitherWayAreAcceptedAndNotASecondMore() {
    for (long ok : new long[] {-300, -1, 0, 1, 300}) {
      assertThat(s.verify(ts(ok), s.sign(ts(ok), body), body)).as(ok + " s").isEqualTo(SlackSignature.Verdict.VALID);
    }
    assertThat(s.verify(ts(-301), s.sign(ts(-301), body), body)).isEqualTo(SlackSignature.Verdict.STALE);
    assertThat(s.verify(ts(301), s.sign(ts(301), body), body)).isEqualTo(SlackSignature.Verdict.FUTURE);
  }

  @Test
  void theSignatureCoversTheExactBytesAndIsWellFormed() {
    String sig = s.sign(ts(0), body);
    byte[] changed = "token=x&command=%2Fgim&text=uninstall".getBytes(StandardCharsets.UTF_8);
    assertThat(s.verify(ts(0), sig, changed)).isEqualTo(SlackSignature.Verdict.MISMATCH);
    assertThat(s.verify(ts(0), "v0=" + "0".repeat(64), body)).isEqualTo(SlackSignature.Verdict.MISMATCH);
    assertThat(s.verify(ts(0), "v1=" + sig.substring(3), body)).isEqualTo(SlackSignature.Verdict.MALFORMED);
    assertThat(s.verify("yesterday", sig, body)).isEqualTo(SlackSignature.Verdict.MALFORMED);
    assertThat(s.verify(null, sig, body)).isEqualTo(SlackSignature.Verdict.MISSING);
    assertThat(s.verify(ts(0), "", body)).isEqualTo(SlackSignature.Verdict.MISSING);
  }
}
