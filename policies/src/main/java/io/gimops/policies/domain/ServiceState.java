package io.gimops.policies.domain;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One service as the cluster last showed it: its Helm release (status, current revision, the
 * version deployed, the revision history), its workload (desired and ready replicas, pods), its
 * metrics and, for GIM, its backlog samples and its migration as far as it is known; and what its
 * configured success conditions last read (none configured: empty).
 *
 * <p>GIM runs its migration and transformation jobs inside its own pod: the cluster shows no
 * Job for them. What the cluster shows of the transformation is GIM's readiness ("The GIM service
 * does not report the Ready state until the first post-upgrade transformation job has completed
 * successfully"); the migration is known only from the Info Mart database ({@link EtlEvidence}),
 * so {@code migration} is {@code UNKNOWN} unless whoever built the state read it there.
 */
public record ServiceState(
    ServiceKind kind,
    boolean installed,
    HelmStatus helmStatus,
    int revision,
    Optional<Version> deployedVersion,
    int desiredReplicas,
    int readyReplicas,
    List<PodState> pods,
    MetricPresence metrics,
    List<BacklogSample> backlog,
    List<RevisionRecord> history,
    MigrationState migration,
    List<ConditionReading> conditions) {

  public ServiceState {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(helmStatus, "helmStatus");
    Objects.requireNonNull(deployedVersion, "deployedVersion");
    pods = List.copyOf(pods);
    Objects.requireNonNull(metrics, "metrics");
    backlog = backlog.stream().sorted(Comparator.comparing(BacklogSample::at)).toList();
    history = history.stream().sorted(Comparator.comparingInt(RevisionRecord::revision)).toList();
    Objects.requireNonNull(migration, "migration");
    conditions = List.copyOf(conditions);
    if (installed && deployedVersion.isEmpty()) {
      throw new IllegalArgumentException(kind.id() + " is installed, so it has a deployed version");
    }
  }

  public static ServiceState notInstalled(ServiceKind kind) {
    return new ServiceState(kind, false, HelmStatus.UNINSTALLED, 0, Optional.empty(), 0, 0,
        List.of(), MetricPresence.ABSENT, List.of(), List.of(), MigrationState.UNKNOWN, List.of());
  }

  public Optional<RevisionRecord> revisionRecord(int number) {
    return history.stream().filter(r -> r.revision() == number).findFirst();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public static Builder builder(ServiceKind kind) {
    return new Builder(notInstalled(kind));
  }

  /** Builds a state step by step; tests and adapters both assemble snapshots this way. */
  public static final class Builder {
    private final ServiceKind kind;
    private boolean installed;
    private HelmStatus helmStatus;
    private int revision;
    private Optional<Version> deployedVersion;
    private int desiredReplicas;
    private int readyReplicas;
    private List<PodState> pods;
    private MetricPresence metrics;
    private List<BacklogSample> backlog;
    private List<RevisionRecord> history;
    private MigrationState migration;
    private List<ConditionReading> conditions;

    private Builder(ServiceState s) {
      kind = s.kind;
      installed = s.installed;
      helmStatus = s.helmStatus;
      revision = s.revision;
      deployedVersion = s.deployedVersion;
      desiredReplicas = s.desiredReplicas;
      readyReplicas = s.readyReplicas;
      pods = s.pods;
      metrics = s.metrics;
      backlog = s.backlog;
      history = s.history;
      migration = s.migration;
      conditions = s.conditions;
    }

    /** Marks the release installed at a revision and version. */
    public Builder deployed(int revision, Version version, HelmStatus status) {
      this.installed = true;
      this.revision = revision;
      this.deployedVersion = Optional.of(version);
      this.helmStatus = status;
      return this;
    }

    public Builder helmStatus(HelmStatus status) {
      this.helmStatus = status;
      return this;
    }

    public Builder replicas(int desired, int ready) {
      this.desiredReplicas = desired;
      this.readyReplicas = ready;
      return this;
    }

    public Builder pods(List<PodState> pods) {
      this.pods = pods;
      return this;
    }

    public Builder metrics(MetricPresence metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder backlog(List<BacklogSample> backlog) {
      this.backlog = backlog;
      return this;
    }

    public Builder history(List<RevisionRecord> history) {
      this.history = history;
      return this;
    }

    public Builder migration(MigrationState migration) {
      this.migration = migration;
      return this;
    }

    /** What the service's success conditions last read (see {@code rules.SuccessConditions}). */
    public Builder conditions(List<ConditionReading> conditions) {
      this.conditions = conditions;
      return this;
    }

    public ServiceState build() {
      return new ServiceState(kind, installed, helmStatus, revision, deployedVersion, desiredReplicas,
          readyReplicas, pods, metrics, backlog, history, migration, conditions);
    }
  }
}
