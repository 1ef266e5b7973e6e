package io.gimops.policies;

import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.EnvironmentAccess;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.Role;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.policies.domain.Version;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A realistic world for policy tests: GIM, GSP and GCA with four releases each (the oldest
 * outside the N-2 window), all healthy on their N-1 release in production, Kafka and PostgreSQL
 * reachable, and people with each role.
 */
public final class Fixtures {

  public static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  public static final String PROD_CHANNEL = "C-GIM-PROD";
  public static final String STAGING_CHANNEL = "C-GIM-STAGING";

  public static final Actor VIEWER = Actor.of("U-VIEWER", "vera");
  public static final Actor OPERATOR = Actor.of("U-OPERATOR", "otto");
  public static final Actor ADMIN = Actor.of("U-ADMIN", "ada");
  public static final Actor ADMIN_2 = Actor.of("U-ADMIN2", "adele");
  public static final Actor STRANGER = Actor.of("U-STRANGER", "sam");
  public static final Actor ONCALL_MEMBER = new Actor("U-ONCALL", "olga", Set.of("S-ONCALL"));

  public static final Environment PROD = Environment.standard("prod", "prod-cluster", true);
  public static final Environment STAGING = Environment.standard("staging", "staging-cluster", false);

  public static final AccessPolicy ACCESS = new AccessPolicy(Map.of(
      "prod", new EnvironmentAccess(Set.of(PROD_CHANNEL),
          Map.of(VIEWER.userId(), Role.VIEWER, OPERATOR.userId(), Role.OPERATOR,
              ADMIN.userId(), Role.ADMIN, ADMIN_2.userId(), Role.ADMIN),
          Map.of("S-ONCALL", Role.OPERATOR)),
      "staging", new EnvironmentAccess(Set.of(STAGING_CHANNEL),
          Map.of(VIEWER.userId(), Role.VIEWER, OPERATOR.userId(), Role.OPERATOR,
              ADMIN.userId(), Role.ADMIN),
          Map.of())));

  /** Releases 114 (outside the window), 115, 116 and 117 (newest) of each service. */
  public static final Map<ServiceKind, List<String>> VERSIONS = Map.of(
      ServiceKind.GIM, List.of("100.0.114+2700", "100.0.115+2800", "100.0.116+2900", "100.0.117+3000"),
      ServiceKind.GSP, List.of("100.0.98+1200", "100.0.99+1300", "100.0.100+1400", "100.0.101+1500"),
      ServiceKind.GCA, List.of("100.0.98+2100", "100.0.99+2200", "100.0.100+2300", "100.0.101+2400"));

  private Fixtures() {}

  public static Version v(String s) {
    return Version.parse(s);
  }

  /** The version of a service at an index of {@link #VERSIONS}: 0 oldest (outside), 3 newest. */
  public static Version version(ServiceKind k, int index) {
    return v(VERSIONS.get(k).get(index));
  }

  public static ReleaseCatalog catalog() {
    List<Release> all = new ArrayList<>();
    VERSIONS.forEach((k, vs) -> vs.forEach(s -> all.add(Release.of(k, s)
        .withReleaseNotes("https://docs.genesys.com/" + k.id() + "/" + s))));
    return new ReleaseCatalog(all);
  }

  /** A catalog where GIM 117 changes the Info Mart schema and needs Kafka 3.7. */
  public static ReleaseCatalog catalogWithSchemaChange() {
    List<Release> all = new ArrayList<>();
    VERSIONS.forEach((k, vs) -> vs.forEach(s -> {
      Release r = Release.of(k, s);
      if (k == ServiceKind.GIM && s.startsWith("100.0.117")) {
        r = r.withSchemaChange().requiring(ThirdParty.KAFKA, "3.7");
      }
      all.add(r);
    }));
    return new ReleaseCatalog(all);
  }

  /** A healthy service at a version index, with two earlier revisions in its history. */
  public static ServiceState healthy(ServiceKind k, int index) {
    Version running = version(k, index);
    List<RevisionRecord> history = new ArrayList<>();
    int rev = 1;
    for (int i = Math.max(0, index - 2); i < index; i++) {
      history.add(new RevisionRecord(rev++, version(k, i), HelmStatus.SUPERSEDED, NOW.minus(Duration.ofDays(30L * (index - i))), "Upgrade complete"));
    }
    history.add(new RevisionRecord(rev, running, HelmStatus.DEPLOYED, NOW.minus(Duration.ofDays(3)), "Upgrade complete"));
    ServiceState.Builder b = ServiceState.builder(k)
        .deployed(rev, running, HelmStatus.DEPLOYED)
        .replicas(2, 2)
        .pods(List.of(PodState.ready(k.id() + "-0", running), PodState.ready(k.id() + "-1", running)))
        .metrics(MetricPresence.PRESENT)
        .history(history);
    if (k == ServiceKind.GIM) {
      b.backlog(steadyBacklog(NOW, 20, 12.0));
    }
    return b.build();
  }

  /** Samples every 30 s over the last {@code n * 30} seconds, around {@code level} seconds behind. */
  public static List<BacklogSample> steadyBacklog(Instant end, int n, double level) {
    List<BacklogSample> s = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) {
      s.add(new BacklogSample(end.minusSeconds(30L * i), level + ((i % 3) - 1) * 0.5));
    }
    return s;
  }

  /** Samples every 30 s whose latency grows by {@code perSecond} each second. */
  public static List<BacklogSample> growingBacklog(Instant end, int n, double perSecond) {
    List<BacklogSample> s = new ArrayList<>();
    for (int i = n - 1; i >= 0; i--) {
      s.add(new BacklogSample(end.minusSeconds(30L * i), 10 + (n - 1 - i) * 30 * perSecond));
    }
    return s;
  }

  /** Every service healthy on its N-1 release (index 2), dependencies reachable. */
  public static ClusterSnapshot healthySnapshot() {
    Map<ServiceKind, ServiceState> s = new EnumMap<>(ServiceKind.class);
    for (ServiceKind k : ServiceKind.values()) {
      s.put(k, healthy(k, 2));
    }
    return new ClusterSnapshot(NOW, s, Map.of(
        ThirdParty.KAFKA, ThirdPartyState.reachable(ThirdParty.KAFKA, "3.7.1"),
        ThirdParty.POSTGRESQL, ThirdPartyState.reachable(ThirdParty.POSTGRESQL, "15.4")),
        Optional.empty());
  }

  /** An operator in the production channel asking for {@code request} on a healthy cluster. */
  public static DecisionInput input(LifecycleRequest request) {
    return new DecisionInput(request, OPERATOR, PROD_CHANNEL, PROD, healthySnapshot(), catalog(),
        ACCESS, List.of(), Optional.empty(), Confirmations.NONE);
  }

  /** The same, with the operator's confirmation (and checklist) given. */
  public static DecisionInput confirmed(LifecycleRequest request) {
    return input(request).withConfirmations(Confirmations.confirmedBy(OPERATOR));
  }
}
