package io.gimops.adapters.metrics;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Prometheus's HTTP API on Vert.x's WebClient: instant and range queries. Each call has a timeout
 * and is retried (connection errors and 5xx) a few times with a short backoff; what still fails
 * fails the future with a message that says why, so a caller can report "unknown", never
 * "healthy".
 */
public final class PrometheusClient implements AutoCloseable {

  /** One sample of an instant query. */
  public record Sample(Map<String, String> labels, double value, Instant at) {}

  /** One series of a range query, oldest point first. */
  public record Series(Map<String, String> labels, List<Point> points) {}

  public record Point(Instant at, double value) {}

  private final Vertx vertx;
  private final WebClient client;
  private final URI base;
  private final Duration timeout;
  private final int retries;

  /**
   * @param base Prometheus's URL, e.g. {@code http://prometheus:9090/}
   */
  public PrometheusClient(Vertx vertx, URI base, Duration timeout, int retries) {
    this.vertx = vertx;
    this.base = Objects.requireNonNull(base, "base");
    this.timeout = timeout;
    this.retries = retries;
    this.client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout((int) timeout.toMillis())
        .setIdleTimeout(30).setKeepAlive(true));
  }

  public Future<List<Sample>> instant(String query) {
    return get("api/v1/query", Map.of("query", query)).map(data -> {
      List<Sample> out = new ArrayList<>();
      JsonArray result = data.getJsonArray("result", new JsonArray());
      for (int i = 0; i < result.size(); i++) {
        JsonObject r = result.getJsonObject(i);
        JsonArray v = r.getJsonArray("value");
        out.add(new Sample(labels(r), Double.parseDouble(v.getString(1)), seconds(v.getValue(0))));
      }
      return out;
    });
  }

  public Future<List<Series>> range(String query, Instant start, Instant end, Duration step) {
    return get("api/v1/query_range", Map.of("query", query, "start", Double.toString(start.toEpochMilli() / 1000.0),
        "end", Double.toString(end.toEpochMilli() / 1000.0), "step", Double.toString(step.toMillis() / 1000.0))).map(data -> {
          List<Series> out = new ArrayList<>();
          JsonArray result = data.getJsonArray("result", new JsonArray());
          for (int i = 0; i < result.size(); i++) {
            JsonObject r = result.getJsonObject(i);
            JsonArray values = r.getJsonArray("values", new JsonArray());
            List<Point> points = new ArrayList<>();
            for (int j = 0; j < values.size(); j++) {
              JsonArray v = values.getJsonArray(j);
              points.add(new Point(seconds(v.getValue(0)), Double.parseDouble(v.getString(1))));
            }
            out.add(new Series(labels(r), points));
          }
          return out;
        });
  }

  private Future<JsonObject> get(String path, Map<String, String> params) {
    Promise<JsonObject> p = Promise.promise();
    attempt(path, params, 0, p);
    return p.future();
  }

  private void attempt(String path, Map<String, String> params, int n, Promise<JsonObject> p) {
    URI u = base.resolve(path);
    var req = client.getAbs(u.toString()).timeout(timeout.toMillis());
    params.forEach(req::addQueryParam);
    req.send().onComplete(ar -> {
      if (ar.succeeded() && ar.result().statusCode() == 200) {
        JsonObject body = ar.result().bodyAsJsonObject();
        if ("success".equals(body.getString("status"))) {
          p.complete(body.getJsonObject("data", new JsonObject()));
        } else {
          p.fail("Prometheus refused the query: " + body.getString("error", "(no reason)"));
        }
        return;
      }
      boolean retryable = ar.failed() || ar.result().statusCode() >= 500;
      String why = ar.failed() ? ar.cause().getMessage() : describe(ar.result());
      if (retryable && n < retries) {
        vertx.setTimer(200L * (n + 1), t -> attempt(path, params, n + 1, p));
      } else {
        p.fail("Prometheus at " + base + " did not answer " + path + ": " + why);
      }
    });
  }

  private static String describe(HttpResponse<?> r) {
    return "HTTP " + r.statusCode() + " " + r.statusMessage();
  }

  private static Map<String, String> labels(JsonObject r) {
    Map<String, String> m = new java.util.TreeMap<>();
    r.getJsonObject("metric", new JsonObject()).forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
    return m;
  }

  private static Instant seconds(Object v) {
    double s = v instanceof Number n ? n.doubleValue() : Double.parseDouble(String.valueOf(v));
    return Instant.ofEpochMilli((long) (s * 1000));
  }

  @Override
  public void close() {
    client.close();
  }
}
