package io.gimops.bot.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.adapters.kube.MetricsSource;
import io.gimops.adapters.kube.MetricsSourceProvider;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;

/**
 * {@code metrics: simulated}: the sandbox's metrics, found by the bot through
 * {@link java.util.ServiceLoader} (META-INF/services), so the bot's own code never names a
 * sandbox class and the production artifact, which lacks this module, refuses the value.
 */
public final class SimulatedMetricsProvider implements MetricsSourceProvider {

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public MetricsSource start(KubernetesClient client, Collection<String> namespaces, Clock clock, Duration interval) {
    return SimulatedMetricsSource.start(client, namespaces, clock, interval);
  }
}
