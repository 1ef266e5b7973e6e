package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.engine.PolicyEngine;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 11: \"If you want your exported data to reflect the schema changes (for example,"
    + " new tables or columns), you must update your export views.\"")
class Rule11ExportViewsTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void rule11_aGimUpgradeWithSchemaChangesOffersToUpdateExportViewsAfterVerification() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withCatalog(catalogWithSchemaChange()));
    assertThat(d.plan().steps()).last().isInstanceOf(PlanStep.OfferExportViews.class);
    assertThat(d.plan().steps().get(d.plan().steps().size() - 2)).isInstanceOf(PlanStep.Verify.class);
    assertThat(d.findingsOf(Rule.R11_EXPORT_VIEWS)).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("crosses schema changes"));
  }

  @Test
  void rule11_noOfferWithoutSchemaChanges() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)));
    assertThat(d.plan().stepsOf(PlanStep.OfferExportViews.class)).isEmpty();
  }

  @Test
  void rule11_updatingExportViewsExecsTheVendorsCommandInTheGimPod() {
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpdateExportViews()));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.plan().steps()).singleElement().satisfies(s -> assertThat(s.describe())
        .isEqualTo("kubectl exec <gim-pod> -n gim -- ./entrypoint.sh -job Job_MigrateGIM -make-export-views"));
  }

  @Test
  void rule11_noReadyGimPodMeansNoExportViewsYet() {
    var gim = healthy(ServiceKind.GIM, 2).toBuilder().pods(List.of(
        PodState.pending("gim-0", NOW.minus(Duration.ofMinutes(1)), version(ServiceKind.GIM, 2)))).build();
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpdateExportViews()).withSnapshot(healthySnapshot().with(gim)));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f ->
        assertThat(f.message()).contains("no GIM pod is Running and Ready", "/gim status gim"));
  }
}
