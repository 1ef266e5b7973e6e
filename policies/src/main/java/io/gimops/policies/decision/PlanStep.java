package io.gimops.policies.decision;

import io.gimops.policies.domain.Names;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.Version;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One step of a plan. Steps that run helm carry the vendor's command as an argument vector (no
 * shell ever sees it); the Helm adapter adds only where the cluster is (kubeconfig, context).
 */
public sealed interface PlanStep {

  ServiceKind service();

  /** What the step does, for people: the vendor's command where there is one. */
  String describe();

  /** Renders a helm timeout the way the vendor's page writes it: {@code 15m}, {@code 90s}. */
  static String helmDuration(Duration d) {
    long s = d.toSeconds();
    if (s % 3600 == 0) {
      return (s / 3600) + "h";
    }
    if (s % 60 == 0) {
      return (s / 60) + "m";
    }
    return s + "s";
  }

  /** A step that runs the helm CLI. */
  sealed interface HelmStep extends PlanStep {
    /** The arguments after {@code helm}. */
    List<String> helmArgs();

    /** The timeout helm applies (its default when none is passed). */
    Duration effectiveTimeout();

    @Override
    default String describe() {
      return "helm " + String.join(" ", helmArgs());
    }
  }

  /**
   * {@code helm upgrade --install <release> <package> [-f <values>] -n <ns> [--timeout <t>]
   * [--set <release>.image.tag=<tag>]}: the service's chart (with its values file) or one of its
   * extra charts (the monitoring charts, without one).
   */
  record HelmUpgrade(
      ServiceKind service,
      String release,
      String chart,
      Version version,
      Optional<String> valuesFile,
      String namespace,
      Optional<Duration> timeout,
      Optional<String> imageTag) implements HelmStep {
    public HelmUpgrade {
      Objects.requireNonNull(service, "service");
      Names.release(release);
      Names.release(chart);
      Objects.requireNonNull(version, "version");
      valuesFile.ifPresent(Names::valuesFile);
      Names.namespace(namespace);
      Objects.requireNonNull(timeout, "timeout");
      imageTag.ifPresent(Names::imageTag);
    }

    public String packageFile() {
      return ServiceSpec.packageFile(chart, version);
    }

    /** True for the service's own chart, false for an extra (monitoring) chart. */
    public boolean isServiceChart() {
      return valuesFile.isPresent();
    }

    @Override
    public List<String> helmArgs() {
      List<String> a = new ArrayList<>(List.of("upgrade", "--install", release, packageFile()));
      valuesFile.ifPresent(f -> a.addAll(List.of("-f", f)));
      a.addAll(List.of("-n", namespace));
      timeout.ifPresent(t -> a.addAll(List.of("--timeout", helmDuration(t))));
      imageTag.ifPresent(t -> a.addAll(List.of("--set", release + ".image.tag=" + t)));
      return List.copyOf(a);
    }

    @Override
    public Duration effectiveTimeout() {
      return timeout.orElse(ServiceSpec.HELM_DEFAULT_TIMEOUT);
    }
  }

  /** {@code helm rollback <release> <revision> -n <ns> [--timeout <t>]}. */
  record HelmRollback(
      ServiceKind service,
      String release,
      String namespace,
      int fromRevision,
      int toRevision,
      Version toVersion,
      Optional<Duration> timeout) implements HelmStep {
    public HelmRollback {
      Objects.requireNonNull(service, "service");
      Names.release(release);
      Names.namespace(namespace);
      if (toRevision < 1 || fromRevision < 1) {
        throw new IllegalArgumentException("Helm revisions start at 1");
      }
      Objects.requireNonNull(toVersion, "toVersion");
      Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public List<String> helmArgs() {
      List<String> a = new ArrayList<>(
          List.of("rollback", release, Integer.toString(toRevision), "-n", namespace));
      timeout.ifPresent(t -> a.addAll(List.of("--timeout", helmDuration(t))));
      return List.copyOf(a);
    }

    @Override
    public Duration effectiveTimeout() {
      return timeout.orElse(ServiceSpec.HELM_DEFAULT_TIMEOUT);
    }
  }

  /** {@code helm uninstall <release> -n <ns>}: the service's release or one of its extra charts. */
  record HelmUninstall(ServiceKind service, String release, String namespace) implements HelmStep {
    public HelmUninstall {
      Objects.requireNonNull(service, "service");
      Names.release(release);
      Names.namespace(namespace);
    }

    @Override
    public List<String> helmArgs() {
      return List.of("uninstall", release, "-n", namespace);
    }

    @Override
    public Duration effectiveTimeout() {
      return ServiceSpec.HELM_DEFAULT_TIMEOUT;
    }
  }

  /** Verify the service per rule 8 before anything else happens. */
  record Verify(ServiceKind service, Version expected) implements PlanStep {
    public Verify {
      Objects.requireNonNull(service, "service");
      Objects.requireNonNull(expected, "expected");
    }

    @Override
    public String describe() {
      return "verify " + service.id() + " runs " + expected
          + ": pods Ready, nothing Pending, metrics present"
          + (service == ServiceKind.GIM
              ? ", first post-upgrade transformation job done, no growing gim_kafka_timestamp_behind"
              : "");
    }
  }

  /** {@code kubectl delete cm --selector=app=<gsp fullname>} in GSP's namespace. */
  record DeleteConfigMaps(ServiceKind service, String namespace, String selector) implements PlanStep {
    public DeleteConfigMaps {
      Objects.requireNonNull(service, "service");
      Names.namespace(namespace);
      Objects.requireNonNull(selector, "selector");
    }

    @Override
    public String describe() {
      return "delete ConfigMaps in " + namespace + " selected by " + selector;
    }
  }

  /** Exec {@code ./entrypoint.sh -job Job_MigrateGIM -make-export-views} in the GIM pod. */
  record UpdateExportViews(ServiceKind service, String namespace) implements PlanStep {
    public static final List<String> COMMAND =
        List.of("./entrypoint.sh", "-job", "Job_MigrateGIM", "-make-export-views");

    public UpdateExportViews {
      Objects.requireNonNull(service, "service");
      Names.namespace(namespace);
    }

    @Override
    public String describe() {
      return "kubectl exec <gim-pod> -n " + namespace + " -- " + String.join(" ", COMMAND);
    }
  }

  /** Delete the GIM pod and follow its replacement to Ready. */
  record RestartPod(ServiceKind service, String namespace) implements PlanStep {
    public RestartPod {
      Objects.requireNonNull(service, "service");
      Names.namespace(namespace);
    }

    @Override
    public String describe() {
      return "restart the " + service.id() + " pod in " + namespace + " and wait until it is Ready";
    }
  }

  /** After a GIM upgrade with schema changes: offer "update export views" (rule 11). */
  record OfferExportViews(ServiceKind service) implements PlanStep {
    @Override
    public String describe() {
      return "offer to update export views (the upgrade crossed schema changes)";
    }
  }
}
