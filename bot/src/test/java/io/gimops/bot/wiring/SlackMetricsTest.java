package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import io.gimops.adapters.slack.SlackPoster;
import io.gimops.bot.testing.FakeSlack;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slack's Web API calls are counted by method and status: a fake Web API (a real HTTP server)
 * answering 429 moves {@code gimops_slack_calls_total{status="429"}}, and the retry that gets
 * through moves {@code status="200"}.
 */
class SlackMetricsTest {

  @Test
  void a429IsCountedAndSoIsTheRetryThatGetsThrough() throws Exception {
    try (FakeSlack slack = new FakeSlack(); BotMetrics metrics = new BotMetrics()) {
      SlackConfig config = new SlackConfig();
      config.setMethodsEndpointUrlPrefix(slack.apiUrl());
      SlackPoster poster = new SlackPoster(Slack.getInstance(config).methods("xoxb-test"), Clock.systemUTC(),
          SlackPoster.Limits.SLACK);
      try {
        metrics.slack(poster);
        // The first call also makes the client's own auth.test; the 429 is for the second post.
        poster.post("C1", Optional.empty(), "first", Optional.empty()).get(30, TimeUnit.SECONDS);
        slack.rateLimitNext(1, 1);
        poster.post("C1", Optional.empty(), "hello", Optional.empty()).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(poster::idle);
        String text = metrics.registry().scrape();
        assertThat(text).as("the fake's calls: " + slack.calls()).contains("gimops_slack_calls_total{method=\"chat.postMessage\",status=\"429\"} 1.0")
            .contains("gimops_slack_calls_total{method=\"chat.postMessage\",status=\"200\"} 2.0")
            .contains("gimops_slack_poster_queued 0.0");
      } finally {
        poster.close();
      }
    }
  }
}
