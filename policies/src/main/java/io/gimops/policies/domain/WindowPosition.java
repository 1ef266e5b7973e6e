package io.gimops.policies.domain;

/**
 * Where a version stands against the N-2 window of its service: N (newest), N-1, N-2 inside it,
 * N-3 and older outside, or not in the catalog at all (which is never counted as inside).
 *
 * @param behindNewest how many catalog releases are newer; -1 when not in the catalog
 */
public record WindowPosition(int behindNewest, boolean inWindow) {

  public static final WindowPosition NOT_IN_CATALOG = new WindowPosition(-1, false);

  public boolean inCatalog() {
    return behindNewest >= 0;
  }

  /** "N", "N-1", "N-4 (outside the window)", "not in the release catalog". */
  public String label() {
    if (!inCatalog()) {
      return "not in the release catalog";
    }
    String n = behindNewest == 0 ? "N" : "N-" + behindNewest;
    return inWindow ? n : n + " (outside the window)";
  }

  @Override
  public String toString() {
    return label();
  }
}
