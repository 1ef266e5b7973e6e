package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.RequestType;
import io.gimops.adapters.alerts.AlertWebhook;
import io.gimops.adapters.alerts.AlertmanagerNotification;
import io.gimops.adapters.http.ClientFault;
import io.gimops.adapters.http.HttpGuard;
import io.gimops.adapters.slack.SlackHttpServer;
import io.gimops.adapters.slack.SlackSignature;
import io.gimops.adapters.slack.VerifiedApp;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SignedSlack;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 14 at the HTTP door, over real HTTP on loopback: every malformed request the client got
 * wrong is a 4xx whose JSON body says what is wrong (never a class name, never a 500), audited
 * once; a handler's bug is a 500 with a generic body and a logged stack trace; bodies are bounded
 * per route before they are read, by a budget across routes (503 + Retry-After), and in time
 * (slow bodies cut off); Alertmanager is refused before its body is read; Bolt's parser never
 * logs a signed body it cannot classify. Prints the status counts of a batch of malformed probes.
 */
class HttpGuardRailsTest {

  static final String SECRET = "guard-rails-secret";
  static final int SLACK_LIMIT = 64 * 1024;
  static final int ALERT_LIMIT = 200_000;
  static final long BUDGET = 300_000;
  static final Duration READ = Duration.ofMillis(1500);
  static final Duration IDLE = Duration.ofSeconds(4);
  static final Duration AWAIT = Duration.ofSeconds(10);

  static final FakeSlack slack = new FakeSlack();
  static final Vertx vertx = Vertx.vertx();
  static final List<SlackHttpServer.Rejection> rejections = new CopyOnWriteArrayList<>();
  static final List<AlertWebhook.Rejection> alertRejections = new CopyOnWriteArrayList<>();
  static final List<AlertmanagerNotification> taken = new CopyOnWriteArrayList<>();
  static final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  // Held: java.util.logging keeps loggers weakly.
  static final List<Logger> watched = new ArrayList<>();
  static SlackHttpServer server;
  static SignedSlack signed;
  static int port;

  @BeforeAll
  static void start() {
    SlackConfig config = new SlackConfig();
    config.setMethodsEndpointUrlPrefix(slack.apiUrl());
    config.setStatsEnabled(false);
    VerifiedApp app = new VerifiedApp(AppConfig.builder().slack(Slack.getInstance(config))
        .singleTeamBotToken("xoxb-guard").signingSecret(SECRET).build());
    app.command("/gim", (req, ctx) -> ctx.ack("ok " + req.getPayload().getText()));
    app.blockAction("press", (req, ctx) -> ctx.ack());
    // What the bot's handlers do with a click they cannot read: a client fault.
    app.blockAction("malformed", (req, ctx) -> {
      throw ClientFault.badRequest("the button's value is not an operation id: click a button the bot posted");
    });
    app.blockAction("buggy", (req, ctx) -> {
      throw new IllegalStateException("a bug at io.gimops.Secret.place");
    });
    HttpGuard.Limits limits = new HttpGuard.Limits(BUDGET, IDLE, READ);
    AlertWebhook.Credentials credentials = new AlertWebhook.Credentials(Optional.of("am-token"), Optional.empty(),
        Optional.empty());
    server = SlackHttpServer.start(vertx, app, new SlackSignature(SECRET, Clock.systemUTC()), "127.0.0.1", 0, limits,
        SLACK_LIMIT, 2, rejections::add, (router, guard) -> AlertWebhook.route(router, guard, credentials, ALERT_LIMIT,
            taken::add, alertRejections::add));
    port = server.port();
    signed = new SignedSlack(port, SECRET, slack);
    await().atMost(AWAIT).until(() -> app.answersWithoutWaiting(RequestType.BlockAction));
    for (String name : List.of("com.slack.api.bolt.util.SlackRequestParser", HttpGuard.class.getName())) {
      Logger l = Logger.getLogger(name);
      l.setLevel(Level.ALL);
      l.addHandler(new Handler() {
        @Override
        public void publish(LogRecord r) {
          logged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      });
      watched.add(l);
    }
  }

  @AfterAll
  static void stop() {
    server.close();
    vertx.close().toCompletionStage().toCompletableFuture().join();
    slack.close();
  }

  @BeforeEach
  void clear() {
    await().atMost(AWAIT).until(() -> server.guard().bodyBytesInFlight() == 0);
    rejections.clear();
    alertRejections.clear();
    logged.clear();
  }

  // ---- malformed input: 4xx with a message, never a 500 ----

  @Test
  void aTimestampBeyondAnyClockIs401NotA500() {
    String body = signed.slashCommand("U0OPS", "C0GIMOPS", "status");
    String ts = "99999999999999999";
    HttpResponse<String> r = signed.send(body, ts, signed.sign(ts, body), Map.of());
    assertThat(r.statusCode()).isEqualTo(401);
    // Past Instant's range, and so far in the future (SlackSignature compares epoch seconds).
    assertThat(error(r)).contains("in the future");
    awaitAudited(401, 1);
  }

  @Test
  void aSignedPayloadThatIsNotJsonIs400AndBoltLogsNothingOfIt() {
    for (String payload : List.of("not json at all", "{\"type\": \"block_actions\", ", "[1, 2]", "{\"no\": \"type\"}",
        "{\"type\": \"secret-carrying-kind\", \"token\": \"xoxb-leak\"}")) {
      HttpResponse<String> r = signed.send(form("payload", payload));
      assertThat(r.statusCode()).as(payload).isEqualTo(400);
      assertThat(error(r)).as(payload).containsAnyOf("payload is not JSON", "payload is not a JSON object",
          "payload has no type", "is not one gimops takes");
      assertNoInternals(r);
    }
    assertThat(signed.send("hello=world&what=else").statusCode()).isEqualTo(400);
    awaitAudited(400, 6);
    assertThat(logged).as("what Bolt's parser logged").noneMatch(l -> l.getLoggerName().contains("SlackRequestParser"));
  }

  @Test
  void aBlockActionsPayloadOfTheWrongShapeIs400() {
    JsonObject payload = new JsonObject().put("type", "block_actions").put("user", "not an object")
        .put("actions", "not a list");
    HttpResponse<String> r = signed.send(form("payload", payload.encode()));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r)).contains("cannot be read as Slack sends it");
    assertNoInternals(r);
  }

  @Test
  void aHandlersClientFaultIsItsStatusAndMessageAndABugIsALogged500() {
    HttpResponse<String> fault = signed.send(signed.buttonClick("U0OPS", "C0GIMOPS", "malformed", "x"));
    assertThat(fault.statusCode()).isEqualTo(400);
    assertThat(error(fault)).isEqualTo("the button's value is not an operation id: click a button the bot posted");
    awaitAudited(400, 1);

    HttpResponse<String> bug = signed.send(signed.buttonClick("U0OPS", "C0GIMOPS", "buggy", "x"));
    assertThat(bug.statusCode()).isEqualTo(500);
    assertThat(error(bug)).isEqualTo("the bot failed to handle the request; the failure is in its log");
    assertNoInternals(bug);
    await().atMost(AWAIT).until(() -> logged.stream().anyMatch(l -> l.getLevel() == Level.SEVERE
        && l.getThrown() instanceof IllegalStateException && l.getThrown().getStackTrace().length > 0));
  }

  @Test
  void aClickCarryingAWholeMessageLargerThanVertxsFormAttributeDefaultIsTaken() {
    HttpResponse<String> r = signed.send(bigClick());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** A click as Slack sends it, with the message the button is on: ~40 KB, far past Vert.x's 8,192 bytes. */
  static String bigClick() {
    String click = signed.buttonClick("U0OPS", "C0GIMOPS", "press", "op-1");
    String payload = java.net.URLDecoder.decode(click.substring("payload=".length()), StandardCharsets.UTF_8);
    return form("payload", new JsonObject(payload).put("message", new JsonObject().put("text", "y".repeat(40_000)))
        .encode());
  }

  @Test
  void alertBodiesThatAreEmptyNotJsonOrWronglyTypedAre400WithoutClassNames() throws Exception {
    JsonObject wrongType = notification().put("alerts", new JsonArray().add("not an object"));
    JsonObject wrongField = notification();
    wrongField.getJsonArray("alerts").getJsonObject(0).put("labels", "not an object");
    Map<String, String> probes = new java.util.LinkedHashMap<>();
    probes.put("", "empty");
    probes.put("{not json", "not valid JSON");
    probes.put("[1, 2, 3]", "not");
    probes.put("\"a string\"", "not");
    probes.put(wrongType.encode(), "alerts[0] is a string, not an alert object");
    probes.put(wrongField.encode(), "alerts[0].labels is a string");
    probes.put(notification().put("version", 3).encode(), "version 4");
    for (Map.Entry<String, String> p : probes.entrySet()) {
      Answer a = raw(alertRequest(p.getKey().getBytes(StandardCharsets.UTF_8), "Bearer am-token"));
      assertThat(a.status()).as(p.getKey()).isEqualTo(400);
      assertThat(a.body()).as(p.getKey()).contains(p.getValue());
      assertThat(a.body()).as(p.getKey()).doesNotContain("java.", "Exception", "io.vertx", "cannot be cast");
    }
    assertThat(raw(alertRequest(notification().encode().getBytes(StandardCharsets.UTF_8), "Bearer am-token")).status())
        .isEqualTo(200);
    await().atMost(AWAIT).until(() -> alertRejections.size() == probes.size());
    assertThat(alertRejections).allMatch(r -> r.status() == 400);
  }

  // ---- bounded before trusted ----

  @Test
  void alertmanagerWithoutCredentialsIs401BeforeItsBodyIsRead() throws Exception {
    // Headers announce 150 KB; none of it is sent: the answer cannot have waited for it.
    String head = "POST " + AlertWebhook.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 150000\r\n\r\n";
    long t0 = System.nanoTime();
    Answer a = raw(head.getBytes(StandardCharsets.US_ASCII), true);
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.headers()).containsIgnoringCase("WWW-Authenticate: Bearer");
    assertThat(a.closed()).as("connection closed, the body left unread").isTrue();
    // Answered at once, closed once the server stopped waiting for the body it drops (2 s).
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(READ.plusSeconds(3));
    Answer wrong = raw((head.replace("Host:", "Authorization: Bearer wrong\r\nHost:")).getBytes(StandardCharsets.US_ASCII));
    assertThat(wrong.status()).isEqualTo(401);
    await().atMost(AWAIT).until(() -> alertRejections.size() == 2);
  }

  @Test
  void eachRouteRefusesAnAnnouncedBodyOverItsOwnLimitAtOnceWithItsOwnLimitInTheMessage() throws Exception {
    String slackHead = "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded"
        + "\r\nContent-Length: " + (SLACK_LIMIT + 1) + "\r\n\r\n";
    Answer s = raw(slackHead.getBytes(StandardCharsets.US_ASCII));
    assertThat(s.status()).isEqualTo(413);
    assertThat(s.body()).contains(Integer.toString(SLACK_LIMIT));
    String alertHead = "POST " + AlertWebhook.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer am-token\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + (ALERT_LIMIT + 1) + "\r\n\r\n";
    Answer a = raw(alertHead.getBytes(StandardCharsets.US_ASCII));
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.body()).contains(Integer.toString(ALERT_LIMIT)).doesNotContain(Integer.toString(SLACK_LIMIT));
    awaitAudited(413, 1);
    await().atMost(AWAIT).until(() -> alertRejections.stream().anyMatch(r -> r.status() == 413));
  }

  @Test
  void aChunkedBodyIsCutOffWhenItPassesTheLimit() throws Exception {
    try (Socket socket = connect()) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = "a".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
      try {
        for (int i = 0; i < 10; i++) {
          out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
        }
      } catch (IOException e) {
        // cut off while sending
      }
      Answer a = read(socket, false);
      assertThat(a.status()).isEqualTo(413);
      assertThat(a.body()).contains(Integer.toString(SLACK_LIMIT));
    }
    awaitAudited(413, 1);
  }

  @Test
  void pastTheBudgetOfBodiesReadAtOnceANewRequestIs503WithRetryAfterAndTheBudgetComesBack() throws Exception {
    int size = 180_000;
    // One authenticated notification announced at 180 KB that sends half: it holds 180 KB of the 300 KB.
    try (Socket slow = connect()) {
      slow.getOutputStream().write(alertRequestHead(size, "Bearer am-token"));
      slow.getOutputStream().write(new byte[size / 2]);
      slow.getOutputStream().flush();
      await().atMost(AWAIT).until(() -> server.guard().bodyBytesInFlight() == size);

      Answer refused = raw(concat(alertRequestHead(size, "Bearer am-token"), new byte[size]));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.headers()).containsIgnoringCase("Retry-After: 1");
      assertThat(refused.body()).contains("retry in 1 s");
      // The webhook's share is 300 KB less the room kept for Slack (a quarter of the budget):
      // 225 KB. A second notification does not fit in it, though the budget has 120 KB left.
      Answer second = raw(concat(alertRequestHead(50_000, "Bearer am-token"), new byte[50_000]));
      assertThat(second.status()).isEqualTo(503);
      // Slack's commands still have their room.
      assertThat(signed.send(signed.slashCommand("U0OPS", "C0GIMOPS", "status")).statusCode()).isEqualTo(200);
      assertThat(signed.send(bigClick()).statusCode()).isEqualTo(200);
    }
    // The half-sent body's connection is gone: its reservation with it.
    await().atMost(AWAIT).until(() -> server.guard().bodyBytesInFlight() == 0);
    await().atMost(AWAIT).until(() -> alertRejections.stream().anyMatch(r -> r.status() == 503));
  }

  @Test
  void aBodyThatDoesNotArriveWithinTheReadTimeoutIsCutOff() throws Exception {
    try (Socket slow = connect()) {
      slow.getOutputStream().write(alertRequestHead(10_000, "Bearer am-token"));
      slow.getOutputStream().write("{\"version\":".getBytes(StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();
      long t0 = System.nanoTime();
      Answer a = read(slow, true);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(a.status()).isEqualTo(408);
      assertThat(a.body()).contains("did not arrive within");
      assertThat(a.closed()).isTrue();
      assertThat(ms).isBetween(READ.toMillis() - 200, READ.toMillis() + 3000);
    }
    await().atMost(AWAIT).until(() -> alertRejections.stream().anyMatch(r -> r.status() == 408));
  }

  @Test
  void aConnectionThatStopsHalfwayThroughItsHeadersIsClosedWithinTheReadTimeout() throws Exception {
    try (Socket silent = connect()) {
      silent.getOutputStream().write("POST /slack/events HTTP/1.1\r\nHost: 127".getBytes(StandardCharsets.US_ASCII));
      silent.getOutputStream().flush();
      silent.setSoTimeout((int) IDLE.toMillis() + 3000);
      long t0 = System.nanoTime();
      int read;
      try {
        read = silent.getInputStream().read();
      } catch (IOException e) {
        read = -1;
      }
      assertThat(read).isEqualTo(-1);
      // The read timeout (1.5 s), well before the idle timeout (4 s).
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(READ.plusSeconds(1));
    }
  }

  // ---- the figures ----

  /** A batch of malformed requests, each class sent 20 times: the status codes they got. */
  @Test
  void aBatchOfMalformedRequestsGetsOnly4xx() throws Exception {
    Map<String, Supplier<Integer>> probes = new java.util.LinkedHashMap<>();
    String cmd = signed.slashCommand("U0OPS", "C0GIMOPS", "status");
    probes.put("Slack timestamp 99999999999999999", () -> signed.send(cmd, "99999999999999999",
        signed.sign("99999999999999999", cmd), Map.of()).statusCode());
    probes.put("Slack signature forged", () -> signed.send(cmd, now(), "v0=" + "0".repeat(64), Map.of()).statusCode());
    probes.put("signed payload not JSON", () -> signed.send(form("payload", "{not json")).statusCode());
    probes.put("signed payload of unknown type", () -> signed.send(form("payload", "{\"type\":\"x\"}")).statusCode());
    probes.put("signed block_actions wrongly typed", () -> signed.send(form("payload",
        "{\"type\":\"block_actions\",\"actions\":\"x\"}")).statusCode());
    probes.put("signed body of no Slack kind", () -> signed.send("a=b").statusCode());
    probes.put("signed click of 40 KB (> Vert.x's 8 KiB form attribute)", () -> signed.send(bigClick()).statusCode());
    probes.put("Slack body over 64 KiB", () -> rawStatus(("POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: "
        + (SLACK_LIMIT + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
    probes.put("alert without credentials", () -> rawStatus(alertRequest(notification().encode()
        .getBytes(StandardCharsets.UTF_8), null)));
    probes.put("alert empty body", () -> rawStatus(alertRequest(new byte[0], "Bearer am-token")));
    probes.put("alert not JSON", () -> rawStatus(alertRequest("{x".getBytes(StandardCharsets.UTF_8), "Bearer am-token")));
    probes.put("alert field wrongly typed", () -> rawStatus(alertRequest(notification()
        .put("alerts", new JsonArray().add(1)).encode().getBytes(StandardCharsets.UTF_8), "Bearer am-token")));
    probes.put("alert body over its limit", () -> rawStatus(alertRequestHead(ALERT_LIMIT + 1, "Bearer am-token")));
    int each = 20;
    Map<String, Map<Integer, Integer>> counts = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, Supplier<Integer>> p : probes.entrySet()) {
      Map<Integer, Integer> c = new TreeMap<>();
      for (int i = 0; i < each; i++) {
        c.merge(p.getValue().get(), 1, Integer::sum);
      }
      counts.put(p.getKey(), c);
    }
    StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n| probe | sent | statuses |%n|---|---|---|%n"));
    counts.forEach((k, v) -> table.append(String.format(Locale.ROOT, "| %s | %d | %s |%n", k, each, v)));
    System.out.println(table);
    counts.forEach((k, v) -> assertThat(v.keySet()).as(k).allMatch(s -> k.contains("8 KiB") ? s == 200
        : s >= 400 && s < 500));
  }

  // ---- helpers ----

  record Answer(int status, String headers, String body, boolean closed) {}

  static String now() {
    return Long.toString(System.currentTimeMillis() / 1000);
  }

  static String form(String key, String value) {
    return key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  static String error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getString("error");
  }

  static void assertNoInternals(HttpResponse<String> r) {
    assertThat(r.body()).doesNotContain("java.", "Exception", "com.google", "io.gimops", "\tat ");
  }

  static void awaitAudited(int status, int count) {
    await().atMost(AWAIT).untilAsserted(() -> assertThat(rejections).filteredOn(r -> r.status() == status)
        .hasSize(count));
  }

  static JsonObject notification() {
    return new JsonObject().put("version", "4").put("groupKey", "{}").put("status", "firing").put("receiver", "gimops")
        .put("alerts", new JsonArray().add(new JsonObject().put("status", "firing").put("fingerprint", "fp-1")
            .put("labels", new JsonObject().put("alertname", "GimDown")).put("startsAt", "2026-12-04T10:00:00Z")));
  }

  static byte[] alertRequestHead(int contentLength, String authorization) {
    return ("POST " + AlertWebhook.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
        + "Content-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] alertRequest(byte[] body, String authorization) {
    return concat(alertRequestHead(body.length, authorization), body);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    s.setSoTimeout(10_000);
    return s;
  }

  static int rawStatus(byte[] request) {
    try {
      return raw(request).status();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Sends bytes as they are on a fresh connection; the answer. */
  static Answer raw(byte[] request) throws IOException {
    return raw(request, false);
  }

  /** As {@link #raw(byte[])}; with {@code awaitClose}, also whether the server then closed (within 4 s). */
  static Answer raw(byte[] request, boolean awaitClose) throws IOException {
    try (Socket s = connect()) {
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
      } catch (IOException e) {
        // answered and closed before all was sent: read the answer
      }
      return read(s, awaitClose);
    }
  }

  /** One HTTP/1.1 answer with a Content-Length body; then (with {@code awaitClose}) whether the connection ends. */
  static Answer read(Socket s, boolean awaitClose) throws IOException {
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int c = in.read();
      if (c == -1) {
        throw new IOException("closed before an answer: " + head);
      }
      head.write(c);
      matched = (c == "\r\n\r\n".charAt(matched)) ? matched + 1 : (c == '\r' ? 1 : 0);
    }
    String headers = head.toString(StandardCharsets.ISO_8859_1);
    int status = Integer.parseInt(headers.split(" ")[1]);
    int length = 0;
    for (String line : headers.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).strip());
      }
    }
    byte[] body = in.readNBytes(length);
    if (!awaitClose) {
      return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), false);
    }
    boolean closed;
    // The server reads and drops a refused body for up to HttpGuard.DRAIN_TIME (2 s) before it closes.
    s.setSoTimeout(4000);
    try {
      closed = in.read() == -1;
    } catch (SocketTimeoutException e) {
      closed = false;
    } catch (IOException e) {
      closed = true;
    }
    return new Answer(status, headers, new String(body, StandardCharsets.UTF_8), closed);
  }
}
