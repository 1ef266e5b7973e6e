package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.engine.PolicyEngine;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 5: \"When you upgrade GIM and GSP, increase the Helm timeout value from the"
    + " default 5 minutes to 15 minutes or longer.\" (and \"When you roll back GIM and GSP\")")
class Rule05TimeoutsTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void rule5_upgradesCarry15mForGimAndGspAndHelmsDefaultForGca() {
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpgradeCycle()));
    assertThat(d.plan().stepsOf(PlanStep.HelmUpgrade.class))
        .filteredOn(PlanStep.HelmUpgrade::isServiceChart)
        .extracting(u -> u.service().id() + " " + u.effectiveTimeout() + " " + u.helmArgs().contains("--timeout"))
        .containsExactly("gim PT15M true", "gsp PT15M true", "gca PT5M false");
    assertThat(d.findingsOf(Rule.R5_TIMEOUTS)).singleElement().satisfies(f ->
        assertThat(f.message()).isEqualTo("helm timeouts: gim 15m, gsp 15m, gca helm default (5m)"));
  }

  @Test
  void rule5_rollbacksCarryTheSameTimeouts() {
    Decision gim = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty())));
    assertThat(gim.plan().stepsOf(PlanStep.HelmRollback.class)).singleElement().satisfies(r ->
        assertThat(r.helmArgs()).containsExactly("rollback", "gim", "2", "-n", "gim", "--timeout", "15m"));
    Decision gca = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GCA, OptionalInt.empty())));
    assertThat(gca.plan().stepsOf(PlanStep.HelmRollback.class)).singleElement().satisfies(r ->
        assertThat(r.helmArgs()).containsExactly("rollback", "gca", "2", "-n", "gca"));
  }

  @Test
  void rule5_aConfiguredTimeoutShorterThanTheVendorsIsRefused() {
    ServiceSpec shortGsp = ServiceSpec.defaults(ServiceKind.GSP).withHelmTimeout(Optional.of(Duration.ofMinutes(10)));
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP))
        .withEnvironment(PROD.withService(shortGsp)));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R5_TIMEOUTS);
      assertThat(f.message()).contains("gsp's helm timeout is 10m, shorter than the vendor's 15 minutes");
    });
  }

  @Test
  void rule5_longerTimeoutsAreFine() {
    ServiceSpec longGim = ServiceSpec.defaults(ServiceKind.GIM).withHelmTimeout(Optional.of(Duration.ofMinutes(45)));
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withEnvironment(PROD.withService(longGim)));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.plan().stepsOf(PlanStep.HelmUpgrade.class).get(0).helmArgs()).contains("--timeout", "45m");
  }
}
