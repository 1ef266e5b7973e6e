package io.gimops.adapters.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.request.chat.ChatPostMessageRequest;
import com.slack.api.methods.request.chat.ChatUpdateRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Posts and updates Slack messages within Slack's rate limits, on one thread of its own:
 *
 * <ul>
 *   <li>{@code chat.postMessage}: at most one per channel per {@code postInterval} (Slack: about
 *       one per second per channel), in the order asked; never dropped.
 *   <li>{@code chat.update}: coalesced per message, so only the latest state of a progress
 *       message is sent, at most one per message per {@code updateInterval} and within a
 *       workspace-wide budget (Tier 3, about 50 a minute). A final update is never replaced by
 *       an intermediate one.
 *   <li>A 429 pauses that method for {@code Retry-After}; a 5xx or an I/O error backs off
 *       (doubling, up to 30 s) and retries. Nothing queued is lost either way.
 * </ul>
 */
public final class SlackPoster implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SlackPoster.class.getName());
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** How fast the poster may go. */
  public record Limits(Duration postInterval, Duration updateInterval, int updatesPerMinute) {
    public static final Limits SLACK = new Limits(Duration.ofMillis(1100), Duration.ofMillis(1200), 50);
  }

  private record Post(String channel, Optional<String> threadTs, String text, Optional<String> blocks,
      CompletableFuture<String> done) {}

  private record Update(String channel, String ts, String text, Optional<String> blocks, boolean last) {}

  private final MethodsClient methods;
  private final Clock clock;
  private final Limits limits;
  private final ScheduledExecutorService thread;
  private final Map<String, Deque<Post>> posts = new LinkedHashMap<>();
  private final Map<String, Update> updates = new LinkedHashMap<>();
  private final Map<String, Instant> nextPost = new HashMap<>();
  private final Map<String, Instant> nextUpdate = new HashMap<>();
  private final Deque<Instant> updatesSent = new ArrayDeque<>();
  private final Map<String, Instant> methodPausedUntil = new HashMap<>();
  private Duration backoff = Duration.ZERO;
  private Instant backoffUntil = Instant.EPOCH;
  private final AtomicLong calls = new AtomicLong();

  public SlackPoster(MethodsClient methods, Clock clock, Limits limits) {
    this.methods = methods;
    this.clock = clock;
    this.limits = limits;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slack-poster");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::drain, 20, 20, TimeUnit.MILLISECONDS);
  }

  /** Queues a message; completes with its {@code ts} once Slack has it. */
  public CompletableFuture<String> post(String channel, Optional<String> threadTs, String text, Optional<String> blocks) {
    CompletableFuture<String> done = new CompletableFuture<>();
    thread.execute(() -> posts.computeIfAbsent(channel, c -> new ArrayDeque<>())
        .addLast(new Post(channel, threadTs, text, blocks, done)));
    return done;
  }

  /**
   * Sets a message's content; only the latest content not yet sent is kept.
   *
   * @param last the message's final state: it replaces anything pending and nothing replaces it
   */
  public void update(String channel, String ts, String text, Optional<String> blocks, boolean last) {
    thread.execute(() -> {
      String key = channel + "/" + ts;
      Update pending = updates.get(key);
      if (pending != null && pending.last() && !last) {
        return;
      }
      updates.put(key, new Update(channel, ts, text, blocks, last));
    });
  }

  /** Web API calls made so far (including ones Slack refused), for tests and benchmarks. */
  public long calls() {
    return calls.get();
  }

  /** Whether everything queued has been sent. */
  public boolean idle() {
    try {
      return thread.submit(() -> posts.values().stream().allMatch(Deque::isEmpty) && updates.isEmpty())
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private void drain() {
    try {
      Instant now = clock.instant();
      if (now.isBefore(backoffUntil)) {
        return;
      }
      for (Deque<Post> q : posts.values()) {
        Post p = q.peekFirst();
        if (p == null || now.isBefore(nextPost.getOrDefault(p.channel(), Instant.EPOCH)) || paused("chat.postMessage", now)) {
          continue;
        }
        Optional<SlackApiTextResponse> r = send("chat.postMessage", () -> methods.chatPostMessage(
            ChatPostMessageRequest.builder().channel(p.channel()).threadTs(p.threadTs().orElse(null)).text(p.text())
                .blocksAsString(p.blocks().orElse(null)).build()));
        nextPost.put(p.channel(), clock.instant().plus(limits.postInterval()));
        if (r.isPresent()) {
          q.removeFirst();
          if (r.get().isOk()) {
            p.done().complete(((com.slack.api.methods.response.chat.ChatPostMessageResponse) r.get()).getTs());
          } else {
            p.done().completeExceptionally(new IllegalStateException("chat.postMessage to " + p.channel()
                + " failed: " + r.get().getError()));
          }
        }
        if (clock.instant().isBefore(backoffUntil)) {
          return;
        }
      }
      Iterator<Map.Entry<String, Update>> it = updates.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Update> e = it.next();
        Update u = e.getValue();
        now = clock.instant();
        while (!updatesSent.isEmpty() && updatesSent.peekFirst().isBefore(now.minus(Duration.ofMinutes(1)))) {
          updatesSent.removeFirst();
        }
        if (updatesSent.size() >= limits.updatesPerMinute() || paused("chat.update", now)
            || now.isBefore(nextUpdate.getOrDefault(e.getKey(), Instant.EPOCH))) {
          continue;
        }
        Optional<SlackApiTextResponse> r = send("chat.update", () -> methods.chatUpdate(ChatUpdateRequest.builder()
            .channel(u.channel()).ts(u.ts()).text(u.text()).blocksAsString(u.blocks().orElse(null)).build()));
        updatesSent.addLast(clock.instant());
        nextUpdate.put(e.getKey(), clock.instant().plus(limits.updateInterval()));
        if (r.isPresent()) {
          it.remove();
          if (!r.get().isOk()) {
            LOG.log(System.Logger.Level.WARNING, "chat.update of " + e.getKey() + " failed: " + r.get().getError());
          }
        }
        if (clock.instant().isBefore(backoffUntil)) {
          return;
        }
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "the Slack poster hit an unexpected error; it keeps going", e);
    }
  }

  private boolean paused(String method, Instant now) {
    return now.isBefore(methodPausedUntil.getOrDefault(method, Instant.EPOCH));
  }

  /** One call; empty when it must be retried (429, 5xx, I/O), after pausing as Slack asks. */
  private Optional<SlackApiTextResponse> send(String method, SlackCall call) {
    calls.incrementAndGet();
    try {
      SlackApiTextResponse r = call.call();
      backoff = Duration.ZERO;
      return Optional.of(r);
    } catch (SlackApiException e) {
      int code = e.getResponse().code();
      if (code == 429) {
        long seconds = Optional.ofNullable(e.getResponse().header("Retry-After")).map(Long::parseLong).orElse(1L);
        methodPausedUntil.put(method, clock.instant().plusSeconds(Math.max(1, seconds)));
        LOG.log(System.Logger.Level.INFO, "{0} rate-limited by Slack for {1} s", method, seconds);
        return Optional.empty();
      }
      if (code >= 500) {
        backOff(method + " answered " + code);
        return Optional.empty();
      }
      throw new IllegalStateException(method + " failed with HTTP " + code + ": " + e.getResponseBody(), e);
    } catch (IOException e) {
      backOff(method + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void backOff(String why) {
    backoff = backoff.isZero() ? Duration.ofMillis(500) : backoff.multipliedBy(2);
    if (backoff.compareTo(MAX_BACKOFF) > 0) {
      backoff = MAX_BACKOFF;
    }
    backoffUntil = clock.instant().plus(backoff);
    LOG.log(System.Logger.Level.WARNING, "Slack: " + why + "; retrying in " + backoff.toMillis() + " ms");
  }

  @FunctionalInterface
  private interface SlackCall {
    SlackApiTextResponse call() throws IOException, SlackApiException;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
