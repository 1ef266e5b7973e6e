package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Plays the ReplicaSet controller: keeps {@code spec.replicas} pods named
 * {@code <replicaset>-<5 chars>} from the template, owned by the ReplicaSet, and its status
 * current. Scaling down deletes the least advanced pods first (unscheduled, then Pending, then
 * not Ready, then the newest), as Kubernetes does. A ReplicaSet whose Deployment is gone is
 * deleted, and its pods after it.
 */
final class ReplicaSetController {

  private final KubernetesClient client;
  private final Templates templates;
  private final Owners owners;

  ReplicaSetController(KubernetesClient client, Templates templates, Owners owners) {
    this.client = client;
    this.templates = templates;
    this.owners = owners;
  }

  void reconcile(Key key) {
    ReplicaSet rs = client.apps().replicaSets().inNamespace(key.namespace()).withName(key.name()).get();
    if (rs == null) {
      owners.collect("ReplicaSet", key.namespace(), key.name());
      return;
    }
    if (owners.orphaned(rs)) {
      client.apps().replicaSets().inNamespace(key.namespace()).withName(key.name()).delete();
      return;
    }
    if (rs.getSpec() == null || rs.getSpec().getTemplate() == null) {
      return;
    }
    List<Pod> pods = client.pods().inNamespace(key.namespace()).list().getItems().stream()
        .filter(p -> Owners.controlledBy(p, rs))
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .collect(Collectors.toCollection(ArrayList::new));
    int desired = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    while (pods.size() < desired) {
      pods.add(create(rs));
    }
    if (pods.size() > desired) {
      pods.sort(Workloads.DELETE_FIRST);
      for (Pod p : List.copyOf(pods.subList(0, pods.size() - desired))) {
        client.pods().inNamespace(key.namespace()).withName(p.getMetadata().getName()).delete();
        pods.remove(p);
      }
    }
    int ready = (int) pods.stream().filter(PodStatuses::isReady).count();
    ReplicaSetStatus status = new ReplicaSetStatusBuilder()
        .withReplicas(pods.size())
        .withFullyLabeledReplicas(pods.size())
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withObservedGeneration(rs.getMetadata().getGeneration())
        .build();
    if (!status.equals(rs.getStatus())) {
      rs.setStatus(status);
      client.apps().replicaSets().inNamespace(key.namespace()).resource(rs).updateStatus();
    }
  }

  private Pod create(ReplicaSet rs) {
    PodTemplateSpec template = templates.copy(rs.getSpec().getTemplate());
    for (int attempt = 1; ; attempt++) {
      Pod pod = new PodBuilder()
          .withNewMetadata()
              .withName(rs.getMetadata().getName() + "-" + Templates.randomSuffix())
              .withGenerateName(rs.getMetadata().getName() + "-")
              .withNamespace(rs.getMetadata().getNamespace())
              .withLabels(template.getMetadata().getLabels())
              .withAnnotations(template.getMetadata().getAnnotations())
              .withOwnerReferences(Owners.controllerRef(rs))
          .endMetadata()
          .withSpec(template.getSpec())
          .build();
      try {
        return client.pods().inNamespace(rs.getMetadata().getNamespace()).resource(pod).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= 5) {
          throw e;
        }
      }
    }
  }
}
