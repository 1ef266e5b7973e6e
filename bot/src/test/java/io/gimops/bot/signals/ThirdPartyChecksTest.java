package io.gimops.bot.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Rule 6's findings quote drivers and clients: never the credentials those quote. */
class ThirdPartyChecksTest {

  @Test
  void aCredentialInAFailingChecksMessageNeverReachesTheFinding() {
    Map<ThirdParty, Supplier<ThirdPartyState>> checks = Map.of(
        ThirdParty.POSTGRESQL, () -> {
          throw new IllegalStateException("cannot open jdbc:postgresql://db:5432/gim?user=ops&password=hunter2");
        },
        ThirdParty.KAFKA, () -> ThirdPartyState.unreachable(ThirdParty.KAFKA,
            "SASL authentication failed: PlainLoginModule required username=\"ops\" password=\"kafka-secret\";"));
    try (ThirdPartyChecks c = new ThirdPartyChecks("prod", checks, Duration.ofHours(1))) {
      assertThat(c.checkNow()).allSatisfy(s -> assertThat(s.detail()).doesNotContain("hunter2", "kafka-secret")
          .contains("***"));
      assertThat(c.states()).anySatisfy(s -> assertThat(s.detail())
          .contains("jdbc:postgresql://db:5432/gim?user=ops&password=***"));
    }
  }
}
