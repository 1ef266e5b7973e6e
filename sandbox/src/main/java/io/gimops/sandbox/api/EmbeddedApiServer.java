package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A Kubernetes API server for tests and the sandbox, on a random loopback port: the fabric8 mock
 * server in CRUD mode behind a {@link CompatibilityProxy} that lets the real helm CLI (client-go)
 * install, upgrade, roll back, list and uninstall releases against it, and the fabric8 client
 * watch and inform through it.
 *
 * <pre>{@code
 * try (EmbeddedApiServer api = new EmbeddedApiServer().start()) {
 *   // helm ... --kubeconfig api.kubeconfig() ...
 *   api.client().apps().deployments().inNamespace("gim").list();
 * }
 * }</pre>
 *
 * <p>Helm needs nothing but {@code --kubeconfig kubeconfig()}: no
 * {@code --disable-openapi-validation}, and namespaces need not exist for objects to be created in
 * them ({@code -n gim} just works); {@code default} and {@code kube-system} exist from the start
 * for listings. Deleting an object deletes its dependents (owner references), as the garbage
 * collector does.
 *
 * <p>What it is not: nothing runs workloads (pods are the sandbox controller's job), no
 * admission, no OpenAPI schemas, no server-side apply, no {@code dryRun} writes, no
 * attach/port-forward (exec runs only the scripted commands of {@link GimEntrypoint}, over
 * WebSockets), no cascading namespace deletion, and label selectors support only
 * {@code =}, {@code ==}, {@code !=}, {@code key} and {@code !key} (the mock's). A new watch starts
 * with ADDED for every matching object, whatever resourceVersion it asks from.
 */
public final class EmbeddedApiServer implements AutoCloseable {

  /**
   * The {@code User-Agent} of the clients this server hands out ({@link #client()},
   * {@link #newClient()}): the sandbox's controller and tests' own checks, told apart in
   * {@link #requests()} from the bot's and helm's.
   */
  public static final String SANDBOX_USER_AGENT = "gimops-sandbox";

  /** The kubeconfig context (and cluster and user) name. */
  public static final String CONTEXT = "gimops-sandbox";

  private static final String LOOPBACK = "127.0.0.1";
  private static final long STOP_SECONDS = 10;

  // Held so the levels stick: JUL keeps loggers only weakly.
  private static final List<Logger> QUIETED = quietLibraryLogging();

  private KubernetesMockServer mock;
  private Vertx vertx;
  private WatchBridge watches;
  private io.vertx.core.Context proxyContext;
  private KubernetesClient client;
  private Path workDir;
  private Path kubeconfig;
  private URI url;
  private boolean used;
  private final java.util.concurrent.ConcurrentLinkedQueue<ApiRequest> requests =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  /** Off by default: a sandbox running for days would keep every request otherwise. */
  private volatile boolean recording;

  /**
   * Starts the mock server, the proxy in front of it and a client, and creates the namespaces
   * {@code default} and {@code kube-system}.
   *
   * @return this server, started
   * @throws IllegalStateException if it was started before (a server starts once)
   */
  @SuppressWarnings("deprecation") // Serialization.jsonMapper(): what the mock's own constructors use
  public synchronized EmbeddedApiServer start() {
    if (used) {
      throw new IllegalStateException("this embedded API server was started before; create a new one");
    }
    used = true;
    try {
      workDir = Files.createTempDirectory("gimops-apiserver-");
      // If the JVM ends without close() (the sandbox stopped with Ctrl-C), still clean up.
      workDir.toFile().deleteOnExit();
      Map<ServerRequest, Queue<ServerResponse>> expectations = new HashMap<>();
      MockWebServer web = new MockWebServer();
      web.setHttp2ClearTextEnabled(false);
      mock = new KubernetesMockServer(new Context(Serialization.jsonMapper()), web, expectations,
          new KubernetesMixedDispatcher(expectations), false);
      mock.start(InetAddress.getByName(LOOPBACK), 0);

      // One event loop: the proxy's handlers run on it in order, which its write queue relies on.
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
          .setInternalBlockingPoolSize(1).setPreferNativeTransport(false));
      HttpClientAgent http = vertx.createHttpClient(
          new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1).setKeepAlive(true),
          new PoolOptions().setHttp1MaxSize(8));
      WebSocketClient webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(1000));
      ObjectMapper json = new ObjectMapper();
      MockServerClient toMock = new MockServerClient(http, webSockets, LOOPBACK, mock.getPort(), json);
      watches = new WatchBridge(vertx, toMock);
      CompatibilityProxy proxy = new CompatibilityProxy(toMock, watches, json, r -> {
        if (recording) {
          requests.add(r);
        }
      });
      proxyContext = vertx.getOrCreateContext();
      HttpServer server = await(vertx.createHttpServer(new HttpServerOptions()
          .setHost(LOOPBACK)
          .setPort(0)
          .setHttp2ClearTextEnabled(false)
          .setWebSocketSubProtocols(PodExec.PROTOCOLS)
          .setDecompressionSupported(true))
          .requestHandler(proxy)
          .listen(), "start the API proxy");
      proxy.serverAddress(LOOPBACK + ":" + server.actualPort());
      url = URI.create("http://" + LOOPBACK + ":" + server.actualPort());
      kubeconfig = writeKubeconfig(workDir.resolve("kubeconfig"), url);
      kubeconfig.toFile().deleteOnExit();
      client = newClient();
      for (String ns : List.of("default", "kube-system")) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      return this;
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("could not start the embedded API server", e);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** The server's base URL, e.g. {@code http://127.0.0.1:41234} (plain HTTP, loopback only). */
  public URI url() {
    requireStarted();
    return url;
  }

  /**
   * A kubeconfig file with one context, {@value #CONTEXT}, pointing at this server over plain HTTP;
   * pass it to helm with {@code --kubeconfig}. Readable by its owner only (helm warns otherwise).
   */
  public Path kubeconfig() {
    requireStarted();
    return kubeconfig;
  }

  /** A fabric8 client on the JDK HTTP client, talking to this server; closed by {@link #close()}. */
  public KubernetesClient client() {
    requireStarted();
    return client;
  }

  /**
   * A fresh fabric8 client for this server, with its own connections and watches; the caller
   * closes it.
   */
  public KubernetesClient newClient() {
    requireStarted();
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(url.toString())
        .withNamespace("default")
        .withHttp2Disable(true)
        .withUserAgent(SANDBOX_USER_AGENT)
        .withRequestTimeout(30_000)
        .withWatchReconnectInterval(100)
        .withWatchReconnectLimit(-1)
        .build();
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
  }

  /**
   * Every request for a resource this server received since {@link #recordRequests()}, in arrival
   * order (discovery and OpenAPI are not resources). The RBAC coverage test reads it;
   * {@link ApiRequest#bySandbox()} tells the sandbox's own clients apart.
   */
  public List<ApiRequest> requests() {
    return List.copyOf(requests);
  }

  /**
   * Starts recording requests afresh (forgetting any recorded before): after the sandbox's own
   * installs, say. Until called, nothing is recorded.
   */
  public void recordRequests() {
    requests.clear();
    recording = true;
  }

  /**
   * Closes every open watch connection, as an API server restart does; clients see their watches
   * end and must watch again (the fabric8 client and informers do so by themselves).
   *
   * @return how many watches were open
   */
  public int dropWatches() {
    requireStarted();
    CompletableFuture<Integer> dropped = new CompletableFuture<>();
    proxyContext.runOnContext(v -> dropped.complete(watches.dropAll()));
    try {
      return dropped.get(STOP_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while dropping watches", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not drop the watches", e);
    }
  }

  /** How many watches are open through this server right now. */
  public int openWatches() {
    requireStarted();
    return watches.count();
  }

  /** Stops the client, the proxy and the mock server, and deletes the kubeconfig. Idempotent. */
  @Override
  public synchronized void close() {
    if (client != null) {
      client.close();
      client = null;
    }
    if (vertx != null) {
      try {
        await(vertx.close(), "stop the API proxy");
      } catch (IllegalStateException e) {
        // Say so, and still stop the mock below.
        System.getLogger(EmbeddedApiServer.class.getName())
            .log(System.Logger.Level.WARNING, "the API proxy did not stop cleanly", e);
      }
      vertx = null;
    }
    if (mock != null) {
      try {
        mock.destroy();
      } catch (IllegalStateException e) {
        // The mock waits a few seconds for connections the proxy left half-closed; they die
        // with it. Nothing of the test's outcome depends on them.
        System.getLogger(EmbeddedApiServer.class.getName())
            .log(System.Logger.Level.WARNING, "the mock API server did not stop cleanly: " + e.getMessage());
      }
      mock = null;
    }
    url = null;
    if (workDir != null) {
      deleteRecursively(workDir);
      workDir = null;
    }
  }

  private void requireStarted() {
    if (url == null || vertx == null) {
      throw new IllegalStateException(
          "the embedded API server is not running: start() it (once) and use it until close()");
    }
  }

  private static Path writeKubeconfig(Path file, URI url) throws IOException {
    String yaml = String.join("\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: " + CONTEXT,
        "  cluster:",
        "    server: " + url,
        "contexts:",
        "- name: " + CONTEXT,
        "  context:",
        "    cluster: " + CONTEXT,
        "    user: " + CONTEXT,
        "    namespace: default",
        "current-context: " + CONTEXT,
        "users:",
        "- name: " + CONTEXT,
        "  user:",
        "    token: sandbox",
        "preferences: {}",
        "");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: helm only warns
    }
    return file;
  }

  private static <T> T await(Future<T> future, String what) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(STOP_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not " + what, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }

  /**
   * The mock server logs every request it serves at INFO; the sandbox's traffic is not news.
   * Warnings still show. (Only the mock's loggers: the bot's own Vert.x logging is its business.)
   */
  private static List<Logger> quietLibraryLogging() {
    List<Logger> loggers = Stream.of("io.fabric8.mockwebserver", "io.fabric8.kubernetes.client.server.mock")
        .map(Logger::getLogger)
        .toList();
    loggers.forEach(l -> l.setLevel(Level.WARNING));
    return loggers;
  }
}
