package io.gimops.policies.domain;

/** A Kubernetes pod phase. */
public enum PodPhase {
  PENDING,
  RUNNING,
  SUCCEEDED,
  FAILED,
  UNKNOWN
}
