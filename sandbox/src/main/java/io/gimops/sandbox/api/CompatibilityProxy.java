package io.gimops.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The HTTP front of the embedded API server: every request passes through here on its way to the
 * fabric8 mock server (CRUD mode), and this class closes the gaps between what the mock does and
 * what client-go (helm) and the fabric8 client expect of a Kubernetes API server:
 *
 * <ol>
 *   <li>Discovery ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>[/<version>]},
 *       {@code /version}) is answered from {@link Discovery}; the mock's is empty.
 *   <li>Every answer carries {@code Content-Type: application/json}; without it client-go assumes
 *       protobuf and fails to decode. Error answers without a body get a {@code Status}, and the
 *       mock's Status reasons (always "Invalid") are set from the code, because client-go's
 *       {@code IsAlreadyExists}/{@code IsNotFound}/{@code IsConflict} read the reason.
 *   <li>Protobuf request bodies (client-go's typed clients: helm's release Secrets) are decoded to
 *       JSON by {@link KubeProtobuf}.
 *   <li>Lists are answered with their real kind ({@code SecretList}, not {@code List}) and
 *       group version.
 *   <li>Strategic merge patch and JSON merge patch are applied here ({@link Patches}) and stored
 *       with a PUT; JSON patch goes to the mock as it is.
 * </ol>
 *
 * <p>Like a real API server it also keeps the status of kinds with a status subresource when the
 * main resource is written (writes to {@code /status} change only the status), folds a Secret's
 * {@code stringData} into {@code data}, deletes an object's dependents (owner references) with it,
 * and passes watches through: WebSocket watches (the fabric8
 * client) are bridged frame by frame, HTTP streaming watches (client-go) are bridged from the
 * mock's WebSocket into a chunked JSON stream. Every open watch is tracked so that
 * {@link #dropWatches()} can close them all, as an API server restart does.
 *
 * <p>Writes are applied one at a time, in arrival order, so that a read-modify-write (a patch, a
 * status-preserving PUT) is atomic with respect to other writes. All handlers run on the one event
 * loop of the proxy's Vert.x instance.
 */
final class CompatibilityProxy implements Handler<HttpServerRequest> {

  private static final System.Logger LOG = System.getLogger(CompatibilityProxy.class.getName());
  private static final String CONTENT_TYPE = "Content-Type";
  private static final String JSON = "application/json";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  /** Deployment, ReplicaSet, Pod: a few levels of owners are plenty; this stops a cycle. */
  private static final int MAX_OWNER_DEPTH = 8;

  /** An answer from the mock server. */
  private record Upstream(int status, Buffer body) {}

  /** An answer to the client. */
  private record Reply(int status, JsonNode body) {}

  /** A watch passing through, and how to end it. */
  private record OpenWatch(String uri, Runnable close) {}

  private final Vertx vertx;
  private final HttpClientAgent http;
  private final WebSocketClient webSockets;
  private final String mockHost;
  private final int mockPort;
  private final ObjectMapper json;
  private final Discovery discovery;
  private final KubeProtobuf protobuf;
  private final Set<OpenWatch> watches = ConcurrentHashMap.newKeySet();
  private volatile String serverAddress = "";
  /** The last write in flight; only touched on the event loop. */
  private Future<?> writes = Future.succeededFuture();

  CompatibilityProxy(Vertx vertx, HttpClientAgent http, WebSocketClient webSockets, String mockHost, int mockPort,
      ObjectMapper json) {
    this.vertx = vertx;
    this.http = http;
    this.webSockets = webSockets;
    this.mockHost = mockHost;
    this.mockPort = mockPort;
    this.json = json;
    this.discovery = new Discovery(json);
    this.protobuf = new KubeProtobuf(json);
  }

  /** The host:port clients reach this proxy on, which discovery reports. */
  void serverAddress(String hostPort) {
    this.serverAddress = hostPort;
  }

  int openWatches() {
    return watches.size();
  }

  /** Closes every open watch; runs on the event loop. Returns how many there were. */
  int dropWatches() {
    List<OpenWatch> open = new ArrayList<>(watches);
    watches.removeAll(open);
    open.forEach(w -> {
      LOG.log(Level.DEBUG, "dropping watch {0}", w.uri());
      w.close().run();
    });
    return open.size();
  }

  @Override
  public void handle(HttpServerRequest req) {
    LOG.log(Level.DEBUG, "{0} {1} ({2})", req.method(), req.uri(), req.getHeader(CONTENT_TYPE));
    String path = req.path();
    Optional<ApiPath> api = ApiPath.parse(path);
    if (req.method() == HttpMethod.GET && api.isEmpty()) {
      Optional<ObjectNode> doc = discovery.document(path, serverAddress);
      if (doc.isPresent()) {
        reply(req, new Reply(200, doc.get()));
        return;
      }
      if (path.equals("/openapi/v2")) {
        // An empty OpenAPI v2 document (protobuf, as client-go asks for it): no schemas, so
        // helm's client-side validation finds none and skips, as for a kind without a schema.
        req.response().setStatusCode(200)
            .putHeader(CONTENT_TYPE, "application/octet-stream")
            .end();
        return;
      }
      if (path.startsWith("/openapi/")) {
        reply(req, new Reply(404, status(404, "NotFound", "the sandbox API server serves no OpenAPI v3 documents", null)));
        return;
      }
    }
    if (api.isPresent() && isWatch(req, api.get())) {
      watch(req, api.get());
      return;
    }
    req.body()
        .compose(body -> route(req, api, body))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            reply(req, ar.result());
          } else {
            LOG.log(Level.WARNING, "sandbox API server failed on " + req.method() + " " + req.uri(), ar.cause());
            reply(req, new Reply(500, status(500, "InternalError", String.valueOf(ar.cause()), null)));
          }
        });
  }

  private Future<Reply> route(HttpServerRequest req, Optional<ApiPath> api, Buffer body) {
    HttpMethod method = req.method();
    String uri = req.uri();
    if (api.isEmpty()) {
      return send(method, uri, req.getHeader(CONTENT_TYPE), body).map(u -> fix(null, method, u));
    }
    ApiPath p = api.get();
    String contentType = Optional.ofNullable(req.getHeader(CONTENT_TYPE)).orElse(JSON);
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      return send(method, uri, null, null).map(u -> fix(p, method, u));
    }
    if (method == HttpMethod.DELETE) {
      boolean orphan = orphansDependents(req, contentType, body);
      return serially(() -> send(method, uri, null, null).compose(u -> {
        Reply reply = fix(p, method, u);
        String uid = reply.body().at("/metadata/uid").asText("");
        if (u.status() != 200 || p.isCollection() || p.namespace().isEmpty() || uid.isEmpty() || orphan) {
          return Future.succeededFuture(reply);
        }
        return deleteDependents(p.namespace(), uid, 0).map(v -> reply);
      }));
    }
    if (method == HttpMethod.POST || method == HttpMethod.PUT) {
      ObjectNode object;
      try {
        object = readObject(contentType, body);
      } catch (BadRequest e) {
        return Future.succeededFuture(e.reply());
      }
      normalise(p, object);
      if (method == HttpMethod.PUT && !p.isStatus() && hasStatusSubresource(p)) {
        return serially(() -> putKeepingStatus(p, uri, object));
      }
      return serially(() -> send(method, uri, JSON, buffer(object)).map(u -> fix(p, method, u)));
    }
    if (method == HttpMethod.PATCH) {
      String type = contentType.toLowerCase(Locale.ROOT);
      if (type.startsWith(JSON_PATCH)) {
        return serially(() -> send(method, uri, JSON_PATCH, body).map(u -> fix(p, method, u)));
      }
      if (type.startsWith(MERGE_PATCH) || type.startsWith(STRATEGIC_MERGE_PATCH)) {
        JsonNode patch;
        try {
          patch = json.readTree(body.getBytes());
        } catch (java.io.IOException e) {
          return Future.succeededFuture(new Reply(400, status(400, "BadRequest", "the patch is not JSON: " + e.getMessage(), p)));
        }
        boolean strategic = type.startsWith(STRATEGIC_MERGE_PATCH);
        return serially(() -> patch(p, patch, strategic));
      }
      return Future.succeededFuture(new Reply(415, status(415, "UnsupportedMediaType",
          "the sandbox API server takes JSON patch, merge patch and strategic merge patch, not " + contentType
              + " (server-side apply is not supported)", p)));
    }
    return Future.succeededFuture(new Reply(405, status(405, "MethodNotAllowed", method + " is not supported", p)));
  }

  /** A merge or strategic merge patch: read the object, patch it here, write it back whole. */
  private Future<Reply> patch(ApiPath p, JsonNode patch, boolean strategic) {
    return send(HttpMethod.GET, p.objectPath(), null, null).compose(current -> {
      if (current.status() != 200) {
        return Future.succeededFuture(fix(p, HttpMethod.PATCH, current));
      }
      JsonNode live = tree(current.body());
      JsonNode patched = strategic ? Patches.strategicMergePatch(live, patch) : Patches.mergePatch(live, patch);
      if (!patched.isObject()) {
        return Future.succeededFuture(new Reply(422, status(422, "Invalid", "the patch does not leave an object", p)));
      }
      ObjectNode object = (ObjectNode) patched;
      if (!object.path("metadata").has("resourceVersion")) {
        object.withObjectProperty("metadata").set("resourceVersion", live.path("metadata").path("resourceVersion"));
      }
      normalise(p, object);
      if (p.isStatus()) {
        return send(HttpMethod.PUT, p.statusPath(), JSON, buffer(object)).map(u -> fix(p, HttpMethod.PATCH, u));
      }
      if (hasStatusSubresource(p)) {
        keepStatus(object, live);
      }
      return send(HttpMethod.PUT, p.objectPath(), JSON, buffer(object)).map(u -> fix(p, HttpMethod.PATCH, u));
    });
  }

  /**
   * The garbage collector's part, which the mock lacks: deleting an object deletes the objects in
   * its namespace whose ownerReferences name it, and theirs in turn (background propagation, done
   * before the answer). A Deployment's ReplicaSets and pods go with it on {@code helm uninstall}.
   */
  private Future<Void> deleteDependents(String namespace, String ownerUid, int depth) {
    if (depth > MAX_OWNER_DEPTH) {
      return Future.succeededFuture();
    }
    List<Future<Void>> kinds = new ArrayList<>();
    for (Discovery.Resource r : Discovery.RESOURCES) {
      if (!r.namespaced()) {
        continue;
      }
      ApiPath collection = new ApiPath(r.group(), r.version(), namespace, r.plural(), "", "", false);
      kinds.add(send(HttpMethod.GET, collection.objectPath(), null, null).compose(list -> {
        if (list.status() != 200) {
          return Future.succeededFuture();
        }
        List<Future<Void>> deletions = new ArrayList<>();
        for (JsonNode item : tree(list.body()).path("items")) {
          if (ownedBy(item, ownerUid)) {
            String name = item.at("/metadata/name").asText();
            String uid = item.at("/metadata/uid").asText("");
            ApiPath dependent = new ApiPath(r.group(), r.version(), namespace, r.plural(), name, "", false);
            deletions.add(send(HttpMethod.DELETE, dependent.objectPath(), null, null).compose(d ->
                d.status() == 200 && !uid.isEmpty() ? deleteDependents(namespace, uid, depth + 1)
                    : Future.<Void>succeededFuture()));
          }
        }
        return Future.all(deletions).mapEmpty();
      }));
    }
    return Future.all(kinds).mapEmpty();
  }

  private static boolean ownedBy(JsonNode item, String ownerUid) {
    for (JsonNode ref : item.at("/metadata/ownerReferences")) {
      if (ownerUid.equals(ref.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Whether a delete asks to orphan the dependents (propagationPolicy=Orphan, or the old flag). */
  private boolean orphansDependents(HttpServerRequest req, String contentType, Buffer body) {
    if ("Orphan".equals(req.getParam("propagationPolicy")) || "true".equals(req.getParam("orphanDependents"))) {
      return true;
    }
    if (body == null || body.length() == 0) {
      return false;
    }
    try {
      ObjectNode options = readObject(contentType, body);
      return options.path("propagationPolicy").asText().equals("Orphan")
          || options.path("orphanDependents").asBoolean(false);
    } catch (BadRequest e) {
      return false;
    }
  }

  /** A PUT of the main resource of a kind with a status subresource leaves the status alone. */
  private Future<Reply> putKeepingStatus(ApiPath p, String uri, ObjectNode object) {
    return send(HttpMethod.GET, p.objectPath(), null, null).compose(current -> {
      if (current.status() == 200) {
        keepStatus(object, tree(current.body()));
      }
      return send(HttpMethod.PUT, uri, JSON, buffer(object)).map(u -> fix(p, HttpMethod.PUT, u));
    });
  }

  private static void keepStatus(ObjectNode object, JsonNode live) {
    if (live.has("status")) {
      object.set("status", live.get("status").deepCopy());
    } else {
      object.remove("status");
    }
  }

  private static boolean hasStatusSubresource(ApiPath p) {
    return !p.isCollection() && Discovery.find(p).map(Discovery.Resource::hasStatus).orElse(false);
  }

  /** What the API server's registry does to an object on write, where the mock does not. */
  private static void normalise(ApiPath p, ObjectNode object) {
    if (p.group().isEmpty() && p.plural().equals("secrets") && object.path("stringData").isObject()) {
      ObjectNode data = object.withObjectProperty("data");
      object.get("stringData").properties().forEach(e -> data.put(e.getKey(),
          Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      object.remove("stringData");
    }
  }

  private ObjectNode readObject(String contentType, Buffer body) throws BadRequest {
    if (KubeProtobuf.isProtobuf(contentType)) {
      try {
        return protobuf.decode(body.getBytes());
      } catch (KubeProtobuf.UnsupportedKind e) {
        throw new BadRequest(new Reply(415, status(415, "UnsupportedMediaType", e.getMessage(), null)));
      }
    }
    try {
      JsonNode node = json.readTree(body.getBytes());
      if (node == null || !node.isObject()) {
        throw new BadRequest(new Reply(400, status(400, "BadRequest", "the body is not a JSON object", null)));
      }
      return (ObjectNode) node;
    } catch (java.io.IOException e) {
      throw new BadRequest(new Reply(400, status(400, "BadRequest",
          "the body is neither JSON nor Kubernetes protobuf (" + contentType + "): " + e.getMessage(), null)));
    }
  }

  /** A request this server refuses before it reaches the mock. */
  private static final class BadRequest extends Exception {
    private final transient Reply reply;

    BadRequest(Reply reply) {
      super(reply.body().path("message").asText(), null, false, false);
      this.reply = reply;
    }

    Reply reply() {
      return reply;
    }
  }

  /** Runs writes one after another, in the order they arrived. */
  private <T> Future<T> serially(Supplier<Future<T>> write) {
    Future<T> next = writes.transform(ignored -> {
      try {
        return write.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    writes = next.transform(ignored -> Future.succeededFuture());
    return next;
  }

  private Future<Upstream> send(HttpMethod method, String uri, String contentType, Buffer body) {
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(mockHost)
        .setPort(mockPort)
        .setURI(uri)
        .setIdleTimeout(30_000);
    return http.request(options).compose(request -> {
      if (contentType != null) {
        request.putHeader(CONTENT_TYPE, contentType);
      }
      return body == null || body.length() == 0 ? request.send() : request.send(body);
    }).compose(response -> response.body().map(b -> new Upstream(response.statusCode(), b)));
  }

  /** Makes the mock's answer look like the API server's. */
  private Reply fix(ApiPath p, HttpMethod method, Upstream u) {
    // The mock answers patches with 202; the API server with 200.
    int code = u.status() == 202 ? 200 : u.status();
    JsonNode body = null;
    if (u.body() != null && u.body().length() > 0) {
      try {
        body = json.readTree(u.body().getBytes());
      } catch (java.io.IOException e) {
        body = null;
      }
    }
    if (code >= 400) {
      String reason = reason(code, method);
      if (body == null || !body.path("kind").asText().equals("Status")) {
        return new Reply(code, status(code, reason, message(code, reason, p), p));
      }
      ObjectNode status = (ObjectNode) body;
      status.put("apiVersion", "v1");
      status.put("reason", reason);
      if (reason.equals("NotFound")) {
        status.put("message", message(code, reason, p));
      }
      return new Reply(code, status);
    }
    if (body == null) {
      ObjectNode success = status(code, "", "", p);
      success.put("status", "Success");
      return new Reply(code, success);
    }
    if (p != null && body.isObject() && body.path("kind").asText().equals("List")) {
      Optional<Discovery.Resource> r = Discovery.find(p);
      if (r.isPresent()) {
        ((ObjectNode) body).put("kind", r.get().kind() + "List");
        ((ObjectNode) body).put("apiVersion", r.get().groupVersion());
      }
    }
    return new Reply(code, body);
  }

  private static String reason(int code, HttpMethod method) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> method == HttpMethod.POST ? "AlreadyExists" : "Conflict";
      case 410 -> "Expired";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      default -> "InternalError";
    };
  }

  /** The API server's wording, e.g. {@code deployments.apps "gim" not found}. */
  private static String message(int code, String reason, ApiPath p) {
    if (p == null) {
      return reason;
    }
    String resource = p.group().isEmpty() ? p.plural() : p.plural() + "." + p.group();
    return switch (reason) {
      case "NotFound" -> p.isCollection() ? "the server could not find the requested resource"
          : resource + " \"" + p.name() + "\" not found";
      default -> resource + ": " + reason + " (" + code + ")";
    };
  }

  private ObjectNode status(int code, String reason, String message, ApiPath p) {
    ObjectNode s = json.createObjectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    if (!message.isEmpty()) {
      s.put("message", message);
    }
    if (!reason.isEmpty()) {
      s.put("reason", reason);
    }
    if (p != null) {
      ObjectNode details = s.putObject("details");
      if (!p.name().isEmpty()) {
        details.put("name", p.name());
      }
      if (!p.group().isEmpty()) {
        details.put("group", p.group());
      }
      details.put("kind", p.plural());
    }
    s.put("code", code);
    return s;
  }

  private void reply(HttpServerRequest req, Reply reply) {
    HttpServerResponse response = req.response();
    if (response.ended() || response.closed()) {
      return;
    }
    LOG.log(Level.DEBUG, "{0} {1} -> {2}", req.method(), req.uri(), reply.status());
    response.setStatusCode(reply.status()).putHeader(CONTENT_TYPE, JSON);
    if (req.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(buffer(reply.body()));
    }
  }

  /** The mock's stored JSON; it wrote it itself, so a failure here is a bug, not a bad request. */
  private JsonNode tree(Buffer body) {
    try {
      return json.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("the mock server answered with something that is not JSON", e);
    }
  }

  private Buffer buffer(JsonNode node) {
    try {
      return Buffer.buffer(json.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  // --- watches ---------------------------------------------------------------------------------

  private static boolean isWatch(HttpServerRequest req, ApiPath p) {
    String watch = req.getParam("watch");
    return p.legacyWatch() || "true".equals(watch) || "1".equals(watch);
  }

  /**
   * The mock's URI for a watch: the collection path with {@code watch=true}; a watch of one object
   * becomes a field selector. The field selector goes unencoded, because the mock splits the raw
   * query on {@code =} to find the watched name.
   */
  private static String upstreamWatchUri(HttpServerRequest req, ApiPath p) {
    StringBuilder query = new StringBuilder("watch=true");
    String fieldSelector = req.getParam("fieldSelector");
    if (!p.isCollection()) {
      fieldSelector = "metadata.name=" + p.name();
    }
    if (fieldSelector != null && !fieldSelector.isEmpty()) {
      query.append("&fieldSelector=").append(fieldSelector);
    }
    String labelSelector = req.getParam("labelSelector");
    if (labelSelector != null && !labelSelector.isEmpty()) {
      query.append("&labelSelector=").append(java.net.URLEncoder.encode(labelSelector, StandardCharsets.UTF_8));
    }
    ApiPath collection = new ApiPath(p.group(), p.version(), p.namespace(), p.plural(), "", "", false);
    return collection.objectPath() + "?" + query;
  }

  private void watch(HttpServerRequest req, ApiPath p) {
    String upstreamUri = upstreamWatchUri(req, p);
    WebSocketConnectOptions options = new WebSocketConnectOptions()
        .setHost(mockHost)
        .setPort(mockPort)
        .setURI(upstreamUri);
    long timeoutMillis = timeoutSeconds(req) * 1000L;
    if (req.canUpgradeToWebSocket()) {
      webSocketWatch(req, options, timeoutMillis);
    } else {
      streamingWatch(req, options, timeoutMillis);
    }
  }

  private static long timeoutSeconds(HttpServerRequest req) {
    try {
      String t = req.getParam("timeoutSeconds");
      return t == null ? 0 : Math.max(0, Long.parseLong(t));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The fabric8 client watches over a WebSocket: bridge it frame by frame. */
  private void webSocketWatch(HttpServerRequest req, WebSocketConnectOptions options, long timeoutMillis) {
    String uri = req.uri();
    req.toWebSocket().onSuccess(client -> {
      client.pause();
      webSockets.connect(options).onSuccess(mock -> {
        OpenWatch w = new OpenWatch(uri, () -> {
          closeQuietly(client, (short) 1001, "the sandbox API server dropped its watches");
          closeQuietly(mock, (short) 1000, "closed by the sandbox API server");
        });
        watches.add(w);
        mock.textMessageHandler(client::writeTextMessage);
        mock.binaryMessageHandler(client::writeBinaryMessage);
        client.textMessageHandler(mock::writeTextMessage);
        client.binaryMessageHandler(mock::writeBinaryMessage);
        mock.closeHandler(v -> {
          watches.remove(w);
          closeQuietly(client, (short) 1000, "watch closed");
        });
        client.closeHandler(v -> {
          watches.remove(w);
          closeQuietly(mock, (short) 1000, "watch closed");
        });
        endAfter(timeoutMillis, w);
        client.resume();
      }).onFailure(e -> closeQuietly(client, (short) 1011, "the mock server refused the watch: " + e.getMessage()));
    }).onFailure(e -> LOG.log(Level.WARNING, "WebSocket upgrade of " + uri + " failed", e));
  }

  /** client-go watches over a long HTTP response of newline-separated JSON events. */
  private void streamingWatch(HttpServerRequest req, WebSocketConnectOptions options, long timeoutMillis) {
    String uri = req.uri();
    HttpServerResponse response = req.response();
    webSockets.connect(options).onSuccess(mock -> {
      if (response.closed()) {
        closeQuietly(mock, (short) 1000, "client gone");
        return;
      }
      OpenWatch w = new OpenWatch(uri, () -> {
        closeQuietly(mock, (short) 1000, "closed by the sandbox API server");
        if (!response.ended() && !response.closed()) {
          response.end();
        }
      });
      watches.add(w);
      response.setStatusCode(200).setChunked(true).putHeader(CONTENT_TYPE, JSON);
      response.writeHead();
      mock.textMessageHandler(event -> {
        if (!response.ended() && !response.closed()) {
          response.write(event.endsWith("\n") ? event : event + "\n");
        }
      });
      mock.closeHandler(v -> {
        watches.remove(w);
        if (!response.ended() && !response.closed()) {
          response.end();
        }
      });
      response.closeHandler(v -> {
        watches.remove(w);
        closeQuietly(mock, (short) 1000, "client gone");
      });
      endAfter(timeoutMillis, w);
    }).onFailure(e -> reply(req, new Reply(500, status(500, "InternalError",
        "the mock server refused the watch: " + e.getMessage(), null))));
  }

  private void endAfter(long millis, OpenWatch w) {
    if (millis > 0) {
      vertx.setTimer(millis, t -> {
        if (watches.remove(w)) {
          w.close().run();
        }
      });
    }
  }

  private static void closeQuietly(io.vertx.core.http.WebSocketBase socket, short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason.length() > 120 ? reason.substring(0, 120) : reason);
    }
  }
}
