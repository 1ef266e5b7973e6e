package io.gimops.sandbox.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The HTTP front of the embedded API server: every request passes through here on its way to the
 * fabric8 mock server (CRUD mode), and this class closes the gaps between what the mock does and
 * what client-go (helm) and the fabric8 client expect of a Kubernetes API server:
 *
 * <ol>
 *   <li>Discovery ({@code /api}, {@code /apis}, {@code /api/v1}, {@code /apis/<group>[/<version>]},
 *       {@code /version}) is answered from {@link Discovery}; the mock's is empty. An empty OpenAPI
 *       v2 document lets helm's client-side validation pass without schemas.
 *   <li>Every answer carries {@code Content-Type: application/json}; without it client-go assumes
 *       protobuf and fails to decode. Errors are {@link Statuses} with the reason client-go reads.
 *   <li>Protobuf request bodies (client-go's typed clients: helm's release Secrets) are decoded to
 *       JSON by {@link KubeProtobuf}.
 *   <li>Lists are answered with their real kind ({@code SecretList}, not {@code List}) and
 *       group version.
 *   <li>Strategic merge patch and JSON merge patch are applied here ({@link Patches}) and stored
 *       with a PUT; JSON patch goes to the mock as it is.
 *   <li>{@code pods/<name>/exec} is served over the WebSocket channel protocol ({@link PodExec});
 *       the mock answers it with a plain 200.
 * </ol>
 *
 * <p>Like a real API server it also keeps the status of kinds with a status subresource when the
 * main resource is written (writes to {@code /status} change only the status), folds a Secret's
 * {@code stringData} into {@code data}, deletes an object's dependents with it
 * ({@link GarbageCollector}), and passes watches through ({@link WatchBridge}).
 *
 * <p>Every request for a resource is handed to a recorder first ({@link ApiRequest}), so that a
 * test can compare what a client asked with what RBAC would grant it.
 *
 * <p>Writes are applied one at a time, in arrival order, so that a read-modify-write (a patch, a
 * status-preserving PUT) is atomic with respect to other writes. All handlers run on the one event
 * loop of the proxy's Vert.x instance.
 */
final class CompatibilityProxy implements Handler<HttpServerRequest> {

  private static final System.Logger LOG = System.getLogger(CompatibilityProxy.class.getName());
  private static final String CONTENT_TYPE = MockServerClient.CONTENT_TYPE;
  private static final String JSON = "application/json";
  private static final String JSON_PATCH = "application/json-patch+json";
  private static final String MERGE_PATCH = "application/merge-patch+json";
  private static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

  /** An answer to the client. */
  private record Reply(int status, JsonNode body) {}

  private final MockServerClient mock;
  private final WatchBridge watches;
  private final GarbageCollector collector;
  private final ObjectMapper json;
  private final Discovery discovery;
  private final KubeProtobuf protobuf;
  private final PodExec exec;
  private final java.util.function.Consumer<ApiRequest> recorder;
  private volatile String serverAddress = "";
  /** The last write in flight; only touched on the event loop. */
  private Future<?> writes = Future.succeededFuture();

  CompatibilityProxy(MockServerClient mock, WatchBridge watches, ObjectMapper json,
      java.util.function.Consumer<ApiRequest> recorder) {
    this.recorder = recorder;
    this.mock = mock;
    this.watches = watches;
    this.collector = new GarbageCollector(mock);
    this.json = json;
    this.discovery = new Discovery(json);
    this.protobuf = new KubeProtobuf(json);
    this.exec = new PodExec(mock, json);
  }

  /** The host:port clients reach this proxy on, which discovery reports. */
  void serverAddress(String hostPort) {
    this.serverAddress = hostPort;
  }

  @Override
  public void handle(HttpServerRequest req) {
    LOG.log(Level.DEBUG, "{0} {1} ({2})", req.method(), req.uri(), req.getHeader(CONTENT_TYPE));
    String path = req.path();
    Optional<ApiPath> api = ApiPath.parse(path);
    api.ifPresent(p -> recorder.accept(ApiRequest.of(req.method(), p, WatchBridge.isWatch(req, p),
        req.getHeader("User-Agent"))));
    if (req.method() == HttpMethod.GET && api.isEmpty() && answerOutsideTheMock(req, path)) {
      return;
    }
    if (api.isPresent() && PodExec.isExec(api.get())) {
      exec.handle(req, api.get(), (status, body) -> reply(req, new Reply(status, body)));
      return;
    }
    if (api.isPresent() && WatchBridge.isWatch(req, api.get())) {
      watches.watch(req, api.get());
      return;
    }
    req.body()
        .compose(body -> route(req, api, body))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            reply(req, ar.result());
          } else {
            LOG.log(Level.WARNING, "sandbox API server failed on " + req.method() + " " + req.uri(), ar.cause());
            reply(req, new Reply(500, Statuses.failure(500, "InternalError", String.valueOf(ar.cause()), null)));
          }
        });
  }

  /** Discovery, version and OpenAPI; true if answered. */
  private boolean answerOutsideTheMock(HttpServerRequest req, String path) {
    Optional<ObjectNode> doc = discovery.document(path, serverAddress);
    if (doc.isPresent()) {
      reply(req, new Reply(200, doc.get()));
      return true;
    }
    if (path.equals("/openapi/v2")) {
      // An empty OpenAPI v2 document (client-go asks for protobuf; empty is a valid empty
      // message): no schemas, so helm's validation finds none and skips, as for any kind
      // without a schema. Its content type must parse as a MIME type, which the real one
      // (with '@') does not in Go.
      req.response().setStatusCode(200).putHeader(CONTENT_TYPE, "application/octet-stream").end();
      return true;
    }
    if (path.startsWith("/openapi/")) {
      reply(req, new Reply(404, Statuses.failure(404, "NotFound",
          "the sandbox API server serves no OpenAPI v3 documents", null)));
      return true;
    }
    return false;
  }

  private Future<Reply> route(HttpServerRequest req, Optional<ApiPath> api, Buffer body) {
    HttpMethod method = req.method();
    String uri = req.uri();
    if (api.isEmpty()) {
      return mock.send(method, uri, req.getHeader(CONTENT_TYPE), body).map(a -> fix(null, method, a));
    }
    ApiPath p = api.get();
    String contentType = Optional.ofNullable(req.getHeader(CONTENT_TYPE)).orElse(JSON);
    if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      return mock.send(method, uri, null, null).map(a -> fix(p, method, a));
    }
    if (method == HttpMethod.DELETE) {
      boolean orphan = orphansDependents(req, contentType, body);
      return serially(() -> delete(p, uri, orphan));
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
      return serially(() -> mock.send(method, uri, JSON, buffer(object)).map(a -> fix(p, method, a)));
    }
    if (method == HttpMethod.PATCH) {
      return patch(p, uri, contentType, body);
    }
    return Future.succeededFuture(new Reply(405, Statuses.failure(405, "MethodNotAllowed",
        method + " is not supported", p)));
  }

  private Future<Reply> patch(ApiPath p, String uri, String contentType, Buffer body) {
    String type = contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith(JSON_PATCH)) {
      return serially(() -> mock.send(HttpMethod.PATCH, uri, JSON_PATCH, body).map(a -> fix(p, HttpMethod.PATCH, a)));
    }
    if (!type.startsWith(MERGE_PATCH) && !type.startsWith(STRATEGIC_MERGE_PATCH)) {
      return Future.succeededFuture(new Reply(415, Statuses.failure(415, "UnsupportedMediaType",
          "the sandbox API server takes JSON patch, merge patch and strategic merge patch, not " + contentType
              + " (server-side apply is not supported)", p)));
    }
    JsonNode patch;
    try {
      patch = json.readTree(body.getBytes());
    } catch (IOException e) {
      return Future.succeededFuture(new Reply(400, Statuses.failure(400, "BadRequest",
          "the patch is not JSON: " + e.getMessage(), p)));
    }
    boolean strategic = type.startsWith(STRATEGIC_MERGE_PATCH);
    return serially(() -> readPatchWrite(p, patch, strategic));
  }

  /** A merge or strategic merge patch: read the object, patch it here, write it back whole. */
  private Future<Reply> readPatchWrite(ApiPath p, JsonNode patch, boolean strategic) {
    return mock.get(p.objectPath()).compose(current -> {
      if (current.status() != 200) {
        return Future.succeededFuture(fix(p, HttpMethod.PATCH, current));
      }
      JsonNode live = mock.tree(current.body());
      JsonNode patched = strategic ? Patches.strategicMergePatch(live, patch) : Patches.mergePatch(live, patch);
      if (!patched.isObject()) {
        return Future.succeededFuture(new Reply(422, Statuses.failure(422, "Invalid",
            "the patch does not leave an object", p)));
      }
      ObjectNode object = (ObjectNode) patched;
      if (!object.path("metadata").has("resourceVersion")) {
        object.withObjectProperty("metadata").set("resourceVersion", live.path("metadata").path("resourceVersion"));
      }
      normalise(p, object);
      if (p.isStatus()) {
        return mock.send(HttpMethod.PUT, p.statusPath(), JSON, buffer(object)).map(a -> fix(p, HttpMethod.PATCH, a));
      }
      if (hasStatusSubresource(p)) {
        keepStatus(object, live);
      }
      return mock.send(HttpMethod.PUT, p.objectPath(), JSON, buffer(object)).map(a -> fix(p, HttpMethod.PATCH, a));
    });
  }

  /** A PUT of the main resource of a kind with a status subresource leaves the status alone. */
  private Future<Reply> putKeepingStatus(ApiPath p, String uri, ObjectNode object) {
    return mock.get(p.objectPath()).compose(current -> {
      if (current.status() == 200) {
        keepStatus(object, mock.tree(current.body()));
      }
      return mock.send(HttpMethod.PUT, uri, JSON, buffer(object)).map(a -> fix(p, HttpMethod.PUT, a));
    });
  }

  /** The delete, then (unless orphaned) the dependents of what it deleted. */
  private Future<Reply> delete(ApiPath p, String uri, boolean orphan) {
    // The client's body holds DeleteOptions; the mock ignores them, so none is sent on.
    return mock.delete(uri).compose(answer -> {
      Reply reply = fix(p, HttpMethod.DELETE, answer);
      if (answer.status() != 200 || p.isCollection() || orphan) {
        return Future.succeededFuture(reply);
      }
      return collector.deleteDependents(p.namespace(), reply.body().at("/metadata/uid").asText(""))
          .map(v -> reply);
    });
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
        throw new BadRequest(new Reply(415, Statuses.failure(415, "UnsupportedMediaType", e.getMessage(), null)));
      }
    }
    try {
      JsonNode node = json.readTree(body.getBytes());
      if (node == null || !node.isObject()) {
        throw new BadRequest(new Reply(400, Statuses.failure(400, "BadRequest", "the body is not a JSON object", null)));
      }
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new BadRequest(new Reply(400, Statuses.failure(400, "BadRequest",
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

  /** Makes the mock's answer look like the API server's. */
  private Reply fix(ApiPath p, HttpMethod method, MockServerClient.Answer answer) {
    // The mock answers patches with 202; the API server with 200.
    int code = answer.status() == 202 ? 200 : answer.status();
    JsonNode body = null;
    if (answer.body() != null && answer.body().length() > 0) {
      try {
        body = json.readTree(answer.body().getBytes());
      } catch (IOException e) {
        body = null;
      }
    }
    if (code >= 400) {
      if (body == null || !body.path("kind").asText().equals("Status")) {
        return new Reply(code, Statuses.failure(code, method, p));
      }
      String reason = Statuses.reason(code, method);
      ObjectNode status = (ObjectNode) body;
      status.put("apiVersion", "v1");
      status.put("reason", reason);
      if (reason.equals("NotFound")) {
        status.put("message", Statuses.message(code, reason, p));
      }
      return new Reply(code, status);
    }
    if (body == null) {
      return new Reply(code, Statuses.success(code));
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

  private Buffer buffer(JsonNode node) {
    try {
      return Buffer.buffer(json.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
