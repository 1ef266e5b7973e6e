package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.gimops.adapters.slack.SlackPoster;
import io.gimops.bot.testing.FakeSlack;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slack's rate limits, against a local fake of the Web API that answers 429 with Retry-After and
 * 503 on demand: no call beyond the limits, intermediate progress dropped, finals and prompts
 * never. Priorities: per channel the highest first, in order within one; low-priority posts
 * refused beyond the channel's bound, never the others; a queued post withdrawn; alert updates
 * leaving a third of the update budget to operations.
 */
class SlackPosterTest {

  FakeSlack slack;
  SlackPoster poster;

  @BeforeEach
  void start() {
    slack = new FakeSlack();
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(slack.apiUrl());
    poster = new SlackPoster(Slack.getInstance(config).methods("xoxb-test"), Clock.systemUTC(), SlackPoster.Limits.SLACK);
  }

  @AfterEach
  void stop() {
    poster.close();
    slack.close();
  }

  @Test
  void aStormOfUpdatesAndPostsStaysWithinTheLimitsAndEndsWithTheFinalState() throws Exception {
    String ts = poster.post("C1", Optional.empty(), "progress 0", Optional.empty()).get();
    slack.rateLimitNext(2, 2);
    List<CompletableFuture<String>> posts = new ArrayList<>();
    for (int i = 1; i <= 200; i++) {
      poster.update("C1", ts, "progress " + i, Optional.empty(), false);
      if (i % 40 == 0) {
        posts.add(poster.post("C1", Optional.of(ts), "prompt " + i, Optional.empty()));
      }
    }
    poster.update("C1", ts, "final: succeeded", Optional.empty(), true);
    poster.update("C1", ts, "a late intermediate state", Optional.empty(), false);
    CompletableFuture.allOf(posts.toArray(new CompletableFuture[0])).get(60, java.util.concurrent.TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(60)).until(poster::idle);

    List<FakeSlack.Call> calls = slack.calls();
    // Never two postMessage calls to one channel less than a second apart.
    List<FakeSlack.Call> postCalls = calls.stream().filter(c -> c.method().equals("chat.postMessage")).toList();
    for (int i = 1; i < postCalls.size(); i++) {
      assertThat(Duration.between(postCalls.get(i - 1).at(), postCalls.get(i).at())).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    }
    // After a 429, nothing more of that method until Retry-After has passed.
    for (int i = 0; i < calls.size(); i++) {
      FakeSlack.Call c = calls.get(i);
      if (c.status() == 429) {
        for (FakeSlack.Call later : calls.subList(i + 1, calls.size())) {
          if (later.method().equals(c.method()) && later.at().isBefore(c.at().plusSeconds(2))) {
            throw new AssertionError(later + " came within Retry-After of " + c);
          }
        }
      }
    }
    // Coalesced: far fewer updates than asked for; the last one sent is the final state.
    List<FakeSlack.Call> updates = calls.stream().filter(c -> c.method().equals("chat.update") && c.status() == 200).toList();
    assertThat(updates.size()).isLessThan(20);
    assertThat(updates.get(updates.size() - 1).param("text")).isEqualTo("final: succeeded");
    // Every prompt arrived, in order.
    assertThat(postCalls.stream().filter(c -> c.status() == 200).map(c -> c.param("text")).filter(t -> t.startsWith("prompt")))
        .containsExactly("prompt 40", "prompt 80", "prompt 120", "prompt 160", "prompt 200");
    System.out.println("rate-limit storm: 201 updates and 5 posts asked, " + calls.size() + " Web API calls made ("
        + calls.stream().filter(c -> c.status() == 429).count() + " answered 429)");
  }

  /** A poster at a quicker pace than Slack's (the order is the point here, not the interval). */
  SlackPoster quick(SlackPoster.Limits limits) {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(slack.apiUrl());
    return new SlackPoster(Slack.getInstance(config).methods("xoxb-test"), Clock.systemUTC(), limits);
  }

  static final SlackPoster.Limits QUICK = new SlackPoster.Limits(Duration.ofMillis(250), Duration.ofMillis(250), 50, 100);

  @Test
  void higherPrioritiesGoFirstInTheOrderAskedWithinOne() throws Exception {
    try (SlackPoster p = quick(QUICK)) {
      // The first post makes the channel wait a whole interval, while the rest queue up.
      p.post("C3", Optional.empty(), "first", Optional.empty()).get(30, TimeUnit.SECONDS);
      List<CompletableFuture<String>> all = new ArrayList<>();
      all.add(p.post("C3", Optional.empty(), "alert 1", Optional.empty(), SlackPoster.Priority.LOW));
      all.add(p.post("C3", Optional.empty(), "alert 2", Optional.empty(), SlackPoster.Priority.LOW));
      all.add(p.post("C3", Optional.empty(), "offer 1", Optional.empty(), SlackPoster.Priority.NORMAL));
      all.add(p.post("C3", Optional.empty(), "confirmation 1", Optional.empty()));
      all.add(p.post("C3", Optional.empty(), "alert 3", Optional.empty(), SlackPoster.Priority.LOW));
      all.add(p.post("C3", Optional.of("1.1"), "step report 1", Optional.empty(), SlackPoster.Priority.HIGH));
      CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
      assertThat(slack.calls("chat.postMessage").stream().map(c -> c.param("text")))
          .containsExactly("first", "confirmation 1", "step report 1", "offer 1", "alert 1", "alert 2", "alert 3");
    }
  }

  @Test
  void beyondTheChannelsBoundLowPostsAreRefusedAndHighOnesNever() throws Exception {
    try (SlackPoster p = quick(QUICK.withQueuedPerChannel(3))) {
      p.post("C4", Optional.empty(), "first", Optional.empty()).get(30, TimeUnit.SECONDS);
      List<CompletableFuture<String>> low = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        low.add(p.post("C4", Optional.empty(), "alert " + i, Optional.empty(), SlackPoster.Priority.LOW));
      }
      List<CompletableFuture<String>> high = new ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        high.add(p.post("C4", Optional.empty(), "prompt " + i, Optional.empty()));
      }
      high.add(p.post("C4", Optional.empty(), "offer", Optional.empty(), SlackPoster.Priority.NORMAL));
      // Another channel has a queue of its own.
      CompletableFuture<String> elsewhere = p.post("C5", Optional.empty(), "alert elsewhere", Optional.empty(),
          SlackPoster.Priority.LOW);
      // Refused at once (not after the queue drained), and said so.
      assertThatThrownBy(() -> low.get(3).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SlackPoster.QueueFull.class)
          .hasMessageContaining("queuedPerChannel 3");
      assertThatThrownBy(() -> low.get(4).get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(SlackPoster.QueueFull.class);
      CompletableFuture.allOf(high.toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
      CompletableFuture.allOf(low.subList(0, 3).toArray(new CompletableFuture[0])).get(30, TimeUnit.SECONDS);
      assertThat(elsewhere.get(30, TimeUnit.SECONDS)).isNotBlank();
      assertThat(slack.calls("chat.postMessage").stream().filter(c -> c.param("channel").equals("C4"))
          .map(c -> c.param("text")))
          .containsExactly("first", "prompt 1", "prompt 2", "prompt 3", "prompt 4", "offer", "alert 1", "alert 2",
              "alert 3");
    }
  }

  @Test
  void aQueuedPostCanBeWithdrawnOneAlreadySentCannot() throws Exception {
    try (SlackPoster p = quick(QUICK)) {
      CompletableFuture<String> first = p.post("C6", Optional.empty(), "first", Optional.empty());
      first.get(30, TimeUnit.SECONDS);
      CompletableFuture<String> kept = p.post("C6", Optional.empty(), "kept", Optional.empty(), SlackPoster.Priority.LOW);
      CompletableFuture<String> taken = p.post("C6", Optional.empty(), "taken", Optional.empty(),
          SlackPoster.Priority.LOW);
      assertThat(p.withdraw(taken).get(5, TimeUnit.SECONDS)).isTrue();
      assertThat(p.withdraw(first).get(5, TimeUnit.SECONDS)).isFalse();
      assertThat(taken).isCancelled();
      assertThat(kept.get(30, TimeUnit.SECONDS)).isNotBlank();
      await().atMost(Duration.ofSeconds(10)).until(p::idle);
      assertThat(slack.calls("chat.postMessage").stream().map(c -> c.param("text"))).containsExactly("first", "kept");
    }
  }

  @Test
  void aPostMadeWhenItsTurnComesCarriesWhatHappenedWhileItWaited() throws Exception {
    try (SlackPoster p = quick(QUICK)) {
      p.post("C8", Optional.empty(), "first", Optional.empty()).get(30, TimeUnit.SECONDS);
      java.util.concurrent.ConcurrentLinkedQueue<String> lines = new java.util.concurrent.ConcurrentLinkedQueue<>(
          List.of("group 1"));
      java.util.concurrent.atomic.AtomicInteger made = new java.util.concurrent.atomic.AtomicInteger();
      CompletableFuture<String> reply = p.post("C8", Optional.of("1.1"), () -> {
        made.incrementAndGet();
        return new SlackPoster.Content(String.join(", ", lines), Optional.empty());
      }, SlackPoster.Priority.LOW);
      CompletableFuture<String> prompt = p.post("C8", Optional.empty(), "prompt", Optional.empty());
      lines.add("group 2");
      slack.rateLimitNext(1, 1); // the prompt meets a 429: the reply waits longer, and is made once
      prompt.get(30, TimeUnit.SECONDS);
      lines.add("group 3");
      reply.get(30, TimeUnit.SECONDS);
      assertThat(slack.calls("chat.postMessage").stream().filter(c -> c.status() == 200).map(c -> c.param("text")))
          .containsExactly("first", "prompt", "group 1, group 2, group 3");
      assertThat(made).hasValue(1);
    }
  }

  @Test
  void alertUpdatesLeaveAThirdOfTheBudgetToOperations() throws Exception {
    // A budget of 6 updates a minute: updates below HIGH may use 4 of them.
    try (SlackPoster p = quick(new SlackPoster.Limits(Duration.ofMillis(50), Duration.ofMillis(250), 6, 100))) {
      List<String> ts = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        ts.add(p.post("C7", Optional.empty(), "message " + i, Optional.empty()).get(30, TimeUnit.SECONDS));
      }
      for (int i = 0; i < 5; i++) {
        p.update("C7", ts.get(i), "summary " + i, Optional.empty(), false, SlackPoster.Priority.NORMAL);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> slack.calls("chat.update").size() == 4);
      p.update("C7", ts.get(5), "progress", Optional.empty(), false);
      // ... and the fifth summary update still waits: the minute's alert share is spent.
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
          .until(() -> slack.calls("chat.update").size() == 5);
      assertThat(slack.calls("chat.update").stream().map(c -> c.param("text")))
          .containsExactly("summary 0", "summary 1", "summary 2", "summary 3", "progress");
    }
  }

  @Test
  void serverErrorsAreRetriedWithBackoffAndNothingIsLost() throws Exception {
    slack.failNext(3);
    String ts = poster.post("C2", Optional.empty(), "hello", Optional.empty()).get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(ts).isNotBlank();
    // Slack's client also asks auth.test on its first call; together they met three 503s.
    assertThat(slack.calls().stream().filter(c -> c.status() == 503)).hasSize(3);
    assertThat(slack.calls("chat.postMessage")).extracting(FakeSlack.Call::status).endsWith(200)
        .filteredOn(st -> st == 200).hasSize(1);
  }
}
