package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.sandbox.kubelet.Key.Kind;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Owner references, and the part of Kubernetes' garbage collector the sandbox needs: an object
 * whose owners (of the kinds this controller collects) are all gone is deleted, as a background
 * cascading delete does. An owner the cache holds (same uid) exists; one it does not hold is
 * looked up live before anything is deleted, since the cache may merely lag.
 */
final class Owners {

  /** The owner kinds whose dependents this controller collects. */
  private static final Set<String> COLLECTED_KINDS = Set.of("Deployment", "ReplicaSet", "StatefulSet");

  private final KubernetesClient client;
  private final Caches caches;

  Owners(KubernetesClient client, Caches caches) {
    this.client = client;
    this.caches = caches;
  }

  static OwnerReference controllerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  static Optional<OwnerReference> controllerOf(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst();
  }

  static boolean controlledBy(HasMetadata o, HasMetadata owner) {
    return controllerOf(o).filter(r -> owner.getMetadata().getUid().equals(r.getUid())).isPresent();
  }

  /** True if {@code o}'s controller is a {@code kind} named {@code name}, whatever its uid. */
  static boolean controlledBy(HasMetadata o, String kind, String name) {
    return controllerOf(o).filter(r -> kind.equals(r.getKind()) && name.equals(r.getName())).isPresent();
  }

  static boolean ownedBy(HasMetadata o, String ownerUid) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> ownerUid.equals(r.getUid()));
  }

  /** True if {@code o} has an owner named {@code name} of kind {@code kind}, whatever its uid. */
  static boolean ownedBy(HasMetadata o, String kind, String name) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> kind.equals(r.getKind()) && name.equals(r.getName()));
  }

  /**
   * True if the object has owners of kinds this controller collects, and none of them exists
   * any more (by name and uid: a new owner under the old name is not the owner).
   */
  boolean orphaned(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    if (refs == null) {
      return false;
    }
    boolean anyCollected = false;
    String namespace = o.getMetadata().getNamespace();
    for (OwnerReference ref : refs) {
      if (!COLLECTED_KINDS.contains(ref.getKind())) {
        continue;
      }
      anyCollected = true;
      Kind kind = Caches.kindOf(ref.getKind());
      boolean cached = caches.get(kind, namespace, ref.getName())
          .filter(owner -> ref.getUid().equals(owner.getMetadata().getUid())).isPresent();
      if (cached || exists(namespace, ref)) {
        return false;
      }
    }
    return anyCollected;
  }

  /**
   * Deletes what a gone owner left behind: its ReplicaSets, pods and Jobs that have no other
   * owner left. Called when an owner's reconcile finds it gone, which also covers a delete the
   * watch missed (the owner then lingers in the cache and comes back at every resync).
   */
  void collect(String ownerKind, String namespace, String ownerName) {
    for (Kind kind : List.of(Kind.REPLICA_SET, Kind.POD, Kind.JOB)) {
      for (HasMetadata o : client.resources(Caches.typeOf(kind)).inNamespace(namespace).list().getItems()) {
        if (ownedBy(o, ownerKind, ownerName) && orphaned(o)) {
          client.resource(o).delete();
        }
      }
    }
  }

  private boolean exists(String namespace, OwnerReference ref) {
    HasMetadata owner = client.resources(Caches.typeOf(Caches.kindOf(ref.getKind())))
        .inNamespace(namespace).withName(ref.getName()).get();
    return owner != null && ref.getUid().equals(owner.getMetadata().getUid());
  }
}
