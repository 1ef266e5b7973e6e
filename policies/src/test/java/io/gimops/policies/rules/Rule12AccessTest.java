package io.gimops.policies.rules;

import static io.gimops.policies.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.policies.decision.Action;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Decision.Outcome;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.EnvironmentAccess;
import io.gimops.policies.domain.Role;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.engine.PolicyEngine;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Rule 12 (product brief): \"Roles (viewer, operator, admin) per environment, mapped from"
    + " Slack users or user groups; commands only from allowed channels. Every decision, allowed or"
    + " refused, is audited with its reason.\"")
class Rule12AccessTest {

  private final PolicyEngine engine = new PolicyEngine(PolicySettings.DEFAULTS, CLOCK);

  @Test
  void rule12_aViewerMayLookButNotUpgrade() {
    assertThat(AccessControl.check(ACCESS, VIEWER, PROD_CHANNEL, "prod", Action.VIEW).verdict()).isEqualTo(Verdict.PASS);
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withActor(VIEWER)
        .withConfirmations(io.gimops.policies.decision.Confirmations.confirmedBy(VIEWER)));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f -> assertThat(f.message())
        .isEqualTo("upgrade in prod needs the operator role; vera is viewer: ask someone with that role"));
  }

  @Test
  void rule12_rolesComeFromUserGroupsToo() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withActor(ONCALL_MEMBER)
        .withConfirmations(io.gimops.policies.decision.Confirmations.confirmedBy(ONCALL_MEMBER)));
    assertThat(d.outcome()).isEqualTo(Outcome.ALLOWED);
    assertThat(d.findingsOf(Rule.R12_ACCESS)).singleElement()
        .satisfies(f -> assertThat(f.message()).isEqualTo("olga is operator in prod; upgrade needs operator"));
  }

  @Test
  void rule12_theHighestRoleFromUserOrGroupWins() {
    var policy = new AccessPolicy(Map.of("prod", new EnvironmentAccess(Set.of("C"),
        Map.of(ONCALL_MEMBER.userId(), Role.VIEWER), Map.of("S-ONCALL", Role.ADMIN))));
    assertThat(policy.roleOf(ONCALL_MEMBER, "prod")).contains(Role.ADMIN);
  }

  @Test
  void rule12_commandsOnlyFromAllowedChannels() {
    Decision d = engine.decide(confirmed(LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)).withChannel(STAGING_CHANNEL));
    assertThat(d.outcome()).isEqualTo(Outcome.REFUSED);
    assertThat(d.refusals()).singleElement().satisfies(f -> {
      assertThat(f.rule()).isEqualTo(Rule.R12_ACCESS);
      assertThat(f.message()).isEqualTo("commands for prod are not accepted in channel C-GIM-STAGING: use one of C-GIM-PROD");
    });
  }

  @Test
  void rule12_rolesArePerEnvironment() {
    assertThat(ACCESS.roleOf(ADMIN_2, "prod")).contains(Role.ADMIN);
    assertThat(ACCESS.roleOf(ADMIN_2, "staging")).isEmpty();
    assertThat(AccessControl.check(ACCESS, ADMIN_2, STAGING_CHANNEL, "staging", Action.VIEW).message())
        .isEqualTo("adele has no role in staging: ask an admin of staging for the viewer role");
    assertThat(AccessControl.check(ACCESS, ADMIN, "C-X", "dev", Action.VIEW).message())
        .contains("environment dev has no access configuration");
  }

  @Test
  void rule12_aChannelsOwnEnvironmentIsTheOneThatListsIt() {
    assertThat(ACCESS.homeEnvironmentOf(PROD_CHANNEL)).contains("prod");
    assertThat(ACCESS.homeEnvironmentOf("C-RANDOM")).isEmpty();
    var shared = new AccessPolicy(Map.of(
        "prod", new EnvironmentAccess(Set.of("C-OPS"), Map.of(), Map.of()),
        "staging", new EnvironmentAccess(Set.of("C-OPS"), Map.of(), Map.of())));
    assertThat(shared.homeEnvironmentOf("C-OPS")).as("ambiguous: --env is required").isEmpty();
  }

  @Test
  void rule12_everyDecisionCarriesItsAccessReasonAllowedOrRefused() {
    for (var actor : java.util.List.of(VIEWER, OPERATOR, ADMIN, STRANGER)) {
      Decision d = engine.decide(confirmed(new LifecycleRequest.RestartGimPod()).withActor(actor));
      assertThat(d.findingsOf(Rule.R12_ACCESS)).as(actor.displayName()).isNotEmpty()
          .allSatisfy(f -> assertThat(f.message()).isNotBlank());
    }
    Decision stranger = engine.decide(confirmed(new LifecycleRequest.RestartGimPod()).withActor(STRANGER));
    assertThat(stranger.refusals()).extracting(Finding::message)
        .contains("sam has no role in prod: ask an admin of prod for the operator role");
  }

  @Test
  void rule12_readsNeedARoleInTheEnvironmentAndOneOfItsChannels() {
    assertThat(AccessControl.checkRead(ACCESS, VIEWER, PROD_CHANNEL, false, "prod", Action.VIEW).verdict())
        .isEqualTo(Verdict.PASS);
    assertThat(AccessControl.checkRead(ACCESS, STRANGER, PROD_CHANNEL, false, "prod", Action.VIEW).message())
        .isEqualTo("sam has no role in prod: ask an admin of prod for the viewer role");
    assertThat(AccessControl.checkRead(ACCESS, VIEWER, "C-RANDOM", false, "prod", Action.PLAN).message())
        .isEqualTo("commands for prod are not accepted in channel C-RANDOM: use one of C-GIM-PROD");
  }

  @Test
  void rule12_directMessagesReadOnlyWhenThePolicySaysSoAndOnlyForPeopleWithARole() {
    assertThat(AccessControl.checkRead(ACCESS, VIEWER, "D-VERA", true, "prod", Action.VIEW).message())
        .isEqualTo("view of prod is not answered in direct messages: ask in one of C-GIM-PROD");
    AccessPolicy dms = new AccessPolicy(ACCESS.environments(), true);
    assertThat(AccessControl.checkRead(dms, VIEWER, "D-VERA", true, "prod", Action.VIEW).verdict())
        .isEqualTo(Verdict.PASS);
    assertThat(AccessControl.checkRead(dms, STRANGER, "D-SAM", true, "prod", Action.VIEW).verdict())
        .isEqualTo(Verdict.FAIL);
    // A direct message may read; it never acts.
    assertThat(AccessControl.check(dms, OPERATOR, "D-OTTO", "prod", Action.CANCEL).verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void rule12_cancellingNeedsTheOperatorRole() {
    assertThat(AccessControl.check(ACCESS, OPERATOR, PROD_CHANNEL, "prod", Action.CANCEL).verdict())
        .isEqualTo(Verdict.PASS);
    assertThat(AccessControl.check(ACCESS, VIEWER, PROD_CHANNEL, "prod", Action.CANCEL).message())
        .isEqualTo("cancel in prod needs the operator role; vera is viewer: ask someone with that role");
    assertThat(AccessControl.check(ACCESS, STRANGER, PROD_CHANNEL, "prod", Action.CANCEL).verdict())
        .isEqualTo(Verdict.FAIL);
  }
}
