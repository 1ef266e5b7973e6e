package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.BotProcess;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SignedSlack;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14's acceptance test, "nothing unauthenticated can exhaust the heap": the bot as its own
 * process with the heap it ships with ({@link BotProcess#JVM_FLAGS}, -Xmx128m) takes 100
 * concurrent unauthenticated ~1 MB bodies on the alert route and 200 sockets that never send a
 * byte. Meanwhile and afterwards a signed {@code /gim status} is answered within Slack's 3 s,
 * the process never ran out of memory and is still answering, and the server closes the idle
 * sockets within its (here shortened) idle timeout. Then the same flood with Alertmanager's
 * credentials: past the budget of bodies read at once, 503 with Retry-After, and the heap holds.
 * Loopback only; every loop bounded. Prints the figures.
 */
class HostileClientsTest {

  static final String SECRET = "hostile-signing-secret";
  static final int FLOODERS = 100;
  static final int FLOOD_BYTES = 1024 * 1024;
  static final int IDLERS = 200;
  static final Duration IDLE = Duration.ofSeconds(2);
  static final Duration READ = Duration.ofSeconds(4);

  /** The flood's figures, printed for the README and the issue. */
  record Flood(Map<String, Integer> outcomes, long maxHeapKb, long statusDuringMs, int statusDuring) {}

  @Test
  void aFloodOfUnauthenticatedBodiesAndIdleSocketsCostsNeitherTheHeapNorTheAnswer(@TempDir Path work)
      throws Exception {
    int port;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    try (FakeSlack slack = new FakeSlack(); SandboxBots sandbox = SandboxBots.start(work)) {
      String yaml = sandbox.config("hostile", SandboxWorld.Pace.TEST)
          .replace("channels: [" + SandboxWorld.CHANNEL + "]", "channels: [" + SandboxWorld.CHANNEL + ", C0GIMOPS]")
          + "slack:\n  botToken: xoxb-hostile\n  signingSecret: " + SECRET + "\n  apiUrl: '" + slack.apiUrl()
          + "'\n  httpPort: " + port + "\n  host: 127.0.0.1\n"
          + "  idleTimeout: " + IDLE.toSeconds() + "s\n  readTimeout: " + READ.toSeconds() + "s\n"
          + "alerts:\n  bearerToken: am-token\n";
      Path config = work.resolve("hostile.yaml");
      Files.writeString(config, yaml);
      Path log = work.resolve("hostile.log");
      try (BotProcess bot = BotProcess.start(config, log)) {
        bot.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        SignedSlack signed = new SignedSlack(port, SECRET, slack);
        awaitAnswering(signed);

        List<Socket> idle = openIdle(port);
        long idleOpenedAt = System.nanoTime();
        Flood flood = flood(bot, port, signed, null);

        // The idle sockets: closed by the server within its idle timeout (and its checker's tick).
        long waitMs = IDLE.toMillis() + 2000 - (System.nanoTime() - idleOpenedAt) / 1_000_000;
        if (waitMs > 0) {
          Thread.sleep(waitMs);
        }
        int closed = closedByServer(idle);

        // The same flood with Alertmanager's credentials: past the budget of bodies read at
        // once, 503 with Retry-After; those read are junk, 400.
        Flood authenticated = flood(bot, port, signed, "Bearer am-token");

        long t0 = System.nanoTime();
        HttpResponse<String> after = signed.send(signed.slashCommand("console-operator", "C0GIMOPS", "status"));
        long afterMs = (System.nanoTime() - t0) / 1_000_000;
        boolean oom = Files.readString(log).contains("OutOfMemoryError");

        System.out.printf(Locale.ROOT, "%nhostile clients against the bot process (%s)%n"
            + "  %d x %,d-byte unauthenticated bodies to /alerts/alertmanager: %s%n"
            + "  heap used at most (young + old, jstat): %,d KB of -Xmx128m; OutOfMemoryError in its log: %s%n"
            + "  signed /gim status during the flood: %d in %d ms; after both floods: %d in %d ms%n"
            + "  %d idle sockets: %d closed by the server within %d ms of opening (idle timeout %s)%n"
            + "  the same flood with Alertmanager's credentials: %s; heap at most %,d KB; status during it: %d in"
            + " %d ms%n",
            String.join(" ", BotProcess.JVM_FLAGS), FLOODERS, FLOOD_BYTES, flood.outcomes(), flood.maxHeapKb(),
            oom, flood.statusDuring(), flood.statusDuringMs(), after.statusCode(), afterMs, IDLERS, closed,
            IDLE.toMillis() + 2000, IDLE, authenticated.outcomes(), authenticated.maxHeapKb(),
            authenticated.statusDuring(), authenticated.statusDuringMs());

        assertThat(oom).as("OutOfMemoryError in the bot's log").isFalse();
        assertThat(flood.statusDuring()).isEqualTo(200);
        assertThat(flood.statusDuringMs()).isLessThan(3000);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(afterMs).isLessThan(3000);
        assertThat(flood.outcomes()).doesNotContainKey("200").doesNotContainKey("500");
        assertThat(closed).isEqualTo(IDLERS);
        assertThat(authenticated.statusDuring()).isEqualTo(200);
        assertThat(authenticated.statusDuringMs()).isLessThan(3000);
        assertThat(authenticated.outcomes().keySet()).allMatch(k -> k.equals("400") || k.equals("503"));
        idle.forEach(HostileClientsTest::quietly);
      }
    }
  }

  /** The bot answers a signed command (its identity read, its server up). */
  static void awaitAnswering(SignedSlack signed) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> signed.send(signed.slashCommand("console-operator", "C0GIMOPS", "status"))
            .statusCode() == 200);
  }

  static List<Socket> openIdle(int port) throws IOException {
    List<Socket> out = new ArrayList<>();
    for (int i = 0; i < IDLERS; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      out.add(s);
    }
    return out;
  }

  /** How many sockets the server has closed (a read sees the end of the stream, or a reset). */
  static int closedByServer(List<Socket> sockets) throws IOException {
    int closed = 0;
    for (Socket s : sockets) {
      s.setSoTimeout(50);
      try {
        if (s.getInputStream().read() == -1) {
          closed++;
        }
      } catch (SocketTimeoutException e) {
        // still open
      } catch (IOException e) {
        closed++;
      }
    }
    return closed;
  }

  /**
   * 100 clients at once, each sending headers and then ~1 MB without credentials; while they
   * send, a signed {@code /gim status}; the bot's heap sampled with jstat throughout.
   */
  static Flood flood(BotProcess bot, int port, SignedSlack signed, String authorization) throws Exception {
    AtomicLong maxHeapKb = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    Thread sampler = new Thread(() -> {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // At least a few samples: refused at once, the flood may be over before jstat first answers.
      for (int n = 0; (n < 5 || done.getCount() > 0) && System.nanoTime() < deadline; n++) {
        maxHeapKb.accumulateAndGet(heapUsedKb(bot.pid()), Math::max);
      }
    }, "heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    ExecutorService pool = Executors.newFixedThreadPool(FLOODERS);
    Map<String, Integer> outcomes = new ConcurrentHashMap<>();
    CountDownLatch sending = new CountDownLatch(FLOODERS);
    try {
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < FLOODERS; i++) {
        all.add(pool.submit(() -> outcomes.merge(oneFlooder(port, sending, authorization), 1, Integer::sum)));
      }
      sending.await(20, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      int status;
      try {
        status = signed.send(signed.slashCommand("console-operator", "C0GIMOPS", "status")).statusCode();
      } catch (RuntimeException e) {
        status = -1;
      }
      long statusMs = (System.nanoTime() - t0) / 1_000_000;
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
      done.countDown();
      sampler.join(30_000);
      return new Flood(new TreeMap<>(outcomes), maxHeapKb.get(), statusMs, status);
    } finally {
      done.countDown();
      pool.shutdownNow();
      sampler.join(5000);
    }
  }

  /** One client (without credentials, or with): headers, then the body in 64 KiB writes; what it got back. */
  static String oneFlooder(int port, CountDownLatch sending, String authorization) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST /alerts/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
          + "Content-Length: " + FLOOD_BYTES + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      sending.countDown();
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      try {
        for (int sent = 0; sent < FLOOD_BYTES; sent += chunk.length) {
          out.write(chunk, 0, Math.min(chunk.length, FLOOD_BYTES - sent));
        }
        out.flush();
      } catch (IOException e) {
        // the server stopped reading (it answered already, and closed): read what it said
      }
      return statusOf(s.getInputStream());
    } catch (SocketTimeoutException e) {
      return "no answer in 30 s";
    } catch (IOException e) {
      return "connection reset";
    }
  }

  static String statusOf(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      line.append((char) c);
    }
    String[] parts = line.toString().split(" ");
    return parts.length > 1 ? parts[1] : "closed without an answer";
  }

  /** Young and old generation in use, from {@code jstat -gc} (KB). */
  static long heapUsedKb(long pid) {
    try {
      Process p = new ProcessBuilder("jstat", "-gc", Long.toString(pid)).redirectErrorStream(true).start();
      List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      p.waitFor(5, TimeUnit.SECONDS);
      if (lines.size() < 2) {
        return 0;
      }
      List<String> names = List.of(lines.get(0).trim().split("\\s+"));
      String[] values = lines.get(1).trim().split("\\s+");
      double kb = 0;
      for (String col : List.of("S0U", "S1U", "EU", "OU")) {
        int i = names.indexOf(col);
        if (i >= 0 && i < values.length) {
          kb += Double.parseDouble(values[i]);
        }
      }
      return (long) kb;
    } catch (IOException | RuntimeException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  static void quietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closed already
    }
  }
}
