package io.gimops.bot.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * When a channel is in an alert storm, on the injected clock. Slack takes about one message a
 * second per channel, so one message per alert group cannot keep up with a burst of groups:
 *
 * <ol>
 *   <li>A storm begins when more than {@code groups} new alert groups reach one channel within
 *       {@code window}: the group that makes it more, and every new group after it, is counted in
 *       the channel's one storm summary instead of getting a message of its own.
 *   <li>It ends once the last {@code window} brought the channel at most {@code groups / 2} new
 *       groups (looked at on every new group and every second): new groups get their own message
 *       again. The gap between the two thresholds keeps a steady trickle from flapping in and out.
 * </ol>
 */
final class StormRule {

  private final int groups;
  private final Duration window;
  private final Map<String, Channel> channels = new HashMap<>();

  private static final class Channel {
    final ArrayDeque<Instant> arrivals = new ArrayDeque<>();
    boolean storming;
  }

  StormRule(int groups, Duration window) {
    if (groups < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("a storm needs at least one group within a positive window, not "
          + groups + " within " + window);
    }
    this.groups = groups;
    this.window = window;
  }

  /** A new group reached the channel at {@code at}; whether the channel is storming now. */
  boolean newGroup(String channel, Instant at) {
    Channel c = channels.computeIfAbsent(channel, k -> new Channel());
    c.arrivals.addLast(at);
    trim(c, at);
    if (c.arrivals.size() > groups) {
      c.storming = true;
    }
    return evaluate(channel, c);
  }

  /** Whether the channel is storming at {@code now} (a storm that calmed down ends here). */
  boolean storming(String channel, Instant now) {
    Channel c = channels.get(channel);
    if (c == null) {
      return false;
    }
    trim(c, now);
    return evaluate(channel, c);
  }

  private boolean evaluate(String channel, Channel c) {
    if (c.storming && c.arrivals.size() <= groups / 2) {
      c.storming = false;
    }
    if (!c.storming && c.arrivals.isEmpty()) {
      channels.remove(channel);
    }
    return c.storming;
  }

  /** Keeps the arrivals within the window; more than {@code groups + 1} never changes an answer. */
  private void trim(Channel c, Instant now) {
    Instant from = now.minus(window);
    while (!c.arrivals.isEmpty() && !c.arrivals.peekFirst().isAfter(from)) {
      c.arrivals.removeFirst();
    }
    while (c.arrivals.size() > groups + 1) {
      c.arrivals.removeFirst();
    }
  }

  /** The rule in words, for the storm summary and the README. */
  String describe() {
    return "more than " + groups + " new alert groups within " + seconds(window);
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
