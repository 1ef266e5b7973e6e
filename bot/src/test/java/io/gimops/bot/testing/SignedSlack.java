package io.gimops.bot.testing;

import io.gimops.adapters.slack.SlackSignature;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/** Requests as Slack sends them to the bot's endpoint: form-encoded, signed with the signing secret. */
public final class SignedSlack {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String endpoint;
  private final SlackSignature signer;
  private final FakeSlack slack;
  private final AtomicLong triggers = new AtomicLong();

  public SignedSlack(int port, String signingSecret, FakeSlack slack) {
    this.endpoint = "http://127.0.0.1:" + port + "/slack/events";
    this.signer = new SlackSignature(signingSecret, Clock.systemUTC());
    this.slack = slack;
  }

  /** Requests to a bot's own Slack endpoint (its HTTP port), signed with its secret. */
  public static SignedSlack to(io.gimops.bot.wiring.Bot bot, String signingSecret, FakeSlack slack) {
    return new SignedSlack(bot.slack().orElseThrow().httpPort().orElseThrow(), signingSecret, slack);
  }

  /** The form body of {@code /gim <text>} from a user in a channel, with a fresh trigger id. */
  public String slashCommand(String userId, String channel, String text) {
    String trigger = "trigger-" + triggers.incrementAndGet();
    Map<String, String> form = new LinkedHashMap<>();
    form.put("token", "legacy-unused");
    form.put("team_id", "T0GIMOPS");
    form.put("team_domain", "gimops");
    form.put("channel_id", channel);
    form.put("channel_name", "gim-ops");
    form.put("user_id", userId);
    form.put("user_name", userId);
    form.put("command", "/gim");
    form.put("text", text);
    form.put("api_app_id", "A0GIMOPS");
    form.put("response_url", slack.responseUrl(trigger));
    form.put("trigger_id", trigger);
    return form(form);
  }

  /** The form body of a click on a button. */
  public String buttonClick(String userId, String channel, String actionId, String value) {
    String trigger = "trigger-" + triggers.incrementAndGet();
    JsonObject payload = new JsonObject()
        .put("type", "block_actions")
        .put("api_app_id", "A0GIMOPS")
        .put("team", new JsonObject().put("id", "T0GIMOPS"))
        .put("user", new JsonObject().put("id", userId).put("username", userId).put("team_id", "T0GIMOPS"))
        .put("channel", new JsonObject().put("id", channel))
        .put("container", new JsonObject().put("type", "message").put("channel_id", channel))
        .put("trigger_id", trigger)
        .put("response_url", slack.responseUrl(trigger))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "button").put("action_id", actionId)
            .put("block_id", "b").put("value", value).put("action_ts", "1700000000.000100")));
    return form(Map.of("payload", payload.encode()));
  }

  /** The form body of a modal's submission with one text input ({@code block}/{@code action}). */
  public String viewSubmission(String userId, String callbackId, String privateMetadata, String block, String action,
      String value) {
    JsonObject payload = new JsonObject()
        .put("type", "view_submission")
        .put("api_app_id", "A0GIMOPS")
        .put("team", new JsonObject().put("id", "T0GIMOPS"))
        .put("user", new JsonObject().put("id", userId).put("username", userId).put("team_id", "T0GIMOPS"))
        .put("view", new JsonObject().put("id", "V0MODAL").put("type", "modal").put("callback_id", callbackId)
            .put("private_metadata", privateMetadata)
            .put("state", new JsonObject().put("values", new JsonObject().put(block, new JsonObject().put(action,
                new JsonObject().put("type", "plain_text_input").put("value", value))))));
    return form(Map.of("payload", payload.encode()));
  }

  /** The JSON body of an Events API {@code app_mention} event ("<@U0BOT> status", say). */
  public String appMention(String userId, String channel, String text, String eventId, String ts) {
    return new JsonObject()
        .put("token", "legacy-unused")
        .put("team_id", "T0GIMOPS")
        .put("api_app_id", "A0GIMOPS")
        .put("type", "event_callback")
        .put("event_id", eventId)
        .put("event_time", System.currentTimeMillis() / 1000)
        .put("event", new JsonObject().put("type", "app_mention").put("user", userId).put("text", text)
            .put("ts", ts).put("channel", channel).put("event_ts", ts))
        .encode();
  }

  /** Posts a JSON body (the Events API's) signed now, with extra headers. */
  public HttpResponse<String> sendJson(String body, Map<String, String> headers) {
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put("Content-Type", "application/json");
    return send(body, ts, signer.sign(ts, body.getBytes(StandardCharsets.UTF_8)), h);
  }

  /** The URL requests go to. */
  public String endpoint() {
    return endpoint;
  }

  /** The two signature headers for a body, signed now. */
  public Map<String, String> signedHeaders(String body) {
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    return Map.of(SlackSignature.TIMESTAMP_HEADER, ts, SlackSignature.SIGNATURE_HEADER,
        signer.sign(ts, body.getBytes(StandardCharsets.UTF_8)));
  }

  /** Posts a body signed now. */
  public HttpResponse<String> send(String body) {
    String ts = Long.toString(System.currentTimeMillis() / 1000);
    return send(body, ts, signer.sign(ts, body.getBytes(StandardCharsets.UTF_8)), Map.of());
  }

  /** Posts a body with the given timestamp, signature and extra headers (null leaves a header out). */
  public HttpResponse<String> send(String body, String timestamp, String signature, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (timestamp != null) {
      b.header(SlackSignature.TIMESTAMP_HEADER, timestamp);
    }
    if (signature != null) {
      b.header(SlackSignature.SIGNATURE_HEADER, signature);
    }
    headers.forEach(b::setHeader);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException("cannot reach the bot: " + e.getMessage(), e);
    }
  }

  public String sign(String timestamp, String body) {
    return signer.sign(timestamp, body.getBytes(StandardCharsets.UTF_8));
  }

  private static String form(Map<String, String> form) {
    return form.entrySet().stream()
        .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(),
            StandardCharsets.UTF_8))
        .collect(Collectors.joining("&"));
  }
}
