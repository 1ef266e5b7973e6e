package io.gimops.policies.domain;

/**
 * Whether a service's metrics are being scraped. Absent metrics "can occur if the Docker image is
 * not available"; unknown (the metrics source could not be asked) is never taken as present.
 */
public enum MetricPresence {
  PRESENT,
  ABSENT,
  UNKNOWN
}
