package io.gimops.bot.sandbox;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.adapters.kube.MetricsSource;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.sandbox.metrics.SimulatedMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * The sandbox's simulated metrics behind the port that Prometheus fills in production
 * ({@code metrics: simulated} in the configuration). Sandbox only: it reads the cluster's pods
 * and invents a backlog from them.
 */
public final class SimulatedMetricsSource implements MetricsSource, AutoCloseable {

  private final SimulatedMetrics metrics;

  private SimulatedMetricsSource(SimulatedMetrics metrics) {
    this.metrics = metrics;
  }

  public static SimulatedMetricsSource start(KubernetesClient client, Collection<String> namespaces, Clock clock,
      Duration interval) {
    return new SimulatedMetricsSource(SimulatedMetrics.start(client, namespaces, clock, interval, 42));
  }

  @Override
  public MetricPresence presence(ServiceKind service) {
    return metrics.presence(service);
  }

  @Override
  public List<BacklogSample> backlog(ServiceKind service) {
    return service == ServiceKind.GIM ? metrics.backlog() : List.of();
  }

  public SimulatedMetrics simulation() {
    return metrics;
  }

  @Override
  public void close() {
    metrics.close();
  }
}
