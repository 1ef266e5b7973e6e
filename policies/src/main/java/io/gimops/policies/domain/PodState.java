package io.gimops.policies.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One pod of a service as the cluster last showed it.
 *
 * @param waitingReason the reason a container is waiting, e.g. {@code CrashLoopBackOff}
 * @param pendingSince when the pod entered Pending, while it is Pending
 * @param version the service version its image runs, when known
 */
public record PodState(
    String name,
    PodPhase phase,
    boolean ready,
    Optional<String> waitingReason,
    Optional<Instant> pendingSince,
    int restarts,
    Optional<Version> version) {

  /** Waiting reasons that do not heal by waiting: the pod needs a person (or a rollback). */
  public static final Set<String> FAILING_REASONS = Set.of(
      "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName",
      "CreateContainerConfigError", "CreateContainerError");

  public PodState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(waitingReason, "waitingReason");
    Objects.requireNonNull(pendingSince, "pendingSince");
    Objects.requireNonNull(version, "version");
  }

  public static PodState ready(String name, Version version) {
    return new PodState(name, PodPhase.RUNNING, true, Optional.empty(), Optional.empty(), 0, Optional.of(version));
  }

  public static PodState pending(String name, Instant since, Version version) {
    return new PodState(name, PodPhase.PENDING, false, Optional.empty(), Optional.of(since), 0, Optional.of(version));
  }

  public static PodState waiting(String name, String reason, Version version) {
    return new PodState(name, PodPhase.PENDING, false, Optional.of(reason), Optional.empty(), 0, Optional.of(version));
  }

  /** The reason this pod is failing in a way waiting will not fix, if it is. */
  public Optional<String> failingReason() {
    return waitingReason.filter(FAILING_REASONS::contains);
  }

  /** How long the pod has been Pending at {@code now}; empty if it is not Pending. */
  public Optional<Duration> pendingFor(Instant now) {
    if (phase != PodPhase.PENDING) {
      return Optional.empty();
    }
    return pendingSince.map(since -> Duration.between(since, now));
  }

  public boolean pendingLongerThan(Duration threshold, Instant now) {
    return pendingFor(now).map(d -> d.compareTo(threshold) > 0).orElse(false);
  }
}
