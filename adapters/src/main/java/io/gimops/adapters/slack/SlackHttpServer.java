package io.gimops.adapters.slack;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.slack.api.app_backend.outgoing_webhooks.WebhookPayloadDetector;
import com.slack.api.app_backend.slash_commands.SlashCommandPayloadDetector;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.app_backend.ssl_check.SSLCheckPayloadDetector;
import com.slack.api.app_backend.util.JsonPayloadExtractor;
import com.slack.api.bolt.App;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.SlackRequestParser;
import io.gimops.adapters.http.Await;
import io.gimops.adapters.http.ClientFault;
import io.gimops.adapters.http.HttpGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Bolt for Java hosted on a Vert.x router: {@code POST /slack/events} takes slash commands,
 * interactivity and the Events API. Bolt has no Vert.x adapter, so this is one:
 *
 * <ol>
 *   <li>The request passes the server's {@link HttpGuard} (its body's size within the route's
 *       limit and the budget of bodies read at once, headers and body in time), then the body is
 *       read and kept as the bytes Slack sent.
 *   <li>The signature is checked on those bytes ({@link SlackSignature}: stale, future, forged,
 *       malformed and missing signatures get 401 and reach nothing else).
 *   <li>A slash command is read from the form Vert.x has decoded ({@link SlashCommandForm});
 *       anything else, by Bolt's parser, from the path, the query, every header and the body,
 *       once it is known to be a kind of request Bolt's parser classifies (it logs the whole body
 *       of any other: a signed request's bytes are not for the log). A body that cannot be read is
 *       a {@link ClientFault}: 400 saying what is wrong.
 *   <li>Slash commands, buttons and view submissions, once the bot's identity is known, go
 *       through Bolt without waiting on anything ({@link VerifiedApp#answersWithoutWaiting}):
 *       they run on the event loop that read them and are answered from it, with no thread
 *       handoff at all. Everything else (the Events API, whose middleware may call
 *       {@code bots.info}; any request before {@code auth.test} has answered) runs on an
 *       <em>unordered</em> worker pool. A run on the loop that takes longer than
 *       {@link #SLOW_ON_LOOP} is logged: it means a handler waited on something it should have
 *       handed on.
 *   <li>Whatever a handler throws is answered by {@link HttpGuard#answer}: a {@link ClientFault}
 *       (also from a Bolt listener) as its 4xx, anything else as a 500 that is logged.
 * </ol>
 */
public final class SlackHttpServer implements AutoCloseable {

  public static final String EVENTS_PATH = "/slack/events";
  public static final String RETRY_HEADER = "X-Slack-Retry-Num";

  /**
   * Threads that run Bolt: as many as the cores (at least two). Its handlers only compute an
   * answer (anything slow is handed on), so more threads than cores add only contention.
   */
  public static final int DEFAULT_WORKERS = Math.max(2, Runtime.getRuntime().availableProcessors());

  /**
   * Event loops to serve on: two per core, as Vert.x's own default; the bot's Vert.x has as many.
   * Measured (SlackAckBenchmarkTest, 2 cores, wrk with 16 connections, commands answered on the
   * loops, p99 against Bolt on Jetty in the same run). Flat out, two loops: 8.3 against 13.3 ms;
   * four: 10.1 against 11.5, 9.4 against 13.0, 12.8 against 11.3 ms in three runs; eight: 13.4
   * against 11.3 ms (eight threads queue for two cores). Paced, two loops were behind (14.6
   * against 8.3 ms): a loop that serves eight connections and is always busy is the thread the OS
   * makes wait longest when it wakes, and all its connections wait with it; four: 8.6 against
   * 13.9, 19.5 against 12.7, 7.9 against 8.2 ms. Paced p99s swing 2-3x from run to run here.
   * In an alert storm (AlertStormBenchmarkTest) two loops answered commands with p99 39-48 ms,
   * four with 48-56 ms.
   */
  public static final int LOOPS = 2 * Math.max(1, Runtime.getRuntime().availableProcessors());

  /** How often the bot's identity is read again ({@code auth.test}), on a worker. */
  public static final java.time.Duration IDENTITY_REFRESH = java.time.Duration.ofMinutes(10);

  /**
   * A run of Bolt on the event loop longer than this is logged: a handler waited on something.
   * (A first run on each loop, with its code not yet compiled, can take about 100 ms.)
   */
  public static final java.time.Duration SLOW_ON_LOOP = java.time.Duration.ofMillis(250);

  private static final System.Logger LOG = System.getLogger(SlackHttpServer.class.getName());

  /** A request turned away (4xx, 503) or failed (500), for the audit trail. */
  public record Rejection(int status, String reason, String path, String remoteAddress) {}

  /**
   * The payload types Bolt's parser (1.45.4) makes a request of. Of any other it logs the payload
   * or the raw body at WARN and returns nothing: such requests are answered 400 before it sees them.
   */
  private static final Set<String> BOLT_PAYLOAD_TYPES = Set.of("interactive_message", "block_actions",
      "block_suggestion", "shortcut", "message_action", "event_callback", "url_verification", "dialog_cancellation",
      "dialog_submission", "dialog_suggestion", "view_submission", "view_closed", "workflow_step_edit");

  private final Vertx vertx;
  private final VerifiedApp app;
  private final SlackRequestParser parser;
  private final SlackSignature signature;
  private final WorkerExecutor workers;
  private final HttpGuard guard;
  private final JsonPayloadExtractor payloads = new JsonPayloadExtractor();
  private final SlashCommandPayloadDetector commands = new SlashCommandPayloadDetector();
  private final SSLCheckPayloadDetector sslChecks = new SSLCheckPayloadDetector();
  private final WebhookPayloadDetector webhooks = new WebhookPayloadDetector();
  private HttpServer server;
  private String deployment;
  private long identityTimer = -1;

  private SlackHttpServer(Vertx vertx, VerifiedApp app, SlackSignature signature, int workerThreads,
      HttpGuard guard) {
    this.vertx = vertx;
    this.app = app;
    this.parser = app == null ? null : new SlackRequestParser(app.config());
    this.signature = signature;
    this.guard = guard;
    this.workers = vertx.createSharedWorkerExecutor("slack-bolt", workerThreads, 30, TimeUnit.SECONDS);
  }

  /**
   * Listens on {@code host:port} (port 0: any free one), with the default {@link HttpGuard.Limits}.
   *
   * @param maxBodyBytes larger bodies are answered 413
   */
  public static SlackHttpServer start(Vertx vertx, VerifiedApp app, SlackSignature signature, String host, int port,
      int maxBodyBytes, int workerThreads, Consumer<Rejection> rejected) {
    return start(vertx, app, signature, host, port, HttpGuard.Limits.defaults(), maxBodyBytes, workerThreads, rejected,
        (r, g) -> { });
  }

  /** As above, with more routes on the same server that need no guard of their own. */
  public static SlackHttpServer start(Vertx vertx, VerifiedApp app, SlackSignature signature, String host, int port,
      int maxBodyBytes, int workerThreads, Consumer<Rejection> rejected, Consumer<Router> moreRoutes) {
    return start(vertx, app, signature, host, port, HttpGuard.Limits.defaults(), maxBodyBytes, workerThreads, rejected,
        (r, g) -> moreRoutes.accept(r));
  }

  /**
   * Listens on {@code host:port} within {@code limits}, with more routes on the same server
   * (Alertmanager's webhook, admitted by the same guard); without an app (no signing secret:
   * Slack over Socket Mode), only those routes.
   *
   * @param maxBodyBytes Slack's requests larger than this are answered 413
   * @param rejected every request turned away (4xx, 503, 500), for the audit trail
   */
  public static SlackHttpServer start(Vertx vertx, VerifiedApp app, SlackSignature signature, String host, int port,
      HttpGuard.Limits limits, int maxBodyBytes, int workerThreads, Consumer<Rejection> rejected,
      BiConsumer<Router, HttpGuard> moreRoutes) {
    HttpGuard.Rejections audit = (status, reason, path, remote) -> rejected.accept(new Rejection(status, reason, path,
        remote));
    HttpGuard guard = new HttpGuard(vertx, limits, audit);
    SlackHttpServer s = new SlackHttpServer(vertx, app, signature, workerThreads, guard);
    Router router = Router.router(vertx);
    if (app != null && signature != null) {
      // Started here, not lazily by the first request (on whichever thread it came).
      if (app.status() != App.Status.Running) {
        app.start();
      }
      s.readIdentity();
      s.identityTimer = vertx.setPeriodic(IDENTITY_REFRESH.toMillis(), id -> s.readIdentity());
      // Slack's signature needs the body: the guard bounds it before it is read.
      router.post(EVENTS_PATH).handler(guard.admit(maxBodyBytes, HttpGuard.NOT_BY_HEADER, audit));
      router.post(EVENTS_PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
      router.post(EVENTS_PATH).handler(s::handle);
    }
    moreRoutes.accept(router, guard);
    router.get("/health").handler(ctx -> ctx.response().putHeader("Content-Type", "text/plain").end("ok"));
    router.route().failureHandler(guard::fail);
    // One server per event loop: deployed as verticle instances they share the port, and Vert.x
    // spreads connections over them.
    int loops = LOOPS;
    List<HttpServer> started = java.util.Collections.synchronizedList(new ArrayList<>());
    // Vert.x shares a fixed port among the instances, not port 0: "any free port" is chosen first.
    int bind = port != 0 ? port : freePort(host);
    s.deployment = Await.result(vertx.deployVerticle(() -> new io.vertx.core.VerticleBase() {
      @Override
      public Future<?> start() {
        return guard.serve(vertx.createHttpServer(guard.options(host, bind)), router).listen().onSuccess(started::add);
      }
    }, new io.vertx.core.DeploymentOptions().setInstances(loops)), "listen on " + host + ":" + bind);
    HttpServer first = started.get(0);
    if (started.stream().anyMatch(x -> x.actualPort() != first.actualPort())) {
      throw new IllegalStateException("the HTTP servers on " + host + " did not share one port");
    }
    s.server = first;
    return s;
  }

  public int port() {
    return server.actualPort();
  }

  /** The guard this server's routes pass (its limits, the bodies being read now). */
  public HttpGuard guard() {
    return guard;
  }

  private void handle(RoutingContext ctx) {
    Buffer body = ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    byte[] raw = body.getBytes();
    SlackSignature.Verdict v;
    try {
      v = signature.verify(ctx.request().getHeader(SlackSignature.TIMESTAMP_HEADER),
          ctx.request().getHeader(SlackSignature.SIGNATURE_HEADER), raw);
    } catch (RuntimeException e) {
      // A header it could not read (a timestamp beyond any clock, say) is a malformed signature.
      v = SlackSignature.Verdict.MALFORMED;
    }
    if (v != SlackSignature.Verdict.VALID) {
      guard.answer(ctx, new ClientFault(401, v.reason()));
      return;
    }
    Map<String, List<String>> headers = new HashMap<>();
    ctx.request().headers().names().forEach(n -> headers.put(n, new ArrayList<>(ctx.request().headers().getAll(n))));
    Map<String, List<String>> query = new HashMap<>();
    ctx.queryParams().names().forEach(n -> query.put(n, new ArrayList<>(ctx.queryParams().getAll(n))));
    String text = new String(raw, StandardCharsets.UTF_8);
    RequestHeaders requestHeaders = new RequestHeaders(headers);
    com.slack.api.bolt.request.Request<?> parsed;
    try {
      var command = SlashCommandForm.read(text, ctx.request().formAttributes());
      if (command.isPresent()) {
        parsed = slashCommand(text, command.get(), requestHeaders, query, remote(ctx));
      } else {
        requireKnownToBolt(text);
        parsed = parser.parse(SlackRequestParser.HttpRequest.builder().requestUri(ctx.request().path())
            .queryString(query).headers(requestHeaders).requestBody(text).remoteAddress(remote(ctx)).build());
      }
    } catch (ClientFault e) {
      guard.answer(ctx, e);
      return;
    } catch (RuntimeException e) {
      // Signed, yet unreadable: Bolt's parser or the form reader could make nothing of it.
      guard.answer(ctx, ClientFault.badRequest("the request cannot be read as Slack sends it (a slash command form,"
          + " an interactivity payload of the right shape, or an Events API event)"));
      return;
    }
    if (parsed == null) {
      guard.answer(ctx, ClientFault.badRequest("the request is no kind of Slack request gimops takes"));
      return;
    }
    if (app.answersWithoutWaiting(parsed.getRequestType())) {
      long t0 = System.nanoTime();
      run(ctx, parsed);
      long took = System.nanoTime() - t0;
      if (took > SLOW_ON_LOOP.toNanos()) {
        LOG.log(System.Logger.Level.WARNING, "a " + parsed.getRequestType() + " request held the event loop for "
            + took / 1_000_000 + " ms: a handler run there must only compute, and hand anything that waits on");
      }
    } else {
      // The response is written from the worker (Vert.x hands the write to the connection's
      // event loop itself).
      workers.executeBlocking(() -> {
        run(ctx, parsed);
        return null;
      }, false);
    }
  }

  /**
   * Refuses, as a client fault, a body that Bolt's parser would not make a request of: it logs
   * such a body whole. Mirrors the parser's own order: a JSON payload (a form's {@code payload}
   * or an Events API body) by its type; otherwise a slash command, an SSL check or an outgoing
   * webhook.
   */
  private void requireKnownToBolt(String text) {
    String json;
    try {
      json = payloads.extractIfExists(text);
    } catch (RuntimeException e) {
      throw ClientFault.badRequest("the form body cannot be decoded (a malformed percent-encoding?)");
    }
    if (json == null) {
      if (!commands.isCommand(text) && !sslChecks.isSSLCheckRequest(text) && !webhooks.isWebhook(text)) {
        throw ClientFault.badRequest("the body is neither a slash command, an interactivity payload nor an Events API"
            + " event");
      }
      return;
    }
    JsonElement payload;
    try {
      payload = JsonParser.parseString(json);
    } catch (RuntimeException e) {
      throw ClientFault.badRequest("the interactivity payload is not JSON");
    }
    if (!payload.isJsonObject()) {
      throw ClientFault.badRequest("the interactivity payload is not a JSON object");
    }
    JsonElement type = payload.getAsJsonObject().get("type");
    if (type == null || !type.isJsonPrimitive()) {
      throw ClientFault.badRequest("the interactivity payload has no type");
    }
    String t = type.getAsString();
    if (!BOLT_PAYLOAD_TYPES.contains(t)) {
      throw ClientFault.badRequest("a payload of type '" + (t.length() > 40 ? t.substring(0, 40) + "..." : t)
          + "' is not one gimops takes");
    }
  }

  /**
   * Bolt's request for a slash command already read ({@link SlashCommandForm}), finished as
   * Bolt's parser finishes every request: its context from the app's configuration, the query
   * string, and the client's address ({@code X-Forwarded-For} first).
   */
  private com.slack.api.bolt.request.Request<?> slashCommand(String body, SlashCommandPayload payload,
      RequestHeaders headers, Map<String, List<String>> query, String remote) {
    SlashCommandRequest r = new SlashCommandRequest(body, payload, headers);
    r.updateContext(app.config());
    query.forEach((k, vs) -> r.getQueryString().computeIfAbsent(k, x -> new ArrayList<>()).addAll(vs));
    String forwarded = headers.getFirstValue("X-FORWARDED-FOR");
    r.setClientIpAddress(forwarded != null ? forwarded : remote);
    return r;
  }

  /** Runs Bolt on one request and writes its response. */
  private void run(RoutingContext ctx, com.slack.api.bolt.request.Request<?> parsed) {
    Response res;
    try {
      res = app.run(parsed);
    } catch (Exception e) {
      // Bolt lets a listener's exception through as it was thrown: a ClientFault is the
      // client's 4xx, anything else a bug (500, logged).
      guard.answer(ctx, e);
      return;
    }
    var out = ctx.response().setStatusCode(res.getStatusCode() == null ? 200 : res.getStatusCode());
    if (res.getHeaders() != null) {
      res.getHeaders().forEach((k, vs) -> vs.forEach(x -> out.headers().add(k, x)));
    }
    if (res.getContentType() != null) {
      out.putHeader("Content-Type", res.getContentType());
    }
    out.end(res.getBody() == null ? "" : res.getBody());
  }

  /** Reads the bot's identity on a worker, so that requests never wait for {@code auth.test}. */
  private void readIdentity() {
    workers.executeBlocking(app::refreshIdentity, false)
        .onSuccess(problem -> problem.ifPresent(p -> LOG.log(System.Logger.Level.WARNING, p)));
  }

  private static int freePort(String host) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return probe.getLocalPort();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("no free port on " + host + ": " + e.getMessage(), e);
    }
  }

  private static String remote(RoutingContext ctx) {
    return Optional.ofNullable(ctx.request().remoteAddress()).map(Object::toString).orElse("");
  }

  @Override
  public void close() {
    if (identityTimer >= 0) {
      vertx.cancelTimer(identityTimer);
    }
    if (deployment != null) {
      Await.result(vertx.undeploy(deployment), "stop the Slack HTTP server");
    }
    workers.close();
  }
}
