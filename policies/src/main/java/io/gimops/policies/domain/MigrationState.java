package io.gimops.policies.domain;

/**
 * GIM's Info Mart database migration job. A migration that did not complete leaves a
 * half-migrated database, which GIM tolerates; restarting the GIM pod resumes the job "from where
 * it left off".
 */
public enum MigrationState {
  /** No migration job ran or was needed since the last upgrade. */
  NONE,
  RUNNING,
  COMPLETED,
  /** The job did not run or did not complete: the database is half-migrated. */
  INCOMPLETE,
  UNKNOWN
}
