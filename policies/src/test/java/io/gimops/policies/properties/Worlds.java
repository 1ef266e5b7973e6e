package io.gimops.policies.properties;

import io.gimops.policies.Fixtures;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generators shared by the property classes: arbitrary release catalogs (any window size, any
 * number of releases, builds of the same numbers), arbitrary deployed sets (not installed, on a
 * catalog release, or on a version the catalog does not know, each with a Helm history) and
 * arbitrary requests. Everything else is healthy as in {@link Fixtures}, so whatever the engine
 * refuses, it refuses for the catalog, the deployed versions or the request.
 *
 * <p>Generation works on plain blueprints (indices into the catalog, not releases), so jqwik can
 * shrink a counterexample; {@link World} turns a blueprint into the engine's input, the same way
 * every time.
 */
final class Worlds {

  private Worlds() {}

  // ---------------------------------------------------------------------------------------------
  // Versions

  /** Builds {@code p1.p2...[+build]} and parses it. */
  static Version version(List<? extends Number> parts, Optional<? extends Number> build) {
    return Version.parse(text(parts, build));
  }

  static String text(List<? extends Number> parts, Optional<? extends Number> build) {
    return parts.stream().map(Object::toString).collect(Collectors.joining("."))
        + build.map(b -> "+" + b).orElse("");
  }

  /**
   * A version from a small pool ({@code 100.0.95} .. {@code 100.0.106}, sometimes {@code 100.1.x},
   * with or without one of four build numbers), so catalogs, deployed versions, histories and
   * requests often meet, and builds of the same numbers are common.
   */
  static Arbitrary<Version> poolVersion() {
    Arbitrary<Integer> minor = Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1));
    Arbitrary<Integer> patch = Arbitraries.integers().between(95, 106);
    Arbitrary<Optional<Integer>> build = Arbitraries.integers().between(2900, 2903).optional(0.8);
    return Combinators.combine(minor, patch, build)
        .as((mi, p, b) -> version(List.of(100, mi, p), b));
  }

  // ---------------------------------------------------------------------------------------------
  // Blueprints

  /** One catalog release: a version, whether it changes the schema, a Kafka minimum. */
  record ReleaseSpec(Version version, boolean schemaChange, Optional<String> kafkaMinimum) {}

  /** One earlier revision in a Helm history: a catalog release (by index) or another version. */
  record PriorSpec(boolean fromCatalog, int catalogIndex, Version other, HelmStatus status) {}

  /** How a service is deployed. */
  enum Deployment { NOT_INSTALLED, CATALOG_RELEASE, OTHER_VERSION }

  record DeployedSpec(Deployment deployment, int catalogIndex, Version other, int firstRevision,
      List<PriorSpec> priors) {}

  enum RequestKind { UPGRADE_LATEST, UPGRADE_TO_CATALOG, UPGRADE_TO_OTHER, UPGRADE_CYCLE, ROLLBACK }

  /** Which revision a rollback names: none (the previous one), one in the history, or any. */
  enum RevisionChoice { PREVIOUS, IN_HISTORY, ANY }

  record RequestSpec(RequestKind kind, ServiceKind service, int catalogIndex, Version other,
      boolean customValues, boolean imageTag, RevisionChoice revisionChoice, int revision) {}

  record Blueprint(int windowSize, Map<ServiceKind, List<ReleaseSpec>> catalog,
      Map<ServiceKind, DeployedSpec> deployed, RequestSpec request) {}

  static Arbitrary<Integer> windowSize() {
    return Arbitraries.frequency(Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(4, 3), Tuple.of(1, 4));
  }

  static Arbitrary<ReleaseSpec> releaseSpec() {
    Arbitrary<Boolean> schema = Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true));
    Arbitrary<Optional<String>> kafka = Arbitraries.frequency(
        Tuple.of(18, Optional.<String>empty()), Tuple.of(1, Optional.of("3.6")), Tuple.of(1, Optional.of("4.0")));
    return Combinators.combine(poolVersion(), schema, kafka).as(ReleaseSpec::new);
  }

  /** 0..8 releases of one service, no version twice (the catalog refuses duplicates). */
  static Arbitrary<List<ReleaseSpec>> serviceReleases() {
    return releaseSpec().list().ofMinSize(0).ofMaxSize(8).uniqueElements(ReleaseSpec::version);
  }

  static Arbitrary<Map<ServiceKind, List<ReleaseSpec>>> catalogSpec() {
    return Combinators.combine(serviceReleases(), serviceReleases(), serviceReleases())
        .as((a, b, c) -> byService(a, b, c));
  }

  static Arbitrary<PriorSpec> priorSpec() {
    Arbitrary<HelmStatus> status = Arbitraries.frequency(
        Tuple.of(12, HelmStatus.SUPERSEDED), Tuple.of(2, HelmStatus.FAILED),
        Tuple.of(1, HelmStatus.PENDING_UPGRADE), Tuple.of(1, HelmStatus.UNKNOWN));
    return Combinators.combine(Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false)),
        Arbitraries.integers().between(0, 7), poolVersion(), status).as(PriorSpec::new);
  }

  static Arbitrary<DeployedSpec> deployedSpec() {
    Arbitrary<Deployment> d = Arbitraries.frequency(Tuple.of(3, Deployment.NOT_INSTALLED),
        Tuple.of(12, Deployment.CATALOG_RELEASE), Tuple.of(5, Deployment.OTHER_VERSION));
    return Combinators.combine(d, Arbitraries.integers().between(0, 7), poolVersion(),
        Arbitraries.integers().between(1, 3), priorSpec().list().ofMaxSize(4)).as(DeployedSpec::new);
  }

  static Arbitrary<Map<ServiceKind, DeployedSpec>> deployedSet() {
    return Combinators.combine(deployedSpec(), deployedSpec(), deployedSpec())
        .as((a, b, c) -> byService(a, b, c));
  }

  static Arbitrary<RequestSpec> requestSpec(Arbitrary<RequestKind> kinds) {
    Arbitrary<RevisionChoice> choice = Arbitraries.frequency(Tuple.of(2, RevisionChoice.PREVIOUS),
        Tuple.of(5, RevisionChoice.IN_HISTORY), Tuple.of(1, RevisionChoice.ANY));
    return Combinators.combine(kinds, Arbitraries.of(ServiceKind.class),
            Arbitraries.integers().between(0, 7), poolVersion(),
            Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true)),
            Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)), choice,
            Arbitraries.integers().between(1, 8))
        .as(RequestSpec::new);
  }

  /** Upgrades (to the newest, to a catalog release, to another version), cycles and rollbacks. */
  static Arbitrary<RequestKind> anyRequestKind() {
    return Arbitraries.frequency(Tuple.of(2, RequestKind.UPGRADE_LATEST),
        Tuple.of(3, RequestKind.UPGRADE_TO_CATALOG), Tuple.of(1, RequestKind.UPGRADE_TO_OTHER),
        Tuple.of(2, RequestKind.UPGRADE_CYCLE), Tuple.of(3, RequestKind.ROLLBACK));
  }

  static Arbitrary<Blueprint> blueprints(Arbitrary<RequestKind> kinds) {
    return Combinators.combine(windowSize(), catalogSpec(), deployedSet(), requestSpec(kinds))
        .as(Blueprint::new);
  }

  static Arbitrary<World> worlds(Arbitrary<RequestKind> kinds) {
    return blueprints(kinds).map(World::of);
  }

  static Arbitrary<World> worlds() {
    return worlds(anyRequestKind());
  }

  private static <T> Map<ServiceKind, T> byService(T gim, T gsp, T gca) {
    Map<ServiceKind, T> m = new EnumMap<>(ServiceKind.class);
    m.put(ServiceKind.GIM, gim);
    m.put(ServiceKind.GSP, gsp);
    m.put(ServiceKind.GCA, gca);
    return m;
  }

  // ---------------------------------------------------------------------------------------------
  // Worlds

  /** A blueprint made concrete: the catalog, the cluster, the request, the engine's input. */
  record World(Blueprint blueprint, ReleaseCatalog catalog, ClusterSnapshot snapshot,
      LifecycleRequest request) {

    static World of(Blueprint b) {
      ReleaseCatalog catalog = catalog(b);
      ClusterSnapshot snap = Fixtures.healthySnapshot();
      for (ServiceKind k : ServiceKind.values()) {
        snap = snap.with(state(k, b.deployed().get(k), catalog));
      }
      return new World(b, catalog, snap, request(b.request(), catalog, snap));
    }

    /** An operator in the production channel, confirmation and checklist given. */
    DecisionInput input() {
      return Fixtures.input(request).withSnapshot(snapshot).withCatalog(catalog)
          .withConfirmations(Confirmations.confirmedBy(Fixtures.OPERATOR));
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("World{window=").append(catalog.windowSize());
      for (ServiceKind k : ServiceKind.values()) {
        ServiceState s = snapshot.service(k);
        sb.append("\n  ").append(k.id()).append(": catalog newest first ")
            .append(catalog.releases(k).stream().map(r -> r.version()
                + (r.schemaChange() ? "(schema)" : "")
                + (r.minimumThirdParty().isEmpty() ? "" : "(kafka>=" + r.minimumThirdParty().get(ThirdParty.KAFKA) + ")"))
                .toList())
            .append("; deployed ").append(s.installed()
                ? s.deployedVersion().orElseThrow() + " rev " + s.revision() + " ("
                    + catalog.position(k, s.deployedVersion().orElseThrow()) + ")"
                : "not installed");
        if (s.installed()) {
          sb.append("; history ").append(s.history().stream()
              .map(h -> h.revision() + ":" + h.version() + ":" + h.status().helmName()).toList());
        }
      }
      return sb.append("\n  request: ").append(request.summary()).append(request instanceof
          LifecycleRequest.Upgrade u ? " values=" + u.valuesFile().orElse("-") + " tag="
          + u.imageTag().orElse("-") : "").append('}').toString();
    }

    private static ReleaseCatalog catalog(Blueprint b) {
      List<Release> releases = new ArrayList<>();
      b.catalog().forEach((k, specs) -> specs.forEach(s -> {
        Release r = new Release(k, s.version(), s.schemaChange() && k == ServiceKind.GIM,
            Map.of(), Optional.empty());
        if (s.kafkaMinimum().isPresent()) {
          r = r.requiring(ThirdParty.KAFKA, s.kafkaMinimum().get());
        }
        releases.add(r);
      }));
      return new ReleaseCatalog(releases, b.windowSize());
    }

    /** The catalog release at an index (newest first, modulo the count), or the fallback. */
    private static Version pick(ReleaseCatalog catalog, ServiceKind k, int index, Version fallback) {
      List<Release> all = catalog.releases(k);
      return all.isEmpty() ? fallback : all.get(index % all.size()).version();
    }

    /** A healthy service as {@link Fixtures#healthy} builds it, at any version and history. */
    private static ServiceState state(ServiceKind k, DeployedSpec d, ReleaseCatalog catalog) {
      if (d.deployment() == Deployment.NOT_INSTALLED) {
        return ServiceState.notInstalled(k);
      }
      Version running = d.deployment() == Deployment.CATALOG_RELEASE
          ? pick(catalog, k, d.catalogIndex(), d.other())
          : d.other();
      List<RevisionRecord> history = new ArrayList<>();
      int rev = d.firstRevision();
      int age = d.priors().size() + 1;
      for (PriorSpec p : d.priors()) {
        Version v = p.fromCatalog() ? pick(catalog, k, p.catalogIndex(), p.other()) : p.other();
        history.add(new RevisionRecord(rev++, v, p.status(),
            Fixtures.NOW.minus(Duration.ofDays(10L * age--)), "generated"));
      }
      history.add(new RevisionRecord(rev, running, HelmStatus.DEPLOYED,
          Fixtures.NOW.minus(Duration.ofDays(3)), "Upgrade complete"));
      ServiceState.Builder sb = ServiceState.builder(k)
          .deployed(rev, running, HelmStatus.DEPLOYED)
          .replicas(2, 2)
          .pods(List.of(PodState.ready(k.id() + "-0", running), PodState.ready(k.id() + "-1", running)))
          .metrics(MetricPresence.PRESENT)
          .history(history);
      if (k == ServiceKind.GIM) {
        sb.backlog(Fixtures.steadyBacklog(Fixtures.NOW, 20, 12.0));
      }
      return sb.build();
    }

    private static LifecycleRequest request(RequestSpec r, ReleaseCatalog catalog, ClusterSnapshot snap) {
      ServiceKind k = r.service();
      Optional<String> values = r.customValues() ? Optional.of("custom-values.yaml") : Optional.empty();
      switch (r.kind()) {
        case UPGRADE_LATEST:
          return new LifecycleRequest.Upgrade(k, Optional.empty(), values, Optional.empty());
        case UPGRADE_TO_CATALOG:
        case UPGRADE_TO_OTHER: {
          Version v = r.kind() == RequestKind.UPGRADE_TO_CATALOG
              ? pick(catalog, k, r.catalogIndex(), r.other())
              : r.other();
          Optional<String> tag = r.imageTag()
              ? Optional.of(v.toString().replace('+', '.')) : Optional.empty();
          return new LifecycleRequest.Upgrade(k, Optional.of(v), values, tag);
        }
        case UPGRADE_CYCLE:
          return new LifecycleRequest.UpgradeCycle();
        default: {
          List<RevisionRecord> history = snap.service(k).history();
          OptionalInt revision = switch (r.revisionChoice()) {
            case PREVIOUS -> OptionalInt.empty();
            case IN_HISTORY -> history.isEmpty() ? OptionalInt.of(r.revision())
                : OptionalInt.of(history.get(r.revision() % history.size()).revision());
            case ANY -> OptionalInt.of(r.revision());
          };
          return new LifecycleRequest.Rollback(k, revision);
        }
      }
    }
  }
}
