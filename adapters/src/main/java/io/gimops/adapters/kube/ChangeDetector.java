package io.gimops.adapters.kube;

import io.gimops.adapters.helm.ReleaseProblem;
import io.gimops.adapters.kube.ClusterView.PodView;
import io.gimops.adapters.kube.ClusterView.ServiceView;
import io.gimops.adapters.kube.ClusterView.Waiting;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.PodPhase;
import io.gimops.policies.domain.PodState;
import io.gimops.policies.domain.ServiceKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns successive views of the cluster into change events. Comparing whole views (rather than
 * forwarding informer callbacks) makes the events independent of how the changes arrived: a
 * relist after a lost watch, duplicate ADDED events and coalesced updates all yield the same
 * events as a clean watch would.
 *
 * <p>The first view is the baseline and yields no events. Not thread-safe: the observer calls it
 * from its one thread.
 */
final class ChangeDetector {

  enum Failure { CRASH_LOOP, IMAGE_PULL, OTHER }

  private final String environment;
  private ClusterView previous;
  /** Per pod uid, the failure last reported, so one episode is reported once. */
  private final Map<String, Failure> reported = new HashMap<>();

  ChangeDetector(String environment) {
    this.environment = environment;
  }

  boolean hasBaseline() {
    return previous != null;
  }

  List<ClusterEvent> next(ClusterView view, Instant at) {
    if (previous == null) {
      previous = view;
      view.services().values().forEach(s -> s.pods().forEach(p -> failure(p).ifPresent(f -> reported.put(p.uid(), f))));
      return List.of();
    }
    List<ClusterEvent> events = new ArrayList<>();
    Map<String, PodView> oldPods = new HashMap<>();
    previous.services().values().forEach(s -> s.pods().forEach(p -> oldPods.put(p.uid(), p)));
    Set<String> livePods = new HashSet<>();
    for (ServiceView s : inOrder(view)) {
      ServiceKind kind = s.spec().kind();
      Optional<ServiceView> before = previous.service(kind);
      release(s, before, at, events);
      for (PodView p : s.pods()) {
        livePods.add(p.uid());
        pod(kind, p, Optional.ofNullable(oldPods.get(p.uid())), at, events);
      }
    }
    reported.keySet().retainAll(livePods);
    previous = view;
    return events;
  }

  private void release(ServiceView s, Optional<ServiceView> before, Instant at, List<ClusterEvent> events) {
    int fromRevision = before.map(b -> b.release().latestRevision().orElse(0)).orElse(0);
    HelmStatus from = before.map(b -> b.release().status()).orElse(HelmStatus.UNINSTALLED);
    int toRevision = s.release().latestRevision().orElse(0);
    HelmStatus to = s.release().status();
    if (fromRevision != toRevision || from != to) {
      events.add(new ClusterEvent.ReleaseStatusChanged(environment, at, s.spec().kind(), s.spec().namespace(),
          s.spec().releaseName(), fromRevision, from, toRevision, to, s.release().version(), s.release().pending()));
    }
    Set<String> known = new HashSet<>();
    before.ifPresent(b -> b.release().problems().forEach(p -> known.add(key(p))));
    for (ReleaseProblem p : s.release().problems()) {
      if (!known.contains(key(p))) {
        events.add(new ClusterEvent.ReleaseRecordProblem(environment, at, s.spec().kind(), s.spec().namespace(),
            s.spec().releaseName(), p.secretName(), p.message()));
      }
    }
  }

  private void pod(ServiceKind kind, PodView p, Optional<PodView> before, Instant at, List<ClusterEvent> events) {
    PodState now = p.state();
    String ns = p.namespace();
    if (now.phase() == PodPhase.PENDING && before.map(b -> b.state().phase() != PodPhase.PENDING).orElse(true)) {
      events.add(new ClusterEvent.PodPending(environment, at, kind, ns, now.name(),
          now.pendingSince().orElse(at)));
    }
    Optional<Failure> failure = failure(p);
    if (failure.isPresent() && reported.get(p.uid()) != failure.get()) {
      reported.put(p.uid(), failure.get());
      Waiting w = p.waiting().orElseThrow();
      switch (failure.get()) {
        case CRASH_LOOP -> events.add(new ClusterEvent.PodCrashLoopBackOff(environment, at, kind, ns, now.name(),
            w.container(), now.restarts(), w.message()));
        case IMAGE_PULL -> events.add(new ClusterEvent.PodImagePullFailure(environment, at, kind, ns, now.name(),
            w.container(), w.reason(), w.image(), w.message()));
        case OTHER -> events.add(new ClusterEvent.PodFailing(environment, at, kind, ns, now.name(),
            w.container(), w.reason(), w.message()));
      }
    }
    if (now.ready() && before.map(b -> !b.state().ready()).orElse(true)) {
      reported.remove(p.uid()); // a new failure after being Ready is a new episode
      events.add(new ClusterEvent.PodReady(environment, at, kind, ns, now.name(), now.version()));
    }
  }

  static Optional<Failure> failure(PodView p) {
    return p.state().failingReason().map(r -> switch (r) {
      case "CrashLoopBackOff" -> Failure.CRASH_LOOP;
      case "ImagePullBackOff", "ErrImagePull" -> Failure.IMAGE_PULL;
      default -> Failure.OTHER;
    });
  }

  private static List<ServiceView> inOrder(ClusterView view) {
    return view.services().values().stream()
        .sorted((a, b) -> Integer.compare(a.spec().cycleOrder(), b.spec().cycleOrder()))
        .toList();
  }

  private static String key(ReleaseProblem p) {
    return p.secretName() + "\n" + p.message();
  }
}
