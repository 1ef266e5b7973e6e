package io.gimops.bot.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.servlet.SlackAppServlet;
import io.gimops.adapters.slack.SlackHttpServer;
import io.gimops.adapters.slack.SlackPoster;
import io.gimops.adapters.slack.SlackSignature;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.orchestrator.Request;
import io.gimops.bot.orchestrator.Submission;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.slack.SlackFrontEnd;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SignedSlack;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same signed {@code /gim status} load against this bot's Vert.x-hosted Bolt app and against
 * Bolt's own Jetty server ({@code bolt-jetty}'s servlet on Jetty 9, bound to loopback as this
 * machine requires), both on the same Bolt core and the same handler (the real front end over
 * the sandbox), at rest and while an upgrade cycle runs. Prints a table of phases, each
 * condition's phases pooled into one distribution, and what one acknowledgement costs each
 * server in CPU and allocation; bar: p99 under 50 ms under load, and better than Bolt on Jetty.
 *
 * <p>On this 2-core machine the load generator shares the cores with both servers, so the rate
 * flat out also measures how much CPU the scheduler gives each server's threads against wrk's;
 * the cost per acknowledgement, one request at a time, is the figure without that contention.
 *
 * <p>Under wrk two more figures say where a tail comes from: the machine's floor (the paced load
 * on each stack, answered by a handler that does nothing), and per acknowledgement how long the
 * server's threads waited runnable for a core ({@link Schedstat}). Measured while this was
 * written (instrumented by hand, not kept): in paced phases of ~8,000 req/s, at most 17 of some
 * 26,000 handler runs per phase on the Vert.x side took over 2 ms while wrk's p99 was 8-33 ms,
 * so the tail is time a request waits for its thread to be given a core, not time in the handler.
 */
@Tag("benchmark")
class SlackAckBenchmarkTest {

  static final String SECRET = "benchmark-signing-secret-0123456789";
  static final int CLIENTS = 16;
  static final Duration PHASE = Duration.ofSeconds(2);
  /** Phases per side and condition, alternating which side goes first. */
  static final int ROUNDS = 12;
  /**
   * The paced load: each connection waits this long between requests (16 connections, 4 ms:
   * ~3,300 req/s; 1 ms: ~8,000); {@code -Dbenchmark.paceMs=1} for the heavier one.
   */
  static final int PACE_MS = Integer.getInteger("benchmark.paceMs", 4);
  static final Duration WARMUP = Duration.ofSeconds(10);
  /** Rounds of warm-up per side, alternately: both JITs settle before anything is measured. */
  static final int WARMUP_ROUNDS = 3;

  /**
   * One phase on one server; {@code cpuNanos} and {@code waitNanos}: what the server's threads
   * (Vert.x's event loops, Jetty's pool) ran, and waited runnable for a core, meanwhile.
   */
  record Figures(String server, String when, long requests, double perSecond, double p50, double p99, long errors,
      java.util.NavigableMap<Long, Long> micros, long cpuNanos, long waitNanos) {}

  /** A load generator: one phase of signed {@code /gim status} against one server. */
  interface Loader {
    Run load(SignedSlack target, Duration d) throws Exception;
  }

  @Test
  void vertxHostedBoltAgainstBoltOnJetty(@TempDir Path work) throws Exception {
    compare(work, CLIENTS + " closed-loop clients in the test JVM (java.net.http)",
        Map.of("", SlackAckBenchmarkTest::load));
  }

  /**
   * The same, with the load from wrk in a process of its own (Debian's, fetched by
   * {@code tools/fetch-wrk.sh}): the generator no longer shares the servers' JVM, so what is
   * measured is more the servers and less the clients. wrk replays one request signed at the
   * start of each phase (valid for five minutes, and {@code status} changes nothing).
   */
  @Test
  void vertxHostedBoltAgainstBoltOnJettyUnderWrk(@TempDir Path work) throws Exception {
    Path wrk = io.gimops.sandbox.ProjectTools.fetch("fetch-wrk.sh", "wrk from Debian's packages (apt-get)");
    // Two loads: flat out (each connection sends its next request as soon as it has an answer),
    // and paced (each connection waits PACE_MS between requests, so both servers get about the
    // same request rate, well below saturation, as Slack's traffic always is).
    Map<String, Loader> loads = new java.util.LinkedHashMap<>();
    loads.put(", flat out", (target, d) -> wrk(wrk, work, target, d, 0));
    loads.put(", paced", (target, d) -> wrk(wrk, work, target, d, PACE_MS));
    // The machine's floor: the same paced load, on the same two stacks, answered by a handler
    // that does nothing (no signature, no Bolt): the latency neither server's work adds to.
    loads.put(FLOOR, (target, d) -> wrk(wrk, work, target, d, PACE_MS, floors.get(target)));
    compare(work, "wrk in its own process: 2 threads, " + CLIENTS + " connections", loads);
  }

  static final String FLOOR = ", paced, handler does nothing";

  /** Per server, where a handler that does nothing answers on the same stack (the floor). */
  private final Map<SignedSlack, String> floors = new java.util.HashMap<>();

  private void compare(Path work, String generator, Map<String, Loader> loads) throws Exception {
    Loader loader = loads.values().iterator().next();
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work)) {
      Bot bot = sandbox.botWithChannel("bench-bot", SandboxWorld.Pace.TEST.settling("60s"), "C0GIMOPS", "");
      SandboxBots.awaitLeading(bot);
      Orchestrator o = bot.orchestrator();
      SlackConfig sc = new SlackConfig();
      sc.setMethodsEndpointUrlPrefix(slack.apiUrl());
      Slack client = Slack.getInstance(sc);
      SlackPoster poster = new SlackPoster(client.methods("xoxb-bench"), Clock.systemUTC(), SlackPoster.Limits.SLACK);

      // Ours verifies before Bolt (SlackSignature), so Bolt's own check is left out (VerifiedApp).
      var vertxApp = new io.gimops.adapters.slack.VerifiedApp(AppConfig.builder().slack(client)
          .singleTeamBotToken("xoxb-bench").signingSecret(SECRET).build());
      SlackFrontEnd fe1 = new SlackFrontEnd(vertxApp, o, poster, Optional.empty(), Clock.systemUTC());
      // Both servers keep idle connections for the whole run (both close them after 30 s by
      // default): the in-JVM clients' pooled connections sit idle through minutes of wrk phases,
      // and Java's HttpClient sends a POST on a connection the server has just closed and fails it.
      Duration idle = Duration.ofMinutes(30);
      SlackHttpServer vertx = SlackHttpServer.start(bot.vertx(), vertxApp, new SlackSignature(SECRET, Clock.systemUTC()),
          "127.0.0.1", 0, new io.gimops.adapters.http.HttpGuard.Limits(
              io.gimops.adapters.http.HttpGuard.Limits.DEFAULT_CONCURRENT_BODY_BYTES, idle,
              io.gimops.adapters.http.HttpGuard.Limits.DEFAULT_READ_TIMEOUT), 64 * 1024,
          Integer.getInteger("gimops.slackWorkers", SlackHttpServer.DEFAULT_WORKERS), r -> { }, (r, g) -> { });

      App jettyApp = app(client);
      SlackFrontEnd fe2 = new SlackFrontEnd(jettyApp, o, poster, Optional.empty(), Clock.systemUTC());
      Server jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      connector.setIdleTimeout(idle.toMillis());
      jetty.addConnector(connector);
      ServletContextHandler handler = new ServletContextHandler();
      handler.addServlet(new ServletHolder(new SlackAppServlet(jettyApp)), "/slack/events");
      handler.addServlet(new ServletHolder(new NothingServlet()), "/floor");
      jetty.setHandler(handler);
      jetty.start();
      // The floor on Vert.x: deployed as the bot's server is (one instance per event loop, a
      // router), without an app; the route reads the body and answers.
      SlackHttpServer vertxFloor = SlackHttpServer.start(bot.vertx(), null, null, "127.0.0.1", 0, 64 * 1024, 1, r -> { },
          router -> router.post("/floor").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.response()
              .putHeader("Content-Type", "text/plain").end("ok"))));

      SignedSlack toVertx = new SignedSlack(vertx.port(), SECRET, slack);
      SignedSlack toJetty = new SignedSlack(connector.getLocalPort(), SECRET, slack);
      floors.put(toVertx, "http://127.0.0.1:" + vertxFloor.port() + "/floor");
      floors.put(toJetty, "http://127.0.0.1:" + connector.getLocalPort() + "/floor");
      List<Figures> table = new ArrayList<>();
      List<double[]> cost = new ArrayList<>();
      try {
        // Both JITs warm, alternately, before anything is measured.
        for (int i = 0; i < WARMUP_ROUNDS; i++) {
          loader.load(toVertx, WARMUP);
          loader.load(toJetty, WARMUP);
        }
        // What one acknowledgement costs each server, one request at a time (no contention).
        for (int i = 0; i < COST_ROUNDS; i++) {
          cost.add(costPerAck(toVertx));
          cost.add(costPerAck(toJetty));
        }
        // Each condition: short phases, alternating V J J V V J J V ..., so that neither a warm-up
        // drift nor the cycle's bursts (a helm process starting) favour one side.
        for (Map.Entry<String, Loader> l : loads.entrySet()) {
          interleave(table, "at rest" + l.getKey(), l.getValue(), toVertx, toJetty);
        }

        Actor operator = Actor.of("console-operator", "Olivia Operator");
        var op = ((Submission.Accepted) SandboxBots.join(o.submit(Request.of("bench-cycle", operator, "C0GIMOPS",
            SandboxWorld.ENVIRONMENT, new LifecycleRequest.UpgradeCycle())))).operation();
        SandboxBots.join(o.confirm(op.id(), "bench-confirm", operator, Confirmations.confirmedBy(operator)));
        for (Map.Entry<String, Loader> l : loads.entrySet()) {
          if (!l.getKey().equals(FLOOR)) {
            interleave(table, "during a cycle" + l.getKey(), l.getValue(), toVertx, toJetty);
          }
        }
        assertThat(o.operation(op.id()).orElseThrow().state().ended()).as("the cycle ran throughout").isFalse();
        SandboxBots.awaitState(o, op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
      } finally {
        jetty.stop();
        vertxFloor.close();
        vertx.close();
        fe1.close();
        fe2.close();
        poster.close();
      }
      StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
          "%nsigned /gim status, %s, %d s per phase, 2 cores, Bolt %s on both sides%n",
          generator, PHASE.toSeconds(), "1.45.4"));
      out.append(String.format(Locale.ROOT, "| %-18s | %-42s | %8s | %9s | %8s | %8s | %6s |%n", "server", "when",
          "requests", "req/s", "p50 ms", "p99 ms", "errors"));
      out.append("|--------------------|--------------------------------------------|----------|-----------|----------|----------|--------|\n");
      for (Figures f : table) {
        out.append(String.format(Locale.ROOT, "| %-18s | %-42s | %8d | %9.0f | %8.2f | %8.2f | %6d |%n", f.server(),
            f.when(), f.requests(), f.perSecond(), f.p50(), f.p99(), f.errors()));
      }
      // Every acknowledgement of the condition's phases in one distribution (a phase's p99 rests
      // on its 60-odd slowest requests, so one GC pause moves it; the pooled one does not), and
      // beside it the mean of the phases' own p99s.
      out.append("\nthe " + ROUNDS + " phases per side (interleaved V J J V ...) pooled: mean rate, percentiles of every"
          + " acknowledgement; the mean of the phases' p99s; and per acknowledgement, the CPU of the server's threads"
          + " (event loops, Jetty's pool) and how long they waited runnable for a core\n");
      for (String when : table.stream().map(Figures::when).distinct().toList()) {
        for (String server : List.of("Vert.x (this bot)", "Bolt on Jetty")) {
          List<Figures> f = table.stream().filter(x -> x.when().equals(when) && x.server().equals(server)).toList();
          java.util.NavigableMap<Long, Long> pooled = new java.util.TreeMap<>();
          f.forEach(x -> x.micros().forEach((v, c) -> pooled.merge(v, c, Long::sum)));
          long acks = Math.max(1, f.stream().mapToLong(Figures::requests).sum());
          out.append(String.format(Locale.ROOT,
              "  %-42s %-18s %8.0f req/s  p50 %5.2f  p99 %5.2f  p99.9 %6.2f ms   (mean of p99s %5.2f ms)"
                  + "  cpu %4.0f us, waited %4.0f us%n", when, server,
              f.stream().mapToDouble(Figures::perSecond).average().orElse(0), percentile(pooled, 0.50),
              percentile(pooled, 0.99), percentile(pooled, 0.999), f.stream().mapToDouble(Figures::p99).average().orElse(0),
              f.stream().mapToLong(Figures::cpuNanos).sum() / 1000.0 / acks,
              f.stream().mapToLong(Figures::waitNanos).sum() / 1000.0 / acks));
        }
      }
      out.append(String.format(Locale.ROOT, "%nserver cost per acknowledgement, one request at a time (%d x %d requests"
          + " per side; CPU time and bytes allocated by every thread of the JVM but the client's; a Jetty pool"
          + " thread that exits meanwhile is not counted, so Jetty's figures are lower bounds):%n", COST_ROUNDS,
          COST_REQUESTS));
      for (int side = 0; side < 2; side++) {
        int k = side;
        double[] cpu = java.util.stream.IntStream.range(0, cost.size()).filter(i -> i % 2 == k)
            .mapToDouble(i -> cost.get(i)[0]).sorted().toArray();
        double bytes = java.util.stream.IntStream.range(0, cost.size()).filter(i -> i % 2 == k)
            .mapToDouble(i -> cost.get(i)[1]).max().orElse(0);
        out.append(String.format(Locale.ROOT, "  %-18s CPU per ack: min %5.0f us, median %5.0f us; allocated %6.0f bytes%n",
            side == 0 ? "Vert.x (this bot)" : "Bolt on Jetty", cpu[0], cpu[cpu.length / 2], bytes));
      }
      System.out.println(out);
      assertThat(table).allMatch(f -> f.errors() == 0);
    }
  }

  static final int COST_ROUNDS = 3;
  static final int COST_REQUESTS = 5_000;

  /**
   * CPU microseconds and bytes allocated per acknowledgement, by every thread but the client's:
   * for each thread alive at the end, what it used since the start (or since it began). A thread
   * that ended meanwhile is not counted.
   */
  static double[] costPerAck(SignedSlack target) {
    var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    String body = target.slashCommand("console-operator", "C0GIMOPS", "status");
    Map<Long, long[]> before = serverThreads(mx);
    for (int i = 0; i < COST_REQUESTS; i++) {
      assertThat(target.send(body).statusCode()).isEqualTo(200);
    }
    long[] used = Schedstat.since(before, serverThreads(mx), 2);
    return new double[] {used[0] / 1000.0 / COST_REQUESTS, used[1] / (double) COST_REQUESTS};
  }

  /** CPU nanoseconds and bytes allocated so far, by thread id, of the live threads but the client's. */
  private static Map<Long, long[]> serverThreads(com.sun.management.ThreadMXBean mx) {
    Map<Long, long[]> used = new java.util.HashMap<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.getName().startsWith("HttpClient") && t != Thread.currentThread()) {
        used.put(t.getId(), new long[] {Math.max(0, mx.getThreadCpuTime(t.getId())),
            Math.max(0, mx.getThreadAllocatedBytes(t.getId()))});
      }
    }
    return used;
  }

  private static App app(Slack client) {
    return new App(AppConfig.builder().slack(client).singleTeamBotToken("xoxb-bench").signingSecret(SECRET).build());
  }

  /**
   * One phase's result: requests, their rate, latency percentiles in ms, errors, and every
   * latency as a histogram (microseconds to count) for pooling phases.
   */
  record Run(long requests, double perSecond, double p50, double p99, long errors,
      java.util.NavigableMap<Long, Long> micros) {

    static Run of(List<Long> nanos, long errors, Duration took) {
      java.util.NavigableMap<Long, Long> micros = new java.util.TreeMap<>();
      nanos.forEach(n -> micros.merge(n / 1000, 1L, Long::sum));
      return new Run(nanos.size(), nanos.size() / (took.toNanos() / 1e9), percentile(micros, 0.50),
          percentile(micros, 0.99), errors, micros);
    }
  }

  /** The q-quantile of a histogram of microseconds, in ms. */
  static double percentile(java.util.NavigableMap<Long, Long> micros, double q) {
    long total = micros.values().stream().mapToLong(Long::longValue).sum();
    long rank = (long) Math.ceil(q * total);
    long seen = 0;
    for (Map.Entry<Long, Long> e : micros.entrySet()) {
      seen += e.getValue();
      if (seen >= rank) {
        return e.getKey() / 1000.0;
      }
    }
    return micros.isEmpty() ? 0 : micros.lastKey() / 1000.0;
  }

  /** One phase of wrk against the target, parsed from its {@code --latency} report. */
  static Run wrk(Path wrk, Path work, SignedSlack target, Duration d, int paceMs) throws Exception {
    return wrk(wrk, work, target, d, paceMs, target.endpoint());
  }

  /** The same, sent to another URL (a signed body all the same). */
  static Run wrk(Path wrk, Path work, SignedSlack target, Duration d, int paceMs, String url) throws Exception {
    String body = target.slashCommand("console-operator", "C0GIMOPS", "status");
    Map<String, String> headers = target.signedHeaders(body);
    StringBuilder lua = new StringBuilder("wrk.method = \"POST\"\nwrk.body = \"" + body + "\"\n");
    lua.append("wrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\n");
    headers.forEach((k, v) -> lua.append("wrk.headers[\"").append(k).append("\"] = \"").append(v).append("\"\n"));
    if (paceMs > 0) {
      lua.append("function delay()\n  return ").append(paceMs).append("\nend\n");
    }
    // Every latency wrk recorded, as (microseconds, count) lines: latency(i) is the i-th distinct value.
    Path histogram = work.resolve("latency.txt");
    java.nio.file.Files.deleteIfExists(histogram);
    lua.append("function done(summary, latency, requests)\n  local f = io.open(\"").append(histogram)
        .append("\", \"w\")\n  for i = 1, #latency do\n    local v, c = latency(i)\n")
        .append("    f:write(string.format(\"%d %d\\n\", v, c))\n  end\n  f:close()\nend\n");
    Path script = work.resolve("status.lua");
    java.nio.file.Files.writeString(script, lua);
    Process p = new ProcessBuilder(wrk.toString(), "-t2", "-c" + CLIENTS, "-d" + d.toSeconds() + "s", "--latency",
        "-s", script.toString(), url).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(d.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("wrk failed:\n" + out);
    }
    long requests = Long.parseLong(find(out, "(\\d+) requests in"));
    double perSecond = Double.parseDouble(find(out, "Requests/sec:\\s+([\\d.]+)"));
    long non2xx = out.contains("Non-2xx") ? Long.parseLong(find(out, "Non-2xx or 3xx responses: (\\d+)")) : 0;
    long socket = 0;
    if (out.contains("Socket errors")) {
      var m = java.util.regex.Pattern.compile("connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
      if (m.find()) {
        for (int i = 1; i <= 4; i++) {
          socket += Long.parseLong(m.group(i));
        }
      }
    }
    java.util.NavigableMap<Long, Long> micros = new java.util.TreeMap<>();
    for (String line : java.nio.file.Files.readAllLines(histogram)) {
      String[] vc = line.trim().split("\\s+");
      micros.merge(Long.parseLong(vc[0]), Long.parseLong(vc[1]), Long::sum);
    }
    return new Run(requests, perSecond, millis(find(out, "\\s50%\\s+([\\d.]+\\w+)")),
        millis(find(out, "\\s99%\\s+([\\d.]+\\w+)")), non2xx + socket, micros);
  }

  private static String find(String text, String regex) {
    var m = java.util.regex.Pattern.compile(regex).matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("wrk's report has no " + regex + ":\n" + text);
    }
    return m.group(1);
  }

  /** wrk's "635.91us", "1.45ms", "1.02s" in milliseconds. */
  static double millis(String v) {
    if (v.endsWith("us")) {
      return Double.parseDouble(v.substring(0, v.length() - 2)) / 1000;
    }
    if (v.endsWith("ms")) {
      return Double.parseDouble(v.substring(0, v.length() - 2));
    }
    if (v.endsWith("s")) {
      return Double.parseDouble(v.substring(0, v.length() - 1)) * 1000;
    }
    throw new IllegalArgumentException("not a wrk duration: " + v);
  }

  private static Run load(SignedSlack target, Duration d) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    List<Long> all = Collections.synchronizedList(new ArrayList<>());
    AtomicLong errors = new AtomicLong();
    long end = System.nanoTime() + d.toNanos();
    long t0 = System.nanoTime();
    List<Future<?>> fs = new ArrayList<>();
    for (int c = 0; c < CLIENTS; c++) {
      fs.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          String body = target.slashCommand("console-operator", "C0GIMOPS", "status");
          long s = System.nanoTime();
          HttpResponse<String> r;
          try {
            r = target.send(body);
          } catch (IllegalStateException e) {
            // An error counted, as wrk counts one, not the end of the run.
            errors.incrementAndGet();
            continue;
          }
          long took = System.nanoTime() - s;
          if (r.statusCode() != 200 || !r.body().contains("in_channel")) {
            errors.incrementAndGet();
          }
          all.add(took);
        }
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    return Run.of(all, errors.get(), Duration.ofNanos(System.nanoTime() - t0));
  }

  private static void interleave(List<Figures> table, String when, Loader loader, SignedSlack toVertx,
      SignedSlack toJetty) throws Exception {
    for (int round = 0; round < ROUNDS; round++) {
      boolean vertxFirst = round % 2 == 0;
      for (int k = 0; k < 2; k++) {
        boolean v = (k == 0) == vertxFirst;
        String threads = v ? "vert.x-eventloop" : "qtp";
        var before = Schedstat.of(threads);
        Run r = loader.load(v ? toVertx : toJetty, PHASE);
        long[] used = Schedstat.since(before, Schedstat.of(threads), 2);
        table.add(new Figures(v ? "Vert.x (this bot)" : "Bolt on Jetty", when, r.requests(), r.perSecond(), r.p50(),
            r.p99(), r.errors(), r.micros(), used[0], used[1]));
      }
    }
  }

  /** Reads the body and answers: the floor under any handler, on Jetty. */
  static final class NothingServlet extends javax.servlet.http.HttpServlet {
    @Override
    protected void doPost(javax.servlet.http.HttpServletRequest req, javax.servlet.http.HttpServletResponse resp)
        throws java.io.IOException {
      req.getInputStream().readAllBytes();
      resp.setContentType("text/plain");
      resp.getWriter().write("ok");
    }
  }
}
