package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetUpdateStrategy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.TreeMap;

/**
 * Plays the StatefulSet controller: pods {@code <statefulset>-<ordinal>}, labelled with their
 * {@code controller-revision-hash} ({@code <statefulset>-<hash>} of the template).
 *
 * <ol>
 *   <li>OrderedReady (the default): ordinal n is created once 0..n-1 are Ready; Parallel creates
 *       all missing pods at once. Pods beyond {@code replicas} go, highest ordinal first, one at a
 *       time.</li>
 *   <li>RollingUpdate (the default): once every pod is Ready, the highest ordinal (at or above
 *       {@code partition}) still on an old revision is deleted and comes back on the new one;
 *       then the next, after that one is Ready. A StatefulSet cannot hold two pods of one
 *       ordinal, so, unlike a Deployment, the old pod goes before the new one exists. OnDelete
 *       replaces nothing.</li>
 *   <li>Status: {@code replicas}, {@code readyReplicas}, {@code availableReplicas},
 *       {@code currentReplicas}, {@code updatedReplicas}, {@code currentRevision} (moves to the
 *       update revision when the rollout is done), {@code updateRevision},
 *       {@code observedGeneration}.</li>
 * </ol>
 */
final class StatefulSetController {

  private final KubernetesClient client;
  private final Templates templates;
  private final Owners owners;

  StatefulSetController(KubernetesClient client, Templates templates, Owners owners) {
    this.client = client;
    this.templates = templates;
    this.owners = owners;
  }

  void reconcile(Key key) {
    StatefulSet sts = client.apps().statefulSets().inNamespace(key.namespace()).withName(key.name()).get();
    if (sts == null) {
      owners.collect("StatefulSet", key.namespace(), key.name());
      return;
    }
    if (sts.getSpec() == null || sts.getSpec().getTemplate() == null) {
      return;
    }
    String name = sts.getMetadata().getName();
    String revision = name + "-" + templates.hash(sts.getSpec().getTemplate(),
        sts.getStatus() == null ? null : sts.getStatus().getCollisionCount());
    int desired = Workloads.replicas(sts.getSpec().getReplicas());
    TreeMap<Integer, Pod> pods = new TreeMap<>();
    for (Pod p : client.pods().inNamespace(key.namespace()).list().getItems()) {
      if (Owners.controlledBy(p, sts) && p.getMetadata().getDeletionTimestamp() == null) {
        Integer ordinal = ordinal(name, p.getMetadata().getName());
        if (ordinal != null) {
          pods.put(ordinal, p);
        }
      }
    }
    step(sts, revision, desired, pods);
    writeStatus(sts, revision, desired, pods);
  }

  /** One step towards the desired pods; {@code pods} is updated to what exists afterwards. */
  private void step(StatefulSet sts, String revision, int desired, TreeMap<Integer, Pod> pods) {
    String namespace = sts.getMetadata().getNamespace();
    boolean parallel = "Parallel".equals(sts.getSpec().getPodManagementPolicy());
    // Scale down: highest ordinal first, one at a time (all at once when Parallel).
    while (!pods.isEmpty() && pods.lastKey() >= desired) {
      Pod p = pods.pollLastEntry().getValue();
      client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).delete();
      if (!parallel) {
        return;
      }
    }
    // Create missing ordinals in order; OrderedReady waits for each to be Ready.
    for (int i = 0; i < desired; i++) {
      Pod p = pods.get(i);
      if (p == null) {
        pods.put(i, client.pods().inNamespace(namespace).resource(newPod(sts, i, revision)).create());
        if (!parallel) {
          return;
        }
      } else if (!parallel && !PodStatuses.isReady(p)) {
        return;
      }
    }
    StatefulSetUpdateStrategy strategy = sts.getSpec().getUpdateStrategy();
    if (strategy != null && "OnDelete".equals(strategy.getType())) {
      return;
    }
    if (pods.size() < desired || !pods.values().stream().allMatch(PodStatuses::isReady)) {
      return;
    }
    int partition = strategy == null || strategy.getRollingUpdate() == null
        || strategy.getRollingUpdate().getPartition() == null ? 0 : strategy.getRollingUpdate().getPartition();
    for (int i = desired - 1; i >= partition; i--) {
      Pod p = pods.get(i);
      if (p != null && !revision.equals(Labels.label(p, Labels.CONTROLLER_REVISION_HASH))) {
        client.pods().inNamespace(namespace).withName(p.getMetadata().getName()).delete();
        pods.remove(i);
        return;
      }
    }
  }

  private Pod newPod(StatefulSet sts, int ordinal, String revision) {
    PodTemplateSpec template = templates.copy(sts.getSpec().getTemplate());
    String podName = sts.getMetadata().getName() + "-" + ordinal;
    Map<String, String> labels = template.getMetadata().getLabels();
    labels.put(Labels.CONTROLLER_REVISION_HASH, revision);
    labels.put(Labels.STATEFULSET_POD_NAME, podName);
    labels.put(Labels.POD_INDEX, Integer.toString(ordinal));
    Pod pod = new PodBuilder()
        .withNewMetadata()
            .withName(podName)
            .withGenerateName(sts.getMetadata().getName() + "-")
            .withNamespace(sts.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(template.getMetadata().getAnnotations())
            .withOwnerReferences(Owners.controllerRef(sts))
        .endMetadata()
        .withSpec(template.getSpec())
        .build();
    pod.getSpec().setHostname(podName);
    pod.getSpec().setSubdomain(sts.getSpec().getServiceName());
    return pod;
  }

  private void writeStatus(StatefulSet sts, String revision, int desired, Map<Integer, Pod> pods) {
    int ready = (int) pods.values().stream().filter(PodStatuses::isReady).count();
    int updated = (int) pods.values().stream()
        .filter(p -> revision.equals(Labels.label(p, Labels.CONTROLLER_REVISION_HASH))).count();
    String current = sts.getStatus() == null ? null : sts.getStatus().getCurrentRevision();
    if (current == null || (updated == desired && pods.size() == desired)) {
      current = revision;
    }
    String currentRevision = current;
    int currentReplicas = (int) pods.values().stream()
        .filter(p -> currentRevision.equals(Labels.label(p, Labels.CONTROLLER_REVISION_HASH))).count();
    StatefulSetStatus status = new StatefulSetStatusBuilder()
        .withObservedGeneration(sts.getMetadata().getGeneration())
        .withReplicas(pods.size())
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withCurrentReplicas(currentReplicas)
        .withUpdatedReplicas(updated)
        .withCurrentRevision(currentRevision)
        .withUpdateRevision(revision)
        .withCollisionCount(sts.getStatus() == null || sts.getStatus().getCollisionCount() == null
            ? 0 : sts.getStatus().getCollisionCount())
        .build();
    if (!status.equals(sts.getStatus())) {
      sts.setStatus(status);
      client.apps().statefulSets().inNamespace(sts.getMetadata().getNamespace()).resource(sts).updateStatus();
    }
  }

  /** The ordinal in {@code <statefulset>-<n>}, or null if the name is not of that form. */
  static Integer ordinal(String statefulSet, String pod) {
    String prefix = statefulSet + "-";
    if (!pod.startsWith(prefix)) {
      return null;
    }
    String n = pod.substring(prefix.length());
    if (n.isEmpty() || !n.chars().allMatch(Character::isDigit) || n.length() > 9) {
      return null;
    }
    return Integer.parseInt(n);
  }
}
