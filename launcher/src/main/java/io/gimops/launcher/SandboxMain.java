package io.gimops.launcher;

import io.gimops.bot.Main;
import io.gimops.bot.console.Console;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.wiring.Bot;
import io.gimops.bot.wiring.BotConfig;
import io.gimops.policies.domain.Actor;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * The sandbox's entry point, kept out of the bot so that the shipped artifact carries no sandbox
 * class. {@code sandbox [work-dir]}: the embedded cluster and the bot with the console.
 * {@code cluster [work-dir]}: only the cluster (API server, controller, charts installed); it
 * writes {@code kubeconfig} and {@code bot.yaml} into the work directory so that the
 * distribution, helm and kubectl can be pointed at it, and runs until SIGTERM or Ctrl-C.
 */
public final class SandboxMain {

  private SandboxMain() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    String command = a.isEmpty() ? "sandbox" : a.get(0);
    Path work = (a.size() > 1 ? Path.of(a.get(1)) : Path.of(".sandbox")).toAbsolutePath();
    Files.createDirectories(work);
    if (command.equals("sandbox")) {
      sandbox(work, out);
    } else if (command.equals("cluster")) {
      cluster(work, out);
    } else {
      System.err.println("usage: gimops sandbox [work-dir]\n       gimops sandbox --cluster [work-dir]");
      System.exit(2);
    }
  }

  private static void sandbox(Path work, PrintStream out) throws Exception {
    SandboxLogging.toFile(work.resolve("gimops.log"));
    out.println("Starting the sandbox: an embedded Kubernetes API, GIM, GSP and GCA installed with the real helm...");
    try (SandboxWorld world = SandboxWorld.start(work, Duration.ofSeconds(1))) {
      BotConfig config = BotConfig.parse(slackInTheSandbox(world.configYaml())
          + "audit: '" + work.resolve("audit.jsonl") + "'\n");
      Bot bot = Bot.start(config, work, Clock.systemUTC(), Optional.empty());
      bot.awaitElection(Duration.ofSeconds(30));
      out.println(Main.ready(bot) + " (log: " + work.resolve("gimops.log") + ", audit trail: "
          + work.resolve("audit.jsonl") + ")");
      Map<String, Actor> people = new LinkedHashMap<>();
      people.put("viewer", Actor.of("console-viewer", "you (viewer)"));
      people.put("operator", Actor.of("console-operator", "you (operator)"));
      people.put("admin", Actor.of("console-admin", "you (admin)"));
      people.put("admin2", Actor.of("console-admin2", "a second admin"));
      try (Console console = new Console(bot.orchestrator(), SandboxWorld.ENVIRONMENT, people, "operator",
          Map.of(SandboxWorld.ENVIRONMENT, SandboxWorld.CHANNEL), Optional.of(world), out::print, Clock.systemUTC())) {
        Main.repl(console, out);
      }
      out.println("Stopping the sandbox...");
      bot.stop(Duration.ofSeconds(10));
    }
  }

  private static void cluster(Path work, PrintStream out) throws IOException, InterruptedException {
    SandboxLogging.toFile(work.resolve("cluster.log"));
    SandboxWorld world = SandboxWorld.start(work, Duration.ofSeconds(1));
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      world.close();
      stop.countDown();
    }, "sandbox-cluster-stop"));
    Path kubeconfig = work.resolve("kubeconfig");
    Files.copy(world.api().kubeconfig(), kubeconfig, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Path botYaml = work.resolve("bot.yaml");
    Files.writeString(botYaml, clusterBotYaml(world.configYaml(SandboxWorld.Pace.TEST), kubeconfig));
    out.println("sandbox cluster ready: kubeconfig " + kubeconfig + ", bot configuration " + botYaml
        + " (Ctrl-C stops it)");
    stop.await();
  }

  /**
   * The sandbox's bot configuration for a bot in another process: the copied kubeconfig, and no
   * simulated metrics (they are computed inside the bot's process by a sandbox class the shipped
   * artifact lacks), so the bot runs as it would in production without Prometheus.
   */
  static String clusterBotYaml(String yaml, Path kubeconfig) {
    StringBuilder b = new StringBuilder();
    for (String line : yaml.split("\n", -1)) {
      if (line.startsWith("metrics: ") || line.startsWith("metricsInterval: ")) {
        continue;
      }
      if (line.startsWith("kubeconfig: ")) {
        line = "kubeconfig: '" + kubeconfig.toString().replace("'", "''") + "'";
      }
      b.append(line).append('\n');
    }
    return b.toString().stripTrailing() + "\nslack:\n  host: 127.0.0.1\n";
  }

  /**
   * With Slack tokens set, the sandbox talks to a real workspace: its environment also takes
   * commands from {@code GIMOPS_SANDBOX_CHANNEL} and grants {@code GIMOPS_SANDBOX_ADMINS} (Slack
   * user ids, comma-separated) the admin role. The HTTP endpoint listens on loopback only.
   */
  static String slackInTheSandbox(String yaml) {
    String out = yaml + "slack:\n  host: 127.0.0.1\n";
    String channel = System.getenv("GIMOPS_SANDBOX_CHANNEL");
    if (channel != null && channel.matches("[A-Z0-9]+")) {
      out = out.replace("channels: [" + SandboxWorld.CHANNEL + "]", "channels: [" + SandboxWorld.CHANNEL + ", " + channel + "]");
    }
    String admins = System.getenv("GIMOPS_SANDBOX_ADMINS");
    if (admins != null) {
      StringBuilder extra = new StringBuilder();
      for (String id : admins.split(",")) {
        if (id.strip().matches("[A-Z0-9]+")) {
          extra.append("      ").append(id.strip()).append(": admin\n");
        }
      }
      out = out.replace("      console-admin2: admin\n", "      console-admin2: admin\n" + extra);
    }
    return out;
  }
}
