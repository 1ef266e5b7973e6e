package io.gimops.policies.decision;

import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.ActiveOperation;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ReleaseCatalog;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the policy engine decides from: the request, who asks and from which channel, the
 * environment and its cluster snapshot, the release catalog, who may do what, the operations
 * already running, and the override and confirmations given.
 *
 * @param activeOperations operations not yet ended, in any environment
 * @param overrideReason an admin's written reason to override rule 2 (and the maintenance window)
 */
public record DecisionInput(
    LifecycleRequest request,
    Actor actor,
    String channel,
    Environment environment,
    ClusterSnapshot snapshot,
    ReleaseCatalog catalog,
    AccessPolicy access,
    List<ActiveOperation> activeOperations,
    Optional<String> overrideReason,
    Confirmations confirmations) {

  public DecisionInput {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(snapshot, "snapshot");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(access, "access");
    activeOperations = List.copyOf(activeOperations);
    Objects.requireNonNull(overrideReason, "overrideReason");
    Objects.requireNonNull(confirmations, "confirmations");
  }

  public DecisionInput withRequest(LifecycleRequest r) {
    return new DecisionInput(r, actor, channel, environment, snapshot, catalog, access,
        activeOperations, overrideReason, confirmations);
  }

  public DecisionInput withActor(Actor a) {
    return new DecisionInput(request, a, channel, environment, snapshot, catalog, access,
        activeOperations, overrideReason, confirmations);
  }

  public DecisionInput withChannel(String c) {
    return new DecisionInput(request, actor, c, environment, snapshot, catalog, access,
        activeOperations, overrideReason, confirmations);
  }

  public DecisionInput withEnvironment(Environment e) {
    return new DecisionInput(request, actor, channel, e, snapshot, catalog, access,
        activeOperations, overrideReason, confirmations);
  }

  public DecisionInput withSnapshot(ClusterSnapshot s) {
    return new DecisionInput(request, actor, channel, environment, s, catalog, access,
        activeOperations, overrideReason, confirmations);
  }

  public DecisionInput withCatalog(ReleaseCatalog c) {
    return new DecisionInput(request, actor, channel, environment, snapshot, c, access,
        activeOperations, overrideReason, confirmations);
  }

  public DecisionInput withAccess(AccessPolicy a) {
    return new DecisionInput(request, actor, channel, environment, snapshot, catalog, a,
        activeOperations, overrideReason, confirmations);
  }

  public DecisionInput withActiveOperations(List<ActiveOperation> ops) {
    return new DecisionInput(request, actor, channel, environment, snapshot, catalog, access,
        ops, overrideReason, confirmations);
  }

  public DecisionInput withOverride(String reason) {
    return new DecisionInput(request, actor, channel, environment, snapshot, catalog, access,
        activeOperations, Optional.ofNullable(reason), confirmations);
  }

  public DecisionInput withConfirmations(Confirmations c) {
    return new DecisionInput(request, actor, channel, environment, snapshot, catalog, access,
        activeOperations, overrideReason, c);
  }
}
