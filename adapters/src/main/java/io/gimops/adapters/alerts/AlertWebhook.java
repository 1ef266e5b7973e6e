package io.gimops.adapters.alerts;

import io.gimops.adapters.http.ClientFault;
import io.gimops.adapters.http.HttpGuard;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST /alerts/alertmanager}: Alertmanager's webhook, authenticated as Alertmanager's
 * {@code http_config} can send it (a bearer token, or basic auth) from its headers before a byte
 * of the body is read (401), bounded by the server's {@link HttpGuard} (413 above the size limit,
 * 503 past the budget of bodies read at once), validated (400 with the reason for an empty body,
 * malformed JSON, a field of the wrong type, a wrong version, no alerts), then handed to the
 * intake. Nothing here blocks the event loop: parsing runs on a worker, the intake only queues.
 */
public final class AlertWebhook {

  public static final String PATH = "/alerts/alertmanager";

  /** How Alertmanager proves who it is: one of the two. */
  public record Credentials(Optional<String> bearerToken, Optional<String> basicUser, Optional<String> basicPassword) {}

  /** A request turned away, for the audit trail. */
  public record Rejection(int status, String reason, String remoteAddress) {}

  static final String UNAUTHENTICATED = "Alertmanager must authenticate: set http_config authorization (bearer) or"
      + " basic_auth as configured for gimops";

  private AlertWebhook() {}

  public static void route(Router router, HttpGuard guard, Credentials credentials, int maxBodyBytes,
      Consumer<AlertmanagerNotification> intake, Consumer<Rejection> rejected) {
    HttpGuard.Rejections audit = (status, reason, path, remote) -> rejected.accept(new Rejection(status, reason, remote));
    router.post(PATH).handler(guard.admit(maxBodyBytes, request -> authorised(request.getHeader("Authorization"),
        credentials) ? Optional.empty() : Optional.of(new ClientFault(401, UNAUTHENTICATED,
            Map.of("WWW-Authenticate", "Bearer"))), audit));
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    router.post(PATH).handler(handler(guard, intake));
  }

  static Handler<RoutingContext> handler(HttpGuard guard, Consumer<AlertmanagerNotification> intake) {
    // The router does not tell its Vert.x: the pool is made on the first request, once.
    WorkerExecutor[] parsing = new WorkerExecutor[1];
    java.util.function.Function<io.vertx.core.Vertx, WorkerExecutor> pool = vertx -> {
      synchronized (parsing) {
        if (parsing[0] == null) {
          // One thread: a storm of notifications takes at most one core, the other stays free
          // for acknowledging Slack's commands within their budget.
          parsing[0] = vertx.createSharedWorkerExecutor("alert-webhook", 1);
        }
        return parsing[0];
      }
    };
    // Parsing a notification (a storm brings hundreds of alerts each) is work for a worker, never
    // for the event loop that acknowledges Slack's commands.
    return ctx -> pool.apply(ctx.vertx()).executeBlocking(() -> {
      AlertmanagerNotification n = read(ctx.body().asString(StandardCharsets.UTF_8.name()));
      intake.accept(n);
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", "accepted").put("alerts", n.alerts().size()).encode());
      return null;
    }, false).onFailure(e -> guard.answer(ctx, e));
  }

  /** The notification in {@code body}, or a client fault that says what is wrong with it. */
  static AlertmanagerNotification read(String body) {
    if (body == null || body.isBlank()) {
      throw ClientFault.badRequest("the body is empty: Alertmanager posts its notification as JSON (webhook version 4)");
    }
    try {
      return AlertmanagerNotification.parse(body);
    } catch (AlertmanagerNotification.Invalid e) {
      throw ClientFault.badRequest(INTERNALS.matcher(e.getMessage()).find() ? notJson(body) : e.getMessage());
    } catch (RuntimeException e) {
      // A field of the wrong type (a string where an object belongs, say): the parser's own
      // exception names Java classes, which are not for the sender.
      throw ClientFault.badRequest("the notification is JSON but not Alertmanager's webhook version 4: a field has the"
          + " wrong type (alerts must be objects with string status, fingerprint, startsAt and endsAt, and object"
          + " labels and annotations)");
    }
  }

  /** What of a parser's message is not for the sender: qualified class names, exception names, Jackson's features. */
  private static final java.util.regex.Pattern INTERNALS = java.util.regex.Pattern.compile(
      "\\b(?:[a-z][a-z0-9_]*\\.){2,}[A-Za-z_$][\\w$]*|\\w*Exception\\b|StreamReadFeature|\\bclass\\s+\\S+\\s+cannot be cast");

  /** Why {@code body} is no JSON object, in the JSON parser's words without its internals (the failure path only). */
  static String notJson(String body) {
    Object value;
    try {
      value = io.vertx.core.json.Json.decodeValue(body);
    } catch (io.vertx.core.json.DecodeException e) {
      if (e.getCause() instanceof com.fasterxml.jackson.core.JsonProcessingException j
          && !INTERNALS.matcher(j.getOriginalMessage()).find()) {
        var at = j.getLocation();
        return "the body is not a JSON object: " + j.getOriginalMessage()
            + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
      }
      return "the body is not a JSON object";
    } catch (RuntimeException e) {
      return "the body is not a JSON object";
    }
    return value instanceof JsonObject ? "the body is not a notification Alertmanager would send (webhook version 4)"
        : "the body is JSON but not an object: Alertmanager posts one JSON object per notification";
  }

  static boolean authorised(String header, Credentials c) {
    if (header == null) {
      return false;
    }
    if (c.bearerToken().isPresent() && header.startsWith("Bearer ")) {
      return same(header.substring(7).strip(), c.bearerToken().get());
    }
    if (c.basicUser().isPresent() && header.startsWith("Basic ")) {
      String expected = Base64.getEncoder().encodeToString((c.basicUser().get() + ":" + c.basicPassword().orElse(""))
          .getBytes(StandardCharsets.UTF_8));
      return same(header.substring(6).strip(), expected);
    }
    return false;
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
