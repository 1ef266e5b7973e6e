package io.gimops.policies.properties;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.Fixtures;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.ActiveOperation;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.engine.PolicyEngine;
import io.gimops.policies.properties.Worlds.Blueprint;
import io.gimops.policies.properties.Worlds.World;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * The engine is pure: "the same input and clock give the same decision". The audit trail and a
 * bot that resumes after a restart both rely on deciding again and getting the same answer.
 */
@Label("Decisions are deterministic: same input and clock, equal decision")
class DecisionDeterminismProperties {

  /** Requests beyond the generated upgrades, cycles and rollbacks. */
  enum Other { NONE, UNINSTALL, UNINSTALL_REINSTALL, EXPORT_VIEWS, RESTART_GIM_POD }

  /** Who asks and what they already confirmed. */
  enum Asker {
    OPERATOR_UNCONFIRMED, OPERATOR_CONFIRMED, ADMIN_TYPED_AND_APPROVED, ADMIN_WITH_OVERRIDE,
    VIEWER, STRANGER, OPERATOR_IN_ANOTHER_CHANNEL, CONFIRMED_BY_SOMEONE_ELSE
  }

  @Provide
  Arbitrary<Blueprint> blueprints() {
    return Worlds.blueprints(Worlds.anyRequestKind());
  }

  @Property(tries = 300)
  @Label("the same input and clock give equal decisions")
  void sameInputAndClockGiveEqualDecisions(@ForAll("blueprints") Blueprint b, @ForAll Other other,
      @ForAll Asker asker, @ForAll ServiceKind service,
      @ForAll @LongRange(min = -10_000, max = 10_000) long minutes, @ForAll boolean busy) {
    Clock clock = Clock.fixed(Fixtures.NOW.plus(Duration.ofMinutes(minutes)), ZoneOffset.UTC);
    // two inputs built independently from the same blueprint, two engines on equal clocks
    DecisionInput first = input(World.of(b), other, asker, service, busy);
    DecisionInput second = input(World.of(b), other, asker, service, busy);
    Decision d1 = new PolicyEngine(PolicySettings.DEFAULTS, clock).decide(first);
    Decision d2 = new PolicyEngine(PolicySettings.DEFAULTS,
        Clock.fixed(clock.instant(), ZoneOffset.UTC)).decide(second);
    Statistics.label("outcome").collect(d1.outcome());
    assertThat(d2).isEqualTo(d1);
    assertThat(d2.explain()).isEqualTo(d1.explain());
    // and the same engine asked twice
    PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, clock);
    assertThat(engine.decide(first)).isEqualTo(engine.decide(first)).isEqualTo(d1);
  }

  private static DecisionInput input(World w, Other other, Asker asker, ServiceKind service,
      boolean busy) {
    LifecycleRequest request = switch (other) {
      case NONE -> w.request();
      case UNINSTALL -> new LifecycleRequest.Uninstall(service, false);
      case UNINSTALL_REINSTALL -> new LifecycleRequest.Uninstall(service, true);
      case EXPORT_VIEWS -> new LifecycleRequest.UpdateExportViews();
      case RESTART_GIM_POD -> new LifecycleRequest.RestartGimPod();
    };
    DecisionInput in = w.input().withRequest(request);
    if (busy) {
      in = in.withActiveOperations(List.of(new ActiveOperation("op-7", "prod", "upgrade gim",
          Fixtures.ADMIN_2, Fixtures.NOW.minus(Duration.ofMinutes(4)))));
    }
    Actor admin = Fixtures.ADMIN;
    return switch (asker) {
      case OPERATOR_UNCONFIRMED -> in.withConfirmations(Confirmations.NONE);
      case OPERATOR_CONFIRMED -> in;
      case ADMIN_TYPED_AND_APPROVED -> in.withActor(admin).withConfirmations(
          Confirmations.confirmedBy(admin).withTypedServiceName(service.id())
              .withSecondApprover(Fixtures.ADMIN_2));
      case ADMIN_WITH_OVERRIDE -> in.withActor(admin)
          .withConfirmations(Confirmations.confirmedBy(admin))
          .withOverride("change board approved CHG-1234 despite the alert");
      case VIEWER -> in.withActor(Fixtures.VIEWER).withConfirmations(Confirmations.confirmedBy(Fixtures.VIEWER));
      case STRANGER -> in.withActor(Fixtures.STRANGER).withConfirmations(Confirmations.NONE);
      case OPERATOR_IN_ANOTHER_CHANNEL -> in.withChannel(Fixtures.STAGING_CHANNEL);
      case CONFIRMED_BY_SOMEONE_ELSE -> in.withConfirmations(Confirmations.confirmedBy(Fixtures.ONCALL_MEMBER));
    };
  }
}
