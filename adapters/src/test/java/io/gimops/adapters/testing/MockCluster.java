package io.gimops.adapters.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.dsl.MockServerExpectation;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fabric8 mock API server in CRUD mode (expectations first, the in-memory store for the rest),
 * with the two failures an observer must survive:
 * <ul>
 *   <li>{@link #dropWatches()} closes every open watch from the server side, as an API server
 *       or a proxy in between does;
 *   <li>{@link #stop()} and {@link #restart()} take the whole server down and bring it back on
 *       the same port with the same store, as an API server restart does (etcd keeps the state).
 *       While it is down, {@link #whileDown} changes the store through a side door.
 * </ul>
 */
public final class MockCluster implements AutoCloseable {

  // JUL loggers are weakly held: keep the configured ones.
  private static final List<Logger> QUIETED = new ArrayList<>();

  static {
    for (String name : List.of("io.fabric8", "io.vertx", "io.netty", "io.gimops.adapters.kube")) {
      Logger l = Logger.getLogger(name);
      l.setLevel(Level.SEVERE);
      QUIETED.add(l);
    }
  }

  private final Map<ServerRequest, Queue<ServerResponse>> responses = new ConcurrentHashMap<>();
  private final WatchTracking dispatcher = new WatchTracking(new KubernetesMixedDispatcher(responses));
  private final List<KubernetesClient> clients = new ArrayList<>();
  private KubernetesMockServer server;
  private int port;

  public MockCluster() {
    server = newServer();
    server.init(InetAddress.getLoopbackAddress(), 0);
    port = server.getPort();
  }

  @SuppressWarnings("deprecation") // the mock server's own constructors use the same mapper
  private KubernetesMockServer newServer() {
    return new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
        dispatcher, false);
  }

  /** A new client on the JDK HTTP client; watches reconnect after 50 ms (doubling up to 1.6 s). */
  public KubernetesClient newClient() {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl("http://127.0.0.1:" + port + "/")
        .withNamespace("default")
        .withHttp2Disable(true)
        .withWatchReconnectInterval(50)
        .withRequestRetryBackoffLimit(0)
        .withConnectionTimeout(2_000)
        .build();
    KubernetesClient c = new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory()).build();
    synchronized (clients) {
      clients.add(c);
    }
    return c;
  }

  /** Expectations answered before the CRUD store (exec, for one). */
  public MockServerExpectation expect() {
    return server.expect();
  }

  public int port() {
    return port;
  }

  /** How many watches are open now. */
  public int openWatches() {
    return dispatcher.open.size();
  }

  /** Closes every open watch from the server's side; clients will reconnect. */
  public void dropWatches() {
    for (WebSocket ws : List.copyOf(dispatcher.open)) {
      ws.close(1001, "going away");
    }
  }

  /** Takes the API server down: connections are cut, new ones refused. */
  public void stop() {
    server.shutdown();
    dispatcher.open.clear();
  }

  /** Brings the API server back on the same port, with everything the store held. */
  public void restart() {
    server = newServer();
    server.init(InetAddress.getLoopbackAddress(), port);
  }

  /**
   * Changes the store while the API server is down, through a side-door server on another port
   * that shares the store; the side door is closed again before this returns.
   */
  public void whileDown(Consumer<KubernetesClient> changes) {
    KubernetesMockServer side = newServer();
    side.init(InetAddress.getLoopbackAddress(), 0);
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl("http://127.0.0.1:" + side.getPort() + "/")
        .withNamespace("default").withHttp2Disable(true).build();
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory()).build()) {
      changes.accept(c);
    } finally {
      side.shutdown();
    }
  }

  /**
   * Closes the clients, then the server. The mock server's shutdown sometimes times out (10 s)
   * on a busy machine while a watch it served is closing: that is the mock's own teardown, after
   * the test has made its assertions, so it is reported on stderr rather than failing the test.
   */
  @Override
  public void close() {
    synchronized (clients) {
      clients.forEach(KubernetesClient::close);
    }
    dropWatches();
    try {
      server.shutdown();
    } catch (IllegalStateException e) {
      System.err.println("MockCluster: the fabric8 mock server did not shut down in time ("
          + e.getMessage() + "); its port " + port + " is left to the JVM's exit");
    }
  }

  /** Delegates to the mixed dispatcher and remembers the watch WebSockets it opens. */
  private static final class WatchTracking extends Dispatcher {
    private final Dispatcher delegate;
    private final Set<WebSocket> open = ConcurrentHashMap.newKeySet();

    WatchTracking(Dispatcher delegate) {
      this.delegate = delegate;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      MockResponse response = delegate.dispatch(request);
      WebSocketListener listener = response.getWebSocketListener();
      String path = request.getPath();
      if (listener != null && path != null && path.contains("watch=true")) {
        response.withWebSocketUpgrade(new Tracked(listener, open));
      }
      return response;
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public void releaseResources() {
      delegate.releaseResources();
    }
  }

  private static final class Tracked extends WebSocketListener {
    private final WebSocketListener delegate;
    private final Set<WebSocket> open;

    Tracked(WebSocketListener delegate, Set<WebSocket> open) {
      this.delegate = delegate;
      this.open = open;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      delegate.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      open.add(webSocket);
      delegate.onOpen(webSocket, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      delegate.onMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, byte[] bytes) {
      delegate.onMessage(webSocket, bytes);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      open.remove(webSocket);
      delegate.onClosing(webSocket, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      open.remove(webSocket);
      delegate.onClosed(webSocket, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      open.remove(webSocket);
      delegate.onFailure(webSocket, error, response);
    }
  }
}
