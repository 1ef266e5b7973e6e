/**
 * Kubernetes through fabric8: {@link io.gimops.adapters.kube.ClusterObserver} watches an
 * environment and keeps the policies' {@code ClusterSnapshot} current, publishing
 * {@link io.gimops.adapters.kube.ClusterEvent}s; {@link io.gimops.adapters.kube.ClusterActions}
 * runs the few cluster actions of the vendor's procedure besides helm (export views, GSP's state
 * ConfigMaps, the GIM pod restart).
 */
package io.gimops.adapters.kube;
