package io.gimops.bot.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SignedSlack;
import io.gimops.bot.wiring.Bot;
import io.gimops.sandbox.kafka.LocalKafka;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alert storm: 10,000 alerts in 100 groups through the authenticated webhook, as Alertmanager
 * sends them (each group's notification repeats the group's alerts so far, ten notifications a
 * group), while signed {@code /gim status} commands keep coming. Figures: webhook ingestion
 * latency, command acknowledgement latency during the storm, every alert in the audit trail (the
 * local file and the Kafka stream of a real in-process broker), Slack's rate limits kept
 * (chat.postMessage about 1 per second per channel, chat.update Tier 3), and how soon each group
 * shows in the channel (a storm: one summary updated in place, each group listed in its thread).
 * That last figure is reported, not held to a bar here: the cycle's progress posts go first
 * (operations before alerts), and at the test pace they take most of the channel's one post a
 * second while the storm lasts. {@code AlertStormTest} holds it to 5 s.
 */
@Tag("benchmark")
class AlertStormBenchmarkTest {

  static final String SECRET = "storm-signing-secret";
  static final String TOKEN = "storm-bearer-token";
  static final String CHANNEL = "C0STORM";
  static final int GROUPS = 100;
  static final int PER_GROUP = 100;
  static final int NOTIFICATIONS_PER_GROUP = 10;
  static final int SENDERS = 4;

  @Test
  void tenThousandAlertsInAHundredGroups(@TempDir Path work) throws Exception {
    try (LocalKafka kafka = LocalKafka.start(); FakeSlack slack = new FakeSlack();
        SandboxBots sandbox = SandboxBots.start(work.resolve("sandbox"))) {
      String yaml = "slack:\n  botToken: xoxb-storm\n  signingSecret: " + SECRET + "\n  apiUrl: '" + slack.apiUrl()
          + "'\n  httpPort: 0\n  host: 127.0.0.1\nalerts:\n  bearerToken: " + TOKEN + "\n"
          + "kafka:\n  bootstrapServers: '" + kafka.bootstrapServers() + "'\n  eventsTopic: gimops-audit\n"
          + "  bufferCapacity: 100000\n";
      Bot bot = sandbox.botWithChannel("storm-bot", SandboxWorld.Pace.TEST.settling("15s"), CHANNEL, yaml);
      SandboxBots.awaitLeading(bot);
      int port = bot.slack().orElseThrow().httpPort().orElseThrow();
      SignedSlack commands = new SignedSlack(port, SECRET, slack);
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI webhook = URI.create("http://127.0.0.1:" + port + "/alerts/alertmanager");

      // Warm both paths a little (the JIT), then measure.
      for (int i = 0; i < 200; i++) {
        commands.send(commands.slashCommand("console-operator", CHANNEL, "status"));
      }
      int slackCallsBefore = slack.calls().size();

      // An upgrade cycle runs through the storm (GIM, GSP, GCA, each verified before the next).
      var o = bot.orchestrator();
      var operator = io.gimops.policies.domain.Actor.of("console-operator", "Olivia Operator");
      var cycle = ((io.gimops.bot.orchestrator.Submission.Accepted) SandboxBots.join(o.submit(
          io.gimops.bot.orchestrator.Request.of("storm-cycle", operator, CHANNEL, SandboxWorld.ENVIRONMENT,
              new io.gimops.policies.decision.LifecycleRequest.UpgradeCycle())))).operation();
      SandboxBots.join(o.confirm(cycle.id(), "storm-confirm", operator,
          io.gimops.policies.decision.Confirmations.confirmedBy(operator)));

      // Commands throughout the storm, one closed-loop client.
      AtomicBoolean storming = new AtomicBoolean(true);
      List<Long> commandNanos = Collections.synchronizedList(new ArrayList<>());
      List<Integer> commandErrors = Collections.synchronizedList(new ArrayList<>());
      Thread commander = new Thread(() -> {
        while (storming.get()) {
          String body = commands.slashCommand("console-operator", CHANNEL, "status");
          long s = System.nanoTime();
          HttpResponse<String> r = commands.send(body);
          commandNanos.add(System.nanoTime() - s);
          if (r.statusCode() != 200) {
            commandErrors.add(r.statusCode());
          }
        }
      }, "commander");
      commander.start();

      // The storm: notification k of group g carries alerts 0 .. 10k+9 of group g, firing.
      List<Long> ingestNanos = Collections.synchronizedList(new ArrayList<>());
      Map<Integer, Instant> firstSent = new java.util.concurrent.ConcurrentHashMap<>();
      List<Integer> ingestErrors = Collections.synchronizedList(new ArrayList<>());
      ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
      long t0 = System.nanoTime();
      List<Future<?>> fs = new ArrayList<>();
      for (int s = 0; s < SENDERS; s++) {
        int sender = s;
        fs.add(senders.submit(() -> {
          for (int k = 0; k < NOTIFICATIONS_PER_GROUP; k++) {
            for (int g = sender; g < GROUPS; g += SENDERS) {
              String body = notification(g, (k + 1) * PER_GROUP / NOTIFICATIONS_PER_GROUP).encode();
              HttpRequest req = HttpRequest.newBuilder(webhook).header("Authorization", "Bearer " + TOKEN)
                  .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
              firstSent.putIfAbsent(g, Instant.now());
              long st = System.nanoTime();
              HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
              ingestNanos.add(System.nanoTime() - st);
              if (r.statusCode() != 200) {
                ingestErrors.add(r.statusCode());
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      Duration storm = Duration.ofNanos(System.nanoTime() - t0);
      boolean cycleRanThroughout = !o.operation(cycle.id()).orElseThrow().state().ended();
      storming.set(false);
      commander.join();
      senders.shutdown();

      // Every alert audited: in the local trail and on the Kafka stream.
      Path auditFile = sandbox.auditFile();
      await().atMost(Duration.ofMinutes(2)).until(() -> distinctAlerts(Files.readAllLines(auditFile)) == GROUPS * PER_GROUP);
      Set<String> onKafka = new HashSet<>();
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "auto.offset.reset", "earliest", "group.id", "storm-reader", "max.poll.records", 5000),
          new StringDeserializer(), new StringDeserializer())) {
        c.subscribe(List.of("gimops-audit"));
        await().atMost(Duration.ofMinutes(2)).until(() -> {
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
            JsonObject rec = new JsonObject(r.value()).getJsonObject("record");
            if (rec != null && "alert".equals(rec.getString("kind"))) {
              onKafka.add(rec.getString("request"));
            }
          }
          return onKafka.size() == GROUPS * PER_GROUP;
        });
      }

      // Slack: every group shown in the channel (an alert storm: the summary or its thread).
      await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> firstShown(slack.calls()).size() >= GROUPS);
      Map<Integer, Instant> shown = firstShown(slack.calls());
      Instant lastShown = shown.values().stream().max(Instant::compareTo).orElseThrow();
      Duration drained = Duration.between(firstSent.values().stream().min(Instant::compareTo).orElseThrow(), lastShown);
      Duration slowestGroup = shown.entrySet().stream().map(e -> Duration.between(firstSent.get(e.getKey()),
          e.getValue())).max(Duration::compareTo).orElseThrow();
      List<FakeSlack.Call> calls = slack.calls().subList(slackCallsBefore, slack.calls().size());
      int maxPostsPerSecond = maxInWindow(calls, "chat.postMessage", Duration.ofSeconds(1));
      int maxUpdatesPerMinute = maxInWindow(calls, "chat.update", Duration.ofMinutes(1));
      long posts = calls.stream().filter(c -> c.method().equals("chat.postMessage")).count();
      long updates = calls.stream().filter(c -> c.method().equals("chat.update")).count();

      StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
          "%nalert storm: %d alerts in %d groups, %d notifications (%d alert entries) from %d senders, 2 cores%n",
          GROUPS * PER_GROUP, GROUPS, ingestNanos.size(), GROUPS * PER_GROUP * (NOTIFICATIONS_PER_GROUP + 1) / 2, SENDERS));
      out.append(String.format(Locale.ROOT, "  storm took %.1f s: %.0f notifications/s, %.0f alert entries/s%n",
          storm.toMillis() / 1000.0, ingestNanos.size() / (storm.toNanos() / 1e9),
          GROUPS * PER_GROUP * (NOTIFICATIONS_PER_GROUP + 1) / 2 / (storm.toNanos() / 1e9)));
      out.append(String.format(Locale.ROOT, "  webhook ingestion: p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d%n",
          pct(ingestNanos, 0.50), pct(ingestNanos, 0.99), pct(ingestNanos, 1.0), ingestErrors.size()));
      out.append(String.format(Locale.ROOT, "  /gim status during the storm: %d commands, p50 %.2f ms, p99 %.2f ms, max %.2f ms,"
          + " errors %d%n", commandNanos.size(), pct(commandNanos, 0.50), pct(commandNanos, 0.99), pct(commandNanos, 1.0),
          commandErrors.size()));
      out.append(String.format(Locale.ROOT, "  audit: %d distinct alerts in the local trail, %d on Kafka; stream lost %d%n",
          distinctAlerts(Files.readAllLines(auditFile)), onKafka.size(), bot.events().orElseThrow().stats().lost()));
      out.append(String.format(Locale.ROOT, "  Slack: %d chat.postMessage (max %d in any 1 s), %d chat.update (max %d in any"
          + " 60 s); all %d groups shown %.1f s after the storm began, each within %.1f s of its first notification%n",
          posts, maxPostsPerSecond, updates, maxUpdatesPerMinute, GROUPS, drained.toMillis() / 1000.0,
          slowestGroup.toMillis() / 1000.0));
      Instant began = firstSent.values().stream().min(Instant::compareTo).orElseThrow();
      out.append("  Slack calls to the channel, s after the storm began:");
      for (FakeSlack.Call c : calls) {
        if (c.method().startsWith("chat.") && CHANNEL.equals(c.param("channel"))) {
          java.util.regex.Matcher m = GROUP_NAME.matcher(c.param("text") + " " + c.param("blocks"));
          Set<String> named = new HashSet<>();
          while (m.find()) {
            named.add(m.group(1));
          }
          out.append(String.format(Locale.ROOT, " %s%s %.1f (%d groups named)", c.method().substring(5),
              c.param("thread_ts").isEmpty() ? "" : " in a thread", Duration.between(began, c.at()).toMillis() / 1000.0,
              named.size()));
        }
      }
      out.append(String.format(Locale.ROOT, "%n"));
      out.append(String.format(Locale.ROOT, "  an upgrade cycle ran %s the storm%n",
          cycleRanThroughout ? "throughout" : "during part of"));
      System.out.println(out);
      SandboxBots.awaitState(o, cycle.id(), io.gimops.bot.operation.OperationState.SUCCEEDED,
          io.gimops.bot.operation.OperationState.FAILED);

      assertThat(ingestErrors).isEmpty();
      assertThat(commandErrors).isEmpty();
      assertThat(onKafka).hasSize(GROUPS * PER_GROUP);
      assertThat(maxPostsPerSecond).as("chat.postMessage per channel per second").isLessThanOrEqualTo(2);
      assertThat(maxUpdatesPerMinute).as("chat.update, Tier 3").isLessThanOrEqualTo(50);
    }
  }

  private static final java.util.regex.Pattern GROUP_NAME = java.util.regex.Pattern.compile("Storm(\\d+)\\b");

  /** When each group was first named in the channel (a post or an update Slack took). */
  private static Map<Integer, Instant> firstShown(List<FakeSlack.Call> calls) {
    Map<Integer, Instant> first = new java.util.HashMap<>();
    for (FakeSlack.Call c : calls) {
      if (c.status() != 200 || !CHANNEL.equals(c.param("channel"))
          || !(c.method().equals("chat.postMessage") || c.method().equals("chat.update"))) {
        continue;
      }
      java.util.regex.Matcher m = GROUP_NAME.matcher(c.param("text") + " " + c.param("blocks"));
      while (m.find()) {
        first.putIfAbsent(Integer.parseInt(m.group(1)), c.at());
      }
    }
    return first;
  }

  private static JsonObject notification(int group, int alerts) {
    JsonArray list = new JsonArray();
    for (int i = 0; i < alerts; i++) {
      list.add(new JsonObject().put("status", "firing")
          .put("labels", new JsonObject().put("alertname", "Storm" + group).put("environment", SandboxWorld.ENVIRONMENT)
              .put("instance", "pod-" + i))
          .put("annotations", new JsonObject().put("summary", "storm alert " + i + " of group " + group))
          .put("startsAt", "2026-11-30T07:00:00Z").put("endsAt", "0001-01-01T00:00:00Z")
          .put("fingerprint", String.format(Locale.ROOT, "g%03d-a%03d", group, i)).put("generatorURL", ""));
    }
    return new JsonObject().put("version", "4").put("groupKey", "{}:{alertname=\"Storm" + group + "\"}")
        .put("status", "firing").put("receiver", "gimops")
        .put("groupLabels", new JsonObject().put("alertname", "Storm" + group))
        .put("commonLabels", new JsonObject().put("alertname", "Storm" + group)
            .put("environment", SandboxWorld.ENVIRONMENT))
        .put("externalURL", "http://alertmanager").put("alerts", list);
  }

  /** Distinct alerts (name and fingerprint) audited in the JSON-lines trail. */
  private static long distinctAlerts(List<String> lines) {
    return lines.stream().map(JsonObject::new).filter(j -> "alert".equals(j.getString("kind")))
        .map(j -> j.getString("request")).distinct().count();
  }

  private static int maxInWindow(List<FakeSlack.Call> calls, String method, Duration window) {
    List<Instant> at = calls.stream().filter(c -> c.method().equals(method) && c.status() == 200)
        .map(FakeSlack.Call::at).sorted().toList();
    int max = 0;
    int start = 0;
    for (int end = 0; end < at.size(); end++) {
      while (at.get(end).minus(window).isAfter(at.get(start)) || at.get(end).minus(window).equals(at.get(start))) {
        start++;
      }
      max = Math.max(max, end - start + 1);
    }
    return max;
  }

  private static double pct(List<Long> nanos, double p) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    if (sorted.isEmpty()) {
      return 0;
    }
    return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p))) / 1e6;
  }
}
