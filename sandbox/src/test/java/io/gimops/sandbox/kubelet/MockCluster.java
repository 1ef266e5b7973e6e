package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fabric8 mock API server in CRUD mode on loopback, with a client that reconnects dropped
 * watches quickly, and {@link #dropWatches()}: closes every open watch from the server's side,
 * as an API server restart does.
 *
 * <p>It also works around two faults in the mock (7.8.0) when a watch closes. (1) The mock's
 * {@code WatchEventsListener.onClosed} waits, on the server's only event loop, for the watch's
 * sender thread, while that thread may be waiting (up to 30 s, {@code VertxMockWebSocket}) for
 * the event loop to complete a write: every request stalls for 30 s. (2) It shuts the sender down
 * before it deregisters the watch: a write in between throws {@code RejectedExecutionException}
 * inside the dispatcher, the request never gets a response, and the client retries after its 10 s
 * timeout. Here a closed watch is deregistered at once, then closed off the event loop.
 */
final class MockCluster implements AutoCloseable {

  /** Held so the levels stick (java.util.logging keeps loggers weakly). */
  private static final List<Logger> QUIETED = List.of(
      Logger.getLogger("io.vertx"), Logger.getLogger("io.netty"), Logger.getLogger("io.fabric8"));

  static {
    QUIETED.forEach(l -> l.setLevel(Level.SEVERE));
  }

  private final ExecutorService closer = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "mock-watch-closer");
    t.setDaemon(true);
    return t;
  });
  private final WatchTrackingDispatcher dispatcher = new WatchTrackingDispatcher(closer);
  private final KubernetesMockServer server;
  final NamespacedKubernetesClient client;

  MockCluster() {
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient(b -> b.editOrNewConfig()
        .withWatchReconnectInterval(50)
        .withWatchReconnectLimit(-1)
        .withRequestRetryBackoffInterval(50)
        .endConfig());
  }

  /** Closes every watch the server holds open; clients see the connection end and reconnect. */
  int dropWatches() {
    return dispatcher.dropAll();
  }

  /** How many watches the server holds open. */
  int openWatches() {
    return dispatcher.open.size();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
    closer.shutdown();
  }

  /** The CRUD dispatcher, remembering each watch's socket so a test can close it. */
  private static final class WatchTrackingDispatcher extends KubernetesCrudDispatcher {
    private final Set<WebSocket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService closer;

    /** The dispatcher's own registry of watches, which it sends every change to. */
    private final Set<?> registered;

    WatchTrackingDispatcher(ExecutorService closer) {
      this.closer = closer;
      try {
        Field field = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
        field.setAccessible(true);
        this.registered = (Set<?>) field.get(this);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("the mock server changed: no KubernetesCrudDispatcher.watchEventListeners", e);
      }
    }

    /** Stops sending to a closed watch now, and lets the mock finish closing it off the event loop. */
    private void closed(WebSocket webSocket, WebSocketListener inner, Runnable close) {
      open.remove(webSocket);
      registered.remove(inner);
      closer.execute(close);
    }

    @Override
    public MockResponse handleWatch(String path) {
      MockResponse response = super.handleWatch(path);
      WebSocketListener inner = response.getWebSocketListener();
      return response.withWebSocketUpgrade(new WebSocketListener() {
        @Override
        public void onBeforeAccept(WebSocket webSocket, Response r) {
          inner.onBeforeAccept(webSocket, r);
        }

        @Override
        public void onOpen(WebSocket webSocket, Response r) {
          open.add(webSocket);
          inner.onOpen(webSocket, r);
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
          inner.onMessage(webSocket, text);
        }

        @Override
        public void onMessage(WebSocket webSocket, byte[] bytes) {
          inner.onMessage(webSocket, bytes);
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
          inner.onClosing(webSocket, code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
          closed(webSocket, inner, () -> inner.onClosed(webSocket, code, reason));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable error, Response r) {
          closed(webSocket, inner, () -> inner.onFailure(webSocket, error, r));
        }
      });
    }

    int dropAll() {
      int n = 0;
      for (WebSocket ws : List.copyOf(open)) {
        open.remove(ws);
        ws.close(1000, "dropped by the test");
        n++;
      }
      return n;
    }
  }
}
