package io.gimops.adapters.kube;

import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import java.util.List;

/**
 * What a metrics system (Prometheus) last said about each service. The cluster cannot say whether
 * a service's metrics are scraped or how far GIM is behind Kafka, so without a source the observer
 * reports metrics {@code UNKNOWN} and no backlog.
 *
 * <p>The observer asks on every {@link ClusterObserver#snapshot()}: answer from what was last
 * scraped, never by querying, and never block.
 */
public interface MetricsSource {

  MetricPresence presence(ServiceKind service);

  /** Recent readings of {@code gim_kafka_timestamp_behind}; asked for GIM only. */
  default List<BacklogSample> backlog(ServiceKind service) {
    return List.of();
  }

  /**
   * What the service's configured success conditions last read, one reading per condition (a
   * condition not answered yet is an unknown reading, never left out); none configured: empty.
   */
  default List<io.gimops.policies.domain.ConditionReading> conditions(ServiceKind service) {
    return List.of();
  }
}
