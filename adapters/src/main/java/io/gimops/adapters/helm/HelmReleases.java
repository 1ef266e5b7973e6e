package io.gimops.adapters.helm;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;

/**
 * A release's history read straight from the API server (not from an informer's cache): what
 * the orchestrator consults before and after every helm call, and after a restart, to know
 * whether a call already happened. Blocks; call it on a worker.
 */
public final class HelmReleases {

  private final KubernetesClient client;
  private final HelmReleaseReader reader = new HelmReleaseReader();

  public HelmReleases(KubernetesClient client) {
    this.client = client;
  }

  /** The history of {@code release} in {@code namespace}; empty when Helm has no record of it. */
  public ReleaseHistory history(String namespace, String release) {
    List<Secret> secrets;
    try {
      secrets = client.secrets().inNamespace(namespace)
          .withLabel(HelmReleaseReader.OWNER_LABEL, "helm")
          .withLabel(HelmReleaseReader.NAME_LABEL, release)
          .list().getItems();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot read the Helm history of " + release + " in namespace "
          + namespace + ": " + e.getMessage(), e);
    }
    return reader.read(namespace, release, secrets);
  }
}
