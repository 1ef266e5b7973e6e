package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.engine.PolicyEngine;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 1: \"As long as you remain within the range of N-2 releases for each service,"
    + " the Genesys Info Mart services can inter-operate with one another.\"")
class Rule01N2WindowTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void rule1_theWindowIsTheNewestThreeReleases() {
    ReleaseCatalog c = catalog();
    assertThat(c.window(ServiceKind.GIM)).extracting(Release::version)
        .containsExactly(version(ServiceKind.GIM, 3), version(ServiceKind.GIM, 2), version(ServiceKind.GIM, 1));
    assertThat(c.position(ServiceKind.GIM, version(ServiceKind.GIM, 3)).label()).isEqualTo("N");
    assertThat(c.position(ServiceKind.GIM, version(ServiceKind.GIM, 1)).label()).isEqualTo("N-2");
    assertThat(c.position(ServiceKind.GIM, version(ServiceKind.GIM, 0)).label()).isEqualTo("N-3 (outside the window)");
    assertThat(c.position(ServiceKind.GIM, v("100.0.200+1")).label()).isEqualTo("not in the release catalog");
  }

  @Test
  void rule1_upgradeToAnOutOfWindowReleaseIsRefused() {
    // Running N-1 (116); asking for N-3 (114) is also a downgrade, so run GIM on N-3 first:
    // then 114 is "no change"; ask for a release that is in the catalog but outside the window.
    ReleaseCatalog c = new ReleaseCatalog(List.of(Release.of(ServiceKind.GIM, "100.0.113+1"),
        Release.of(ServiceKind.GIM, "100.0.114+1"), Release.of(ServiceKind.GIM, "100.0.115+1"),
        Release.of(ServiceKind.GIM, "100.0.116+1"), Release.of(ServiceKind.GIM, "100.0.117+1")));
    ServiceState gimOld = ServiceState.builder(ServiceKind.GIM).deployed(1, v("100.0.113+1"), HelmStatus.DEPLOYED)
        .replicas(1, 1).build();
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.to(ServiceKind.GIM, "100.0.114+1"))
        .withCatalog(c).withSnapshot(healthySnapshot().with(gimOld)));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).anySatisfy(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R1_N2_WINDOW);
      assertThat(f.message()).contains("gim on 100.0.114+1", "N-3 (outside the window)",
          "100.0.117+1", "choose one of those");
    });
  }

  @Test
  void rule1_upgradeToAnUnknownReleaseIsRefusedWithTheChoices() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.to(ServiceKind.GIM, "100.0.999+1")));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R1_N2_WINDOW);
      assertThat(f.message()).contains("not in the release catalog", "100.0.117+3000", "/gim releases gim");
    });
    assertThat(d.plan().isEmpty()).isTrue();
  }

  @Test
  void rule1_rollbackToARevisionWhoseReleaseIsOutOfTheWindowIsRefused() {
    // GIM history: rev1 = 114 (N-3), rev2 = 115, rev3 = 116 deployed.
    ServiceState gim = healthy(ServiceKind.GIM, 2).toBuilder().history(List.of(
        new RevisionRecord(1, version(ServiceKind.GIM, 0), HelmStatus.SUPERSEDED, NOW.minusSeconds(9000), ""),
        new RevisionRecord(2, version(ServiceKind.GIM, 1), HelmStatus.SUPERSEDED, NOW.minusSeconds(8000), ""),
        new RevisionRecord(3, version(ServiceKind.GIM, 2), HelmStatus.DEPLOYED, NOW.minusSeconds(7000), "")))
        .deployed(3, version(ServiceKind.GIM, 2), HelmStatus.DEPLOYED).build();
    Decision d = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(1)))
        .withSnapshot(healthySnapshot().with(gim)));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).extracting(Finding::rule).containsExactly(Rule.R1_N2_WINDOW);

    Decision ok = engine.decide(confirmed(new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.of(2)))
        .withSnapshot(healthySnapshot().with(gim)));
    assertThat(ok.outcome()).isEqualTo(Outcome.ALLOWED);
  }

  @Test
  void rule1_servicesAlreadyOutsideTheWindowAreShownBeforeEveryAction() {
    ServiceState gcaOld = healthy(ServiceKind.GCA, 0);
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM))
        .withSnapshot(healthySnapshot().with(gcaOld)));
    assertThat(d.findingsOf(Rule.R1_N2_WINDOW)).anySatisfy(f -> {
      assertThat(f.verdict()).isEqualTo(Verdict.WARN);
      assertThat(f.message()).contains("gca runs 100.0.98+2100", "outside the window", "/gim upgrade all");
    });
    assertThat(N2Window.outsideWindow(healthySnapshot().with(gcaOld), catalog()))
        .extracting(ServiceState::kind).containsExactly(ServiceKind.GCA);
  }

  @Test
  void rule1_aCatalogWithFewerThanThreeReleasesHasAllOfThemInTheWindow() {
    ReleaseCatalog two = new ReleaseCatalog(List.of(Release.of(ServiceKind.GSP, "100.0.1+1"),
        Release.of(ServiceKind.GSP, "100.0.2+1")));
    assertThat(two.window(ServiceKind.GSP)).hasSize(2);
    assertThat(two.inWindow(ServiceKind.GSP, v("100.0.1+1"))).isTrue();
    assertThat(two.window(ServiceKind.GCA)).isEmpty();
    assertThat(N2Window.resolveTarget(two, ServiceKind.GCA, java.util.Optional.empty()).refusal())
        .hasValueSatisfying(f -> assertThat(f.message()).contains("lists no release of gca"));
  }

  @Test
  void rule1_theSameVersionWithDifferentBuildNumbersAreDistinctReleases() {
    ReleaseCatalog c = new ReleaseCatalog(List.of(Release.of(ServiceKind.GIM, "100.0.116+2900"),
        Release.of(ServiceKind.GIM, "100.0.116+2901"), Release.of(ServiceKind.GIM, "100.0.116+2902"),
        Release.of(ServiceKind.GIM, "100.0.115+2800")));
    assertThat(c.latest(ServiceKind.GIM)).hasValueSatisfying(r -> assertThat(r.version()).isEqualTo(v("100.0.116+2902")));
    assertThat(c.inWindow(ServiceKind.GIM, v("100.0.116+2900"))).isTrue();
    assertThat(c.inWindow(ServiceKind.GIM, v("100.0.115+2800"))).isFalse();
  }

  @Test
  void rule1_anUpgradeCycleBringsEveryServiceIntoTheWindow() {
    var snap = healthySnapshot().with(healthy(ServiceKind.GCA, 0));
    Decision d = engine.decide(confirmed(new LifecycleRequest.UpgradeCycle()).withSnapshot(snap));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(N2Window.touched(d.plan())).containsExactly(ServiceKind.GIM, ServiceKind.GSP, ServiceKind.GCA);
    N2Window.projected(PROD, snap, d.plan()).forEach((k, v) ->
        assertThat(catalog().inWindow(k, v.orElseThrow())).as(k.id()).isTrue());
  }
}
