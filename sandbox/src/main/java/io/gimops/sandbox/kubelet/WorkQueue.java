package io.gimops.sandbox.kubelet;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keys to reconcile, each queued at most once, all reconciled one at a time on one thread.
 *
 * <p>One thread on purpose: the reconcilers then never race each other (a ReplicaSet and the
 * kubelet never both write one pod), and the same thread serves the timers (a pod's ready delay,
 * a Job's duration). Informer callbacks only {@link #add} keys, so they never block on the API.
 * A reconcile that throws is retried with a backoff, capped at two seconds.
 */
final class WorkQueue implements AutoCloseable {

  private static final Logger LOG = System.getLogger(WorkQueue.class.getName());
  private static final long MAX_BACKOFF_MS = 2_000;

  private final ScheduledThreadPoolExecutor executor;
  private final Consumer<Key> reconciler;
  private final Set<Key> queued = ConcurrentHashMap.newKeySet();
  /** When each key's earliest pending timer is due (System.nanoTime), to avoid piling timers up. */
  private final Map<Key, Long> timers = new ConcurrentHashMap<>();
  /** Consecutive failures per key; touched only on the worker thread. */
  private final Map<Key, Integer> failures = new HashMap<>();
  private volatile boolean closed;

  WorkQueue(String threadName, Consumer<Key> reconciler) {
    this.reconciler = reconciler;
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** Queues a key unless it is queued already. */
  void add(Key key) {
    if (closed || !queued.add(key)) {
      return;
    }
    try {
      executor.execute(() -> run(key));
    } catch (RejectedExecutionException e) {
      queued.remove(key);
    }
  }

  /** Queues a key after a delay; a timer already due earlier for the same key makes this a no-op. */
  void addAfter(Key key, Duration delay) {
    if (closed) {
      return;
    }
    long due = System.nanoTime() + Math.max(0, delay.toNanos());
    Long kept = timers.merge(key, due, Math::min);
    if (kept != due) {
      return;
    }
    try {
      executor.schedule(() -> {
        timers.remove(key, due);
        add(key);
      }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      timers.remove(key, due);
    }
  }

  private void run(Key key) {
    queued.remove(key);
    if (closed) {
      return;
    }
    try {
      long start = System.nanoTime();
      reconciler.accept(key);
      LOG.log(Level.TRACE, () -> "reconciled " + key + " in " + (System.nanoTime() - start) / 1_000_000 + " ms");
      failures.remove(key);
    } catch (RuntimeException e) {
      if (closed) {
        return;
      }
      int n = failures.merge(key, 1, Integer::sum);
      long backoff = Math.min(MAX_BACKOFF_MS, 50L << Math.min(n - 1, 6));
      LOG.log(n > 3 ? Level.WARNING : Level.DEBUG,
          () -> "reconciling " + key + " failed (attempt " + n + "), retrying in " + backoff + " ms: " + e, e);
      addAfter(key, Duration.ofMillis(backoff));
    }
  }

  /**
   * Stops taking work and waits for the reconcile under way, if any, to finish: interrupting it
   * would abandon an HTTP exchange half-way, which can leave the shared client's connection
   * unusable for the next user. Only a reconcile still running after ten seconds is interrupted.
   */
  @Override
  public void close() {
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "the sandbox controller's reconcile did not finish within 10 s; interrupting it");
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    queued.clear();
    timers.clear();
  }
}
