package io.gimops.bot;

import io.gimops.bot.console.Console;
import io.gimops.bot.wiring.Bot;
import io.gimops.bot.wiring.BotConfig;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.Role;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
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
 * {@code gimops run --config FILE [--console]}: the bot against the clusters its configuration
 * names. Either prints one line {@code gimops ready in N ms ...} once it can take commands.
 * {@code gimops check-config FILE}: the configuration's problems, or a summary (exit 1 or 0).
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> a = List.of(args);
    PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
        StandardCharsets.UTF_8);
    if (!a.isEmpty() && a.get(0).equals("sandbox")) {
      // The sandbox is not part of the shipped artifact: its launcher lives in module launcher.
      System.err.println("gimops: the sandbox ships separately (gimops-sandbox-<version>.tar.gz, or ./gimops sandbox)");
      System.exit(2);
    } else if (a.get(0).equals("check-config") && a.size() == 2) {
      System.exit(checkConfig(Path.of(a.get(1)), System.getenv(), out));
    } else if (a.get(0).equals("run") && a.indexOf("--config") >= 0 && a.indexOf("--config") + 1 < a.size()) {
      run(Path.of(a.get(a.indexOf("--config") + 1)), a.contains("--console"), out);
    } else {
      System.err.println("usage: gimops run --config FILE [--console]\n"
          + "       gimops check-config FILE");
      System.exit(2);
    }
  }

  /**
   * {@code gimops check-config FILE}: every problem of the configuration (its line, key path and
   * what to write instead) and exit status 1, or a summary of what it sets up and 0. Nothing is
   * started; the catalog's sources are read.
   */
  public static int checkConfig(Path file, Map<String, String> env, PrintStream out) {
    return io.gimops.bot.wiring.ConfigCheck.run(file, env, out);
  }

  private static void run(Path configFile, boolean withConsole, PrintStream out) throws Exception {
    // Everything check-config checks, before anything starts: each mistake said, no stack trace.
    io.gimops.bot.wiring.ConfigCheck.Outcome checked;
    try {
      checked = io.gimops.bot.wiring.ConfigCheck.check(Files.readString(configFile), System.getenv());
    } catch (IOException e) {
      System.err.println("gimops: cannot read configuration " + configFile + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    if (!checked.problems().isEmpty()) {
      System.err.println(io.gimops.bot.wiring.ConfigReader.message("configuration " + configFile, checked.problems()));
      System.exit(1);
    }
    BotConfig config = checked.config().orElseThrow();
    // Before anything connects (and logs much): the configuration's format and levels.
    io.gimops.bot.wiring.LogSetup.apply(config.logging());
    Path work = Files.createTempDirectory("gimops-");
    Bot bot = Bot.start(config, work, Clock.systemUTC(), Optional.empty());
    CountDownLatch stopped = new CountDownLatch(1);
    // SIGTERM (the kubelet's stop): refuse new work, give a running helm call shutdownGrace,
    // release the Lease, then exit 0 (a shutdown hook alone would end the JVM with 143). The hook
    // stays for SIGINT and System.exit; the stop runs once either way.
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop = () -> {
      if (once.compareAndSet(false, true)) {
        try {
          bot.stop(config.shutdownGraceOrDefault());
        } finally {
          stopped.countDown();
        }
      } else {
        // A second caller (hook or signal) waits for the first stop rather than ending the JVM under it.
        try {
          stopped.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("TERM"), sig -> {
        Thread t = new Thread(() -> {
          stop.run();
          System.exit(0);
        }, "gimops-sigterm");
        // The signal's own thread is a daemon, and so would this one be: the JVM must wait for it.
        t.setDaemon(false);
        t.start();
      });
    } catch (IllegalArgumentException e) {
      System.err.println("gimops: no SIGTERM handler here (" + e.getMessage() + "); the shutdown hook stops the bot");
    }
    Runtime.getRuntime().addShutdownHook(new Thread(stop, "gimops-shutdown"));
    bot.awaitElection(Duration.ofSeconds(5));
    out.println(ready(bot));
    if (withConsole) {
      Map<String, Actor> people = new LinkedHashMap<>();
      String env = config.environments().get(0).name();
      String start = null;
      for (Map.Entry<String, BotConfig.Grants> g : config.access().entrySet()) {
        for (Map.Entry<String, String> u : g.getValue().users().orElse(Map.of()).entrySet()) {
          people.putIfAbsent(u.getKey(), Actor.of(u.getKey(), u.getKey()));
          if (start == null && u.getValue().equals(Role.OPERATOR.id())) {
            start = u.getKey();
          }
        }
      }
      if (people.isEmpty()) {
        throw new IllegalArgumentException("the console needs at least one user in the access section");
      }
      String channel = config.environments().get(0).channels().flatMap(c -> c.stream().findFirst()).orElse("console");
      try (Console console = new Console(bot.orchestrator(), env, people,
          start == null ? people.keySet().iterator().next() : start, Map.of(env, channel), Optional.empty(),
          out::print, Clock.systemUTC())) {
        repl(console, out);
      }
      System.exit(0);
    } else {
      stopped.await();
    }
  }

  /** Reads commands from stdin until quit, exit or end of input (the sandbox's launcher uses it too). */
  public static void repl(Console console, PrintStream out) throws IOException {
    out.print(console.banner());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String t = line.strip();
      if (t.equals("quit") || t.equals("exit")) {
        return;
      }
      out.print(console.handle(t));
    }
  }

  /** The one line that says the bot takes commands; tests and the sandbox's launcher wait for it. */
  public static String ready(Bot bot) {
    return "gimops ready in " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms (bot started in "
        + bot.startup().toMillis() + " ms): replica " + bot.config().replicaName()
        + (bot.isLeading() ? " leads" : " stands by" + bot.leader().map(l -> " (" + l + " leads)").orElse(""));
  }
}
