package io.gimops.bot.orchestrator;

import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.ThirdPartyState;
import java.util.List;

/**
 * What the bot last learnt about Kafka and PostgreSQL (rule 6). Answers from memory, never
 * blocks: whoever implements it checks in the background. Without a probe, both are unknown, and
 * unknown is never healthy: rule 6 then refuses upgrades and rollbacks and says why.
 */
@FunctionalInterface
public interface ThirdPartyProbe {

  ThirdPartyProbe NONE = List::of;

  List<ThirdPartyState> states();

  /** The snapshot with what this probe knows. */
  default ClusterSnapshot applyTo(ClusterSnapshot snapshot) {
    ClusterSnapshot s = snapshot;
    for (ThirdPartyState t : states()) {
      s = s.with(t);
    }
    return s;
  }
}
