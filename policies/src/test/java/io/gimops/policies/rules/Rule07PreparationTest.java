package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.ChecklistItem;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.engine.PolicyEngine;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 7: \"Ensure that your processes have been set up to enable easy rollback\"; each"
    + " time you upgrade: release note, package, values file, RAA/GCXI advisories; for GIM with"
    + " schema changes: \"Ensure that a recent backup of the Info Mart database is available\"")
class Rule07PreparationTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void rule7_anUpgradeNeedsTheVendorsChecklistConfirmed() {
    Decision d = engine.decide(input(LifecycleRequest.Upgrade.toLatest(ServiceKind.GCA)));
    assertThat(d.outcome()).isEqualTo(Outcome.NEEDS_CONFIRMATION);
    assertThat(d.pending()).singleElement().satisfies(p -> {
      assertThat(p.kind()).isEqualTo(PendingConfirmation.Kind.CHECKLIST);
      assertThat(p.rule()).isEqualTo(Rule.R7_PREPARATION);
      assertThat(p.checklist()).extracting(ChecklistItem::text).containsExactly(
          "Reviewed the release note of gca 100.0.101+2400 to identify changes",
          "The package gca-100.0.101+2400.tgz and gca-monitoring-100.0.101+2400.tgz is available to deploy in this environment",
          "The values file gca-values.yaml is available and updated if this release requires changes",
          "Reviewed the RAA and GCXI release notes and advisories for the impact of Info Mart migration on aggregation, and any extra steps");
      assertThat(p.checklist().get(0).link()).contains("https://docs.genesys.com/gca/100.0.101+2400");
    });
  }

  @Test
  void rule7_aGimUpgradeWithSchemaChangesAddsTheDatabaseItems() {
    Decision d = engine.decide(input(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withCatalog(catalogWithSchemaChange()));
    assertThat(d.pending().get(0).checklist()).extracting(ChecklistItem::text)
        .anySatisfy(t -> assertThat(t).contains("Summary of Info Mart Schema Changes"))
        .anySatisfy(t -> assertThat(t).contains("table spaces, partitions, additional indexes, views, permissions"))
        .anySatisfy(t -> assertThat(t).contains("recent backup of the Info Mart database"));
  }

  @Test
  void rule7_withoutSchemaChangesNoDatabaseItems() {
    Decision d = engine.decide(input(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)));
    assertThat(d.pending().get(0).checklist()).extracting(ChecklistItem::text)
        .noneSatisfy(t -> assertThat(t).contains("backup"));
  }

  @Test
  void rule7_whoConfirmedIsRecorded() {
    Decision d = engine.decide(input(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withConfirmations(Confirmations.confirmedBy(ONCALL_MEMBER)));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.confirmedBy()).contains(ONCALL_MEMBER);
    assertThat(d.findingsOf(Rule.R7_PREPARATION)).singleElement()
        .satisfies(f -> assertThat(f.message()).isEqualTo("checklist confirmed by olga"));
  }

  @Test
  void rule7_aConfirmationFromSomeoneWithoutTheRoleDoesNotCount() {
    Decision d = engine.decide(input(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withConfirmations(Confirmations.confirmedBy(VIEWER)));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R12_ACCESS);
      assertThat(f.message()).startsWith("the confirmation does not count");
    });
  }

  @Test
  void rule7_anImageOnlyChangeSaysSoInTheChecklistAndTheCommand() {
    Decision d = engine.decide(input(new LifecycleRequest.Upgrade(ServiceKind.GCA, Optional.empty(),
        Optional.empty(), Optional.of("100.0.101.2400"))));
    assertThat(d.plan().steps().get(0).describe()).isEqualTo(
        "helm upgrade --install gca gca-100.0.101+2400.tgz -f gca-values.yaml -n gca --set gca.image.tag=100.0.101.2400");
    assertThat(d.pending().get(0).checklist().get(2).text()).contains("--set gca.image.tag=100.0.101.2400");
  }
}
