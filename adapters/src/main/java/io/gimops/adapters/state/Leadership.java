package io.gimops.adapters.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Which bot replica executes operations: fabric8's {@link LeaderElector} on a Lease in the bot's
 * namespace. A leader that stops renewing (it crashed, or lost the API server) is replaced once
 * its lease expires; one that stops gracefully hands the lease over at once.
 *
 * <p>Callbacks run on this class's own thread, one at a time, in order; they may block briefly
 * but should hand long work elsewhere.
 */
public final class Leadership implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Leadership.class.getName());

  /**
   * How the election is paced. A standby takes over at most {@code leaseDuration} plus one
   * {@code retryPeriod} after the leader's last renewal.
   */
  public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    /** A standby takes over within 12 s of a crash (the bar is 15 s). */
    public static final Timing DEFAULTS = new Timing(Duration.ofSeconds(10), Duration.ofSeconds(8), Duration.ofSeconds(2));

    public Timing {
      if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0)) {
        throw new IllegalArgumentException("leader election needs lease duration > renew deadline > retry period");
      }
    }
  }

  /** What the replica hears about the election. */
  public interface Listener {
    void onStartedLeading();

    void onStoppedLeading();

    default void onNewLeader(String identity) {}
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String leaseName;
  private final String identity;
  private final Timing timing;
  private final Listener listener;
  private final ExecutorService callbacks;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile boolean leading;
  private volatile Optional<String> leader = Optional.empty();
  private volatile LeaderElector elector;
  private volatile CompletableFuture<?> running;

  private Leadership(KubernetesClient client, String namespace, String leaseName, String identity, Timing timing,
      Listener listener) {
    this.client = client;
    this.namespace = namespace;
    this.leaseName = leaseName;
    this.identity = identity;
    this.timing = timing;
    this.listener = listener;
    this.callbacks = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "leadership-" + identity);
      t.setDaemon(true);
      return t;
    });
  }

  /** Joins the election for {@code leaseName} in {@code namespace} as {@code identity}. */
  public static Leadership start(KubernetesClient client, String namespace, String leaseName, String identity,
      Timing timing, Listener listener) {
    Objects.requireNonNull(identity, "identity");
    Leadership l = new Leadership(client, namespace, leaseName, identity, timing, listener);
    l.run();
    return l;
  }

  private void run() {
    if (stopped.get()) {
      return;
    }
    elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName(leaseName)
        .withLock(new LeaseLock(namespace, leaseName, identity))
        .withLeaseDuration(timing.leaseDuration())
        .withRenewDeadline(timing.renewDeadline())
        .withRetryPeriod(timing.retryPeriod())
        // released explicitly in close(): abandon() must be able to stop without releasing
        .withReleaseOnCancel(false)
        .withLeaderCallbacks(new LeaderCallbacks(
            () -> callbacks.execute(this::started),
            () -> callbacks.execute(this::stoppedLeading),
            id -> callbacks.execute(() -> newLeader(id))))
        .build()).build();
    running = elector.start();
    // fabric8's elector ends after losing the lead; a replica goes back to waiting its turn.
    running.whenComplete((v, e) -> {
      if (!stopped.get()) {
        callbacks.execute(this::run);
      }
    });
  }

  private void started() {
    if (stopped.get()) {
      return;
    }
    leading = true;
    leader = Optional.of(identity);
    LOG.log(System.Logger.Level.INFO, "{0} leads ({1}/{2})", identity, namespace, leaseName);
    listener.onStartedLeading();
  }

  private void stoppedLeading() {
    if (!leading) {
      return;
    }
    leading = false;
    LOG.log(System.Logger.Level.INFO, "{0} stopped leading", identity);
    listener.onStoppedLeading();
  }

  private void newLeader(String id) {
    leader = Optional.ofNullable(id);
    listener.onNewLeader(id);
  }

  public boolean isLeader() {
    return leading;
  }

  /** The replica that leads, as last heard. */
  public Optional<String> leader() {
    return leader;
  }

  public String identity() {
    return identity;
  }

  /** Stops renewing without releasing the lease, as a crash does; the standby waits for expiry. */
  public void abandon() {
    stopped.set(true);
    CompletableFuture<?> r = running;
    if (r != null) {
      r.cancel(true);
    }
    callbacks.execute(this::stoppedLeading);
    callbacks.shutdown();
  }

  /** Leaves the election and, if leading, releases the lease so a standby takes over at once. */
  @Override
  public void close() {
    if (stopped.getAndSet(true)) {
      return;
    }
    // Read before the cancel: cancelling runs the stopped-leading callback, which clears it.
    boolean wasLeading = leading;
    CompletableFuture<?> r = running;
    if (r != null) {
      r.cancel(true);
    }
    try {
      if (elector != null && wasLeading) {
        elector.release();
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot release the leader lease " + namespace + "/" + leaseName
          + "; a standby takes over when it expires: " + e.getMessage());
    }
    callbacks.execute(this::stoppedLeading);
    callbacks.shutdown();
  }
}
