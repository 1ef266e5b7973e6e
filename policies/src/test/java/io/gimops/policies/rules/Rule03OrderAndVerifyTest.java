package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.engine.PolicyEngine;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 3: \"If you are upgrading all the services during the same upgrade cycle,"
    + " upgrade GIM first, then GSP, then GCA.\" \"Complete the upgrade for one service and verify"
    + " that it upgraded successfully before proceeding to upgrade the next service.\"")
class Rule03OrderAndVerifyTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void rule3_aCycleRunsGimThenGspThenGcaEachVerifiedBeforeTheNext() {
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpgradeCycle()));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.plan().steps()).extracting(PlanStep::describe).containsExactly(
        "helm upgrade --install gim gim-100.0.117+3000.tgz -f gim-values.yaml -n gim --timeout 15m",
        "helm upgrade --install gim-monitoring gim-monitoring-100.0.117+3000.tgz -n gim",
        new PlanStep.Verify(ServiceKind.GIM, version(ServiceKind.GIM, 3)).describe(),
        "helm upgrade --install gsp gsp-100.0.101+1500.tgz -f gsp-values.yaml -n gsp --timeout 15m",
        new PlanStep.Verify(ServiceKind.GSP, version(ServiceKind.GSP, 3)).describe(),
        "helm upgrade --install gca gca-100.0.101+2400.tgz -f gca-values.yaml -n gca",
        "helm upgrade --install gca-monitoring gca-monitoring-100.0.101+2400.tgz -n gca",
        new PlanStep.Verify(ServiceKind.GCA, version(ServiceKind.GCA, 3)).describe());
    assertThat(d.findingsOf(Rule.R3_ORDER_AND_VERIFY)).anySatisfy(f -> {
      assertThat(f.verdict()).isEqualTo(Verdict.PASS);
      assertThat(f.message()).isEqualTo("gim -> gsp -> gca, each verified before the next starts");
    });
  }

  @Test
  void rule3_theOrderComesFromConfigurationNotFromTheRequest() {
    var env = PROD.withService(PROD.service(ServiceKind.GCA).orElseThrow().withCycleOrder(0));
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpgradeCycle()).withEnvironment(env));
    assertThat(d.plan().stepsOf(PlanStep.Verify.class)).extracting(PlanStep::service)
        .containsExactly(ServiceKind.GCA, ServiceKind.GIM, ServiceKind.GSP);
  }

  @Test
  void rule3_aReleaseNamedOtherwiseStillInstallsTheVendorsPackage() {
    var gsp = PROD.service(ServiceKind.GSP).orElseThrow();
    var env = PROD.withService(new io.gimops.policies.domain.ServiceSpec(ServiceKind.GSP, "gsp-prod", "gim-prod",
        gsp.extraCharts(), gsp.cycleOrder(), gsp.helmTimeout(), "gsp-prod", "prod-gsp-values.yaml"));
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP)).withEnvironment(env));
    assertThat(d.plan().stepsOf(PlanStep.HelmUpgrade.class)).extracting(PlanStep::describe).containsExactly(
        "helm upgrade --install gsp-prod gsp-100.0.101+1500.tgz -f prod-gsp-values.yaml -n gim-prod --timeout 15m");
  }

  @Test
  void rule3_aPlanThatStartsTheNextServiceBeforeVerifyingIsRefused() {
    Plan bad = new Plan(List.of(
        new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim", "gim", version(ServiceKind.GIM, 3),
            java.util.Optional.of("gim-values.yaml"), "gim", java.util.Optional.empty(), java.util.Optional.empty()),
        new PlanStep.HelmUpgrade(ServiceKind.GSP, "gsp", "gsp", version(ServiceKind.GSP, 3),
            java.util.Optional.of("gsp-values.yaml"), "gsp", java.util.Optional.empty(), java.util.Optional.empty()),
        new PlanStep.Verify(ServiceKind.GSP, version(ServiceKind.GSP, 3))));
    assertThat(CycleOrder.check(PROD, healthySnapshot(), catalog(), bad, true))
        .anySatisfy(f -> {
          assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
          assertThat(f.message()).isEqualTo("gsp would start before gim verified");
        });
  }

  @Test
  void rule3_aCycleOutOfOrderIsRefused() {
    Plan reversed = new Plan(List.of(
        new PlanStep.HelmUpgrade(ServiceKind.GSP, "gsp", "gsp", version(ServiceKind.GSP, 3),
            java.util.Optional.of("gsp-values.yaml"), "gsp", java.util.Optional.empty(), java.util.Optional.empty()),
        new PlanStep.Verify(ServiceKind.GSP, version(ServiceKind.GSP, 3)),
        new PlanStep.HelmUpgrade(ServiceKind.GIM, "gim", "gim", version(ServiceKind.GIM, 3),
            java.util.Optional.of("gim-values.yaml"), "gim", java.util.Optional.empty(), java.util.Optional.empty()),
        new PlanStep.Verify(ServiceKind.GIM, version(ServiceKind.GIM, 3))));
    assertThat(CycleOrder.check(PROD, healthySnapshot(), catalog(), reversed, true))
        .anySatisfy(f -> assertThat(f.message()).isEqualTo("the cycle must run gim -> gsp, not gsp -> gim"));
  }

  @Test
  void rule3_servicesAlreadyOnTheirNewestReleaseOrNotInstalledAreSkippedAndSaidSo() {
    var snap = healthySnapshot().with(healthy(ServiceKind.GSP, 3)).with(ServiceState.notInstalled(ServiceKind.GCA));
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpgradeCycle()).withSnapshot(snap));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.plan().stepsOf(PlanStep.Verify.class)).extracting(PlanStep::service).containsExactly(ServiceKind.GIM);
    assertThat(d.findingsOf(Rule.R3_ORDER_AND_VERIFY)).extracting(f -> f.message()).contains(
        "gsp already runs its newest release 100.0.101+1500 and is skipped",
        "gca is not installed and is skipped (install it with `/gim upgrade gca`)");
  }

  @Test
  void rule3_aSingleUpgradeRecommendsTheWholeCycleWhenOthersHaveNewerReleases() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP)));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.findingsOf(Rule.R3_ORDER_AND_VERIFY)).anySatisfy(f -> {
      assertThat(f.verdict()).isEqualTo(Verdict.INFO);
      assertThat(f.message()).contains("gim 100.0.117+3000", "gca 100.0.101+2400", "/gim upgrade all");
    });
  }

  @Test
  void rule3_nothingToUpgradeIsRefusedPlainly() {
    var snap = healthySnapshot().with(healthy(ServiceKind.GIM, 3)).with(healthy(ServiceKind.GSP, 3))
        .with(healthy(ServiceKind.GCA, 3));
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpgradeCycle()).withSnapshot(snap));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f ->
        assertThat(f.message()).contains("already runs its newest release"));
  }
}
