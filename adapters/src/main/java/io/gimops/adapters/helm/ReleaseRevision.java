package io.gimops.adapters.helm;

import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.Version;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One revision of a Helm release, decoded from its release Secret.
 *
 * @param chartVersion the chart version exactly as Helm recorded it
 * @param version that chart version as a Genesys version; empty when it is not one (the release's
 *     problems then say so)
 * @param updated when this revision was last deployed ({@code info.last_deployed})
 */
public record ReleaseRevision(
    String secretName,
    int revision,
    HelmStatus status,
    String chartName,
    String chartVersion,
    Optional<Version> version,
    Optional<String> appVersion,
    Instant updated,
    String description) {

  public ReleaseRevision {
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(chartName, "chartName");
    Objects.requireNonNull(chartVersion, "chartVersion");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(appVersion, "appVersion");
    Objects.requireNonNull(updated, "updated");
    description = description == null ? "" : description;
  }

  /** This revision as the policies see history; empty when its chart version is not a Genesys version. */
  public Optional<RevisionRecord> toRecord() {
    return version.map(v -> new RevisionRecord(revision, v, status, updated, description));
  }
}
