package io.gimops.policies.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The releases of each service, newest first, and the N-2 window over them: "As long as you
 * remain within the range of N-2 releases for each service, the Genesys Info Mart services can
 * inter-operate with one another." The window is the newest {@code windowSize} releases (3 for
 * N-2); a service with fewer releases has all of them in its window.
 */
public final class ReleaseCatalog {

  public static final int N_MINUS_2 = 3;

  private final Map<ServiceKind, List<Release>> newestFirst;
  private final int windowSize;

  public ReleaseCatalog(List<Release> releases, int windowSize) {
    if (windowSize < 1) {
      throw new IllegalArgumentException("the window holds at least one release");
    }
    this.windowSize = windowSize;
    Map<ServiceKind, List<Release>> byService = new EnumMap<>(ServiceKind.class);
    Set<String> seen = new HashSet<>();
    for (Release r : releases) {
      if (!seen.add(r.service() + " " + r.version())) {
        throw new IllegalArgumentException(
            "the catalog lists " + r.service().id() + " " + r.version() + " twice");
      }
      byService.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(r);
    }
    byService.replaceAll((k, list) -> list.stream()
        .sorted(Comparator.comparing(Release::version).reversed())
        .toList());
    this.newestFirst = Map.copyOf(byService.isEmpty() ? Map.of() : byService);
  }

  public ReleaseCatalog(List<Release> releases) {
    this(releases, N_MINUS_2);
  }

  public int windowSize() {
    return windowSize;
  }

  /** Every release of a service, newest first. */
  public List<Release> releases(ServiceKind service) {
    return newestFirst.getOrDefault(service, List.of());
  }

  /** The newest {@link #windowSize()} releases of a service, newest first. */
  public List<Release> window(ServiceKind service) {
    List<Release> all = releases(service);
    return all.subList(0, Math.min(windowSize, all.size()));
  }

  public Optional<Release> latest(ServiceKind service) {
    return releases(service).stream().findFirst();
  }

  public Optional<Release> find(ServiceKind service, Version version) {
    return releases(service).stream().filter(r -> r.version().equals(version)).findFirst();
  }

  public WindowPosition position(ServiceKind service, Version version) {
    List<Release> all = releases(service);
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).version().equals(version)) {
        return new WindowPosition(i, i < windowSize);
      }
    }
    return WindowPosition.NOT_IN_CATALOG;
  }

  public boolean inWindow(ServiceKind service, Version version) {
    return position(service, version).inWindow();
  }

  /**
   * The releases an upgrade from {@code from} (exclusive; empty: a fresh install) to {@code to}
   * (inclusive) passes through, oldest first: a schema change or a third-party minimum in any of
   * them applies to the upgrade.
   */
  public List<Release> crossedBy(ServiceKind service, Optional<Version> from, Version to) {
    List<Release> crossed = new ArrayList<>();
    for (Release r : releases(service)) {
      boolean afterFrom = from.map(f -> r.version().isNewerThan(f)).orElse(r.version().equals(to));
      if (afterFrom && !r.version().isNewerThan(to)) {
        crossed.add(0, r);
      }
    }
    return crossed;
  }
}
