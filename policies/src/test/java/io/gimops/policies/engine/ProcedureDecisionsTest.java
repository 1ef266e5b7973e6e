package io.gimops.policies.engine;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import java.util.EnumMap;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The procedure around the rules: which rule asks for a plain confirmation, and what the bot does
 * besides helm after a rollback, said before it is confirmed.
 */
class ProcedureDecisionsTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void aPlainConfirmationNamesTheRuleThatAsksForTheAction() {
    assertThat(confirmation(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.empty())).rule())
        .isEqualTo(Rule.R8_VERIFICATION);
    assertThat(confirmation(new LifecycleRequest.RestartGimPod()).rule()).isEqualTo(Rule.R8_VERIFICATION);
    assertThat(confirmation(new LifecycleRequest.UpdateExportViews()).rule()).isEqualTo(Rule.R11_EXPORT_VIEWS);
    assertThat(List.of(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.empty()),
        new LifecycleRequest.RestartGimPod(), new LifecycleRequest.UpdateExportViews()))
        .allSatisfy(r -> assertThat(confirmation(r).rule()).isNotEqualTo(Rule.R4_ONE_AT_A_TIME));
  }

  @Test
  void rule8_theRollbackSaysBeforeConfirmationThatItReplacesTheBrokenPod() {
    var states = new EnumMap<ServiceKind, io.gimops.policies.domain.ServiceState>(ServiceKind.class);
    healthySnapshot().services().forEach(states::put);
    // GSP's upgrade to index 3 left gsp-0 unable to pull its image; the rollback goes to revision 2.
    states.put(ServiceKind.GSP, healthy(ServiceKind.GSP, 2).toBuilder()
        .pods(List.of(PodState.waiting("gsp-0", "ImagePullBackOff", version(ServiceKind.GSP, 3)))).build());
    ClusterSnapshot snap = new ClusterSnapshot(NOW, states, healthySnapshot().thirdParty(), java.util.Optional.empty());
    Decision d = engine.decide(input(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.of(2))).withSnapshot(snap));
    assertThat(d.findingsOf(Rule.R8_VERIFICATION)).anySatisfy(f -> assertThat(f.message())
        .contains("helm rollback gsp", "then delete pod gsp-0 (ImagePullBackOff) if it stays broken",
            version(ServiceKind.GSP, 1).toString(), "StatefulSet"));

    Decision healthy = engine.decide(input(new LifecycleRequest.Rollback(ServiceKind.GSP, OptionalInt.of(2))));
    assertThat(healthy.findingsOf(Rule.R8_VERIFICATION)).anySatisfy(f -> assertThat(f.message())
        .contains("then delete any pod of gsp not on " + version(ServiceKind.GSP, 1)));
  }

  private PendingConfirmation confirmation(LifecycleRequest r) {
    Decision d = engine.decide(input(r));
    assertThat(d.outcome()).as(r.summary() + ": " + d.findings()).isEqualTo(Decision.Outcome.NEEDS_CONFIRMATION);
    return d.pending().stream().filter(p -> p.kind() == PendingConfirmation.Kind.CONFIRM).findFirst().orElseThrow();
  }
}
