package io.gimops.policies.domain;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What GIM's Info Mart database says about the jobs GIM ran inside its pod since a helm call
 * ended: the newest rows of its ETL history control table ({@code CTL_ETL_HISTORY}) for
 * {@code Job_MigrateGIM} and {@code Job_TransformGIM}. The vendor: "To validate successful
 * database migration, you can query the database directly". The cluster cannot say this (GIM
 * runs both jobs in its own pod, no Kubernetes Job exists), so it is optional evidence: without a
 * database connection it is {@link Source#NOT_CONFIGURED} and verification neither passes nor
 * fails on it; a database that cannot be read is {@link Source#UNREADABLE}, never healthy.
 *
 * @param since the instant the rows were asked for ({@code :since}): when the helm call ended, or
 *     when a restart of the GIM pod began; {@link Instant#EPOCH} unless {@code READ}
 * @param migration the newest {@code Job_MigrateGIM} run since then: {@code NONE} when there is
 *     none, {@code UNKNOWN} unless {@code READ}
 * @param transformationCompleted when the newest {@code Job_TransformGIM} since then completed
 * @param detail where the evidence came from, or why it could not be read (redacted)
 */
public record EtlEvidence(Source source, Instant since, MigrationState migration, Optional<Instant> migrationEnded,
    Optional<Instant> transformationCompleted, String detail) {

  /** Whether the evidence could be had. */
  public enum Source {
    NOT_CONFIGURED,
    UNREADABLE,
    READ
  }

  public EtlEvidence {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(migration, "migration");
    Objects.requireNonNull(migrationEnded, "migrationEnded");
    Objects.requireNonNull(transformationCompleted, "transformationCompleted");
    Objects.requireNonNull(detail, "detail");
    if (source != Source.READ && (migration != MigrationState.UNKNOWN || transformationCompleted.isPresent())) {
      throw new IllegalArgumentException("evidence that was not read says nothing of the jobs");
    }
  }

  public static EtlEvidence notConfigured() {
    return new EtlEvidence(Source.NOT_CONFIGURED, Instant.EPOCH, MigrationState.UNKNOWN, Optional.empty(), Optional.empty(),
        "no database configured");
  }

  public static EtlEvidence unreadable(String why) {
    return new EtlEvidence(Source.UNREADABLE, Instant.EPOCH, MigrationState.UNKNOWN, Optional.empty(), Optional.empty(), why);
  }

  public static EtlEvidence read(Instant since, MigrationState migration, Optional<Instant> migrationEnded,
      Optional<Instant> transformationCompleted, String detail) {
    return new EtlEvidence(Source.READ, since, migration, migrationEnded, transformationCompleted, detail);
  }
}
