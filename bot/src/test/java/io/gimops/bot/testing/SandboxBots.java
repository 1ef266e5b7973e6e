package io.gimops.bot.testing;

import static org.awaitility.Awaitility.await;

import io.gimops.adapters.helm.HelmReleases;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.orchestrator.Submission;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.wiring.Bot;
import io.gimops.bot.wiring.BotConfig;
import io.gimops.sandbox.PinnedHelm;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A sandbox cluster with bots on it, for tests: the embedded API server, the controller, the
 * sample charts installed one release behind, and helm behind a wrapper that logs every
 * invocation to a file, so a test counts helm calls across bot instances and processes.
 */
public final class SandboxBots implements AutoCloseable {

  public static final Duration AWAIT = Duration.ofSeconds(120);

  private final Path work;
  private final SandboxWorld world;
  private final Path helmLog;
  private final Path helmWrapper;
  private final List<Bot> bots = new ArrayList<>();

  private SandboxBots(Path work, Optional<String> infoMart) {
    this.work = work;
    this.world = SandboxWorld.start(work.resolve("sandbox"), Duration.ofMillis(200), infoMart);
    this.helmLog = work.resolve("helm-calls.log");
    this.helmWrapper = work.resolve("helm-counting");
    try {
      Files.writeString(helmLog, "");
      Files.writeString(helmWrapper, "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '" + helmLog + "'\nexec '"
          + PinnedHelm.binary() + "' \"$@\"\n");
      Files.setPosixFilePermissions(helmWrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static SandboxBots start(Path work) {
    return new SandboxBots(work, Optional.empty());
  }

  /**
   * A sandbox whose GIM records its job runs in a real PostgreSQL ({@code LocalPostgres}'s URL),
   * and whose bots read them there as verification evidence ({@code environments[].postgres}).
   */
  public static SandboxBots withInfoMart(Path work, String jdbcUrl) {
    return new SandboxBots(work, Optional.of(jdbcUrl));
  }

  public SandboxWorld world() {
    return world;
  }

  /** The bot configuration for a replica at a pace: helm counted, the audit trail in a file. */
  public String config(String replica, SandboxWorld.Pace pace) {
    return world.configYaml(pace)
        .replace("replica: sandbox-bot", "replica: " + replica)
        .replace("  binary: '" + PinnedHelm.binary() + "'", "  binary: '" + helmWrapper + "'")
        + "audit: '" + auditFile() + "'\n";
  }

  public Path auditFile() {
    return work.resolve("audit.jsonl");
  }

  public Path writeConfig(String replica, SandboxWorld.Pace pace) {
    Path f = work.resolve(replica + ".yaml");
    try {
      Files.writeString(f, config(replica, pace));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  /** Starts a bot replica in this JVM (without Slack, whatever the environment says). */
  public Bot bot(String replica, SandboxWorld.Pace pace) {
    return bot(replica, pace, "");
  }

  /** Starts a bot whose sandbox environment also takes commands from a Slack channel. */
  public Bot botWithChannel(String replica, SandboxWorld.Pace pace, String channel, String moreYaml) {
    return botWithChannel(replica, pace, channel, moreYaml, null);
  }

  /** As above, and the operator role granted to a Slack user group. */
  public Bot botWithChannel(String replica, SandboxWorld.Pace pace, String channel, String moreYaml,
      String operatorGroup) {
    String yaml = config(replica, pace).replace("channels: [" + SandboxWorld.CHANNEL + "]",
        "channels: [" + SandboxWorld.CHANNEL + ", " + channel + "]");
    if (operatorGroup != null) {
      yaml = yaml.replace("      console-admin2: admin\n", "      console-admin2: admin\n    groups:\n      "
          + operatorGroup + ": operator\n");
    }
    return botFromYaml(replica, yaml + moreYaml);
  }

  /** Starts a bot replica in this JVM with more configuration (a {@code slack:} section, say). */
  public Bot bot(String replica, SandboxWorld.Pace pace, String moreYaml) {
    return botFromYaml(replica, config(replica, pace) + moreYaml);
  }

  /** Starts a bot replica in this JVM from a whole configuration (usually {@link #config} edited). */
  public Bot botFromYaml(String replica, String yaml) {
    return botFromYaml(replica, yaml, Clock.systemUTC());
  }

  /** As {@link #botFromYaml(String, String)}, on a clock of the test's (e.g. a {@link SteppedClock}). */
  public Bot botFromYaml(String replica, String yaml, Clock clock) {
    Bot b = Bot.start(BotConfig.parse(yaml), work.resolve(replica), clock, Optional.empty(),
        java.util.Map.of());
    bots.add(b);
    return b;
  }

  public static void awaitLeading(Bot bot) {
    await().atMost(Duration.ofSeconds(20)).until(bot::isLeading);
  }

  /** Every helm invocation so far, as its arguments. */
  public List<String> helmCalls() {
    try {
      return Files.readAllLines(helmLog).stream().filter(l -> !l.isBlank()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many times {@code helm upgrade --install <release>} ran. */
  public long upgradesOf(String release) {
    return helmCalls().stream().filter(c -> c.startsWith("upgrade --install " + release + " ")).count();
  }

  public ReleaseHistory history(String namespace, String release) {
    return new HelmReleases(world.api().client()).history(namespace, release);
  }

  public List<String> auditLines() {
    try {
      return Files.exists(auditFile()) ? Files.readAllLines(auditFile()) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code upgrade all} operation in the journal, read straight from its ConfigMap. */
  public Optional<Operation> journaledCycle() {
    return world.api().client().configMaps().inNamespace("gimops").list().getItems().stream()
        .map(c -> c.getData() == null ? null : c.getData().get("operation.json"))
        .filter(java.util.Objects::nonNull).map(io.gimops.bot.journal.OperationCodec::decode)
        .filter(o -> o.request() instanceof io.gimops.policies.decision.LifecycleRequest.UpgradeCycle)
        .findFirst();
  }

  /** Records every event an orchestrator publishes. */
  public static List<OperationEvent> record(Orchestrator o) {
    List<OperationEvent> events = new CopyOnWriteArrayList<>();
    o.subscribe(events::add);
    return events;
  }

  public static <T> T join(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static Operation accepted(Submission s) {
    if (s instanceof Submission.Accepted a) {
      return a.operation();
    }
    throw new AssertionError("expected an operation, got: " + ((Submission.Refused) s).message());
  }

  public static Operation awaitState(Orchestrator o, String id, OperationState... states) {
    List<OperationState> wanted = List.of(states);
    await().atMost(AWAIT).pollInterval(Duration.ofMillis(100)).until(() ->
        o.operation(id).map(op -> wanted.contains(op.state())).orElse(false));
    return o.operation(id).orElseThrow();
  }

  @Override
  public void close() {
    for (Bot b : bots) {
      try {
        b.stop(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        // keep closing the rest
      }
    }
    world.close();
  }
}
