package io.gimops.adapters.kube;

/**
 * Receives the observer's change events, in the order the observer saw the changes, on the
 * observer's own thread: hand anything slow (a chat message, an audit write) to another thread. A
 * listener that throws is logged and keeps its subscription; the other listeners still hear the
 * event.
 */
@FunctionalInterface
public interface ClusterListener {

  void onEvent(ClusterEvent event);
}
