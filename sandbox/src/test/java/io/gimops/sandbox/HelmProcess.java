package io.gimops.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The pinned helm CLI for tests: an argument vector (no shell ever sees it), its own cache, config
 * and data homes, and {@code --kubeconfig} when there is a cluster.
 */
public final class HelmProcess {

  /** What helm printed and how it ended. */
  public record Result(List<String> argv, int exitCode, String stdout, String stderr) {

    /** This result, if helm succeeded; otherwise an error that shows the command and its output. */
    public Result ok() {
      if (exitCode != 0) {
        throw new AssertionError("helm failed (exit " + exitCode + "): " + String.join(" ", argv)
            + "\nstdout: " + stdout + "\nstderr: " + stderr);
      }
      return this;
    }
  }

  private static final long TIMEOUT_SECONDS = 60;

  private final Path home;
  private final Path kubeconfig;

  /**
   * @param home where helm keeps its cache, config and data
   * @param kubeconfig the cluster's kubeconfig, or null for commands that need none
   */
  public HelmProcess(Path home, Path kubeconfig) {
    this.home = home;
    this.kubeconfig = kubeconfig;
  }

  /** Runs {@code helm <args> [--kubeconfig <file>]} in {@code workDir}. */
  public Result run(Path workDir, String... args) {
    List<String> argv = new ArrayList<>();
    argv.add(PinnedHelm.binary().toString());
    argv.addAll(List.of(args));
    if (kubeconfig != null) {
      argv.add("--kubeconfig");
      argv.add(kubeconfig.toString());
    }
    try {
      Files.createDirectories(home);
      Path stderrFile = Files.createTempFile(home, "stderr", ".txt");
      ProcessBuilder pb = new ProcessBuilder(argv)
          .directory(workDir.toFile())
          .redirectError(stderrFile.toFile());
      Map<String, String> env = pb.environment();
      env.put("HELM_CACHE_HOME", home.resolve("cache").toString());
      env.put("HELM_CONFIG_HOME", home.resolve("config").toString());
      env.put("HELM_DATA_HOME", home.resolve("data").toString());
      env.remove("KUBECONFIG");
      Process p = pb.start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("helm did not finish in " + TIMEOUT_SECONDS + " s: " + String.join(" ", argv));
      }
      String stderr = Files.readString(stderrFile, StandardCharsets.UTF_8);
      Files.delete(stderrFile);
      return new Result(List.copyOf(argv), p.exitValue(), stdout, stderr);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running helm", e);
    }
  }

  /** Runs helm and expects it to succeed. */
  public Result ok(Path workDir, String... args) {
    return run(workDir, args).ok();
  }
}
