package io.gimops.adapters.state;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * Rule 4's lock: a Lease {@code gimops-lock-<environment>} in the bot's namespace whose holder is
 * an operation id. Unlike leadership it never expires: an operation may run for an hour and must
 * still hold its environment when a new bot instance resumes it from the journal. It is taken by
 * creating the Lease (the API server lets one create win) and released by deleting it, only by
 * the operation holding it.
 */
public final class OperationLock {

  public static final String SUMMARY = "gimops.io/operation-summary";
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

  /** What {@link #acquire} found. */
  public sealed interface Result {
    /** The operation holds the lock (now, or already did). */
    record Acquired() implements Result {}

    /** Another operation holds it. */
    record HeldBy(String operationId, Optional<Instant> since, String summary) implements Result {}
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Clock clock;

  public OperationLock(KubernetesClient client, String namespace, Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.clock = clock;
  }

  public static String leaseName(String environment) {
    return "gimops-lock-" + environment;
  }

  public Result acquire(String environment, String operationId, String summary) {
    Objects.requireNonNull(operationId, "operationId");
    Lease lease = new LeaseBuilder()
        .withNewMetadata().withName(leaseName(environment)).withNamespace(namespace)
        .addToLabels(MANAGED_BY, "gimops").addToAnnotations(SUMMARY, summary).endMetadata()
        .withNewSpec().withHolderIdentity(operationId)
        .withAcquireTime(ZonedDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)).endSpec()
        .build();
    try {
      client.leases().inNamespace(namespace).resource(lease).create();
      return new Result.Acquired();
    } catch (KubernetesClientException e) {
      if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
        throw new IllegalStateException("cannot take the lock " + namespace + "/" + leaseName(environment) + ": "
            + e.getMessage(), e);
      }
    }
    Optional<Lease> held = get(environment);
    if (held.isEmpty()) {
      // released between our create and our read: try once more
      return acquire(environment, operationId, summary);
    }
    String holder = held.get().getSpec().getHolderIdentity();
    if (operationId.equals(holder)) {
      return new Result.Acquired();
    }
    return new Result.HeldBy(holder, Optional.ofNullable(held.get().getSpec().getAcquireTime()).map(ZonedDateTime::toInstant),
        Optional.ofNullable(held.get().getMetadata().getAnnotations()).map(a -> a.get(SUMMARY)).orElse(""));
  }

  /** Releases the lock if {@code operationId} holds it; true if it did. */
  public boolean release(String environment, String operationId) {
    Optional<Lease> held = get(environment);
    if (held.isEmpty() || !operationId.equals(held.get().getSpec().getHolderIdentity())) {
      return false;
    }
    try {
      // Conditional on the version read: a lock taken over meanwhile is left alone.
      Resource<Lease> r = client.leases().inNamespace(namespace).resource(held.get());
      r.lockResourceVersion(held.get().getMetadata().getResourceVersion()).delete();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND || e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return false;
      }
      throw new IllegalStateException("cannot release the lock " + namespace + "/" + leaseName(environment) + ": "
          + e.getMessage(), e);
    }
  }

  /** The operation holding the environment's lock. */
  public Optional<String> holder(String environment) {
    return get(environment).map(l -> l.getSpec().getHolderIdentity());
  }

  private Optional<Lease> get(String environment) {
    try {
      return Optional.ofNullable(client.leases().inNamespace(namespace).withName(leaseName(environment)).get());
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot read the lock " + namespace + "/" + leaseName(environment) + ": "
          + e.getMessage(), e);
    }
  }
}
