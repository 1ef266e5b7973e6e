package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.RequestType;
import com.slack.api.model.event.AppMentionEvent;
import io.gimops.adapters.slack.SlackHttpServer;
import io.gimops.adapters.slack.SlackSignature;
import io.gimops.adapters.slack.VerifiedApp;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SignedSlack;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Where Bolt runs in {@link SlackHttpServer}: commands and buttons on the event loop that read
 * them once the bot's identity is known (no thread handoff); events (Bolt may call
 * {@code bots.info}) on a worker; every request on a worker until {@code auth.test} has answered. Against the local fake Slack Web API
 * (no real Slack can be reached from here) and signed requests.
 */
class SlackHttpServerDispatchTest {

  static final String SECRET = "dispatch-signing-secret";
  static final Duration AWAIT = Duration.ofSeconds(10);

  private final FakeSlack slack = new FakeSlack();
  private final Vertx vertx = Vertx.vertx();
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private SlackHttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().join();
    slack.close();
  }

  private VerifiedApp app() {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(slack.apiUrl());
    // The SDK's own metrics resolve each token's team with one more auth.test: off, so that the
    // calls counted here are the bot's.
    config.setStatsEnabled(false);
    VerifiedApp app = new VerifiedApp(AppConfig.builder().slack(Slack.getInstance(config))
        .singleTeamBotToken("xoxb-dispatch").signingSecret(SECRET).build());
    app.command("/gim", (req, ctx) -> {
      threads.add(Thread.currentThread().getName());
      return ctx.ack("bot " + ctx.getBotUserId());
    });
    app.blockAction("press", (req, ctx) -> {
      threads.add(Thread.currentThread().getName());
      return ctx.ack();
    });
    app.event(AppMentionEvent.class, (payload, ctx) -> {
      threads.add(Thread.currentThread().getName());
      return ctx.ack();
    });
    return app;
  }

  private SignedSlack start(VerifiedApp app) {
    server = SlackHttpServer.start(vertx, app, new SlackSignature(SECRET, Clock.systemUTC()), "127.0.0.1", 0,
        64 * 1024, 2, r -> { });
    return new SignedSlack(server.port(), SECRET, slack);
  }

  private String last() {
    return threads.get(threads.size() - 1);
  }

  @Test
  void commandsAndButtonsAreAnsweredOnTheEventLoopEventsOnAWorker() {
    VerifiedApp app = app();
    SignedSlack signed = start(app);
    await().atMost(AWAIT).until(() -> app.answersWithoutWaiting(RequestType.BlockAction));
    assertThat(slack.calls("auth.test")).hasSize(1);

    assertThat(signed.send(signed.buttonClick("U0OPS", "C0GIMOPS", "press", "op-1")).statusCode()).isEqualTo(200);
    assertThat(last()).startsWith("vert.x-eventloop-thread");

    // A command computes its answer from memory, and hands on anything that waits.
    assertThat(app.answersWithoutWaiting(RequestType.Command)).isTrue();
    HttpResponse<String> r = signed.send(signed.slashCommand("U0OPS", "C0GIMOPS", "status"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("bot U0BOT");
    assertThat(last()).startsWith("vert.x-eventloop-thread");

    // Bolt's IgnoringSelfEvents may call bots.info for an event: never on the loop.
    assertThat(app.answersWithoutWaiting(RequestType.Event)).isFalse();
    assertThat(signed.sendJson(signed.appMention("U0OPS", "C0GIMOPS", "<@U0BOT> status", "Ev1", "1700000000.000100"),
        Map.of()).statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> threads.size() == 3);
    assertThat(last()).startsWith("slack-bolt");
    // The identity was read once, ahead; no request asked Slack for it.
    assertThat(slack.calls("auth.test")).hasSize(1);
  }

  @Test
  void untilSlackHasAnsweredAuthTestARequestAsksItselfOnAWorkerThenTheLoopTakesOver() {
    slack.failNext(1);
    VerifiedApp app = app();
    SignedSlack signed = start(app);
    await().atMost(AWAIT).until(() -> slack.calls("auth.test").size() == 1);
    assertThat(app.answersWithoutWaiting(RequestType.BlockAction)).isFalse();

    HttpResponse<String> r = signed.send(signed.slashCommand("U0OPS", "C0GIMOPS", "status"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("bot U0BOT");
    assertThat(last()).startsWith("slack-bolt");
    assertThat(slack.calls("auth.test")).hasSize(2);

    assertThat(app.answersWithoutWaiting(RequestType.BlockAction)).isTrue();
    assertThat(signed.send(signed.buttonClick("U0OPS", "C0GIMOPS", "press", "op-2")).statusCode()).isEqualTo(200);
    assertThat(last()).startsWith("vert.x-eventloop-thread");
  }

  @Test
  void aTokenSlackRefusesIsAnswered401FromMemoryAndNoHandlerRuns() {
    slack.refuseToken();
    VerifiedApp app = app();
    SignedSlack signed = start(app);
    await().atMost(AWAIT).until(() -> app.answersWithoutWaiting(RequestType.BlockAction));

    HttpResponse<String> r = signed.send(signed.slashCommand("U0OPS", "C0GIMOPS", "upgrade gim"));
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).contains("token is not accepted by Slack", "invalid_auth");
    assertThat(threads).isEmpty();
    assertThat(slack.calls("auth.test")).hasSize(1);
  }
}
