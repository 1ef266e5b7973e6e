package io.gimops.adapters.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The door of the bot's HTTP server: what a request must pass before a byte of its body is kept,
 * and the one place that decides the answer to every failure. Bounded before trusted:
 *
 * <ol>
 *   <li>A connection must bring its first request's headers within the read timeout, and none may
 *       stay idle (no byte either way) longer than the idle timeout: slow and silent clients are
 *       cut off. Headers are bounded by Vert.x (8 KiB); HTTP/1.1 only (see {@link #options}).
 *   <li>A route that authenticates by header (Alertmanager's) answers 401 before the body is read.
 *   <li>A body announced larger than the route's limit is answered 413 at once, unread; one that
 *       turns out larger while it arrives (chunked) is cut off at the limit (413).
 *   <li>The bodies being read at once, across all routes, stay within one budget: a request whose
 *       body does not fit (its {@code Content-Length}, or its route's whole limit when chunked) is
 *       answered 503 with {@code Retry-After}, unread. No route may take the room kept for the
 *       others ({@link #ROOM_KEPT} of their largest bodies each, at most a quarter of the budget):
 *       a flood on the webhook, even an authenticated one, leaves Slack's commands room, and the
 *       reverse.
 *   <li>A body must arrive whole within the read timeout of its headers (408 otherwise).
 *   <li>{@link #answer}: a {@link ClientFault} is its 4xx; a 4xx of Vert.x's own (a form it cannot
 *       decode, a body over the limit) likewise, with a message; anything else is a bug: 500, a
 *       generic message, and a log line with the stack trace. Every answer that is not a success
 *       is audited once, off the event loop, through the route's {@link Rejections}.
 * </ol>
 *
 * A request refused before its body was read leaves the body unread: it is answered with
 * {@code Connection: close} and the connection is closed.
 */
public final class HttpGuard {

  private static final System.Logger LOG = System.getLogger(HttpGuard.class.getName());
  private static final String ROUTE = HttpGuard.class.getName() + ".route";
  private static final String CONTENT_TYPE_JSON = "application/json";

  /** How many of its largest bodies each route keeps room for in the budget, whatever the others read. */
  public static final int ROOM_KEPT = 8;

  /** How long a client refused for lack of budget is asked to wait. */
  public static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /**
   * The server's bounds.
   *
   * @param concurrentBodyBytes request bodies read at once, across all routes, at most this many bytes
   * @param idleTimeout a connection with no byte read or written for this long is closed
   * @param readTimeout a connection's first request headers, and each request's body after its
   *     headers, must arrive within this
   */
  public record Limits(long concurrentBodyBytes, Duration idleTimeout, Duration readTimeout) {

    public static final long DEFAULT_CONCURRENT_BODY_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);

    public Limits {
      if (concurrentBodyBytes <= 0) {
        throw new IllegalArgumentException("the budget of concurrent request body bytes must be positive, not "
            + concurrentBodyBytes);
      }
      positive(idleTimeout, "the idle timeout");
      positive(readTimeout, "the read timeout");
    }

    /** 16 MiB of bodies at once, idle 30 s, headers and body each within 10 s. */
    public static Limits defaults() {
      return new Limits(DEFAULT_CONCURRENT_BODY_BYTES, DEFAULT_IDLE_TIMEOUT, DEFAULT_READ_TIMEOUT);
    }

    private static void positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(what + " must be positive (and under 24 days), not " + d);
      }
    }
  }

  /** How a route audits what it turned away. Called on a worker, never on the event loop. */
  @FunctionalInterface
  public interface Rejections {
    void rejected(int status, String reason, String path, String remoteAddress);
  }

  /** A check of the request's headers before its body is read: the fault to answer, if refused. */
  @FunctionalInterface
  public interface Authenticator {
    Optional<ClientFault> refuse(HttpServerRequest request);
  }

  /** Routes that authenticate later (Slack's signature needs the body) or not at all. */
  public static final Authenticator NOT_BY_HEADER = r -> Optional.empty();

  private record Route(int maxBodyBytes, Rejections rejections, AtomicLong reading) {}

  private final Vertx vertx;
  private final Limits limits;
  private final Rejections fallback;
  private final AtomicLong reading = new AtomicLong();
  private final java.util.List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicInteger largestBody = new AtomicInteger(HttpServerOptions.DEFAULT_MAX_FORM_ATTRIBUTE_SIZE);

  /** @param fallback audits failures on paths no route of this guard admitted (the router's own) */
  public HttpGuard(Vertx vertx, Limits limits, Rejections fallback) {
    this.vertx = vertx;
    this.limits = limits;
    this.fallback = fallback;
  }

  public Limits limits() {
    return limits;
  }

  /** Body bytes reserved by requests being read now (for tests and metrics). */
  public long bodyBytesInFlight() {
    return reading.get();
  }

  /**
   * The first handler of a route that reads a body (a {@code BodyHandler} with the same limit
   * comes next): steps 2-5 above.
   */
  public Handler<RoutingContext> admit(int maxBodyBytes, Authenticator authenticator, Rejections rejections) {
    if (maxBodyBytes <= 0 || maxBodyBytes > limits.concurrentBodyBytes()) {
      throw new IllegalArgumentException("a route's body limit must be positive and within the budget of "
          + limits.concurrentBodyBytes() + " concurrent body bytes, not " + maxBodyBytes);
    }
    largestBody.accumulateAndGet(maxBodyBytes, Math::max);
    Route route = new Route(maxBodyBytes, rejections, new AtomicLong());
    routes.add(route);
    return ctx -> {
      ctx.put(ROUTE, route);
      HttpServerRequest request = ctx.request();
      Optional<ClientFault> refused = authenticator.refuse(request);
      if (refused.isPresent()) {
        answer(ctx, refused.get());
        return;
      }
      long announced = contentLength(request);
      if (announced > maxBodyBytes) {
        answer(ctx, new ClientFault(413, tooLarge(maxBodyBytes)));
        return;
      }
      boolean chunked = announced < 0 && request.headers().contains(HttpHeaders.TRANSFER_ENCODING, "chunked", true);
      long reserve = announced >= 0 ? announced : chunked ? maxBodyBytes : 0;
      if (reserve > 0 && !reserve(route, reserve)) {
        write(ctx, 503, "the bot is reading as many request bodies as it takes at once (" + limits.concurrentBodyBytes()
            + " bytes): retry in " + RETRY_AFTER.toSeconds() + " s",
            Map.of("Retry-After", Long.toString(RETRY_AFTER.toSeconds())), rejections);
        return;
      }
      AtomicBoolean released = new AtomicBoolean(reserve == 0);
      long timer = request.isEnded() ? -1 : vertx.setTimer(limits.readTimeout().toMillis(), id -> {
        if (!request.isEnded()) {
          answer(ctx, new ClientFault(408, "the request body did not arrive within "
              + limits.readTimeout().toSeconds() + " s of its headers: send it whole, at once"));
        }
      });
      ctx.addEndHandler(done -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
        }
        if (released.compareAndSet(false, true)) {
          route.reading().addAndGet(-reserve);
          reading.addAndGet(-reserve);
        }
      });
      ctx.next();
    };
  }

  /** The router's failure handler: {@code router.route().failureHandler(guard::fail)}. */
  public void fail(RoutingContext ctx) {
    answer(ctx, ctx.failure());
  }

  /**
   * The one place that turns a failure into an answer (step 6): a client fault, anywhere in
   * {@code failure}'s causes, is its 4xx; a 4xx status Vert.x set (with no failure, or its own
   * {@link HttpException}) is the client's too; anything else is a bug, answered 500 and logged
   * with its stack trace. Nothing of the failure's own text reaches the client unless it is a
   * client fault, whose message is written for it.
   */
  public void answer(RoutingContext ctx, Throwable failure) {
    Route route = ctx.get(ROUTE);
    Rejections audit = route == null ? fallback : route.rejections();
    Optional<ClientFault> fault = ClientFault.in(failure);
    if (fault.isPresent()) {
      write(ctx, fault.get().status(), fault.get().getMessage(), fault.get().headers(), audit);
      return;
    }
    if (failure instanceof io.vertx.core.http.HttpClosedException || ctx.response().closed()) {
      // The client went away before its request was read or answered: no one to answer, no bug.
      LOG.log(System.Logger.Level.DEBUG, "the client of a request to " + ctx.request().path() + " closed its connection");
      return;
    }
    int status = failure instanceof HttpException h ? h.getStatusCode() : failure == null ? ctx.statusCode() : -1;
    if (status >= 400 && status < 500) {
      write(ctx, status, describe(status, route), Map.of(), audit);
      return;
    }
    LOG.log(System.Logger.Level.ERROR, "a request to " + ctx.request().path() + " failed: answered 500 (a bug)",
        failure == null ? new IllegalStateException("failed with status " + ctx.statusCode() + " and no exception")
            : failure);
    write(ctx, 500, "the bot failed to handle the request; the failure is in its log", Map.of(), audit);
  }

  /**
   * Listens as {@link #options}, with the connection-level bounds (step 1): the first request's
   * headers within the read timeout of connecting.
   */
  public HttpServer serve(HttpServer server, Handler<HttpServerRequest> handler) {
    Map<HttpConnection, Long> awaitingHeaders = new ConcurrentHashMap<>();
    long ms = limits.readTimeout().toMillis();
    return server.connectionHandler(conn -> awaitingHeaders.put(conn, vertx.setTimer(ms, id -> {
      if (awaitingHeaders.remove(conn) != null) {
        conn.close();
      }
    }))).requestHandler(request -> {
      Long timer = awaitingHeaders.remove(request.connection());
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      handler.handle(request);
    });
  }

  /**
   * The server's options: the idle timeout; form attributes as large as the largest body a route
   * admits (Vert.x's default of 8 KiB turned a button click carrying a large message into a 400
   * before its signature was checked); HTTP/1.1 only, as Slack and Alertmanager speak it. With
   * cleartext HTTP/2 on (Vert.x's default) a connection is handed over, and its header timer
   * started, only after a whole first request head (to see whether it asks for an upgrade): a
   * client trickling its first head a byte at a time was bounded by the idle timeout alone.
   * (java.net.http over HTTP/1.1 fails about one request in 30,000 under 16 concurrent clients,
   * "header parser received no bytes", against Bolt's Jetty server as against Vert.x.) Call it
   * after the routes are made.
   */
  public HttpServerOptions options(String host, int port) {
    return new HttpServerOptions().setHost(host).setPort(port).setHttp2ClearTextEnabled(false)
        .setIdleTimeout((int) limits.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxFormAttributeSize(largestBody.get()).setMaxFormBufferedBytes(largestBody.get());
  }

  /** Room for {@code bytes} more in the route's share and in the budget; both taken, or neither. */
  private boolean reserve(Route route, long bytes) {
    if (!take(route.reading(), bytes, capOf(route))) {
      return false;
    }
    if (!take(reading, bytes, limits.concurrentBodyBytes())) {
      route.reading().addAndGet(-bytes);
      return false;
    }
    return true;
  }

  /** The most a route may read at once: the budget less the room kept for every other route. */
  private long capOf(Route route) {
    long kept = 0;
    for (Route other : routes) {
      if (other != route) {
        kept += Math.min((long) ROOM_KEPT * other.maxBodyBytes(), limits.concurrentBodyBytes() / 4);
      }
    }
    return Math.max(route.maxBodyBytes(), limits.concurrentBodyBytes() - kept);
  }

  private static boolean take(AtomicLong counter, long bytes, long cap) {
    while (true) {
      long now = counter.get();
      if (now + bytes > cap) {
        return false;
      }
      if (counter.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  private static long contentLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (header == null) {
      return -1;
    }
    try {
      long n = Long.parseLong(header.strip());
      return n < 0 ? Long.MAX_VALUE : n;
    } catch (NumberFormatException e) {
      // Vert.x refuses such requests itself; if one gets here, it is taken as too large.
      return Long.MAX_VALUE;
    }
  }

  private static String tooLarge(int maxBodyBytes) {
    return "the request body is larger than this endpoint takes (" + maxBodyBytes + " bytes)";
  }

  private static String describe(int status, Route route) {
    return switch (status) {
      case 400 -> "the request body cannot be read (a malformed form or encoding): send it as Slack or"
          + " Alertmanager would";
      case 404 -> "no such endpoint";
      case 405 -> "this endpoint takes another method";
      case 413 -> route == null ? "the request body is too large" : tooLarge(route.maxBodyBytes());
      case 415 -> "this endpoint does not take this content type";
      case 417 -> "only Expect: 100-continue is understood";
      default -> "the request was refused (HTTP " + status + ")";
    };
  }

  /** What is read and dropped of a refused body, at most, before its connection is closed. */
  static final long DRAIN_BYTES = 1024 * 1024;
  static final Duration DRAIN_TIME = Duration.ofSeconds(2);

  /**
   * Reads and drops the rest of a refused body (never kept), a little while, then closes: a
   * client still sending (Java's HttpClient, say) reads the answer instead of a broken pipe.
   */
  private void drainThenClose(HttpServerRequest request) {
    HttpConnection conn = request.connection();
    long timer = vertx.setTimer(DRAIN_TIME.toMillis(), id -> conn.close());
    long[] dropped = {0};
    try {
      request.exceptionHandler(e -> conn.close()).endHandler(v -> {
        vertx.cancelTimer(timer);
        conn.close();
      }).handler(chunk -> {
        dropped[0] += chunk.length();
        if (dropped[0] > DRAIN_BYTES) {
          conn.close();
        }
      });
      request.resume();
    } catch (IllegalStateException e) {
      // read already (or ended meanwhile): nothing to drop
      vertx.cancelTimer(timer);
      conn.close();
    }
  }

  /**
   * Writes the answer once: a response already written (a timeout answered first) is left, and
   * not audited again. A body left unread closes the connection.
   */
  private void write(RoutingContext ctx, int status, String message, Map<String, String> headers, Rejections audit) {
    HttpServerRequest request = ctx.request();
    HttpServerResponse response = ctx.response();
    // Over HTTP/2 (an h2c upgrade) a stream ends alone, and connection headers are not allowed.
    boolean unread = !request.isEnded() && request.version() != io.vertx.core.http.HttpVersion.HTTP_2;
    if (response.ended() || response.closed() || response.headWritten()) {
      if (unread) {
        request.connection().close();
      }
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE_JSON);
    headers.forEach(response::putHeader);
    if (unread) {
      response.putHeader(HttpHeaders.CONNECTION, "close");
    }
    response.end(new JsonObject().put("error", message).encode()).onComplete(done -> {
      if (unread && status == 408) {
        request.connection().close();
      } else if (unread) {
        drainThenClose(request);
      }
    });
    String path = request.path();
    String remote = request.remoteAddress() == null ? "" : request.remoteAddress().toString();
    vertx.executeBlocking(() -> {
      audit.rejected(status, message, path, remote);
      return null;
    }, false).onFailure(e -> LOG.log(System.Logger.Level.ERROR, "cannot audit a refused request: " + e, e));
  }
}
