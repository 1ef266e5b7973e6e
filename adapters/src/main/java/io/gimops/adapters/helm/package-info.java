/**
 * Helm as the cluster records it: {@link io.gimops.adapters.helm.HelmReleaseReader} decodes the
 * release Secrets helm 3 writes into revision histories, without running helm.
 */
package io.gimops.adapters.helm;
