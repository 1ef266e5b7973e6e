package io.gimops.bot.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Slack's Web API (no real Slack can be reached from here; the test says
 * so): it answers {@code auth.test}, {@code chat.postMessage}, {@code chat.update},
 * {@code views.open} and response URLs like Slack, records every call with its time, and can be
 * told to answer the next calls with 429 and a {@code Retry-After}, or with 503.
 */
public final class FakeSlack implements AutoCloseable {

  /** One call as received. */
  public record Call(Instant at, String method, Map<String, String> params, int status) {
    public String param(String name) {
      return params.getOrDefault(name, "");
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger ts = new AtomicInteger(1000);
  private final AtomicInteger rateLimited = new AtomicInteger();
  private final AtomicInteger failing = new AtomicInteger();
  private volatile int retryAfterSeconds = 1;
  private volatile boolean tokenRefused;
  private final List<io.vertx.core.http.ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextSocket = new AtomicInteger();
  private final List<String> socketReceived = new CopyOnWriteArrayList<>();
  private final Map<String, List<Call>> responses = new java.util.concurrent.ConcurrentHashMap<>();

  /** What was posted to the response URL {@link #responseUrl(String) responseUrl(id)}. */
  public List<Call> responses(String id) {
    return List.copyOf(responses.getOrDefault(id, List.of()));
  }

  /** Whether a Socket Mode client is connected. */
  public boolean socketConnected() {
    return openSockets() > 0;
  }

  /** How many Socket Mode connections are open (one per connected replica). */
  public int openSockets() {
    return (int) sockets.stream().filter(w -> !w.isClosed()).count();
  }

  /**
   * Sends a Socket Mode envelope as Slack does with several connections of one app: to one open
   * connection, round-robin over all of them.
   */
  public void sendEnvelope(JsonObject envelope) {
    List<io.vertx.core.http.ServerWebSocket> open = sockets.stream().filter(w -> !w.isClosed()).toList();
    if (open.isEmpty()) {
      throw new IllegalStateException("no Socket Mode connection is open");
    }
    open.get(Math.floorMod(nextSocket.getAndIncrement(), open.size())).writeTextMessage(envelope.encode());
  }

  /** What the Socket Mode client sent back (acknowledgements). */
  public List<String> socketReceived() {
    return List.copyOf(socketReceived);
  }

  public FakeSlack() {
    try {
      server = vertx.createHttpServer().webSocketHandler(ws -> {
        if (!ws.path().equals("/link")) {
          ws.close();
          return;
        }
        ws.textMessageHandler(socketReceived::add);
        sockets.add(ws);
        ws.writeTextMessage(new JsonObject().put("type", "hello").put("num_connections", openSockets()).encode());
      }).requestHandler(this::handle).listen(0, "127.0.0.1")
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the fake Slack", e);
    }
  }

  /** The Web API base URL, with the trailing slash Slack's client wants. */
  /**
   * The bot's {@code slack:} section for HTTP against this fake: a bot token, the signing secret,
   * the port ({@code 0}: any free one) on loopback, and C0NOTIFY as the notifications channel.
   */
  public String httpConfigYaml(String signingSecret, int httpPort) {
    return "slack:\n  botToken: xoxb-test-token\n  signingSecret: " + signingSecret + "\n  apiUrl: '" + apiUrl()
        + "'\n  httpPort: " + httpPort + "\n  host: 127.0.0.1\n  notificationsChannel: C0NOTIFY\n";
  }

  public String apiUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/api/";
  }

  public String responseUrl(String id) {
    return "http://127.0.0.1:" + server.actualPort() + "/respond/" + id;
  }

  /** The next {@code n} Web API calls get 429 with {@code Retry-After: seconds}. */
  public void rateLimitNext(int n, int seconds) {
    retryAfterSeconds = seconds;
    rateLimited.set(n);
  }

  /** The next {@code n} Web API calls get 503. */
  public void failNext(int n) {
    failing.set(n);
  }

  /** From now on, {@code auth.test} answers like Slack for a revoked token ({@code invalid_auth}). */
  public void refuseToken() {
    tokenRefused = true;
  }

  public List<Call> calls() {
    return List.copyOf(calls);
  }

  public List<Call> calls(String method) {
    return calls.stream().filter(c -> c.method().equals(method)).toList();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      String path = req.path();
      Map<String, String> params = new LinkedHashMap<>();
      String text = body.toString(StandardCharsets.UTF_8);
      String type = req.getHeader("Content-Type") == null ? "" : req.getHeader("Content-Type");
      if (type.startsWith("application/json") && !text.isBlank()) {
        new JsonObject(text).forEach(e -> params.put(e.getKey(), String.valueOf(e.getValue())));
      } else if (!text.isBlank()) {
        for (String pair : text.split("&")) {
          String[] kv = pair.split("=", 2);
          params.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
              kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
      }
      if (path.startsWith("/respond/")) {
        Call call = new Call(Instant.now(), "response_url", params, 200);
        calls.add(call);
        responses.computeIfAbsent(path.substring("/respond/".length()), k -> new CopyOnWriteArrayList<>()).add(call);
        req.response().putHeader("Content-Type", "text/plain").end("ok");
        return;
      }
      String method = path.startsWith("/api/") ? path.substring(5) : path;
      if (rateLimited.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        calls.add(new Call(Instant.now(), method, params, 429));
        req.response().setStatusCode(429).putHeader("Retry-After", Integer.toString(retryAfterSeconds))
            .putHeader("Content-Type", "application/json").end("{\"ok\":false,\"error\":\"ratelimited\"}");
        return;
      }
      if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        calls.add(new Call(Instant.now(), method, params, 503));
        req.response().setStatusCode(503).end("unavailable");
        return;
      }
      calls.add(new Call(Instant.now(), method, params, 200));
      JsonObject answer = new JsonObject().put("ok", true);
      switch (method) {
        case "auth.test":
          if (tokenRefused) {
            answer = new JsonObject().put("ok", false).put("error", "invalid_auth");
            break;
          }
          answer.put("url", "https://gimops-test.slack.com/").put("team", "gimops").put("user", "gimops")
              .put("team_id", "T0GIMOPS").put("user_id", "U0BOT").put("bot_id", "B0BOT");
          break;
        case "chat.postMessage":
          answer.put("channel", params.get("channel")).put("ts", ts.incrementAndGet() + ".000100");
          break;
        case "usergroups.list":
          answer.put("usergroups", new io.vertx.core.json.JsonArray().add(new JsonObject().put("id", "S0GIMOPS")
              .put("handle", "gim-operators").put("users", new io.vertx.core.json.JsonArray().add("U0GROUPIE"))));
          break;
        case "apps.connections.open":
          answer.put("url", "ws://127.0.0.1:" + server.actualPort() + "/link");
          break;
        case "chat.update":
          answer.put("channel", params.get("channel")).put("ts", params.get("ts"));
          break;
        default:
          break;
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.encode());
    });
  }

  @Override
  public void close() {
    vertx.close();
  }
}
