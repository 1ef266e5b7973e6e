package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Every version of every pod and Job in one namespace, in the order a watch saw them: tests
 * assert on histories ("Pending, then Ready"; "never fewer than three Ready") instead of racing
 * the controller with sleeps.
 */
final class Recorder implements AutoCloseable {

  enum Type { ADDED, MODIFIED, DELETED }

  record Event(Type type, HasMetadata object) {
    String name() {
      return object.getMetadata().getName();
    }

    boolean isPod() {
      return object instanceof Pod;
    }
  }

  private final List<Event> events = new ArrayList<>();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  Recorder(KubernetesClient client, String namespace) {
    informers.add(client.pods().inNamespace(namespace).inform(handler(), 0));
    informers.add(client.batch().v1().jobs().inNamespace(namespace).inform(handler(), 0));
  }

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** Each version of the pod, oldest first. */
  List<Pod> pod(String name) {
    return events().stream()
        .filter(e -> e.isPod() && e.type() != Type.DELETED && e.name().equals(name))
        .map(e -> (Pod) e.object())
        .collect(Collectors.toList());
  }

  /** Each version of the Job, oldest first. */
  List<Job> job(String name) {
    return events().stream()
        .filter(e -> e.object() instanceof Job && e.type() != Type.DELETED && e.name().equals(name))
        .map(e -> (Job) e.object())
        .collect(Collectors.toList());
  }

  /** Pod names in the order they appeared. */
  List<String> podNames() {
    Set<String> names = new LinkedHashSet<>();
    events().stream().filter(Event::isPod).forEach(e -> names.add(e.name()));
    return List.copyOf(names);
  }

  /** Pod names in the order they were deleted. */
  List<String> deletedPods() {
    return events().stream().filter(e -> e.isPod() && e.type() == Type.DELETED).map(Event::name)
        .collect(Collectors.toList());
  }

  /**
   * After each pod event, how many pods matching {@code filter} existed and were Ready: the
   * series a rolling update is judged by.
   */
  List<int[]> podCounts(Predicate<Pod> filter) {
    Map<String, Pod> live = new HashMap<>();
    List<int[]> counts = new ArrayList<>();
    for (Event e : events()) {
      if (!e.isPod()) {
        continue;
      }
      if (e.type() == Type.DELETED) {
        live.remove(e.name());
      } else {
        live.put(e.name(), (Pod) e.object());
      }
      List<Pod> matching = live.values().stream().filter(filter).collect(Collectors.toList());
      counts.add(new int[] {matching.size(), (int) matching.stream().filter(PodStatuses::isReady).count()});
    }
    return counts;
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }

  private synchronized void record(Type type, HasMetadata object) {
    events.add(new Event(type, object));
  }

  private <T extends HasMetadata> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        record(Type.ADDED, obj);
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        record(Type.MODIFIED, newObj);
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        record(Type.DELETED, obj);
      }
    };
  }
}
