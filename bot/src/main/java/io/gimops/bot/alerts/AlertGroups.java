package io.gimops.bot.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The alert groups the bot remembers, bounded: a group whose alerts have all resolved is
 * forgotten {@code retainResolved} after it resolved, and beyond {@code maxGroups} the group that
 * resolved longest ago goes first, then (none resolved) the oldest. A forgotten group that fires
 * again is a new group: a new message, its alerts audited again.
 *
 * @param <G> what is kept per group
 */
final class AlertGroups<G> {

  private final int maxGroups;
  private final Duration retainResolved;
  /** Every group, oldest first. */
  private final LinkedHashMap<String, G> groups = new LinkedHashMap<>();
  /** The resolved ones, by when they resolved, longest ago first. */
  private final LinkedHashMap<String, Instant> resolved = new LinkedHashMap<>();

  AlertGroups(int maxGroups, Duration retainResolved) {
    if (maxGroups < 1) {
      throw new IllegalArgumentException("maxGroups must be at least 1, not " + maxGroups);
    }
    this.maxGroups = maxGroups;
    this.retainResolved = retainResolved;
  }

  G get(String key) {
    return groups.get(key);
  }

  void add(String key, G group) {
    groups.put(key, group);
  }

  /** The group's alerts are now all resolved (at {@code at}), or one fires again. */
  void status(String key, boolean allResolved, Instant at) {
    if (!groups.containsKey(key)) {
      return;
    }
    if (allResolved) {
      resolved.putIfAbsent(key, at);
    } else {
      resolved.remove(key);
    }
  }

  /** Forgets what the rules say to forget at {@code now}; returns the groups forgotten. */
  List<G> sweep(Instant now) {
    List<G> gone = new ArrayList<>();
    Instant cutoff = now.minus(retainResolved);
    Iterator<Map.Entry<String, Instant>> it = resolved.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Instant> e = it.next();
      if (e.getValue().isAfter(cutoff)) {
        break;
      }
      it.remove();
      gone.add(groups.remove(e.getKey()));
    }
    while (groups.size() > maxGroups) {
      String key = resolved.isEmpty() ? groups.keySet().iterator().next() : resolved.keySet().iterator().next();
      resolved.remove(key);
      gone.add(groups.remove(key));
    }
    return gone;
  }

  int size() {
    return groups.size();
  }

  Collection<G> values() {
    return groups.values();
  }
}
