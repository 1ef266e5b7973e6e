package io.gimops.bot.signals;

import io.gimops.adapters.Redaction;
import io.gimops.bot.orchestrator.ThirdPartyProbe;
import io.gimops.policies.domain.Reachability;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Rule 6's probe for one environment: checks Kafka and PostgreSQL in the background, every
 * {@code every}, on its own thread (each check blocks up to its timeout), and answers
 * {@link #states()} from what it last learnt, never blocking. Until a first answer, and for a
 * dependency with no check configured, the state is unknown, which rule 6 never takes for healthy.
 */
public final class ThirdPartyChecks implements ThirdPartyProbe, AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ThirdPartyChecks.class.getName());
  private final Map<ThirdParty, Supplier<ThirdPartyState>> checks;
  private final Map<ThirdParty, ThirdPartyState> last = new ConcurrentHashMap<>();
  private final ScheduledExecutorService thread;

  public ThirdPartyChecks(String environment, Map<ThirdParty, Supplier<ThirdPartyState>> checks, Duration every) {
    this.checks = new EnumMap<>(checks);
    for (ThirdParty t : ThirdParty.values()) {
      last.put(t, checks.containsKey(t)
          ? new ThirdPartyState(t, Reachability.UNKNOWN, Optional.empty(),
              "not checked yet")
          : new ThirdPartyState(t, Reachability.UNKNOWN, Optional.empty(),
              "no " + t.title() + " check is configured for " + environment));
    }
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "third-party-checks-" + environment);
      t.setDaemon(true);
      return t;
    });
    if (!this.checks.isEmpty()) {
      thread.scheduleWithFixedDelay(this::checkAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Checks every dependency now, on the caller's thread; what {@link #states()} then answers. */
  public List<ThirdPartyState> checkNow() {
    checkAll();
    return states();
  }

  private synchronized void checkAll() {
    checks.forEach((t, check) -> {
      ThirdPartyState s;
      try {
        s = check.get();
      } catch (RuntimeException e) {
        s = ThirdPartyState.unreachable(t, "the check failed: " + e.getMessage());
      }
      // A finding quotes drivers and clients, whose messages may carry the URL's or the
      // configuration's credentials: none reaches the finding, the log or the audit trail.
      s = new ThirdPartyState(s.dependency(), s.reachability(), s.version(), Redaction.redact(s.detail()));
      ThirdPartyState before = last.put(t, s);
      if (before != null && before.reachability() != s.reachability()) {
        LOG.log(System.Logger.Level.INFO, "{0} is now {1}: {2}", t.title(), s.reachability(), s.detail());
      }
    });
  }

  @Override
  public List<ThirdPartyState> states() {
    return List.of(last.get(ThirdParty.KAFKA), last.get(ThirdParty.POSTGRESQL));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
