package io.gimops.adapters.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;

/**
 * A metrics source the configuration names by {@link #name()} ({@code metrics: simulated}), found
 * with {@link java.util.ServiceLoader}. The seam lets the sandbox's simulated metrics live outside
 * the bot: the shipped artifact has no provider, so {@code simulated} there is refused as unknown.
 * Prometheus is wired directly and needs no provider.
 */
public interface MetricsSourceProvider {

  /** The value of {@code metrics:} that selects this source. */
  String name();

  /**
   * Starts the source over the namespaces of one environment. A source that holds threads or
   * connections also implements {@link AutoCloseable}; the bot closes it when it stops.
   */
  MetricsSource start(KubernetesClient client, Collection<String> namespaces, Clock clock, Duration interval);
}
