package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slack's rate limits, against a local fake of the Web API that answers 429 with Retry-After and
 * 503 on demand: no call beyond the limits, intermediate progress dropped, finals and prompts
 * never.
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
