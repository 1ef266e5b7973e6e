package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.policies.engine.PolicyEngine;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 6: \"If there are issues with a third-party dependency, such as Kafka or"
    + " PostgreSQL, then rollback will not work until you resolve the third-party issue.\"")
class Rule06ThirdPartyTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void rule6_aRollbackWithKafkaUnreachableIsRefusedInsteadOfTried() {
    Decision d = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty()))
        .withSnapshot(healthySnapshot().with(ThirdPartyState.unreachable(ThirdParty.KAFKA, "no broker answered in 5s"))));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R6_THIRD_PARTY);
      assertThat(f.message()).contains("Kafka is unreachable (no broker answered in 5s)",
          "rollback will not work until you resolve the Kafka issue");
    });
  }

  @Test
  void rule6_anUncheckedDependencyIsNotTakenAsReachable() {
    Decision d = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty()))
        .withSnapshot(healthySnapshot().with(ThirdPartyState.unknown(ThirdParty.POSTGRESQL))));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f ->
        assertThat(f.message()).contains("could not check whether PostgreSQL is reachable"));
  }

  @Test
  void rule6_upgradesCheckReachabilityToo() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GCA))
        .withSnapshot(healthySnapshot().with(ThirdPartyState.unreachable(ThirdParty.POSTGRESQL, "connection refused"))));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).extracting(f -> f.rule()).containsExactly(Rule.R6_THIRD_PARTY);
  }

  @Test
  @DisplayName("rule6: \"If the service you are upgrading requires a later version of any"
      + " third-party services, upgrade the third-party service(s) before\"")
  void rule6_aReleaseNeedingANewerKafkaRefusesUntilKafkaIsUpgraded() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withCatalog(catalogWithSchemaChange())
        .withSnapshot(healthySnapshot().with(ThirdPartyState.reachable(ThirdParty.KAFKA, "3.6.2"))));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R6_THIRD_PARTY);
      assertThat(f.message()).isEqualTo("gim 100.0.117+3000 needs Kafka 3.7 or later; 3.6.2 runs: upgrade Kafka first");
    });

    Decision met = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withCatalog(catalogWithSchemaChange()));
    assertThat(met.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(met.findingsOf(Rule.R6_THIRD_PARTY)).extracting(f -> f.message())
        .contains("gim 100.0.117+3000 needs Kafka 3.7 or later; 3.7.1 runs");
  }

  @Test
  void rule6_aMinimumOnASkippedReleaseStillApplies() {
    // From 115 straight to 117 crosses 116 too; a minimum set on 116 counts.
    var catalog = new io.gimops.policies.domain.ReleaseCatalog(java.util.List.of(
        io.gimops.policies.domain.Release.of(ServiceKind.GSP, "100.0.99+1300"),
        io.gimops.policies.domain.Release.of(ServiceKind.GSP, "100.0.100+1400").requiring(ThirdParty.POSTGRESQL, "16"),
        io.gimops.policies.domain.Release.of(ServiceKind.GSP, "100.0.101+1500")));
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP))
        .withCatalog(catalog).withSnapshot(healthySnapshot().with(healthy(ServiceKind.GSP, 1))));
    assertThat(d.refusals()).anySatisfy(f ->
        assertThat(f.message()).isEqualTo("gsp 100.0.100+1400 needs PostgreSQL 16 or later; 15.4 runs: upgrade PostgreSQL first"));
  }
}
