package io.gimops.bot.orchestrator;

import io.gimops.adapters.helm.HelmExecutor;
import io.gimops.adapters.helm.HelmReleases;
import io.gimops.adapters.kube.ClusterActions;
import io.gimops.adapters.kube.ClusterObserver;
import io.gimops.policies.domain.Environment;
import java.util.Objects;

/**
 * What the orchestrator uses to act on one environment: its cluster as seen and as changed, and
 * GIM's Info Mart database as verification evidence ({@link InfoMartEvidence#NONE} when none is
 * configured).
 */
public record EnvironmentRuntime(
    Environment environment,
    ClusterObserver observer,
    HelmExecutor helm,
    ClusterActions actions,
    HelmReleases releases,
    ThirdPartyProbe thirdParty,
    InfoMartEvidence infoMart) {

  /** An environment without a configured Info Mart database. */
  public EnvironmentRuntime(Environment environment, ClusterObserver observer, HelmExecutor helm,
      ClusterActions actions, HelmReleases releases, ThirdPartyProbe thirdParty) {
    this(environment, observer, helm, actions, releases, thirdParty, InfoMartEvidence.NONE);
  }

  public EnvironmentRuntime {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(observer, "observer");
    Objects.requireNonNull(helm, "helm");
    Objects.requireNonNull(actions, "actions");
    Objects.requireNonNull(releases, "releases");
    Objects.requireNonNull(thirdParty, "thirdParty");
    Objects.requireNonNull(infoMart, "infoMart");
  }

  /** The environment as last seen, with what the third-party probe knows. */
  public io.gimops.policies.domain.ClusterSnapshot snapshot() {
    return thirdParty.applyTo(observer.snapshot());
  }

  public String name() {
    return environment.name();
  }
}
