package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.Gson;
import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.RequestType;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.util.SlackRequestParser;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.util.json.GsonFactory;
import io.gimops.adapters.slack.SlackHttpServer;
import io.gimops.adapters.slack.SlackSignature;
import io.gimops.adapters.slack.VerifiedApp;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SignedSlack;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link SlackHttpServer} hands requests to Bolt. Where Bolt runs: commands and buttons on
 * the event loop that read them once the bot's identity is known (no thread handoff); events
 * (Bolt may call {@code bots.info}) on a worker; every request on a worker until
 * {@code auth.test} has answered. And what a slash command becomes: read from the form Vert.x
 * decoded, it is what Bolt's own parser makes of it. Against the local fake Slack Web API (no
 * real Slack can be reached from here) and signed requests.
 */
class SlackHttpServerDispatchTest {

  static final String SECRET = "dispatch-signing-secret";
  static final Duration AWAIT = Duration.ofSeconds(10);

  private final FakeSlack slack = new FakeSlack();
  private final Vertx vertx = Vertx.vertx();
  private final List<String> threads = new CopyOnWriteArrayList<>();
  private final List<SlashCommandRequest> commands = new CopyOnWriteArrayList<>();
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
      commands.add(req);
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

  /**
   * A slash command is read from the form Vert.x has decoded, not by Bolt's
   * {@code SlackRequestParser}: the handler must be given what Bolt's parser would have given it
   * for the same body, field by field. Each body goes both ways through the same app (its
   * middleware and handler): over HTTP to the server, and straight into Bolt's parser and
   * {@code App.run}.
   */
  @Test
  void theHandlerIsGivenWhatBoltsParserWouldHaveGivenIt() throws Exception {
    VerifiedApp app = app();
    SignedSlack signed = start(app);
    await().atMost(AWAIT).until(() -> app.answersWithoutWaiting(RequestType.BlockAction));
    SlackRequestParser bolts = new SlackRequestParser(app.config());
    Gson gson = GsonFactory.createSnakeCase();
    List<SlashCommandRequest> mine = new java.util.ArrayList<>();

    List<String> bodies = List.of(
        signed.slashCommand("U0OPS", "C0GIMOPS", "status"),
        // Spaces, quotes, '&', '=', '+', '%', accents and an emoji, as Slack encodes them.
        signed.slashCommand("U0OPS", "C0GIMOPS", "upgrade gim --reason \"fix & go = now, +1 100%\" déjà ✓ 🚀"),
        // No text: Bolt leaves an empty field unset.
        signed.slashCommand("U0OPS", "C0GIMOPS", ""),
        // An Enterprise Grid install, a field Bolt does not read, one it reads twice (the last counts).
        "token=t&team_id=T1&team_domain=acme&enterprise_id=E1&enterprise_name=Acme+Corp&is_enterprise_install=true"
            + "&channel_id=C1&channel_name=ops&user_id=U1&user_name=ann&command=%2Fgim&text=status&text=ops"
            + "&api_app_id=A1&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fx&trigger_id=tr.1"
            + "&unknown=x");
    for (String body : bodies) {
      String ts = Long.toString(System.currentTimeMillis() / 1000);
      String signature = signed.sign(ts, body);
      assertThat(signed.send(body, ts, signature, Map.of("X-Forwarded-For", "203.0.113.7")).statusCode())
          .isEqualTo(200);
      SlashCommandRequest ours = commands.get(commands.size() - 1);
      mine.add(ours);

      Map<String, List<String>> headers = new LinkedHashMap<>();
      headers.put("content-type", List.of("application/x-www-form-urlencoded"));
      headers.put(SlackSignature.TIMESTAMP_HEADER.toLowerCase(), List.of(ts));
      headers.put(SlackSignature.SIGNATURE_HEADER.toLowerCase(), List.of(signature));
      headers.put("x-forwarded-for", List.of("203.0.113.7"));
      var parsed = bolts.parse(SlackRequestParser.HttpRequest.builder().requestUri(SlackHttpServer.EVENTS_PATH)
          .queryString(Map.of()).headers(new RequestHeaders(headers)).requestBody(body).remoteAddress("127.0.0.1")
          .build());
      assertThat(parsed.getRequestType()).isEqualTo(RequestType.Command);
      app.run(parsed);
      SlashCommandRequest theirs = commands.get(commands.size() - 1);
      assertThat(theirs).isNotSameAs(ours);

      assertThat(ours.getRequestType()).isEqualTo(RequestType.Command);
      assertThat(gson.toJson(ours.getPayload())).as(body).isEqualTo(gson.toJson(theirs.getPayload()));
      assertThat(ours.getRequestBodyAsString()).isEqualTo(body);
      assertThat(ours.getClientIpAddress()).isEqualTo(theirs.getClientIpAddress()).isEqualTo("203.0.113.7");
      assertThat(ours.getQueryString()).isEqualTo(theirs.getQueryString());
      var a = ours.getContext();
      var b = theirs.getContext();
      assertThat(List.of(String.valueOf(a.getTeamId()), String.valueOf(a.getEnterpriseId()),
          String.valueOf(a.getRequestUserId()), String.valueOf(a.getChannelId()), String.valueOf(a.getResponseUrl()),
          String.valueOf(a.getTriggerId()), String.valueOf(a.getBotToken()), String.valueOf(a.getBotUserId()),
          String.valueOf(a.isEnterpriseInstall())))
          .as(body)
          .isEqualTo(List.of(String.valueOf(b.getTeamId()), String.valueOf(b.getEnterpriseId()),
              String.valueOf(b.getRequestUserId()), String.valueOf(b.getChannelId()),
              String.valueOf(b.getResponseUrl()), String.valueOf(b.getTriggerId()), String.valueOf(b.getBotToken()),
              String.valueOf(b.getBotUserId()), String.valueOf(b.isEnterpriseInstall())));
    }
    // Read, not merely equal: the values themselves.
    assertThat(mine.get(1).getPayload().getText())
        .isEqualTo("upgrade gim --reason \"fix & go = now, +1 100%\" déjà ✓ 🚀");
    assertThat(mine.get(2).getPayload().getText()).isNull();
    assertThat(mine.get(2).getPayload().getCommand()).isEqualTo("/gim");
    assertThat(mine.get(2).getPayload().getUserId()).isEqualTo("U0OPS");
    assertThat(mine.get(2).getPayload().getChannelId()).isEqualTo("C0GIMOPS");
    assertThat(mine.get(2).getPayload().getTriggerId()).startsWith("trigger-");
    assertThat(mine.get(3).getPayload().getText()).isEqualTo("ops");
    assertThat(mine.get(3).getPayload().getEnterpriseName()).isEqualTo("Acme Corp");
    assertThat(mine.get(3).getPayload().getResponseUrl()).isEqualTo("https://hooks.slack.com/commands/T1/1/x");
    assertThat(mine.get(3).getContext().getRequestUserId()).isEqualTo("U1");
  }
}
