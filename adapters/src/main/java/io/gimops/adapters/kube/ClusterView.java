package io.gimops.adapters.kube;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.gimops.adapters.helm.HelmReleaseReader;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.PodPhase;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What the cluster's objects say about each service of one environment, computed from the
 * objects alone (no I/O): the policies' {@link ServiceState} plus what the observer needs to
 * tell changes apart (pod identities, the release record and its problems).
 */
record ClusterView(Map<ServiceKind, ServiceView> services) {

  static final String INSTANCE = PodSelector.INSTANCE;
  static final String CHART = "helm.sh/chart";

  static final ClusterView EMPTY = new ClusterView(Map.of());

  ClusterView {
    services = services.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(services));
  }

  /** The objects of an environment's namespaces, as the informers hold them. */
  record Inputs(List<Deployment> deployments, List<StatefulSet> statefulSets, List<Pod> pods,
      List<Secret> secrets) {}

  /** The container a pod waits on, and why. */
  record Waiting(String container, String reason, String message, String image) {}

  record PodView(String uid, String namespace, PodState state, Optional<Waiting> waiting) {}

  /**
   * @param state the service as the policies see it, metrics {@code UNKNOWN} and no backlog (a
   *     {@link MetricsSource} adds those when a snapshot is taken)
   * @param unreliable why this service's state cannot be trusted, if it cannot
   */
  record ServiceView(ServiceSpec spec, ServiceState state, ReleaseHistory release, List<PodView> pods,
      Optional<String> unreliable) {}

  static ClusterView of(Environment env, Inputs objects, Function<Secret, HelmReleaseReader.Decoded> decoder) {
    return of(env, objects, decoder, Map.of());
  }

  /**
   * @param selectors which pods and workloads are each service's; a service not named here is
   *     selected by its release's {@code app.kubernetes.io/instance} label
   */
  static ClusterView of(Environment env, Inputs objects, Function<Secret, HelmReleaseReader.Decoded> decoder,
      Map<ServiceKind, PodSelector> selectors) {
    Map<ServiceKind, ServiceView> views = new EnumMap<>(ServiceKind.class);
    for (ServiceSpec spec : env.inCycleOrder()) {
      views.put(spec.kind(), service(spec, objects, decoder, selectorOf(spec, selectors)));
    }
    return new ClusterView(views);
  }

  Optional<ServiceView> service(ServiceKind kind) {
    return Optional.ofNullable(services.get(kind));
  }

  /** The service's configured selector, else its release's instance label. */
  static PodSelector selectorOf(ServiceSpec spec, Map<ServiceKind, PodSelector> selectors) {
    PodSelector s = selectors.get(spec.kind());
    return s != null ? s : PodSelector.instance(spec.releaseName());
  }

  private static ServiceView service(ServiceSpec spec, Inputs objects,
      Function<Secret, HelmReleaseReader.Decoded> decoder, PodSelector selector) {
    String ns = spec.namespace();
    String release = spec.releaseName();

    List<HelmReleaseReader.Decoded> records = new ArrayList<>();
    for (Secret s : objects.secrets()) {
      if (ns.equals(namespaceOf(s)) && HelmReleaseReader.isReleaseSecret(s)
          && HelmReleaseReader.releaseOf(s).filter(release::equals).isPresent()) {
        records.add(decoder.apply(s));
      }
    }
    ReleaseHistory history = HelmReleaseReader.assemble(ns, release, records);

    int desired = 0;
    int ready = 0;
    Optional<Version> templateVersion = Optional.empty();
    for (Deployment d : objects.deployments()) {
      if (ns.equals(namespaceOf(d)) && belongs(d, d.getSpec() == null ? null : d.getSpec().getTemplate(), selector)) {
        desired += d.getSpec() == null || d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        ready += d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0 : d.getStatus().getReadyReplicas();
        templateVersion = templateVersion.or(() -> chartVersion(templateLabels(d.getSpec().getTemplate())));
      }
    }
    for (StatefulSet s : objects.statefulSets()) {
      if (ns.equals(namespaceOf(s)) && belongs(s, s.getSpec() == null ? null : s.getSpec().getTemplate(), selector)) {
        desired += s.getSpec() == null || s.getSpec().getReplicas() == null ? 1 : s.getSpec().getReplicas();
        ready += s.getStatus() == null || s.getStatus().getReadyReplicas() == null ? 0 : s.getStatus().getReadyReplicas();
        templateVersion = templateVersion.or(() -> chartVersion(templateLabels(s.getSpec().getTemplate())));
      }
    }

    List<PodView> pods = objects.pods().stream()
        .filter(p -> ns.equals(namespaceOf(p)) && selector.matches(labels(p)))
        .map(ClusterView::pod)
        .sorted(Comparator.comparing((PodView p) -> p.state().name()))
        .toList();

    ServiceState.Builder b = ServiceState.builder(spec.kind())
        .history(history.history())
        .replicas(desired, ready)
        .pods(pods.stream().map(PodView::state).toList())
        .metrics(MetricPresence.UNKNOWN);
    Optional<String> unreliable = Optional.empty();
    if (history.installed()) {
      int revision = history.latestRevision().orElseThrow();
      Optional<Version> fromHelm = history.version();
      boolean unusable = fromHelm.isEmpty() || history.status() == HelmStatus.UNKNOWN;
      if (unusable) {
        unreliable = Optional.of(spec.kind().id() + ": Helm's record of its current revision " + revision
            + " cannot be used (" + history.currentProblem().map(p -> p.message()).orElse("unknown status")
            + ")" + (fromHelm.isEmpty() && templateVersion.isPresent()
                ? "; the version shown is the one its workload's pods are labelled with" : ""));
      }
      Optional<Version> version = fromHelm.isPresent() ? fromHelm : templateVersion;
      if (version.isPresent()) {
        b.deployed(revision, version.get(), history.status());
      } else {
        b.helmStatus(HelmStatus.UNKNOWN);
      }
    } else {
      b.helmStatus(history.status());
    }
    return new ServiceView(spec, b.build(), history, pods, unreliable);
  }

  static PodView pod(Pod p) {
    ObjectMeta m = p.getMetadata();
    String phaseText = p.getStatus() == null ? null : p.getStatus().getPhase();
    PodPhase phase = phase(phaseText);
    boolean ready = p.getStatus() != null && p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    Optional<Waiting> waiting = waiting(p);
    int restarts = p.getStatus() == null || p.getStatus().getContainerStatuses() == null ? 0
        : p.getStatus().getContainerStatuses().stream()
            .mapToInt(c -> c.getRestartCount() == null ? 0 : c.getRestartCount()).sum();
    Optional<Instant> pendingSince = phase == PodPhase.PENDING
        ? time(m.getCreationTimestamp()).or(() -> scheduledAt(p))
        : Optional.empty();
    PodState state = new PodState(m.getName(), phase, ready, waiting.map(Waiting::reason), pendingSince,
        restarts, chartVersion(labels(p)));
    return new PodView(uidOf(p), m.getNamespace(), state, waiting);
  }

  private static Optional<Instant> scheduledAt(Pod p) {
    if (p.getStatus() == null || p.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return p.getStatus().getConditions().stream().filter(c -> "PodScheduled".equals(c.getType()))
        .map(PodCondition::getLastTransitionTime).map(ClusterView::time).flatMap(Optional::stream).findFirst();
  }

  private static PodPhase phase(String text) {
    if (text == null || text.isEmpty()) {
      return PodPhase.PENDING; // the API server answers a new pod with phase Pending
    }
    try {
      return PodPhase.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return PodPhase.UNKNOWN;
    }
  }

  /** The container that waits for a failing reason, else the first one waiting at all. */
  private static Optional<Waiting> waiting(Pod p) {
    if (p.getStatus() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> all = new ArrayList<>();
    if (p.getStatus().getInitContainerStatuses() != null) {
      all.addAll(p.getStatus().getInitContainerStatuses());
    }
    if (p.getStatus().getContainerStatuses() != null) {
      all.addAll(p.getStatus().getContainerStatuses());
    }
    Waiting first = null;
    for (ContainerStatus c : all) {
      if (c.getState() == null || c.getState().getWaiting() == null || c.getState().getWaiting().getReason() == null) {
        continue;
      }
      Waiting w = new Waiting(nullToEmpty(c.getName()), c.getState().getWaiting().getReason(),
          nullToEmpty(c.getState().getWaiting().getMessage()), nullToEmpty(c.getImage()));
      if (PodState.FAILING_REASONS.contains(w.reason())) {
        return Optional.of(w);
      }
      if (first == null) {
        first = w;
      }
    }
    return Optional.ofNullable(first);
  }

  /** {@code helm.sh/chart} is {@code <chart>-<version>} with {@code +} written {@code _}. */
  static Optional<Version> chartVersion(Map<String, String> labels) {
    String chart = labels.get(CHART);
    if (chart == null) {
      return Optional.empty();
    }
    int dash = chart.lastIndexOf('-');
    String v = (dash < 0 ? chart : chart.substring(dash + 1)).replace('_', '+');
    return Version.isValid(v) ? Optional.of(Version.parse(v)) : Optional.empty();
  }

  /** A workload is the service's when it, or the pods it makes, match the service's selector. */
  static boolean belongs(HasMetadata workload, PodTemplateSpec template, PodSelector selector) {
    return selector.matches(labels(workload)) || selector.matches(templateLabels(template));
  }

  private static Map<String, String> templateLabels(PodTemplateSpec t) {
    return t == null || t.getMetadata() == null || t.getMetadata().getLabels() == null ? Map.of()
        : t.getMetadata().getLabels();
  }

  static Map<String, String> labels(HasMetadata o) {
    return o.getMetadata() == null || o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels();
  }

  static String namespaceOf(HasMetadata o) {
    return o.getMetadata() == null ? null : o.getMetadata().getNamespace();
  }

  static String uidOf(HasMetadata o) {
    ObjectMeta m = o.getMetadata();
    // The mock API server leaves uid empty; namespace/name then stands in for it.
    return m.getUid() != null && !m.getUid().isEmpty() ? m.getUid() : m.getNamespace() + "/" + m.getName();
  }

  static Optional<Instant> time(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }
}
