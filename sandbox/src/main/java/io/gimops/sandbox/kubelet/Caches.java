package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.gimops.sandbox.kubelet.Key.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * The informers' caches, per kind, over all namespaces. They decide <em>what</em> to reconcile
 * and answer "does this owner still exist?" cheaply; a cache can lag behind the API server (or,
 * after a dropped watch, keep an object that is gone), so whatever a decision rests on is read
 * live.
 */
final class Caches {

  /** Written while starting, read meanwhile by informer callbacks: concurrent structures. */
  private final Map<Kind, List<SharedIndexInformer<? extends HasMetadata>>> informers = new ConcurrentHashMap<>();

  void add(Kind kind, SharedIndexInformer<? extends HasMetadata> informer) {
    informers.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(informer);
  }

  Stream<HasMetadata> list(Kind kind) {
    return informers.getOrDefault(kind, List.of()).stream().flatMap(i -> i.getStore().list().stream());
  }

  Optional<HasMetadata> get(Kind kind, String namespace, String name) {
    String key = namespace + "/" + name;
    return informers.getOrDefault(kind, List.of()).stream()
        .map(i -> (HasMetadata) i.getStore().getByKey(key))
        .filter(o -> o != null)
        .findFirst();
  }

  List<SharedIndexInformer<? extends HasMetadata>> all() {
    List<SharedIndexInformer<? extends HasMetadata>> all = new ArrayList<>();
    informers.values().forEach(all::addAll);
    return all;
  }

  static Kind kindOf(String kubernetesKind) {
    switch (kubernetesKind) {
      case "Deployment":
        return Kind.DEPLOYMENT;
      case "ReplicaSet":
        return Kind.REPLICA_SET;
      case "StatefulSet":
        return Kind.STATEFUL_SET;
      case "Pod":
        return Kind.POD;
      case "Job":
        return Kind.JOB;
      default:
        return null;
    }
  }

  static Class<? extends HasMetadata> typeOf(Kind kind) {
    switch (kind) {
      case DEPLOYMENT:
        return Deployment.class;
      case REPLICA_SET:
        return ReplicaSet.class;
      case STATEFUL_SET:
        return StatefulSet.class;
      case POD:
        return Pod.class;
      case JOB:
        return Job.class;
      default:
        throw new IllegalArgumentException("unknown kind " + kind);
    }
  }
}
