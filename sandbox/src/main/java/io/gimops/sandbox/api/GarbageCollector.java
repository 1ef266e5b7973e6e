package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;

/**
 * The garbage collector's part, which the mock lacks: deleting an object deletes the objects in
 * its namespace whose ownerReferences name it, and theirs in turn (background propagation, done
 * before the delete is answered). A Deployment's ReplicaSets and pods go with it on
 * {@code helm uninstall}. Cluster-scoped owners and namespace deletion are not collected.
 */
final class GarbageCollector {

  /** Deployment, ReplicaSet, Pod: a few levels of owners are plenty; this stops a cycle. */
  private static final int MAX_OWNER_DEPTH = 8;

  private final MockServerClient mock;

  GarbageCollector(MockServerClient mock) {
    this.mock = mock;
  }

  /** Deletes what the object with {@code ownerUid} in {@code namespace} owned. */
  Future<Void> deleteDependents(String namespace, String ownerUid) {
    return deleteDependents(namespace, ownerUid, 0);
  }

  private Future<Void> deleteDependents(String namespace, String ownerUid, int depth) {
    if (namespace.isEmpty() || ownerUid.isEmpty() || depth > MAX_OWNER_DEPTH) {
      return Future.succeededFuture();
    }
    List<Future<Void>> kinds = new ArrayList<>();
    for (Discovery.Resource r : Discovery.RESOURCES) {
      if (r.namespaced()) {
        kinds.add(deleteDependents(r, namespace, ownerUid, depth));
      }
    }
    return Future.all(kinds).mapEmpty();
  }

  private Future<Void> deleteDependents(Discovery.Resource r, String namespace, String ownerUid, int depth) {
    ApiPath collection = new ApiPath(r.group(), r.version(), namespace, r.plural(), "", "", false);
    return mock.get(collection.objectPath()).compose(list -> {
      if (list.status() != 200) {
        return Future.succeededFuture();
      }
      List<Future<Void>> deletions = new ArrayList<>();
      for (JsonNode item : mock.tree(list.body()).path("items")) {
        if (ownedBy(item, ownerUid)) {
          String uid = item.at("/metadata/uid").asText("");
          ApiPath dependent = new ApiPath(r.group(), r.version(), namespace, r.plural(),
              item.at("/metadata/name").asText(), "", false);
          deletions.add(mock.delete(dependent.objectPath()).compose(d -> d.status() == 200
              ? deleteDependents(namespace, uid, depth + 1)
              : Future.<Void>succeededFuture()));
        }
      }
      return Future.all(deletions).mapEmpty();
    });
  }

  private static boolean ownedBy(JsonNode item, String ownerUid) {
    for (JsonNode ref : item.at("/metadata/ownerReferences")) {
      if (ownerUid.equals(ref.path("uid").asText())) {
        return true;
      }
    }
    return false;
  }
}
