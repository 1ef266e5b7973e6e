package io.gimops.adapters.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One informer (one kind in one namespace) and what the observer knows of its health.
 *
 * <p>The informer lists, then watches; fabric8 resumes a dropped watch from the last resource
 * version by itself, and relists when the API server answers 410 Gone. What it does not do is say
 * so: {@link #check} reads {@code isWatching()} on every health tick. A watch down for longer than
 * the grace period makes the slot <em>down</em>; when it is back, the slot lists its kind again
 * through a fresh informer (the old one keeps serving until the new one has listed), so nothing
 * that changed during the gap, deletions included, is missed whatever the API server replayed.
 *
 * <p>{@link #check} and {@link #items} run on the observer's thread; the event handler and the
 * exception handler on fabric8's.
 */
final class WatchSlot<T extends HasMetadata> {

  private final String what;
  private final Supplier<SharedIndexInformer<T>> factory;
  private final ResourceEventHandler<T> handler;
  private final Runnable onTrouble;

  private SharedIndexInformer<T> active;
  private SharedIndexInformer<T> replacement;
  private Instant downSince;
  private boolean down;
  private int relists;
  private volatile String lastError;

  /**
   * @param what the kind and namespace, as a person reads it: "pods in gim"
   * @param onTrouble called (on fabric8's thread) when a list or watch fails, so the observer
   *     checks its health without waiting for the next tick
   */
  WatchSlot(String what, Supplier<SharedIndexInformer<T>> factory, ResourceEventHandler<T> handler,
      Runnable onTrouble, Instant now) {
    this.what = what;
    this.factory = factory;
    this.handler = handler;
    this.onTrouble = onTrouble;
    this.downSince = now;
    this.active = startInformer();
  }

  private SharedIndexInformer<T> startInformer() {
    SharedIndexInformer<T> informer = factory.get();
    informer.addEventHandler(handler);
    // fabric8 gives up on an informer whose first list fails; an observer must keep trying.
    informer.exceptionHandler((started, t) -> {
      lastError = describe(t);
      onTrouble.run();
      return true;
    });
    informer.start();
    return informer;
  }

  /** The informer's objects; the old informer's during a relist. */
  List<T> items() {
    return active.getStore().list();
  }

  boolean listed() {
    return active.hasSynced();
  }

  boolean isDown() {
    return down;
  }

  /** Whether fabric8 reported a failed list or watch since the slot was last up. */
  boolean failing() {
    return lastError != null;
  }

  int relists() {
    return relists;
  }

  String what() {
    return what;
  }

  /**
   * Updates the slot's health at {@code now}.
   *
   * @return true if the slot's objects were replaced by a fresh list (the view must be recomputed)
   */
  boolean check(Instant now, Duration grace) {
    if (replacement != null) {
      if (!replacement.hasSynced() || !replacement.isWatching()) {
        return false;
      }
      SharedIndexInformer<T> old = active;
      active = replacement;
      replacement = null;
      old.stop();
      up();
      return true;
    }
    if (active.hasSynced() && active.isWatching()) {
      if (down) {
        // Back after a gap: list again rather than trust what the watch replayed.
        relists++;
        replacement = startInformer();
        return false;
      }
      up();
      return false;
    }
    if (downSince == null) {
      downSince = now;
    }
    if (!down && !Duration.between(downSince, now).minus(grace).isNegative()) {
      down = true;
    }
    return false;
  }

  private void up() {
    downSince = null;
    down = false;
    lastError = null;
  }

  Optional<Instant> downSince() {
    return Optional.ofNullable(downSince);
  }

  /** Why the slot is not watching, for the unhealthy reason; slots in the same trouble share it. */
  String trouble() {
    String state = !active.hasSynced() ? "not listed yet"
        : replacement != null ? "listing again after the watch came back"
        : "watch down";
    String error = lastError;
    return state + (error == null ? "" : " (" + error + ")");
  }

  void stop() {
    if (replacement != null) {
      replacement.stop();
    }
    active.stop();
  }

  private static String describe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof KubernetesClientException kce && kce.getCode() == 403) {
        return "forbidden: the bot's service account needs list and watch here";
      }
      if (c instanceof KubernetesClientException kce && kce.getCode() > 0) {
        return "the API server answered " + kce.getCode() + ": " + kce.getMessage();
      }
      if (c instanceof java.net.ConnectException || c instanceof java.nio.channels.ClosedChannelException
          || c instanceof java.net.http.HttpConnectTimeoutException) {
        return "the API server does not answer: " + c.getClass().getSimpleName();
      }
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }
}
