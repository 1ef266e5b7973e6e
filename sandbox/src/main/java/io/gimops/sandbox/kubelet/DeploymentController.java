package io.gimops.sandbox.kubelet;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStrategy;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Plays the Deployment controller, the way Kubernetes does it, so that {@code helm --wait} (which
 * looks for the Deployment's new ReplicaSet and counts its ready replicas) and
 * {@code kubectl rollout status} both work:
 *
 * <ol>
 *   <li>The new ReplicaSet is the one whose template equals the Deployment's (ignoring
 *       {@code pod-template-hash}); if there is none, one is created, named
 *       {@code <deployment>-<pod-template-hash>}. A rollback back to an old template reuses
 *       the old ReplicaSet, with a new revision number.</li>
 *   <li>RollingUpdate (the default): the new ReplicaSet grows while all pods stay within
 *       {@code replicas + maxSurge}; old ReplicaSets shrink, unhealthy pods first, only while
 *       {@code replicas - maxUnavailable} pods stay Ready. With one replica and the defaults
 *       (25%: surge 1, unavailable 0) the new pod is Ready before the old one goes.</li>
 *   <li>Recreate: old ReplicaSets go to zero, and the new one grows once their pods are gone.</li>
 *   <li>The status counts pods live: {@code replicas}, {@code updatedReplicas},
 *       {@code readyReplicas}, {@code availableReplicas}, {@code unavailableReplicas},
 *       {@code observedGeneration}, with the Available and Progressing conditions.</li>
 *   <li>Old ReplicaSets scaled to zero beyond {@code revisionHistoryLimit} (default 10) are
 *       deleted.</li>
 * </ol>
 *
 * The ReplicaSet controller makes the pods; this one only sets ReplicaSet sizes.
 */
final class DeploymentController {

  private final KubernetesClient client;
  private final Clock clock;
  private final Templates templates;
  private final Owners owners;

  DeploymentController(KubernetesClient client, Clock clock, Templates templates, Owners owners) {
    this.client = client;
    this.clock = clock;
    this.templates = templates;
    this.owners = owners;
  }

  void reconcile(Key key) {
    Deployment d = client.apps().deployments().inNamespace(key.namespace()).withName(key.name()).get();
    if (d == null) {
      owners.collect("Deployment", key.namespace(), key.name());
      return;
    }
    if (d.getSpec() == null || d.getSpec().getTemplate() == null) {
      return; // the API server refuses these; nothing to run
    }
    List<ReplicaSet> owned = client.apps().replicaSets().inNamespace(key.namespace()).list().getItems().stream()
        .filter(rs -> Owners.controlledBy(rs, d))
        .collect(Collectors.toCollection(ArrayList::new));
    PodTemplateSpec template = d.getSpec().getTemplate();
    ReplicaSet newRs = owned.stream()
        .filter(rs -> templates.sameTemplate(rs.getSpec().getTemplate(), template))
        .findFirst().orElse(null);
    int maxRevision = owned.stream().filter(rs -> rs != newRs).mapToInt(DeploymentController::revision).max().orElse(0);
    if (newRs == null) {
      owned.add(createReplicaSet(d, maxRevision + 1));
      return; // the create event brings us back with the ReplicaSet in the list
    }
    if (revision(newRs) <= maxRevision) {
      setRevision(newRs, maxRevision + 1);
    }
    List<ReplicaSet> old = owned.stream().filter(rs -> rs != newRs)
        .sorted(Comparator.comparing((ReplicaSet rs) -> rs.getMetadata().getCreationTimestamp())
            .thenComparing(DeploymentController::revision))
        .collect(Collectors.toList());

    Map<String, List<Pod>> podsByOwner = new HashMap<>();
    for (Pod p : client.pods().inNamespace(key.namespace()).list().getItems()) {
      Owners.controllerOf(p).ifPresent(ref -> podsByOwner.computeIfAbsent(ref.getUid(), k -> new ArrayList<>()).add(p));
    }
    Rollout rollout = new Rollout(d, newRs, old, podsByOwner);
    if ("Recreate".equals(strategyType(d))) {
      rollout.recreate();
    } else {
      rollout.rollingUpdate();
    }
    rollout.apply();
    cleanUpHistory(d, old, podsByOwner);
    writeStatus(d, newRs, owned, podsByOwner);
  }

  /** Sizes of the Deployment's ReplicaSets, worked out in memory and then written. */
  private final class Rollout {
    private final Deployment d;
    private final ReplicaSet newRs;
    private final List<ReplicaSet> old;
    private final Map<String, List<Pod>> pods;
    private final Map<ReplicaSet, Integer> size = new HashMap<>();
    private final int desired;

    Rollout(Deployment d, ReplicaSet newRs, List<ReplicaSet> old, Map<String, List<Pod>> pods) {
      this.d = d;
      this.newRs = newRs;
      this.old = old;
      this.pods = pods;
      this.desired = Workloads.replicas(d.getSpec().getReplicas());
      size.put(newRs, Workloads.replicas(newRs.getSpec().getReplicas()));
      old.forEach(rs -> size.put(rs, Workloads.replicas(rs.getSpec().getReplicas())));
    }

    void rollingUpdate() {
      DeploymentStrategy strategy = d.getSpec().getStrategy();
      var rolling = strategy == null ? null : strategy.getRollingUpdate();
      int surge = Workloads.scaled(rolling == null ? null : rolling.getMaxSurge(), desired, true, (desired * 25 + 99) / 100);
      int unavailable = Workloads.scaled(rolling == null ? null : rolling.getMaxUnavailable(), desired, false,
          desired * 25 / 100);
      if (surge == 0 && unavailable == 0) {
        unavailable = 1; // the API server refuses both zero; this is what it would have meant
      }
      // Scale the new ReplicaSet up within the surge, or down to the desired size.
      int newSize = size.get(newRs);
      if (newSize > desired) {
        size.put(newRs, desired);
      } else if (newSize < desired) {
        int room = desired + surge - total();
        if (room > 0) {
          size.put(newRs, newSize + Math.min(room, desired - newSize));
        }
      }
      // Scale old ReplicaSets down while enough pods stay available.
      int minAvailable = desired - unavailable;
      int newUnavailable = size.get(newRs) - ready(newRs);
      int maxScaledDown = total() - minAvailable - newUnavailable;
      if (maxScaledDown <= 0) {
        return;
      }
      int scaledDown = 0;
      for (ReplicaSet rs : old) { // unhealthy pods first: they count for nothing
        int unhealthy = size.get(rs) - ready(rs);
        int n = Math.min(maxScaledDown - scaledDown, Math.max(unhealthy, 0));
        size.put(rs, size.get(rs) - n);
        scaledDown += n;
      }
      int available = old.stream().mapToInt(this::readyWithin).sum() + ready(newRs);
      int budget = available - minAvailable;
      for (ReplicaSet rs : old) {
        int n = Math.max(0, Math.min(size.get(rs), budget));
        size.put(rs, size.get(rs) - n);
        budget -= n;
      }
    }

    void recreate() {
      old.forEach(rs -> size.put(rs, 0));
      boolean oldPodsLeft = old.stream().anyMatch(rs -> !podsOf(rs).isEmpty());
      if (!oldPodsLeft) {
        size.put(newRs, desired);
      }
    }

    void apply() {
      size.forEach((rs, n) -> {
        if (n != Workloads.replicas(rs.getSpec().getReplicas())) {
          client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName())
              .edit(r -> {
                r.getSpec().setReplicas(n);
                r.getMetadata().setAnnotations(Templates.with(r.getMetadata().getAnnotations(),
                    "deployment.kubernetes.io/desired-replicas", Integer.toString(desired)));
                return r;
              });
          rs.getSpec().setReplicas(n);
        }
      });
    }

    private int total() {
      return size.values().stream().mapToInt(Integer::intValue).sum();
    }

    private List<Pod> podsOf(ReplicaSet rs) {
      return pods.getOrDefault(rs.getMetadata().getUid(), List.of());
    }

    private int ready(ReplicaSet rs) {
      return (int) podsOf(rs).stream().filter(PodStatuses::isReady).count();
    }

    /** Ready pods the ReplicaSet keeps at its current planned size. */
    private int readyWithin(ReplicaSet rs) {
      return Math.min(ready(rs), size.get(rs));
    }
  }

  private ReplicaSet createReplicaSet(Deployment d, int revision) {
    String hash = templates.hash(d.getSpec().getTemplate(),
        d.getStatus() == null ? null : d.getStatus().getCollisionCount());
    PodTemplateSpec template = templates.copy(d.getSpec().getTemplate());
    template.getMetadata().setLabels(Templates.with(template.getMetadata().getLabels(), Labels.POD_TEMPLATE_HASH, hash));
    LabelSelector selector = new LabelSelectorBuilder(d.getSpec().getSelector() == null
        ? new LabelSelector() : d.getSpec().getSelector()).build();
    selector.setMatchLabels(Templates.with(selector.getMatchLabels(), Labels.POD_TEMPLATE_HASH, hash));
    Map<String, String> annotations = new HashMap<>();
    annotations.put(Labels.REVISION, Integer.toString(revision));
    annotations.put("deployment.kubernetes.io/desired-replicas", Integer.toString(Workloads.replicas(d.getSpec().getReplicas())));
    ReplicaSet rs = new ReplicaSetBuilder()
        .withNewMetadata()
            .withName(d.getMetadata().getName() + "-" + hash)
            .withNamespace(d.getMetadata().getNamespace())
            .withLabels(template.getMetadata().getLabels())
            .withAnnotations(annotations)
            .withOwnerReferences(Owners.controllerRef(d))
        .endMetadata()
        .withNewSpec()
            .withReplicas(0)
            .withMinReadySeconds(d.getSpec().getMinReadySeconds())
            .withSelector(selector)
            .withTemplate(template)
        .endSpec()
        .build();
    return client.apps().replicaSets().inNamespace(d.getMetadata().getNamespace()).resource(rs).create();
  }

  private void setRevision(ReplicaSet rs, int revision) {
    client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName())
        .edit(r -> {
          r.getMetadata().setAnnotations(Templates.with(r.getMetadata().getAnnotations(), Labels.REVISION,
              Integer.toString(revision)));
          return r;
        });
    rs.getMetadata().setAnnotations(Templates.with(rs.getMetadata().getAnnotations(), Labels.REVISION,
        Integer.toString(revision)));
  }

  private void cleanUpHistory(Deployment d, List<ReplicaSet> old, Map<String, List<Pod>> pods) {
    int limit = d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
    List<ReplicaSet> idle = old.stream()
        .filter(rs -> Workloads.replicas(rs.getSpec().getReplicas()) == 0)
        .filter(rs -> pods.getOrDefault(rs.getMetadata().getUid(), List.of()).isEmpty())
        .sorted(Comparator.comparingInt(DeploymentController::revision))
        .collect(Collectors.toList());
    for (int i = 0; i < idle.size() - limit; i++) {
      ReplicaSet rs = idle.get(i);
      client.apps().replicaSets().inNamespace(rs.getMetadata().getNamespace()).withName(rs.getMetadata().getName())
          .delete();
    }
  }

  private void writeStatus(Deployment d, ReplicaSet newRs, List<ReplicaSet> owned, Map<String, List<Pod>> pods) {
    int desired = Workloads.replicas(d.getSpec().getReplicas());
    int replicas = 0;
    int ready = 0;
    for (ReplicaSet rs : owned) {
      List<Pod> ps = pods.getOrDefault(rs.getMetadata().getUid(), List.of());
      replicas += ps.size();
      ready += (int) ps.stream().filter(PodStatuses::isReady).count();
    }
    List<Pod> newPods = pods.getOrDefault(newRs.getMetadata().getUid(), List.of());
    int updated = newPods.size();
    int updatedReady = (int) newPods.stream().filter(PodStatuses::isReady).count();
    DeploymentStrategy strategy = d.getSpec().getStrategy();
    var rolling = strategy == null ? null : strategy.getRollingUpdate();
    int maxUnavailable = "Recreate".equals(strategyType(d)) ? 0
        : Workloads.scaled(rolling == null ? null : rolling.getMaxUnavailable(), desired, false, desired * 25 / 100);
    int sized = owned.stream().mapToInt(rs -> Workloads.replicas(rs.getSpec().getReplicas())).sum();
    boolean available = ready >= desired - maxUnavailable;
    boolean complete = updated == desired && replicas == desired && updatedReady == desired;

    List<DeploymentCondition> old = d.getStatus() == null || d.getStatus().getConditions() == null
        ? List.of() : d.getStatus().getConditions();
    String rsName = newRs.getMetadata().getName();
    DeploymentStatus status = new DeploymentStatusBuilder()
        .withObservedGeneration(d.getMetadata().getGeneration())
        .withReplicas(replicas)
        .withUpdatedReplicas(updated)
        .withReadyReplicas(ready)
        .withAvailableReplicas(ready)
        .withUnavailableReplicas(Math.max(0, sized - ready))
        .withCollisionCount(d.getStatus() == null ? null : d.getStatus().getCollisionCount())
        .withConditions(
            condition(old, "Available", available,
                available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                available ? "Deployment has minimum availability." : "Deployment does not have minimum availability."),
            condition(old, "Progressing", true,
                complete ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
                complete ? "ReplicaSet \"" + rsName + "\" has successfully progressed."
                    : "ReplicaSet \"" + rsName + "\" is progressing."))
        .build();
    if (!status.equals(d.getStatus())) {
      d.setStatus(status);
      client.apps().deployments().inNamespace(d.getMetadata().getNamespace()).resource(d).updateStatus();
    }
  }

  /** A condition, keeping its times while neither its status nor its reason changes. */
  private DeploymentCondition condition(List<DeploymentCondition> old, String type, boolean status, String reason,
      String message) {
    String value = status ? "True" : "False";
    String now = Times.format(clock.instant());
    DeploymentCondition previous = old.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    boolean sameStatus = previous != null && value.equals(previous.getStatus());
    boolean same = sameStatus && reason.equals(previous.getReason());
    return new DeploymentConditionBuilder()
        .withType(type)
        .withStatus(value)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(sameStatus ? previous.getLastTransitionTime() : now)
        .withLastUpdateTime(same ? previous.getLastUpdateTime() : now)
        .build();
  }

  private static String strategyType(Deployment d) {
    return d.getSpec().getStrategy() == null || d.getSpec().getStrategy().getType() == null
        ? "RollingUpdate" : d.getSpec().getStrategy().getType();
  }

  private static int revision(ReplicaSet rs) {
    String value = Labels.annotation(rs, Labels.REVISION);
    try {
      return value == null ? 0 : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
