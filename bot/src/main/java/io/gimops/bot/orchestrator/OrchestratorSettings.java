package io.gimops.bot.orchestrator;

import java.time.Duration;
import java.util.Objects;

/**
 * How the orchestrator paces itself.
 *
 * @param tick how often verification looks again when no cluster event arrives, and how often
 *     rule 9's alerts are scanned
 * @param helmStartGrace after a restart, how long a helm call journaled as started may take to
 *     leave a trace in Helm's history before the orchestrator concludes it never ran
 * @param settleBetweenSteps a pause after a service verified, before the next one starts
 * @param actionTimeout how long export views and a pod restart may take
 * @param journalRetention how long an ended operation stays in the journal
 */
public record OrchestratorSettings(
    Duration tick, Duration helmStartGrace, Duration settleBetweenSteps, Duration actionTimeout,
    Duration journalRetention) {

  public static final OrchestratorSettings DEFAULTS = new OrchestratorSettings(Duration.ofSeconds(1),
      Duration.ofSeconds(10), Duration.ZERO, Duration.ofMinutes(15), Duration.ofDays(30));

  public OrchestratorSettings {
    Objects.requireNonNull(tick, "tick");
    Objects.requireNonNull(helmStartGrace, "helmStartGrace");
    Objects.requireNonNull(settleBetweenSteps, "settleBetweenSteps");
    Objects.requireNonNull(actionTimeout, "actionTimeout");
    Objects.requireNonNull(journalRetention, "journalRetention");
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("the tick must be positive");
    }
  }

  public OrchestratorSettings withSettleBetweenSteps(Duration d) {
    return new OrchestratorSettings(tick, helmStartGrace, d, actionTimeout, journalRetention);
  }

  public OrchestratorSettings withTick(Duration d) {
    return new OrchestratorSettings(d, helmStartGrace, settleBetweenSteps, actionTimeout, journalRetention);
  }

  public OrchestratorSettings withHelmStartGrace(Duration d) {
    return new OrchestratorSettings(tick, d, settleBetweenSteps, actionTimeout, journalRetention);
  }
}
