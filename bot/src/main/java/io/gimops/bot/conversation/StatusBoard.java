package io.gimops.bot.conversation;

import io.gimops.bot.orchestrator.EnvironmentRuntime;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ThirdPartyState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The status table of an environment, as {@link TextViews#status} renders it, made again only
 * when it may read differently: at once when the cluster as observed changes (a revision, a
 * pod, the observer's health), the third-party checks or the release catalog change, and
 * otherwise at most every {@link #FRESH} for what moves without a change event (metrics polled
 * in the background, the backlog's trend, how long a pod has been Pending).
 *
 * <p>A table costs a snapshot and the health of every service: about 54 KB allocated and 50 us
 * of CPU when the JIT has done its work, half of what acknowledging a {@code /gim status} cost in
 * all (SlackAckBenchmarkTest, profiled). A burst of them, say from everyone in the channel during
 * an incident, now costs one table a second, and the command can be answered on the event loop.
 */
public final class StatusBoard {

  /** How long a table stands while nothing it is made of has announced a change. */
  public static final Duration FRESH = Duration.ofSeconds(1);

  private record Key(String environment, List<ServiceKind> only) {}

  private record Shown(String text, long clusterVersion, List<ThirdPartyState> thirdParty, ReleaseCatalog catalog,
      PolicySettings policy, Instant at) {}

  private final Orchestrator orchestrator;
  private final Clock clock;
  private final ConcurrentHashMap<Key, Shown> shown = new ConcurrentHashMap<>();

  public StatusBoard(Orchestrator orchestrator, Clock clock) {
    this.orchestrator = Objects.requireNonNull(orchestrator, "orchestrator");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The table of {@code env}'s services ({@code only} these, when not empty), then its warnings. */
  public String status(EnvironmentRuntime env, List<ServiceKind> only) {
    Key key = new Key(env.name(), List.copyOf(only));
    Instant now = clock.instant();
    long version = env.observer().version();
    List<ThirdPartyState> thirdParty = env.thirdParty().states();
    ReleaseCatalog catalog = orchestrator.catalog();
    PolicySettings policy = orchestrator.policy();
    Shown last = shown.get(key);
    if (last != null && last.clusterVersion() == version && last.catalog() == catalog && last.policy() == policy
        && last.thirdParty().equals(thirdParty) && !now.isBefore(last.at()) && now.isBefore(last.at().plus(FRESH))) {
      return last.text();
    }
    // Two requests at once may both render; either table is as fresh as the other.
    String text = TextViews.status(env.environment(), env.snapshot(), catalog, policy, now, key.only());
    shown.put(key, new Shown(text, version, thirdParty, catalog, policy, now));
    return text;
  }
}
