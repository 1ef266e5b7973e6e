package io.gimops.sandbox.api;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.WebSocketBase;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches through the proxy. The mock serves watches over WebSockets only; the fabric8 client
 * watches over a WebSocket (bridged frame by frame), client-go over a long HTTP response of
 * newline-separated JSON events (bridged from the mock's WebSocket into a chunked response). Every
 * open watch is tracked, so that {@link #dropAll()} can end them all as an API server restart does;
 * a watch's {@code timeoutSeconds} ends it as the API server would.
 */
final class WatchBridge {

  private static final System.Logger LOG = System.getLogger(WatchBridge.class.getName());
  private static final short NORMAL = 1000;
  private static final short GOING_AWAY = 1001;
  private static final short SERVER_ERROR = 1011;
  private static final int MAX_REASON = 120;

  /** A watch passing through, and how to end it. */
  private record OpenWatch(String uri, Runnable close) {}

  private final Vertx vertx;
  private final MockServerClient mock;
  private final Set<OpenWatch> open = ConcurrentHashMap.newKeySet();

  WatchBridge(Vertx vertx, MockServerClient mock) {
    this.vertx = vertx;
    this.mock = mock;
  }

  static boolean isWatch(HttpServerRequest req, ApiPath p) {
    String watch = req.getParam("watch");
    return p.legacyWatch() || "true".equals(watch) || "1".equals(watch);
  }

  int count() {
    return open.size();
  }

  /** Ends every open watch; call on the event loop. Returns how many there were. */
  int dropAll() {
    List<OpenWatch> dropping = new ArrayList<>(open);
    open.removeAll(dropping);
    dropping.forEach(w -> {
      LOG.log(Level.DEBUG, "dropping watch {0}", w.uri());
      w.close().run();
    });
    return dropping.size();
  }

  void watch(HttpServerRequest req, ApiPath p) {
    String upstream = upstreamUri(req, p);
    long timeoutMillis = timeoutSeconds(req) * 1000L;
    if (req.canUpgradeToWebSocket()) {
      webSocketWatch(req, upstream, timeoutMillis);
    } else {
      streamingWatch(req, upstream, timeoutMillis);
    }
  }

  /**
   * The mock's URI for a watch: the collection path with {@code watch=true}; a watch of one object
   * becomes a field selector. The field selector goes unencoded, because the mock splits the raw
   * query on {@code =} to find the watched name.
   */
  private static String upstreamUri(HttpServerRequest req, ApiPath p) {
    StringBuilder query = new StringBuilder("watch=true");
    String fieldSelector = p.isCollection() ? req.getParam("fieldSelector") : "metadata.name=" + p.name();
    if (fieldSelector != null && !fieldSelector.isEmpty()) {
      query.append("&fieldSelector=").append(fieldSelector);
    }
    String labelSelector = req.getParam("labelSelector");
    if (labelSelector != null && !labelSelector.isEmpty()) {
      query.append("&labelSelector=").append(URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
    }
    ApiPath collection = new ApiPath(p.group(), p.version(), p.namespace(), p.plural(), "", "", false);
    return collection.objectPath() + "?" + query;
  }

  private static long timeoutSeconds(HttpServerRequest req) {
    try {
      String t = req.getParam("timeoutSeconds");
      return t == null ? 0 : Math.max(0, Long.parseLong(t));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void webSocketWatch(HttpServerRequest req, String upstream, long timeoutMillis) {
    String uri = req.uri();
    req.toWebSocket().onSuccess(client -> {
      client.pause();
      mock.watch(upstream).onSuccess(server -> {
        OpenWatch w = new OpenWatch(uri, () -> {
          close(client, GOING_AWAY, "the sandbox API server dropped its watches");
          close(server, NORMAL, "closed by the sandbox API server");
        });
        open.add(w);
        server.textMessageHandler(client::writeTextMessage);
        server.binaryMessageHandler(client::writeBinaryMessage);
        client.textMessageHandler(server::writeTextMessage);
        client.binaryMessageHandler(server::writeBinaryMessage);
        server.closeHandler(v -> {
          open.remove(w);
          close(client, NORMAL, "watch closed");
        });
        client.closeHandler(v -> {
          open.remove(w);
          close(server, NORMAL, "watch closed");
        });
        endAfter(timeoutMillis, w);
        client.resume();
      }).onFailure(e -> close(client, SERVER_ERROR, "the mock server refused the watch: " + e.getMessage()));
    }).onFailure(e -> LOG.log(Level.WARNING, "WebSocket upgrade of " + uri + " failed", e));
  }

  private void streamingWatch(HttpServerRequest req, String upstream, long timeoutMillis) {
    HttpServerResponse response = req.response();
    mock.watch(upstream).onSuccess(server -> {
      if (response.closed()) {
        close(server, NORMAL, "client gone");
        return;
      }
      OpenWatch w = new OpenWatch(req.uri(), () -> {
        close(server, NORMAL, "closed by the sandbox API server");
        end(response);
      });
      open.add(w);
      response.setStatusCode(200).setChunked(true).putHeader(MockServerClient.CONTENT_TYPE, "application/json");
      response.writeHead();
      server.textMessageHandler(event -> {
        if (!response.ended() && !response.closed()) {
          response.write(event.endsWith("\n") ? event : event + "\n");
        }
      });
      server.closeHandler(v -> {
        open.remove(w);
        end(response);
      });
      response.closeHandler(v -> {
        open.remove(w);
        close(server, NORMAL, "client gone");
      });
      endAfter(timeoutMillis, w);
    }).onFailure(e -> {
      if (!response.ended()) {
        response.setStatusCode(500).putHeader(MockServerClient.CONTENT_TYPE, "application/json")
            .end(Statuses.failure(500, "InternalError", "the mock server refused the watch: " + e.getMessage(), null)
                .toString());
      }
    });
  }

  private void endAfter(long millis, OpenWatch w) {
    if (millis > 0) {
      vertx.setTimer(millis, t -> {
        if (open.remove(w)) {
          w.close().run();
        }
      });
    }
  }

  private static void end(HttpServerResponse response) {
    if (!response.ended() && !response.closed()) {
      response.end();
    }
  }

  private static void close(WebSocketBase socket, short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason);
    }
  }
}
