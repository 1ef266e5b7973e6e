package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** What the work queue holds: one object to reconcile, by kind, namespace and name. */
record Key(Kind kind, String namespace, String name) {

  enum Kind {
    DEPLOYMENT,
    REPLICA_SET,
    STATEFUL_SET,
    POD,
    JOB
  }

  static Key of(Kind kind, HasMetadata o) {
    return new Key(kind, o.getMetadata().getNamespace(), o.getMetadata().getName());
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + namespace + "/" + name;
  }
}
