package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ActiveOperation;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.engine.PolicyEngine;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 4: \"Genesys recommends that you upgrade the services methodically and"
    + " sequentially.\" One lifecycle operation at a time per environment.")
class Rule04OneAtATimeTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);
  private final ActiveOperation running =
      new ActiveOperation("op-7k2m", "prod", "upgrade all to latest", ADMIN, NOW.minusSeconds(300));

  @Test
  void rule4_anotherOperationInTheSameEnvironmentRefusesEveryLifecycleAction() {
    List<LifecycleRequest> requests = List.of(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM),
        new LifecycleRequest.UpgradeCycle(), new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.empty()),
        new LifecycleRequest.Uninstall(ServiceKind.GCA, false), new LifecycleRequest.UpdateExportViews(),
        new LifecycleRequest.RestartGimPod());
    for (LifecycleRequest r : requests) {
      Decision d = engine.decide(confirmed(r).withActor(ADMIN).withActiveOperations(List.of(running)));
      assertThat(d.outcome()).as(r.summary()).isEqualTo(Outcome.REFUSED);
      assertThat(d.refusals()).as(r.summary()).anySatisfy(f -> {
        assertThat(f.rule()).isEqualTo(Rule.R4_ONE_AT_A_TIME);
        assertThat(f.message()).contains("op-7k2m", "upgrade all to latest", "ada", "/gim cancel op-7k2m");
      });
    }
  }

  @Test
  void rule4_anOperationInAnotherEnvironmentDoesNotBlock() {
    ActiveOperation elsewhere = new ActiveOperation("op-9x", "staging", "upgrade gim", ADMIN, NOW);
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withActiveOperations(List.of(elsewhere)));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.findingsOf(Rule.R4_ONE_AT_A_TIME)).singleElement()
        .satisfies(f -> assertThat(f.message()).isEqualTo("no other lifecycle operation is running in prod"));
  }
}
