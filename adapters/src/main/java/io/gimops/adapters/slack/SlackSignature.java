package io.gimops.adapters.slack;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's request signature, v0: {@code v0=} HMAC-SHA256 of {@code v0:<timestamp>:<raw body>}
 * with the signing secret. Stricter than Bolt's own check: the timestamp must be within five
 * minutes in the past <em>or the future</em>, the body is the bytes exactly as received (no
 * charset round trip), and the comparison takes constant time. Whatever the headers hold, the
 * answer is a {@link Verdict}, never an exception (SlackSignatureFuzzTest).
 */
public final class SlackSignature {

  public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Slack-Signature";
  public static final Duration TOLERANCE = Duration.ofMinutes(5);

  /** Why a request was or was not accepted. */
  public enum Verdict {
    VALID("valid"),
    MISSING("the request carries no Slack signature or timestamp"),
    MALFORMED("the Slack signature or timestamp is malformed"),
    STALE("the request's timestamp is more than 5 minutes old (a replay?)"),
    FUTURE("the request's timestamp is more than 5 minutes in the future"),
    MISMATCH("the Slack signature does not match the body");

    private final String reason;

    Verdict(String reason) {
      this.reason = reason;
    }

    public String reason() {
      return reason;
    }
  }

  private final SecretKeySpec key;
  private final Clock clock;
  // Mac.getInstance looks the provider up each time: one initialised Mac per thread instead.
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public SlackSignature(String signingSecret, Clock clock) {
    if (signingSecret == null || signingSecret.isBlank()) {
      throw new IllegalArgumentException("a Slack signing secret is required (SLACK_SIGNING_SECRET)");
    }
    this.key = new SecretKeySpec(signingSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
  }

  public Verdict verify(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null || timestamp.isEmpty() || signature.isEmpty()) {
      return Verdict.MISSING;
    }
    long seconds;
    try {
      seconds = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return Verdict.MALFORMED;
    }
    if (!signature.startsWith("v0=") || signature.length() != 3 + 64) {
      return Verdict.MALFORMED;
    }
    // Compared in seconds, never as an Instant: a timestamp past Instant's range (a long of 17
    // digits) is simply far in the future or the past, not a reason to throw.
    long now = clock.instant().getEpochSecond();
    if (seconds < now - TOLERANCE.toSeconds()) {
      return Verdict.STALE;
    }
    if (seconds > now + TOLERANCE.toSeconds()) {
      return Verdict.FUTURE;
    }
    byte[] expected = ("v0=" + HexFormat.of().formatHex(hmac(timestamp, body))).getBytes(StandardCharsets.US_ASCII);
    byte[] given = signature.getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given) ? Verdict.VALID : Verdict.MISMATCH;
  }

  /** The signature Slack would send for {@code body} at {@code timestamp} (tests and benchmarks sign with it). */
  public String sign(String timestamp, byte[] body) {
    return "v0=" + HexFormat.of().formatHex(hmac(timestamp, body));
  }

  private byte[] hmac(String timestamp, byte[] body) {
    Mac mac = macs.get();
    mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
    return mac.doFinal(body);
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
