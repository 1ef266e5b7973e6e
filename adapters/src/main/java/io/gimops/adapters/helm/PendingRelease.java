package io.gimops.adapters.helm;

import io.gimops.policies.domain.HelmStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A release whose newest revision is {@code pending-install}, {@code pending-upgrade} or
 * {@code pending-rollback}. While helm runs that is normal; when no helm is running for the
 * release, a client died mid-operation, and helm refuses every further operation on the release
 * ("another operation (install/upgrade/rollback) is in progress") until someone clears it.
 *
 * @param since when helm started the pending operation
 * @param lastDeployed the newest earlier revision that was deployed, the one to roll back to
 * @param remedy what to do, as a sentence with the helm command
 */
public record PendingRelease(
    String namespace,
    String releaseName,
    int revision,
    HelmStatus status,
    Instant since,
    OptionalInt lastDeployed,
    String remedy) {

  public PendingRelease {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(releaseName, "releaseName");
    if (!status.isPending()) {
      throw new IllegalArgumentException(status.helmName() + " is not a pending status");
    }
    Objects.requireNonNull(since, "since");
    Objects.requireNonNull(lastDeployed, "lastDeployed");
    Objects.requireNonNull(remedy, "remedy");
  }

  /** How long the operation has been pending at {@code now}. */
  public Duration pendingFor(Instant now) {
    return Duration.between(since, now);
  }

  static PendingRelease of(String namespace, String release, int revision, HelmStatus status,
      Instant since, OptionalInt lastDeployed) {
    String where = " -n " + namespace;
    String stuck = "Helm release " + release + " in " + namespace + " is " + status.helmName()
        + " at revision " + revision + " since " + since + ". If no helm is still running for it, a"
        + " helm client stopped mid-operation and helm will refuse any further upgrade or rollback. ";
    String remedy;
    if (lastDeployed.isPresent()) {
      remedy = stuck + "Roll back to the last deployed revision, which clears the pending state: helm"
          + " rollback " + release + " " + lastDeployed.getAsInt() + where + " (with the service's"
          + " usual --timeout), then verify and upgrade again.";
    } else if (status == HelmStatus.PENDING_INSTALL) {
      remedy = stuck + "There is no earlier deployed revision: uninstall the half-installed release"
          + " (helm uninstall " + release + where + ") and install it again.";
    } else {
      remedy = stuck + "There is no earlier deployed revision to roll back to: delete the pending"
          + " revision's record (kubectl delete secret sh.helm.release.v1." + release + ".v" + revision
          + where + ") and run the operation again.";
    }
    return new PendingRelease(namespace, release, revision, status, since, lastDeployed, remedy);
  }
}
