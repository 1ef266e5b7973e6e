package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation.Kind;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.engine.PolicyEngine;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 10: \"Uninstalling a service removes all Kubernetes resources associated with"
    + " that service.\" \"Uninstalling any of the Genesys Info Mart services does not affect the Info"
    + " Mart database or any files on the S3-compatible storage location GIM uses for Data Export.\"")
class Rule10UninstallTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  private Decision uninstall(ServiceKind k, boolean reinstall, Confirmations c, boolean prod) {
    return engine.decide(input(new LifecycleRequest.Uninstall(k, reinstall)).withActor(ADMIN)
        .withChannel(prod ? PROD_CHANNEL : STAGING_CHANNEL).withEnvironment(prod ? PROD : STAGING)
        .withConfirmations(c));
  }

  @Test
  void rule10_theWarningSaysWhatIsAndIsNotAffected() {
    Decision d = uninstall(ServiceKind.GIM, false, Confirmations.NONE, false);
    assertThat(d.findingsOf(Rule.R10_UNINSTALL)).anySatisfy(f -> assertThat(f.message()).contains(
        "removes all Kubernetes resources", "contact Genesys Customer Care",
        "does not affect the Info Mart database or any files on the S3-compatible storage",
        "Info Mart database will no longer be updated"));
  }

  @Test
  void rule10_theServiceNameMustBeTyped() {
    Decision d = uninstall(ServiceKind.GCA, false, Confirmations.NONE, false);
    assertThat(d.outcome()).isEqualTo(Outcome.NEEDS_CONFIRMATION);
    assertThat(d.pending()).extracting(PendingConfirmation::kind).containsExactly(Kind.TYPE_SERVICE_NAME);

    Decision wrong = uninstall(ServiceKind.GCA, false, Confirmations.NONE.withTypedServiceName("gsp"), false);
    assertThat(wrong.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(wrong.refusals()).singleElement().satisfies(f ->
        assertThat(f.message()).contains("you typed \"gsp\", not gca", "nothing was uninstalled"));

    Decision typed = uninstall(ServiceKind.GCA, false, Confirmations.NONE.withTypedServiceName(" GCA "), false);
    assertThat(typed.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(typed.plan().steps()).extracting(PlanStep::describe)
        .containsExactly("helm uninstall gca -n gca", "helm uninstall gca-monitoring -n gca");
  }

  @Test
  void rule10_productionNeedsASecondApproverWhoIsSomeoneElse() {
    Confirmations typed = Confirmations.NONE.withTypedServiceName("gca");
    Decision d = uninstall(ServiceKind.GCA, false, typed, true);
    assertThat(d.outcome()).isEqualTo(Outcome.NEEDS_CONFIRMATION);
    assertThat(d.pending()).extracting(PendingConfirmation::kind).containsExactly(Kind.SECOND_APPROVER);

    Decision self = uninstall(ServiceKind.GCA, false, typed.withSecondApprover(ADMIN), true);
    assertThat(self.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(self.refusals()).singleElement().satisfies(f -> assertThat(f.message()).contains("someone other than the requester"));

    Decision byOperator = uninstall(ServiceKind.GCA, false, typed.withSecondApprover(OPERATOR), true);
    assertThat(byOperator.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(byOperator.refusals()).singleElement().satisfies(f -> assertThat(f.message()).contains("otto cannot approve"));

    Decision approved = uninstall(ServiceKind.GCA, false, typed.withSecondApprover(ADMIN_2), true);
    assertThat(approved.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(approved.secondApprover()).contains(ADMIN_2);
  }

  @Test
  void rule10_reinstallingGspAlsoDeletesItsStateConfigMaps() {
    Decision d = uninstall(ServiceKind.GSP, true, Confirmations.NONE.withTypedServiceName("gsp"), false);
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.plan().steps()).extracting(PlanStep::describe)
        .containsExactly("helm uninstall gsp -n gsp", "delete ConfigMaps in gsp selected by app=gsp");
  }

  @Test
  void rule10_theConfigMapSelectorFollowsGspsFullname() {
    ServiceSpec renamed = new ServiceSpec(ServiceKind.GSP, "gsp-eu", "gim-shared", java.util.List.of(), 2,
        java.util.Optional.of(java.time.Duration.ofMinutes(15)), "gsp-eu-stream", "gsp-values.yaml");
    Decision d = engine.decide(input(new LifecycleRequest.Uninstall(ServiceKind.GSP, true)).withActor(ADMIN)
        .withChannel(STAGING_CHANNEL).withEnvironment(STAGING.withService(renamed))
        .withConfirmations(Confirmations.NONE.withTypedServiceName("gsp")));
    assertThat(d.plan().stepsOf(PlanStep.DeleteConfigMaps.class)).singleElement()
        .satisfies(s -> assertThat(s.selector()).isEqualTo("app=gsp-eu-stream"));
  }

  @Test
  void rule10_reinstallAppliesToGspOnlyAndUninstallNeedsAnAdmin() {
    Decision gim = uninstall(ServiceKind.GIM, true, Confirmations.NONE.withTypedServiceName("gim"), false);
    assertThat(gim.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(gim.refusals()).anySatisfy(f -> assertThat(f.message()).contains("applies to gsp only"));

    Decision byOperator = engine.decide(input(new LifecycleRequest.Uninstall(ServiceKind.GCA, false))
        .withConfirmations(Confirmations.NONE.withTypedServiceName("gca")));
    assertThat(byOperator.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R12_ACCESS);
      assertThat(f.message()).contains("uninstall in prod needs the admin role; otto is operator");
    });
  }

  @Test
  void rule10_aServiceNotInstalledCannotBeUninstalled() {
    Decision d = engine.decide(input(new LifecycleRequest.Uninstall(ServiceKind.GCA, false)).withActor(ADMIN)
        .withSnapshot(healthySnapshot().with(ServiceState.notInstalled(ServiceKind.GCA))));
    assertThat(d.refusals()).singleElement().satisfies(f -> assertThat(f.message()).isEqualTo(
        "gca is not installed in prod: there is nothing to uninstall"));
  }
}
