package io.gimops.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The real programs the tests and the sandbox run (helm, Prometheus, Alertmanager, PostgreSQL),
 * fetched by the project's own {@code tools/fetch-*.sh} scripts on first use, so that a fresh
 * machine needs nothing installed by hand.
 */
public final class ProjectTools {

  private ProjectTools() {}

  /** As {@link #fetch}, for a program: the path it prints must be an executable. */
  public static Path fetchExecutable(String script, String source) {
    Path found = fetch(script, source);
    if (!Files.isExecutable(found)) {
      throw new IllegalStateException("tools/" + script + " printed " + found + ", which is not an executable");
    }
    return found;
  }

  /**
   * Runs {@code tools/<script>} and returns the path it prints.
   *
   * @param source where the script takes the program from, for the error message
   */
  public static Path fetch(String script, String source) {
    Path file = projectRoot().resolve("tools").resolve(script);
    try {
      Process p = new ProcessBuilder("bash", file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("tools/" + script + " failed (exit " + p.exitValue() + "): it takes "
            + source + "; is that reachable from this machine?");
      }
      Path found = Path.of(out);
      if (!Files.exists(found)) {
        throw new IllegalStateException("tools/" + script + " printed " + out + ", which does not exist");
      }
      return found;
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + file + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running tools/" + script, e);
    }
  }

  /** The repository root: the nearest directory upwards holding {@code tools/fetch-helm.sh}. */
  public static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("tools/fetch-helm.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("no tools/fetch-helm.sh above " + dir + ": run from the gimops checkout");
  }

  /**
   * Waits until a program just started says it is ready, at most 30 s; fails with where its log is
   * when it exits first or never gets there.
   */
  public static void awaitReady(Process process, java.util.function.BooleanSupplier ready, String name, Path log) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited at start; see " + log);
      }
      if (ready.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while " + name + " started", e);
      }
    }
    throw new IllegalStateException(name + " not ready within 30 s; see " + log);
  }

  /** A loopback port free a moment ago. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
    }
  }
}
