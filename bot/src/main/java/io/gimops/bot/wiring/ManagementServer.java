package io.gimops.bot.wiring;

import io.gimops.adapters.http.Await;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;

/**
 * The management port, apart from Slack's so that a probe or a scrape never competes with Slack's
 * requests and is never exposed with them: {@code GET /healthz} (every event loop answers),
 * {@code GET /readyz} (configuration valid, observers synced, leadership known; 503 with a JSON
 * body naming what is not) and {@code GET /metrics} (Prometheus text, optionally behind a bearer
 * token). Every handler only reads state: nothing here blocks an event loop.
 */
public final class ManagementServer implements AutoCloseable {

  /** An event loop whose heartbeat is older than this is said blocked (Vert.x warns after 2 s). */
  static final Duration STALE = Duration.ofSeconds(10);

  private static final long BEAT_MS = 1000;

  private final Vertx vertx;
  private final HttpServer server;
  private final AtomicLongArray beats;
  private final List<Long> timers = new ArrayList<>();
  private final List<Context> loops = new ArrayList<>();

  /**
   * One readiness condition: empty when met, else why not.
   */
  public interface Check extends Supplier<Optional<String>> {}

  private ManagementServer(Vertx vertx, HttpServer server, AtomicLongArray beats) {
    this.vertx = vertx;
    this.server = server;
    this.beats = beats;
  }

  /**
   * Listens on {@code host:port} (0: a free port).
   *
   * @param loopCount the bot's event loops: one heartbeat timer is put on a context of each
   * @param readiness the conditions of {@code /readyz}, by name, in the order they are said
   * @param bearerToken when present, {@code /metrics} wants {@code Authorization: Bearer <it>}
   */
  public static ManagementServer start(Vertx vertx, String host, int port, int loopCount,
      Map<String, Check> readiness, PrometheusMeterRegistry registry, Optional<String> bearerToken) {
    AtomicLongArray beats = new AtomicLongArray(loopCount);
    Router router = Router.router(vertx);
    router.get("/healthz").handler(ctx -> healthz(ctx, beats));
    router.get("/readyz").handler(ctx -> readyz(ctx, readiness));
    router.get("/metrics").handler(ctx -> metrics(ctx, registry, bearerToken));
    HttpServer server = Await.result(vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port)
        .setIdleTimeout(30).setIdleTimeoutUnit(TimeUnit.SECONDS)).requestHandler(router).listen(),
        "listen on " + host + ":" + port + " (management.host, management.port)");
    ManagementServer m = new ManagementServer(vertx, server, beats);
    // Contexts made from outside Vert.x are spread over the event loops in turn: one per loop.
    for (int i = 0; i < loopCount; i++) {
      int slot = i;
      Context c = vertx.getOrCreateContext();
      m.loops.add(c);
      beats.set(slot, System.nanoTime());
      c.runOnContext(v -> {
        long id = vertx.setPeriodic(BEAT_MS, t -> beats.set(slot, System.nanoTime()));
        synchronized (m.timers) {
          m.timers.add(id);
        }
      });
    }
    return m;
  }

  public int port() {
    return server.actualPort();
  }

  private static void healthz(RoutingContext ctx, AtomicLongArray beats) {
    long now = System.nanoTime();
    JsonObject body = new JsonObject();
    boolean ok = true;
    for (int i = 0; i < beats.length(); i++) {
      long ageMs = (now - beats.get(i)) / 1_000_000;
      boolean fresh = ageMs < STALE.toMillis();
      ok &= fresh;
      body.put("eventLoop" + i, fresh ? "ok" : "no heartbeat for " + ageMs + " ms: blocked");
    }
    body.put("healthy", ok);
    ctx.response().setStatusCode(ok ? 200 : 503).putHeader("content-type", "application/json").end(body.encode());
  }

  private static void readyz(RoutingContext ctx, Map<String, Check> readiness) {
    Map<String, Object> body = new LinkedHashMap<>();
    boolean ready = true;
    for (Map.Entry<String, Check> c : readiness.entrySet()) {
      Optional<String> not;
      try {
        not = c.getValue().get();
      } catch (RuntimeException e) {
        not = Optional.of("cannot tell: " + e.getMessage());
      }
      ready &= not.isEmpty();
      body.put(c.getKey(), not.orElse("ok"));
    }
    body.put("ready", ready);
    ctx.response().setStatusCode(ready ? 200 : 503).putHeader("content-type", "application/json")
        .end(new JsonObject(body).encode());
  }

  private static void metrics(RoutingContext ctx, PrometheusMeterRegistry registry, Optional<String> token) {
    if (token.isPresent()) {
      String h = Optional.ofNullable(ctx.request().getHeader("Authorization")).orElse("");
      byte[] given = (h.startsWith("Bearer ") ? h.substring(7).strip() : "").getBytes(StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(given, token.get().getBytes(StandardCharsets.UTF_8))) {
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").end();
        return;
      }
    }
    ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(registry.scrape());
  }

  @Override
  public void close() {
    synchronized (timers) {
      timers.forEach(vertx::cancelTimer);
    }
    Await.result(server.close(), "close the management port");
  }
}
