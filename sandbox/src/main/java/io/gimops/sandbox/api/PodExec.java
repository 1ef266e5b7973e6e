package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pods/<name>/exec} as the API server serves it over a WebSocket to fabric8 and kubectl:
 *
 * <ol>
 *   <li>The request is a WebSocket upgrade asking for the channel protocol
 *       ({@code v4.channel.k8s.io}, or {@code v5.channel.k8s.io}, which frames the server's side
 *       the same way); anything else (SPDY, a plain GET) is refused with 400, as the API server
 *       refuses what it cannot upgrade.
 *   <li>The pod must exist (404), be Running (400 "container not running") and have the
 *       container asked for ({@code container=}, else its only one; 400).
 *   <li>The command ({@code command=} repeated) runs as {@link GimEntrypoint} scripts it. Each
 *       chunk of output is a binary message whose first byte is its channel, 1 stdout or 2 stderr;
 *       then channel 3 carries a {@code Status}: {@code Success}, or {@code Failure} with reason
 *       {@code NonZeroExitCode} and the exit code as the cause {@code ExitCode}, which is where
 *       clients read it. The server then closes the WebSocket normally.
 * </ol>
 */
final class PodExec {

  private static final System.Logger LOG = System.getLogger(PodExec.class.getName());
  static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
  private static final byte STDOUT = 1;
  private static final byte STDERR = 2;
  private static final byte ERROR = 3;

  private final MockServerClient mock;
  private final ObjectMapper json;

  PodExec(MockServerClient mock, ObjectMapper json) {
    this.mock = mock;
    this.json = json;
  }

  static boolean isExec(ApiPath p) {
    return p.group().isEmpty() && p.plural().equals("pods") && !p.name().isEmpty() && p.subresource().equals("exec");
  }

  /** Serves one exec request; {@code refuse} answers an HTTP error with a Status body. */
  void handle(HttpServerRequest req, ApiPath p, Refusal refuse) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    String asked = String.valueOf(req.getHeader("Sec-WebSocket-Protocol"));
    if (upgrade == null || !upgrade.equalsIgnoreCase("websocket") || PROTOCOLS.stream().noneMatch(asked::contains)) {
      refuse.reply(400, Statuses.failure(400, "BadRequest", "the sandbox API server runs exec over a WebSocket with"
          + " the channel protocol (" + String.join(" or ", PROTOCOLS) + ") only, not SPDY", p));
      return;
    }
    List<String> command = req.params().getAll("command");
    String wanted = req.getParam("container");
    req.pause();
    mock.get(p.objectPath()).onComplete(ar -> {
      if (ar.failed() || ar.result().status() != 200) {
        req.resume();
        int code = ar.failed() ? 500 : ar.result().status();
        refuse.reply(code == 404 ? 404 : 500, code == 404 ? Statuses.failure(404, "NotFound",
            "pods \"" + p.name() + "\" not found", p) : Statuses.failure(500, "InternalError",
            "could not read pod " + p.name(), p));
        return;
      }
      JsonNode pod = mock.tree(ar.result().body());
      List<String> containers = new ArrayList<>();
      pod.path("spec").path("containers").forEach(c -> containers.add(c.path("name").asText()));
      String container = wanted != null ? wanted : containers.size() == 1 ? containers.get(0) : null;
      String problem = container == null
          ? "a container name must be specified for pod " + p.name() + ", choose one of: " + containers
          : !containers.contains(container)
              ? "container " + container + " is not valid for pod " + p.name()
              : !"Running".equals(pod.path("status").path("phase").asText())
                  ? "unable to upgrade connection: container not found (\"" + container + "\")" : null;
      if (problem != null) {
        req.resume();
        refuse.reply(400, Statuses.failure(400, "BadRequest", problem, p));
        return;
      }
      Map<String, String> labels = new HashMap<>();
      pod.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      GimEntrypoint.Run run = GimEntrypoint.run(command, labels, container);
      req.toWebSocket().onSuccess(ws -> answer(ws, command, run))
          .onFailure(e -> LOG.log(Level.WARNING, "exec upgrade of " + req.uri() + " failed", e));
      req.resume();
    });
  }

  private void answer(ServerWebSocket ws, List<String> command, GimEntrypoint.Run run) {
    // A client's frames (stdin, v5's close channel) have nowhere to go: the script reads nothing.
    ws.binaryMessageHandler(b -> { });
    ws.textMessageHandler(t -> { });
    for (GimEntrypoint.Output o : run.output()) {
      ws.writeBinaryMessage(frame(o.stderr() ? STDERR : STDOUT, o.text()));
    }
    ws.writeBinaryMessage(frame(ERROR, status(command, run.exitCode())));
    ws.close((short) 1000, "exec done");
  }

  private String status(List<String> command, int exitCode) {
    ObjectNode s = json.createObjectNode();
    s.putObject("metadata");
    if (exitCode == 0) {
      s.put("status", "Success");
    } else {
      s.put("status", "Failure");
      s.put("message", "command terminated with non-zero exit code: error executing command " + command
          + ", exit code " + exitCode);
      s.put("reason", "NonZeroExitCode");
      ObjectNode cause = s.putObject("details").putArray("causes").addObject();
      cause.put("reason", "ExitCode");
      cause.put("message", Integer.toString(exitCode));
    }
    try {
      return json.writeValueAsString(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Buffer frame(byte channel, String text) {
    return Buffer.buffer().appendByte(channel).appendBytes(text.getBytes(StandardCharsets.UTF_8));
  }

  /** How the proxy answers an HTTP error. */
  @FunctionalInterface
  interface Refusal {
    void reply(int status, JsonNode body);
  }
}
