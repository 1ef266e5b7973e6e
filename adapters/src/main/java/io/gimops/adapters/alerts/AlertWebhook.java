package io.gimops.adapters.alerts;

import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code POST /alerts/alertmanager}: Alertmanager's webhook, authenticated as Alertmanager's
 * {@code http_config} can send it (a bearer token, or basic auth), validated (400 with the reason
 * for malformed JSON, a wrong version, no alerts; 413 above the size limit), then handed to the
 * intake. Nothing here blocks the event loop: the intake only queues.
 */
public final class AlertWebhook {

  public static final String PATH = "/alerts/alertmanager";

  /** How Alertmanager proves who it is: one of the two. */
  public record Credentials(Optional<String> bearerToken, Optional<String> basicUser, Optional<String> basicPassword) {}

  /** A request turned away, for the audit trail. */
  public record Rejection(int status, String reason, String remoteAddress) {}

  private AlertWebhook() {}

  public static void route(Router router, Credentials credentials, int maxBodyBytes,
      Consumer<AlertmanagerNotification> intake, Consumer<Rejection> rejected) {
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes));
    // One thread: a storm of notifications takes at most one core, the other stays free for
    // acknowledging Slack's commands within their budget.
    router.post(PATH).handler(handler(credentials, intake, rejected));
  }

  static Handler<RoutingContext> handler(Credentials credentials, Consumer<AlertmanagerNotification> intake,
      Consumer<Rejection> rejected) {
    // The router does not tell its Vert.x: the pool is made on the first request, once.
    WorkerExecutor[] parsing = new WorkerExecutor[1];
    java.util.function.Function<io.vertx.core.Vertx, WorkerExecutor> pool = vertx -> {
      synchronized (parsing) {
        if (parsing[0] == null) {
          parsing[0] = vertx.createSharedWorkerExecutor("alert-webhook", 1);
        }
        return parsing[0];
      }
    };
    // Parsing a notification (a storm brings hundreds of alerts each) and auditing a refusal are
    // work for a worker, never for the event loop that acknowledges Slack's commands.
    return ctx -> pool.apply(ctx.vertx()).executeBlocking(() -> {
      String remote = String.valueOf(ctx.request().remoteAddress());
      if (!authorised(ctx.request().getHeader("Authorization"), credentials)) {
        rejected.accept(new Rejection(401, "no or wrong credentials", remote));
        ctx.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer").putHeader("Content-Type",
            "application/json").end(new JsonObject().put("error", "Alertmanager must authenticate: set http_config"
                + " authorization (bearer) or basic_auth as configured for gimops").encode());
        return null;
      }
      AlertmanagerNotification n;
      try {
        n = AlertmanagerNotification.parse(ctx.body().asString(StandardCharsets.UTF_8.name()));
      } catch (AlertmanagerNotification.Invalid e) {
        rejected.accept(new Rejection(400, e.getMessage(), remote));
        ctx.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", e.getMessage()).encode());
        return null;
      }
      intake.accept(n);
      ctx.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("status", "accepted").put("alerts", n.alerts().size()).encode());
      return null;
    }, false).onFailure(e -> {
      if (!ctx.response().ended()) {
        ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("error", "the notification could not be taken: " + e.getMessage()).encode());
      }
    });
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
