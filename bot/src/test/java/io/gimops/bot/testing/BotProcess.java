package io.gimops.bot.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The bot as its own process ({@code gimops run --config FILE --console}), for what only a real
 * process shows: {@code kill -9} at any moment, resident memory, time to ready. Its console is
 * driven through stdin; its stdout is kept line by line; its log goes to a file.
 */
public final class BotProcess implements AutoCloseable {

  /** The JVM flags the bot runs with (the same as the README's commands and the image). */
  public static final List<String> JVM_FLAGS = List.of("-Xmx128m", "-Xss512k", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=48m",
      "-Dfile.encoding=UTF-8");

  private final Process process;
  private final Writer stdin;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<Long> seenAt = new CopyOnWriteArrayList<>();
  private final long startedNanos;

  private BotProcess(Process process, long startedNanos) {
    this.process = process;
    this.startedNanos = startedNanos;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          seenAt.add(System.nanoTime());
          stdout.add(l);
        }
      } catch (IOException e) {
        // the process died; what it printed is kept
      }
    }, "bot-stdout-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code gimops run --config <config> --console} with the test's classpath. */
  public static BotProcess start(Path config, Path log) {
    return start(config, log, List.of());
  }

  /** As {@link #start(Path, Path)}, with more JVM flags (a class-data-sharing archive, say). */
  public static BotProcess start(Path config, Path log, List<String> moreFlags) {
    return start(config, log, moreFlags, System.getProperty("java.class.path"));
  }

  /**
   * The test's classpath with every directory packed into a jar under {@code dir}: class-data
   * sharing archives only classes from jars, as the bot's packaged form has them.
   */
  public static String jarsOnly(Path dir) {
    List<String> out = new ArrayList<>();
    int n = 0;
    try {
      Files.createDirectories(dir);
      for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
        Path p = Path.of(entry);
        if (!Files.isDirectory(p)) {
          out.add(entry);
          continue;
        }
        Path jar = dir.resolve("classes-" + (n++) + ".jar");
        try (java.util.jar.JarOutputStream j = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             java.util.stream.Stream<Path> files = Files.walk(p)) {
          for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
            j.putNextEntry(new java.util.jar.JarEntry(p.relativize(f).toString().replace('\\', '/')));
            Files.copy(f, j);
            j.closeEntry();
          }
        }
        out.add(jar.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  /** As {@link #start(Path, Path, List)}, on the given classpath. */
  public static BotProcess start(Path config, Path log, List<String> moreFlags, String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(moreFlags);
    String logging = System.getProperty("java.util.logging.config.file");
    if (logging != null) {
      cmd.add("-Djava.util.logging.config.file=" + logging);
    }
    cmd.addAll(List.of("-cp", classpath, "io.gimops.bot.Main", "run", "--config",
        config.toString(), "--console"));
    try {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
      return new BotProcess(p, t0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the bot: " + e.getMessage(), e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public List<String> stdout() {
    return List.copyOf(stdout);
  }

  /** Waits for a line of stdout; returns it. */
  public String awaitLine(Predicate<String> p, Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(20))
        .until(() -> stdout.stream().anyMatch(p) || !process.isAlive());
    return stdout.stream().filter(p).findFirst().orElseThrow(() ->
        new AssertionError("the bot ended (exit " + exitCode() + ") without printing the line; it printed: " + stdout));
  }

  /** Milliseconds from starting the process to the first line matching {@code p}, as seen from here. */
  public long millisUntil(Predicate<String> p, Duration timeout) {
    String line = awaitLine(p, timeout);
    return TimeUnit.NANOSECONDS.toMillis(seenAt.get(stdout.indexOf(line)) - startedNanos);
  }

  /** Types a line into the bot's console. */
  public void type(String line) {
    try {
      stdin.write(line + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("the bot's console is gone: " + e.getMessage(), e);
    }
  }

  /** Resident memory now, from /proc. */
  public long residentKb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (l.startsWith("VmRSS:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS for " + pid());
  }

  /** {@code kill -9}: no shutdown hook, no graceful stop; children (helm) live on. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@code kill -TERM}: what the kubelet sends; the bot's graceful stop runs. Through the process
   * handle: {@code Process.destroy()} also closes the pipes, and the console would quit on its
   * closed stdin rather than on the signal.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits for the process to end; its exit status, or an AssertionError if it did not end in time. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("the bot did not exit within " + timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
    return process.exitValue();
  }

  private String exitCode() {
    return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
