package io.gimops.policies.engine;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Optional;
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

  @Test
  void procedure_rollbackByReinstallingTheEarlierPackageIsAHelmUpgradeVerifiedLikeARollback() {
    // GSP runs 100.0.100+1400 (index 2); re-install 100.0.99+1300's package.
    var r = new LifecycleRequest.Reinstall(ServiceKind.GSP, version(ServiceKind.GSP, 1), Optional.empty());
    Decision d = engine.decide(input(r));
    assertThat(d.outcome()).as(d.findings().toString()).isEqualTo(Decision.Outcome.NEEDS_CONFIRMATION);
    assertThat(d.plan().steps()).hasSize(2);
    assertThat(d.plan().steps().get(0)).isInstanceOfSatisfying(PlanStep.HelmUpgrade.class, u -> {
      assertThat(u.helmArgs()).containsExactly("upgrade", "--install", "gsp", "gsp-100.0.99+1300.tgz", "-f",
          "gsp-values.yaml", "-n", "gsp", "--timeout", "15m");
      assertThat(u.isServiceChart()).isTrue();
    });
    assertThat(d.plan().steps().get(1)).isEqualTo(new PlanStep.Verify(ServiceKind.GSP, version(ServiceKind.GSP, 1)));
    assertThat(d.findingsOf(Rule.PROCEDURE)).anySatisfy(f -> assertThat(f.message())
        .contains("Revert the image version in the gsp.image.tag parameter in the values file"));
    assertThat(d.findingsOf(Rule.R5_TIMEOUTS)).isNotEmpty();
    assertThat(d.findingsOf(Rule.R1_N2_WINDOW)).isNotEmpty();
    assertThat(confirmation(r).rule()).isEqualTo(Rule.R8_VERIFICATION);

    // Only the image goes back: the vendor's --set tip.
    var tag = new LifecycleRequest.Reinstall(ServiceKind.GSP, version(ServiceKind.GSP, 1), Optional.of("100.0.99.1300"));
    assertThat(((PlanStep.HelmUpgrade) engine.decide(input(tag)).plan().steps().get(0)).helmArgs())
        .endsWith("--set", "gsp.image.tag=100.0.99.1300");
    // The same chart version, image only, goes back with the tag named.
    var same = new LifecycleRequest.Reinstall(ServiceKind.GSP, version(ServiceKind.GSP, 2), Optional.of("100.0.99.1300"));
    assertThat(engine.decide(input(same)).outcome()).isEqualTo(Decision.Outcome.NEEDS_CONFIRMATION);
  }

  @Test
  void procedure_reinstallGoesOnlyBackAndOnlyInsideTheWindow() {
    assertThat(refusal(new LifecycleRequest.Reinstall(ServiceKind.GSP, version(ServiceKind.GSP, 3), Optional.empty())))
        .contains("re-installs an earlier release", "to go forward, upgrade");
    assertThat(refusal(new LifecycleRequest.Reinstall(ServiceKind.GSP, version(ServiceKind.GSP, 2), Optional.empty())))
        .contains("--image-tag");
    assertThat(refusal(new LifecycleRequest.Reinstall(ServiceKind.GSP, version(ServiceKind.GSP, 0), Optional.empty())))
        .contains("100.0.98+1200");
    assertThat(refusal(new LifecycleRequest.Reinstall(ServiceKind.GSP, v("100.0.50+1"), Optional.empty())))
        .contains("100.0.50+1");
    // An upgrade to an older release points at both ways back.
    assertThat(refusal(LifecycleRequest.Upgrade.to(ServiceKind.GSP, "100.0.99+1300")))
        .contains("/gim rollback gsp [revision]", "/gim rollback gsp --to 100.0.99+1300");
  }

  private String refusal(LifecycleRequest r) {
    Decision d = engine.decide(confirmed(r));
    assertThat(d.outcome()).as(r.summary()).isEqualTo(Decision.Outcome.REFUSED);
    return d.refusals().toString();
  }

  private PendingConfirmation confirmation(LifecycleRequest r) {
    Decision d = engine.decide(input(r));
    assertThat(d.outcome()).as(r.summary() + ": " + d.findings()).isEqualTo(Decision.Outcome.NEEDS_CONFIRMATION);
    return d.pending().stream().filter(p -> p.kind() == PendingConfirmation.Kind.CONFIRM).findFirst().orElseThrow();
  }
}
