package io.gimops.policies.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.Fixtures;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.engine.PolicyEngine;
import io.gimops.policies.properties.Worlds.RequestKind;
import io.gimops.policies.properties.Worlds.World;
import io.gimops.policies.rules.N2Window;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Rule 1, the N-2 window, as the issue states it: "for any catalog and any deployed set, a plan
 * that is allowed never leaves a service outside the window".
 *
 * <p>Vendor: "As long as you remain within the range of N-2 releases for each service, the
 * Genesys Info Mart services can inter-operate with one another."
 *
 * <p>Catalogs hold 0..8 releases per service (so fewer than three too), builds of the same
 * numbers, windows of 1..4; each service is not installed, on a catalog release, or on a version
 * the catalog does not know, with a generated Helm history; requests are upgrades (to the newest,
 * to a catalog release, to any version), whole cycles and rollbacks (to the previous or any
 * revision). An operator asks, with the confirmation and checklist given, so anything the engine
 * does not refuse is allowed.
 */
@Label("Rule 1: N-2 window. \"As long as you remain within the range of N-2 releases for each"
    + " service, the Genesys Info Mart services can inter-operate with one another.\"")
class N2WindowProperties {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, Fixtures.CLOCK);

  @Provide
  Arbitrary<World> worlds() {
    return Worlds.worlds();
  }

  @Provide
  Arbitrary<World> cycles() {
    return Worlds.worlds(Arbitraries.just(RequestKind.UPGRADE_CYCLE));
  }

  @Provide
  Arbitrary<World> upgrades() {
    return Worlds.worlds(Arbitraries.frequency(Tuple.of(1, RequestKind.UPGRADE_LATEST),
        Tuple.of(3, RequestKind.UPGRADE_TO_CATALOG), Tuple.of(1, RequestKind.UPGRADE_TO_OTHER)));
  }

  @Provide
  Arbitrary<World> rollbacks() {
    return Worlds.worlds(Arbitraries.just(RequestKind.ROLLBACK));
  }

  @Property(tries = 1500)
  @Label("rule 1: a plan that is not refused moves every service it touches into the window,"
      + " and never adds a service outside it")
  void rule1_allowedPlanNeverLeavesAServiceOutsideTheWindow(@ForAll("worlds") World w) {
    Decision d = engine.decide(w.input());
    Statistics.label("outcome").collect(d.outcome());
    Statistics.label("request").collect(w.blueprint().request().kind());
    Statistics.label("outcome").coverage(c -> c.check(Decision.Outcome.ALLOWED).percentage(p -> p > 15));
    if (d.isRefused()) {
      return;
    }
    ReleaseCatalog catalog = w.catalog();
    Map<ServiceKind, Optional<Version>> after = N2Window.projected(Fixtures.PROD, w.snapshot(), d.plan());

    // (a) every service whose version the plan changes lands inside the window
    for (ServiceKind k : N2Window.touched(d.plan())) {
      assertThat(after.get(k))
          .as("%s is moved by the plan, so it must end on a release", k.id())
          .isPresent();
      assertThat(catalog.inWindow(k, after.get(k).get()))
          .as("rule 1: the plan %s leaves %s on %s, %s; window %s",
              d.plan().steps(), k.id(), after.get(k).get(),
              catalog.position(k, after.get(k).get()), catalog.window(k))
          .isTrue();
    }

    // the same, without trusting N2Window or the catalog's own window: read where each helm step
    // takes its service, and compare with the newest releases as this test sorts them
    Map<ServiceKind, Version> landing = new EnumMap<>(ServiceKind.class);
    for (PlanStep step : d.plan().steps()) {
      if (step instanceof PlanStep.HelmUpgrade u) {
        landing.put(u.service(), u.version());
      } else if (step instanceof PlanStep.HelmRollback r) {
        landing.put(r.service(), r.toVersion());
      }
    }
    landing.forEach((k, v) -> assertThat(newest(w, k))
        .as("rule 1: the plan takes %s to %s", k.id(), v)
        .contains(v));
    assertThat(landing.keySet()).isEqualTo(N2Window.touched(d.plan()));

    // (b) the installed services outside the window never increase: after is a subset of before
    Set<ServiceKind> outsideBefore = EnumSet.noneOf(ServiceKind.class);
    N2Window.outsideWindow(w.snapshot(), catalog).forEach(s -> outsideBefore.add(s.kind()));
    Set<ServiceKind> outsideAfter = EnumSet.noneOf(ServiceKind.class);
    after.forEach((k, v) -> v.filter(x -> !catalog.inWindow(k, x)).ifPresent(x -> outsideAfter.add(k)));
    assertThat(outsideBefore).as("services outside the window before the plan").containsAll(outsideAfter);
    assertThat(outsideAfter.size()).isLessThanOrEqualTo(outsideBefore.size());

    // with every confirmation given, what is not refused is allowed
    assertThat(d.outcome()).isEqualTo(Decision.Outcome.ALLOWED);
  }

  /**
   * The window as this test models it: the {@code windowSize} newest versions of the service's
   * releases, sorted here (all of them when the catalog has fewer).
   */
  static List<Version> newest(World w, ServiceKind k) {
    List<Version> all = w.blueprint().catalog().get(k).stream().map(Worlds.ReleaseSpec::version)
        .sorted(Comparator.reverseOrder()).toList();
    return all.subList(0, Math.min(all.size(), w.blueprint().windowSize()));
  }

  @Property(tries = 500)
  @Label("rule 1: the window is the newest N releases of each service, all of them when fewer")
  void rule1_windowIsTheNewestReleasesOfEachService(@ForAll("worlds") World w,
      @ForAll("poolVersions") Version probe) {
    ReleaseCatalog catalog = w.catalog();
    for (ServiceKind k : ServiceKind.values()) {
      List<Version> model = newest(w, k);
      assertThat(catalog.window(k).stream().map(r -> r.version()).toList()).isEqualTo(model);
      assertThat(catalog.latest(k).map(r -> r.version())).isEqualTo(model.stream().findFirst());
      for (Version v : w.blueprint().catalog().get(k).stream().map(Worlds.ReleaseSpec::version).toList()) {
        assertThat(catalog.inWindow(k, v)).as("%s %s", k.id(), v).isEqualTo(model.contains(v));
        assertThat(catalog.position(k, v).inCatalog()).isTrue();
      }
      assertThat(catalog.inWindow(k, probe)).as("%s %s", k.id(), probe).isEqualTo(model.contains(probe));
      if (w.blueprint().catalog().get(k).size() <= catalog.windowSize()) {
        assertThat(catalog.window(k)).hasSameSizeAs(catalog.releases(k));
      }
    }
  }

  @Provide
  Arbitrary<Version> poolVersions() {
    return Worlds.poolVersion();
  }

  @Property(tries = 800)
  @Label("rule 1: an allowed upgrade cycle ends every installed service on its newest release")
  void rule1_allowedUpgradeCycleEndsEveryInstalledServiceOnItsNewestRelease(@ForAll("cycles") World w) {
    Decision d = engine.decide(w.input());
    Statistics.label("outcome").collect(d.outcome());
    Statistics.label("outcome").coverage(c -> c.check(Decision.Outcome.ALLOWED).percentage(p -> p > 5));
    if (d.isRefused()) {
      return;
    }
    Map<ServiceKind, Optional<Version>> after = N2Window.projected(Fixtures.PROD, w.snapshot(), d.plan());
    for (ServiceKind k : ServiceKind.values()) {
      ServiceState before = w.snapshot().service(k);
      if (!before.installed()) {
        assertThat(after.get(k)).as("%s is not installed and a cycle does not install it", k.id()).isEmpty();
        continue;
      }
      assertThat(w.catalog().latest(k)).as("%s is installed; an allowed cycle knows its releases", k.id())
          .isPresent();
      assertThat(after.get(k))
          .as("rule 1 and the vendor's 'upgrade them all during the same upgrade cycle': %s", k.id())
          .contains(w.catalog().latest(k).get().version());
    }
  }

  @Property(tries = 800)
  @Label("rule 1: an upgrade to a release outside the window (or unknown to the catalog) is refused")
  void rule1_upgradeToAReleaseOutsideTheWindowIsRefused(@ForAll("upgrades") World w) {
    LifecycleRequest.Upgrade u = (LifecycleRequest.Upgrade) w.request();
    Optional<Version> target = u.version().or(() -> w.catalog().latest(u.service()).map(r -> r.version()));
    boolean inWindow = target.map(v -> w.catalog().inWindow(u.service(), v)).orElse(false);
    Statistics.label("target").collect(inWindow ? "in window" : "outside or unknown");
    Decision d = engine.decide(w.input());
    if (!inWindow) {
      assertThat(d.outcome()).as("%s", d.explain()).isEqualTo(Decision.Outcome.REFUSED);
    }
  }

  @Property(tries = 800)
  @Label("rule 1: a rollback to a revision whose release is outside the window is refused")
  void rule1_rollbackToARevisionOutsideTheWindowIsRefused(@ForAll("rollbacks") World w) {
    LifecycleRequest.Rollback r = (LifecycleRequest.Rollback) w.request();
    ServiceState s = w.snapshot().service(r.service());
    Optional<RevisionRecord> target = r.revision().isPresent()
        ? s.revisionRecord(r.revision().getAsInt())
        : s.history().stream().filter(h -> h.revision() < s.revision()
            && (h.status() == HelmStatus.SUPERSEDED || h.status() == HelmStatus.DEPLOYED))
            .reduce((a, b) -> b);
    boolean outside = target.isPresent() && !w.catalog().inWindow(r.service(), target.get().version());
    Statistics.label("target").collect(target.isEmpty() ? "no such revision"
        : outside ? "outside the window" : "in the window");
    Decision d = engine.decide(w.input());
    if (outside) {
      assertThat(d.outcome()).as("%s", d.explain()).isEqualTo(Decision.Outcome.REFUSED);
      assertThat(d.refusals()).as("%s", d.explain()).isNotEmpty();
    }
  }

  @Property(tries = 800)
  @Label("rule 1: services that already fell out of the window are shown before every action")
  void rule1_servicesAlreadyOutsideTheWindowAreShownBeforeTheAction(@ForAll("worlds") World w) {
    Decision d = engine.decide(w.input());
    if (d.plan().isEmpty()) {
      return; // refused before there was an action to show them with
    }
    Set<ServiceKind> touched = N2Window.touched(d.plan());
    for (ServiceState s : N2Window.outsideWindow(w.snapshot(), w.catalog())) {
      if (touched.contains(s.kind())) {
        continue;
      }
      Statistics.label("shown").collect(s.kind());
      assertThat(d.findingsOf(Rule.R1_N2_WINDOW))
          .as("%s runs %s outside the window; %s", s.kind().id(), s.deployedVersion().get(), d.explain())
          .anySatisfy(f -> {
            assertThat(f.verdict()).isIn(Verdict.WARN, Verdict.FAIL);
            assertThat(f.message()).contains(s.kind().id()).contains(s.deployedVersion().get().toString());
          });
    }
  }

  @Property(tries = 800)
  @Label("the vendor's procedure: an upgrade never takes an installed service to an older version"
      + " (going back is a rollback)")
  void procedure_anAllowedUpgradeNeverTakesAServiceBackwards(@ForAll("worlds") World w) {
    Decision d = engine.decide(w.input());
    if (d.isRefused()) {
      return;
    }
    for (PlanStep.HelmUpgrade u : d.plan().stepsOf(PlanStep.HelmUpgrade.class)) {
      ServiceState s = w.snapshot().service(u.service());
      if (s.installed()) {
        Statistics.label("upgrade").collect(u.version().equals(s.deployedVersion().get()) ? "same version" : "newer");
        assertThat(u.version()).as("%s runs %s; %s", u.service().id(), s.deployedVersion().get(), d.explain())
            .isGreaterThanOrEqualTo(s.deployedVersion().get());
      }
    }
  }

  @Property(tries = 800)
  @Label("a refused decision pends nothing and says why: a FAIL finding with a message")
  void rule1_refusedDecisionPendsNothingAndSaysWhy(@ForAll("worlds") World w) {
    Decision d = engine.decide(w.input());
    Statistics.label("outcome").collect(d.outcome());
    if (!d.isRefused()) {
      return;
    }
    assertThat(d.pending()).isEmpty();
    assertThat(d.findings()).anySatisfy(f -> {
      assertThat(f.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(f.message()).isNotBlank();
    });
    assertThat(d.refusals()).allSatisfy(f -> assertThat(f.message()).isNotBlank());
  }

  @Property(tries = 800)
  @Label("every decision's findings name a rule (rule 12: audited with its reason)")
  void rule12_everyFindingNamesARule(@ForAll("worlds") World w) {
    Decision d = engine.decide(w.input());
    assertThat(d.findings()).isNotEmpty();
    for (Finding f : d.findings()) {
      assertThat(f.rule()).isNotNull();
      assertThat(f.rule().label()).isNotBlank();
      assertThat(f.rule().sentence()).isNotBlank();
      assertThat(f.message()).isNotBlank();
    }
  }
}
