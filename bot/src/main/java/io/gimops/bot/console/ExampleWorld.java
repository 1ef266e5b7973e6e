package io.gimops.bot.console;

import io.gimops.policies.domain.AccessPolicy;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fixed example the policy console decides against: production and staging, each running
 * GIM on N-1, GSP on N-1 and GCA on an old release outside the N-2 window, with a GIM release
 * that changes the Info Mart schema. A picture of a cluster, not a cluster: nothing here runs.
 */
final class ExampleWorld {

  static final String PROD_CHANNEL = "console-prod";
  static final String STAGING_CHANNEL = "console-staging";

  private static final Map<ServiceKind, List<String>> RELEASES = Map.of(
      ServiceKind.GIM, List.of("100.0.114+2700", "100.0.115+2800", "100.0.116+2900", "100.0.117+3000"),
      ServiceKind.GSP, List.of("100.0.98+1200", "100.0.99+1300", "100.0.100+1400", "100.0.101+1500"),
      ServiceKind.GCA, List.of("100.0.98+2100", "100.0.99+2200", "100.0.100+2300", "100.0.101+2400"));
  /** Which of RELEASES each service runs. */
  private static final Map<ServiceKind, Integer> RUNNING =
      Map.of(ServiceKind.GIM, 2, ServiceKind.GSP, 2, ServiceKind.GCA, 0);

  private ExampleWorld() {}

  static List<Environment> environments() {
    return List.of(Environment.standard("prod", "prod", true), Environment.standard("staging", "staging", false));
  }

  static ReleaseCatalog catalog() {
    List<Release> all = new ArrayList<>();
    RELEASES.forEach((k, versions) -> versions.forEach(v -> {
      Release r = Release.of(k, v).withReleaseNotes("https://all.docs.genesys.com/ReleaseNotes/" + k.id() + "/" + v);
      if (k == ServiceKind.GIM && v.startsWith("100.0.117")) {
        r = r.withSchemaChange().requiring(ThirdParty.KAFKA, "3.6");
      }
      all.add(r);
    }));
    return new ReleaseCatalog(all);
  }

  /** Console users: one per role, in both environments. */
  static AccessPolicy access(Map<Role, String> users) {
    Map<String, Role> byUser = new java.util.HashMap<>();
    users.forEach((role, user) -> byUser.put(user, role));
    return new AccessPolicy(Map.of(
        "prod", new EnvironmentAccess(Set.of(PROD_CHANNEL), byUser, Map.of()),
        "staging", new EnvironmentAccess(Set.of(STAGING_CHANNEL), byUser, Map.of())));
  }

  static ClusterSnapshot snapshot(Instant now) {
    Map<ServiceKind, ServiceState> services = new EnumMap<>(ServiceKind.class);
    RUNNING.forEach((k, index) -> services.put(k, service(k, index, now)));
    return new ClusterSnapshot(now, services, Map.of(
        ThirdParty.KAFKA, ThirdPartyState.reachable(ThirdParty.KAFKA, "3.7.1"),
        ThirdParty.POSTGRESQL, ThirdPartyState.reachable(ThirdParty.POSTGRESQL, "15.4")), Optional.empty());
  }

  private static ServiceState service(ServiceKind k, int index, Instant now) {
    List<RevisionRecord> history = new ArrayList<>();
    for (int i = 0; i <= index; i++) {
      history.add(new RevisionRecord(i + 1, Version.parse(RELEASES.get(k).get(i)),
          i == index ? HelmStatus.DEPLOYED : HelmStatus.SUPERSEDED,
          now.minus(Duration.ofDays(28L * (index - i) + 2)), i == 0 ? "Install complete" : "Upgrade complete"));
    }
    Version running = Version.parse(RELEASES.get(k).get(index));
    ServiceState.Builder b = ServiceState.builder(k)
        .deployed(index + 1, running, HelmStatus.DEPLOYED)
        .history(history)
        .replicas(2, 2)
        .pods(List.of(PodState.ready(k.id() + "-0", running), PodState.ready(k.id() + "-1", running)))
        .metrics(MetricPresence.PRESENT);
    if (k == ServiceKind.GIM) {
      List<BacklogSample> backlog = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        backlog.add(new BacklogSample(now.minusSeconds(15L * i), 4.0 + (i % 4) * 0.5));
      }
      b.backlog(backlog).lastTransformationCompleted(now.minus(Duration.ofMinutes(40)));
    }
    return b.build();
  }
}
