package io.gimops.policies.decision;

import io.gimops.policies.domain.Names;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** A lifecycle action someone asks for; the policy engine decides on it. */
public sealed interface LifecycleRequest {

  Action action();

  /** A one-line description, e.g. "upgrade gim to 100.0.116+2900". */
  String summary();

  /**
   * Upgrade one service.
   *
   * @param version empty: the newest release in the catalog
   * @param valuesFile a values file other than the service's configured one
   * @param imageTag for an image-only change: {@code --set <release>.image.tag=<tag>}
   */
  record Upgrade(ServiceKind service, Optional<Version> version, Optional<String> valuesFile,
      Optional<String> imageTag) implements LifecycleRequest {
    public Upgrade {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(version, "version");
      valuesFile.ifPresent(Names::valuesFile);
      imageTag.ifPresent(Names::imageTag);
    }

    public static Upgrade toLatest(ServiceKind service) {
      return new Upgrade(service, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static Upgrade to(ServiceKind service, String version) {
      return new Upgrade(service, Optional.of(Version.parse(version)), Optional.empty(), Optional.empty());
    }

    @Override
    public Action action() {
      return Action.UPGRADE;
    }

    @Override
    public String summary() {
      return "upgrade " + service.id() + " to " + version.map(Version::toString).orElse("latest");
    }
  }

  /** Upgrade every installed service to its newest release, in cycle order, verifying each. */
  record UpgradeCycle() implements LifecycleRequest {
    @Override
    public Action action() {
      return Action.UPGRADE;
    }

    @Override
    public String summary() {
      return "upgrade all to latest";
    }
  }

  /** Roll a service back to a revision; empty: the previous one, as {@code helm rollback} does. */
  record Rollback(ServiceKind service, OptionalInt revision) implements LifecycleRequest {
    public Rollback {
      Objects.requireNonNull(service, "service");
      revision.ifPresent(r -> {
        if (r < 1) {
          throw new IllegalArgumentException("Helm revisions start at 1");
        }
      });
    }

    @Override
    public Action action() {
      return Action.ROLLBACK;
    }

    @Override
    public String summary() {
      return "roll back " + service.id()
          + (revision.isPresent() ? " to revision " + revision.getAsInt() : " to the previous revision");
    }
  }

  /**
   * The vendor's second way to roll back: "re-install the previous package" ({@code helm upgrade
   * --install <service> -f <values> <old Helm package>}), verified like any rollback.
   *
   * @param version the earlier release whose package is re-installed (inside the N-2 window)
   * @param imageTag the vendor's tip, when only the image goes back: {@code --set
   *     <release>.image.tag=<old service version>} instead of reverting it in the values file
   */
  record Reinstall(ServiceKind service, Version version, Optional<String> imageTag) implements LifecycleRequest {
    public Reinstall {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(imageTag, "imageTag");
      imageTag.ifPresent(Names::imageTag);
    }

    @Override
    public Action action() {
      return Action.ROLLBACK;
    }

    @Override
    public String summary() {
      return "roll back " + service.id() + " by re-installing " + version
          + imageTag.map(t -> " (image tag " + t + ")").orElse("");
    }
  }

  /** Uninstall a service; for GSP, {@code reinstall} also clears its state ConfigMaps. */
  record Uninstall(ServiceKind service, boolean reinstall) implements LifecycleRequest {
    public Uninstall {
      Objects.requireNonNull(service, "service");
    }

    @Override
    public Action action() {
      return Action.UNINSTALL;
    }

    @Override
    public String summary() {
      return "uninstall " + service.id() + (reinstall ? " (to reinstall)" : "");
    }
  }

  /** Rerun GIM's migration job with {@code -make-export-views}. */
  record UpdateExportViews() implements LifecycleRequest {
    @Override
    public Action action() {
      return Action.UPDATE_EXPORT_VIEWS;
    }

    @Override
    public String summary() {
      return "update export views";
    }
  }

  /** Restart the GIM pod, which resumes an interrupted migration job. */
  record RestartGimPod() implements LifecycleRequest {
    @Override
    public Action action() {
      return Action.RESTART_POD;
    }

    @Override
    public String summary() {
      return "restart the GIM pod";
    }
  }
}
