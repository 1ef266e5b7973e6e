package io.gimops.bot.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock, plus whatever time a test says has passed: a bot on it sees minutes go by
 * while the test waits for none. Only the bot's own judgements move (its orchestrator, observer
 * and metrics); what the sandbox's cluster stamps (a pod's creation) stays in real time, as a pod
 * created before a person waited stays as old as it really is.
 */
public final class SteppedClock extends Clock {

  private final AtomicReference<Duration> ahead = new AtomicReference<>(Duration.ZERO);

  /** Lets {@code d} pass for the bot at once. */
  public void advance(Duration d) {
    ahead.accumulateAndGet(d, Duration::plus);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(ahead.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the bot's clock is UTC");
  }
}
