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
import java.util.EnumMap;
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
import java.util.function.Supplier;

/**
 * Posts and updates Slack messages within Slack's rate limits, on one thread of its own:
 *
 * <ul>
 *   <li>{@code chat.postMessage}: at most one per channel per {@code postInterval} (Slack: about
 *       one per second per channel). Each post has a {@link Priority}: per channel the highest
 *       waiting priority goes first, in the order asked within a priority (so an operation's
 *       confirmation never waits behind a queue of alerts). {@link Priority#HIGH},
 *       {@link Priority#NORMAL} and {@link Priority#DIGEST} posts are never dropped; a {@link Priority#LOW} post asked while
 *       {@code queuedPerChannel} posts already wait for its channel is refused: logged, and its
 *       future completes with {@link QueueFull}. A queued post may be {@link #withdraw withdrawn},
 *       and its content may be made when its turn comes (so one that waited carries what
 *       happened meanwhile), once, and kept for its retries.
 *   <li>{@code chat.update}: coalesced per message, so only the latest state of a progress
 *       message is sent, at most one per message per {@code updateInterval} and within a
 *       workspace-wide budget (Tier 3, about 50 a minute). A final update is never replaced by
 *       an intermediate one. Updates go in priority order too, and updates below
 *       {@link Priority#HIGH} use at most two thirds of the budget, so an alert summary kept up
 *       to date never holds back an operation's progress.
 *   <li>A 429 pauses that method for {@code Retry-After}; a 5xx or an I/O error backs off
 *       (doubling, up to 30 s) and retries. Nothing queued is lost either way.
 * </ul>
 */
public final class SlackPoster implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SlackPoster.class.getName());
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /**
   * How urgent a post or an update is. Per channel, higher first; FIFO within one.
   *
   * <ul>
   *   <li>{@link #HIGH}: what an operator waits for: answers, confirmations, prompts, progress,
   *       step reports, final reports, notices. The default. Never dropped.
   *   <li>{@link #NORMAL}: an alert that asks for a decision (a rollback offer). Never dropped;
   *       after everything {@code HIGH}.
   *   <li>{@link #DIGEST}: an alert storm's summary. Never dropped; after the offers (a storm
   *       started before an offer arrived must not hold the offer back), before other alerts.
   *   <li>{@link #LOW}: every other alert message and a storm's thread replies; refused beyond
   *       {@code queuedPerChannel}.
   * </ul>
   */
  public enum Priority { HIGH, NORMAL, DIGEST, LOW }

  /** A {@link Priority#LOW} post refused because its channel's queue was full. */
  public static final class QueueFull extends IllegalStateException {
    QueueFull(String message) {
      super(message);
    }
  }

  /**
   * How fast the poster may go, and how many posts may wait per channel before low-priority
   * ones are refused.
   */
  public record Limits(Duration postInterval, Duration updateInterval, int updatesPerMinute, int queuedPerChannel) {
    public static final Limits SLACK = new Limits(Duration.ofMillis(1100), Duration.ofMillis(1200), 50, 100);

    public Limits(Duration postInterval, Duration updateInterval, int updatesPerMinute) {
      this(postInterval, updateInterval, updatesPerMinute, SLACK_QUEUE);
    }

    public Limits {
      if (queuedPerChannel < 1) {
        throw new IllegalArgumentException("queuedPerChannel must be at least 1, not " + queuedPerChannel);
      }
    }

    public Limits withQueuedPerChannel(int queued) {
      return new Limits(postInterval, updateInterval, updatesPerMinute, queued);
    }
  }

  private static final int SLACK_QUEUE = 100;

  /** A message's content: its text, and its blocks if any. */
  public record Content(String text, Optional<String> blocks) {}

  private record Post(String channel, Optional<String> threadTs, Supplier<Content> content, String what,
      Priority priority, CompletableFuture<String> done) {}

  private record Update(String channel, String ts, String text, Optional<String> blocks, boolean last,
      Priority priority) {}

  /** One channel's waiting posts, one FIFO per priority. */
  private static final class ChannelQueue {
    final EnumMap<Priority, Deque<Post>> byPriority = new EnumMap<>(Priority.class);
    int size;

    ChannelQueue() {
      for (Priority p : Priority.values()) {
        byPriority.put(p, new ArrayDeque<>());
      }
    }

    void add(Post p) {
      byPriority.get(p.priority()).addLast(p);
      size++;
    }

    Post peek() {
      for (Deque<Post> q : byPriority.values()) {
        if (!q.isEmpty()) {
          return q.peekFirst();
        }
      }
      return null;
    }

    void remove(Post p) {
      if (byPriority.get(p.priority()).remove(p)) {
        size--;
      }
    }
  }

  private final MethodsClient methods;
  private final Clock clock;
  private final Limits limits;
  private final ScheduledExecutorService thread;
  private final Map<String, ChannelQueue> posts = new LinkedHashMap<>();
  private final Map<String, Update> updates = new LinkedHashMap<>();
  private final Map<String, Instant> nextPost = new HashMap<>();
  private final Map<String, Instant> nextUpdate = new HashMap<>();
  private final Deque<Instant> updatesSent = new ArrayDeque<>();
  private final Map<String, Instant> methodPausedUntil = new HashMap<>();
  private Duration backoff = Duration.ZERO;
  private Instant backoffUntil = Instant.EPOCH;
  private final AtomicLong calls = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger depth = new java.util.concurrent.atomic.AtomicInteger();
  private volatile Calls observer = (method, status) -> { };

  /**
   * Told of every Web API call as it ends: its method and its status ({@code 200}, {@code 429},
   * another HTTP code, or {@code io_error}), for the bot's metrics; called on the poster's thread.
   */
  @FunctionalInterface
  public interface Calls {
    void ended(String method, String status);
  }

  /** Where each call's end is told (one observer; the bot's metrics). */
  public void observeCalls(Calls calls) {
    this.observer = calls;
  }

  /** Posts and updates waiting now (as of the last pass of the poster's thread, every 20 ms). */
  public int queueDepth() {
    return depth.get();
  }

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

  /** Queues a message at {@link Priority#HIGH}; completes with its {@code ts} once Slack has it. */
  public CompletableFuture<String> post(String channel, Optional<String> threadTs, String text, Optional<String> blocks) {
    return post(channel, threadTs, text, blocks, Priority.HIGH);
  }

  /**
   * Queues a message; completes with its {@code ts} once Slack has it, or with {@link QueueFull}
   * when a {@link Priority#LOW} post finds its channel's queue full.
   */
  public CompletableFuture<String> post(String channel, Optional<String> threadTs, String text, Optional<String> blocks,
      Priority priority) {
    Content c = new Content(text, blocks);
    return post(channel, threadTs, () -> c, text.length() > 80 ? text.substring(0, 80) + "…" : text, priority);
  }

  /**
   * Queues a message whose content is made when its turn comes, on the poster's thread (so a
   * post that waited behind higher priorities carries what happened meanwhile). The supplier
   * must be safe to call from that thread; if it throws, the post fails with its exception.
   */
  public CompletableFuture<String> post(String channel, Optional<String> threadTs, Supplier<Content> content,
      Priority priority) {
    return post(channel, threadTs, content, "(made when sent)", priority);
  }

  private CompletableFuture<String> post(String channel, Optional<String> threadTs, Supplier<Content> content,
      String what, Priority priority) {
    CompletableFuture<String> done = new CompletableFuture<>();
    thread.execute(() -> {
      ChannelQueue q = posts.computeIfAbsent(channel, c -> new ChannelQueue());
      if (priority == Priority.LOW && q.size >= limits.queuedPerChannel()) {
        String why = "chat.postMessage to " + channel + " refused: " + q.size + " posts already wait for that channel"
            + " (queuedPerChannel " + limits.queuedPerChannel() + "); a low-priority post was dropped: " + what;
        LOG.log(System.Logger.Level.WARNING, why);
        done.completeExceptionally(new QueueFull(why));
        return;
      }
      q.add(new Post(channel, threadTs, once(content), what, priority, done));
    });
    return done;
  }

  /** Made at the first attempt and kept for the retries (a 429 or a 5xx sends the same message again). */
  private static Supplier<Content> once(Supplier<Content> content) {
    Content[] made = new Content[1];
    return () -> {
      if (made[0] == null) {
        made[0] = java.util.Objects.requireNonNull(content.get(), "a post's content");
      }
      return made[0];
    };
  }

  /**
   * Takes back a post not yet sent (it is no longer wanted: its content is shown elsewhere).
   * Completes with whether it was still waiting; a withdrawn post's own future completes with a
   * {@link java.util.concurrent.CancellationException}. A post already sent stays sent.
   */
  public CompletableFuture<Boolean> withdraw(CompletableFuture<String> post) {
    CompletableFuture<Boolean> withdrawn = new CompletableFuture<>();
    thread.execute(() -> {
      for (ChannelQueue q : posts.values()) {
        for (Deque<Post> d : q.byPriority.values()) {
          for (Post p : d) {
            if (p.done() == post) {
              q.remove(p);
              p.done().cancel(false);
              withdrawn.complete(true);
              return;
            }
          }
        }
      }
      withdrawn.complete(false);
    });
    return withdrawn;
  }

  /**
   * Sets a message's content; only the latest content not yet sent is kept.
   *
   * @param last the message's final state: it replaces anything pending and nothing replaces it
   */
  public void update(String channel, String ts, String text, Optional<String> blocks, boolean last) {
    update(channel, ts, text, blocks, last, Priority.HIGH);
  }

  /** As {@link #update(String, String, String, Optional, boolean)}, at a priority. */
  public void update(String channel, String ts, String text, Optional<String> blocks, boolean last, Priority priority) {
    thread.execute(() -> {
      String key = channel + "/" + ts;
      Update pending = updates.get(key);
      if (pending != null && pending.last() && !last) {
        return;
      }
      updates.put(key, new Update(channel, ts, text, blocks, last, priority));
    });
  }

  /** Web API calls made so far (including ones Slack refused), for tests and benchmarks. */
  public long calls() {
    return calls.get();
  }

  /** Whether everything queued has been sent. */
  public boolean idle() {
    try {
      return thread.submit(() -> posts.values().stream().allMatch(q -> q.size == 0) && updates.isEmpty())
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      return false;
    }
  }

  private void drain() {
    try {
      depth.set(posts.values().stream().mapToInt(q -> q.size).sum() + updates.size());
      Instant now = clock.instant();
      if (now.isBefore(backoffUntil)) {
        return;
      }
      for (ChannelQueue q : posts.values()) {
        Post p = q.peek();
        if (p == null || now.isBefore(nextPost.getOrDefault(p.channel(), Instant.EPOCH)) || paused("chat.postMessage", now)) {
          continue;
        }
        Content content;
        try {
          content = p.content().get();
        } catch (RuntimeException failed) {
          q.remove(p);
          LOG.log(System.Logger.Level.WARNING, "a post to " + p.channel() + " could not be made: " + failed);
          p.done().completeExceptionally(failed);
          continue;
        }
        Optional<SlackApiTextResponse> r;
        try {
          r = send("chat.postMessage", () -> methods.chatPostMessage(
              ChatPostMessageRequest.builder().channel(p.channel()).threadTs(p.threadTs().orElse(null))
                  .text(content.text()).blocksAsString(content.blocks().orElse(null)).build()));
        } catch (IllegalStateException refused) {
          // Slack refused it (4xx): sending it again would fail again and hold the channel's queue.
          nextPost.put(p.channel(), clock.instant().plus(limits.postInterval()));
          q.remove(p);
          LOG.log(System.Logger.Level.WARNING, refused.getMessage());
          p.done().completeExceptionally(refused);
          continue;
        }
        nextPost.put(p.channel(), clock.instant().plus(limits.postInterval()));
        if (r.isPresent()) {
          q.remove(p);
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
      for (Priority level : Priority.values()) {
        if (!drainUpdates(level)) {
          return;
        }
      }
      if (nextUpdate.size() > 1024) {
        // A message's interval only matters while it lasts: forget the passed ones (else one per message ever).
        Instant t = clock.instant();
        nextUpdate.values().removeIf(at -> at.isBefore(t));
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "the Slack poster hit an unexpected error; it keeps going", e);
    }
  }

  /** Sends the due updates of one priority; false when backing off. */
  private boolean drainUpdates(Priority level) {
    // Below HIGH, a third of the budget stays for operations' progress.
    int budget = level == Priority.HIGH ? limits.updatesPerMinute()
        : Math.max(1, limits.updatesPerMinute() * 2 / 3);
    Iterator<Map.Entry<String, Update>> it = updates.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Update> e = it.next();
      Update u = e.getValue();
      if (u.priority() != level) {
        continue;
      }
      Instant now = clock.instant();
      while (!updatesSent.isEmpty() && updatesSent.peekFirst().isBefore(now.minus(Duration.ofMinutes(1)))) {
        updatesSent.removeFirst();
      }
      if (updatesSent.size() >= budget || paused("chat.update", now)
          || now.isBefore(nextUpdate.getOrDefault(e.getKey(), Instant.EPOCH))) {
        continue;
      }
      Optional<SlackApiTextResponse> r;
      try {
        r = send("chat.update", () -> methods.chatUpdate(ChatUpdateRequest.builder()
            .channel(u.channel()).ts(u.ts()).text(u.text()).blocksAsString(u.blocks().orElse(null)).build()));
      } catch (IllegalStateException refused) {
        updatesSent.addLast(clock.instant());
        it.remove();
        LOG.log(System.Logger.Level.WARNING, "chat.update of " + e.getKey() + ": " + refused.getMessage());
        continue;
      }
      updatesSent.addLast(clock.instant());
      nextUpdate.put(e.getKey(), clock.instant().plus(limits.updateInterval()));
      if (r.isPresent()) {
        it.remove();
        if (!r.get().isOk()) {
          LOG.log(System.Logger.Level.WARNING, "chat.update of " + e.getKey() + " failed: " + r.get().getError());
        }
      }
      if (clock.instant().isBefore(backoffUntil)) {
        return false;
      }
    }
    return true;
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
      observer.ended(method, "200");
      return Optional.of(r);
    } catch (SlackApiException e) {
      int code = e.getResponse().code();
      observer.ended(method, Integer.toString(code));
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
      observer.ended(method, "io_error");
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
