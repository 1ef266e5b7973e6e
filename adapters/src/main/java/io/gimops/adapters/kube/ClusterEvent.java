package io.gimops.adapters.kube;

import io.gimops.adapters.helm.PendingRelease;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A change the observer saw in one environment. Each kind is its own record; {@link #kind()}
 * lets Java 17 callers switch on it, {@link #summary()} is one line for a person.
 *
 * <p>Pod failures are reported once per episode: a pod that enters CrashLoopBackOff is reported
 * once, not at every restart, and again only after it has been Ready in between; the same for
 * image pull failures (ImagePullBackOff and ErrImagePull alternate, and count as one).
 */
public sealed interface ClusterEvent {

  enum Kind {
    POD_PENDING,
    POD_READY,
    POD_CRASH_LOOP_BACK_OFF,
    POD_IMAGE_PULL_FAILURE,
    POD_FAILING,
    RELEASE_STATUS_CHANGED,
    RELEASE_RECORD_PROBLEM,
    OBSERVER_UNHEALTHY,
    OBSERVER_HEALTHY
  }

  Kind kind();

  /** The environment's name (dev, staging, prod). */
  String environment();

  /** When the observer saw the change. */
  Instant at();

  String summary();

  /** An event about one of the services. */
  sealed interface ServiceEvent extends ClusterEvent {
    ServiceKind service();

    String namespace();
  }

  /** A pod of the service entered Pending (every new pod starts there). */
  record PodPending(String environment, Instant at, ServiceKind service, String namespace, String pod,
      Instant since) implements ServiceEvent {
    public Kind kind() {
      return Kind.POD_PENDING;
    }

    public String summary() {
      return "pod " + pod + " of " + service.id() + " is Pending (since " + since + ")";
    }
  }

  /** A pod of the service became Ready. */
  record PodReady(String environment, Instant at, ServiceKind service, String namespace, String pod,
      Optional<Version> version) implements ServiceEvent {
    public Kind kind() {
      return Kind.POD_READY;
    }

    public String summary() {
      return "pod " + pod + " of " + service.id() + version.map(v -> " (" + v + ")").orElse("") + " is Ready";
    }
  }

  /** A container of the pod keeps crashing. */
  record PodCrashLoopBackOff(String environment, Instant at, ServiceKind service, String namespace,
      String pod, String container, int restarts, String message) implements ServiceEvent {
    public Kind kind() {
      return Kind.POD_CRASH_LOOP_BACK_OFF;
    }

    public String summary() {
      return "pod " + pod + " of " + service.id() + " is in CrashLoopBackOff (container " + container
          + ", " + restarts + " restarts)" + (message.isEmpty() ? "" : ": " + message);
    }
  }

  /**
   * The pod's image cannot be pulled ({@code ImagePullBackOff} or {@code ErrImagePull}): often a
   * release whose image is not available in the registry.
   */
  record PodImagePullFailure(String environment, Instant at, ServiceKind service, String namespace,
      String pod, String container, String reason, String image, String message) implements ServiceEvent {
    public Kind kind() {
      return Kind.POD_IMAGE_PULL_FAILURE;
    }

    public String summary() {
      return "pod " + pod + " of " + service.id() + " cannot pull image " + image + " (" + reason
          + "): is the image available?";
    }
  }

  /**
   * The pod waits for a reason that does not heal by waiting and is neither a crash loop nor an
   * image pull failure ({@code CreateContainerConfigError}, {@code InvalidImageName}, ...).
   */
  record PodFailing(String environment, Instant at, ServiceKind service, String namespace, String pod,
      String container, String reason, String message) implements ServiceEvent {
    public Kind kind() {
      return Kind.POD_FAILING;
    }

    public String summary() {
      return "pod " + pod + " of " + service.id() + " is in " + reason + (message.isEmpty() ? "" : ": " + message);
    }
  }

  /**
   * The release's newest revision or its status changed: an upgrade or rollback started (a new
   * pending revision), ended (deployed or failed), or the release was installed or uninstalled.
   *
   * @param pending the pending operation and its remedy, when the new status is {@code pending-*}
   */
  record ReleaseStatusChanged(String environment, Instant at, ServiceKind service, String namespace,
      String release, int fromRevision, HelmStatus from, int toRevision, HelmStatus to,
      Optional<Version> version, Optional<PendingRelease> pending) implements ServiceEvent {
    public Kind kind() {
      return Kind.RELEASE_STATUS_CHANGED;
    }

    public String summary() {
      return "release " + release + " went from " + describe(fromRevision, from) + " to "
          + describe(toRevision, to) + version.map(v -> " (" + v + ")").orElse("");
    }

    private static String describe(int revision, HelmStatus status) {
      return revision == 0 ? status.helmName() : "revision " + revision + " " + status.helmName();
    }
  }

  /**
   * A Helm release record cannot be read, or holds something the bot cannot use (a chart version
   * that is not a Genesys version, an unknown status); the problem says what to do. Published
   * once per record and problem.
   */
  record ReleaseRecordProblem(String environment, Instant at, ServiceKind service, String namespace,
      String release, String secret, String problem) implements ServiceEvent {
    public Kind kind() {
      return Kind.RELEASE_RECORD_PROBLEM;
    }

    public String summary() {
      return "release " + release + ": " + secret + ": " + problem;
    }
  }

  /**
   * The observer lost sight of the cluster (a watch is down past the grace period): its snapshot
   * is marked unreliable until {@link ObserverHealthy}.
   */
  record ObserverUnhealthy(String environment, Instant at, String reason) implements ClusterEvent {
    public Kind kind() {
      return Kind.OBSERVER_UNHEALTHY;
    }

    public String summary() {
      return "lost sight of " + environment + ": " + reason;
    }
  }

  /**
   * Every watch is up and every resource listed: at start, and after a loss of sight, once the
   * cluster has been listed again.
   *
   * @param blindFor how long the observer could not see the cluster; zero at start
   */
  record ObserverHealthy(String environment, Instant at, Duration blindFor) implements ClusterEvent {
    public Kind kind() {
      return Kind.OBSERVER_HEALTHY;
    }

    public String summary() {
      return blindFor.isZero() ? "watching " + environment
          : "sees " + environment + " again after " + blindFor.toSeconds() + "s";
    }
  }
}
