package io.gimops.bot.orchestrator;

import io.gimops.policies.domain.EtlEvidence;
import java.time.Instant;

/**
 * GIM's migration and transformation evidence from the Info Mart database (rule 8), as
 * {@code io.gimops.adapters.postgres.EtlHistory} reads it. Blocks for at most its timeout: the
 * operation's worker thread calls it, never an event loop. Never throws.
 */
@FunctionalInterface
public interface InfoMartEvidence {

  /** No database configured: the migration is "not checked", neither passed nor failed. */
  InfoMartEvidence NONE = since -> EtlEvidence.notConfigured();

  /** What the database says of GIM's jobs that ended at or after {@code since}. */
  EtlEvidence since(Instant since);
}
