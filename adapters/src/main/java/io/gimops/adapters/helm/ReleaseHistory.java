package io.gimops.adapters.helm;

import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.Version;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything Helm's release Secrets say about one release: its revisions, newest last, and the
 * Secrets that could not be used. The newest revision is the release's current state, as
 * {@code helm status} and {@code helm list} show it.
 */
public record ReleaseHistory(
    String namespace, String releaseName, List<ReleaseRevision> revisions, List<ReleaseProblem> problems) {

  public ReleaseHistory {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(releaseName, "releaseName");
    revisions = revisions.stream().sorted(Comparator.comparingInt(ReleaseRevision::revision)).toList();
    problems = List.copyOf(problems);
  }

  /** A release Helm has no record of. */
  public static ReleaseHistory none(String namespace, String releaseName) {
    return new ReleaseHistory(namespace, releaseName, List.of(), List.of());
  }

  /** The newest revision number Helm recorded, readable or not. */
  public OptionalInt latestRevision() {
    int decoded = revisions.isEmpty() ? 0 : revisions.get(revisions.size() - 1).revision();
    int broken = problems.stream().map(ReleaseProblem::revision).filter(OptionalInt::isPresent)
        .mapToInt(OptionalInt::getAsInt).max().orElse(0);
    int latest = Math.max(decoded, broken);
    return latest == 0 ? OptionalInt.empty() : OptionalInt.of(latest);
  }

  /** The newest revision, if it could be decoded. */
  public Optional<ReleaseRevision> current() {
    OptionalInt latest = latestRevision();
    if (latest.isEmpty() || revisions.isEmpty()) {
      return Optional.empty();
    }
    ReleaseRevision newest = revisions.get(revisions.size() - 1);
    return newest.revision() == latest.getAsInt() ? Optional.of(newest) : Optional.empty();
  }

  /**
   * Why the newest revision cannot be used, if it cannot: its Secret is corrupt, or its chart
   * version is not a Genesys version. Problems with older revisions only shorten the history.
   */
  public Optional<ReleaseProblem> currentProblem() {
    OptionalInt latest = latestRevision();
    if (latest.isEmpty()) {
      return Optional.empty();
    }
    return problems.stream()
        .filter(p -> p.revision().isPresent() && p.revision().getAsInt() == latest.getAsInt())
        .findFirst();
  }

  /** The newest revision's status; its Secret's label when its body cannot be read. */
  public HelmStatus status() {
    Optional<ReleaseRevision> c = current();
    if (c.isPresent()) {
      return c.get().status();
    }
    return currentProblem().map(ReleaseProblem::labelledStatus)
        .orElse(latestRevision().isPresent() ? HelmStatus.UNKNOWN : HelmStatus.UNINSTALLED);
  }

  /** Whether the release is installed: Helm has a revision of it that is not uninstalled. */
  public boolean installed() {
    return latestRevision().isPresent() && status() != HelmStatus.UNINSTALLED;
  }

  /** The Genesys version of the newest revision, when it can be read and is one. */
  public Optional<Version> version() {
    return current().flatMap(ReleaseRevision::version);
  }

  public Optional<String> chartName() {
    return current().map(ReleaseRevision::chartName);
  }

  public Optional<String> appVersion() {
    return current().flatMap(ReleaseRevision::appVersion);
  }

  /** The history as the policies see it: every revision whose chart version is a Genesys version. */
  public List<RevisionRecord> history() {
    return revisions.stream().map(ReleaseRevision::toRecord).flatMap(Optional::stream).toList();
  }

  /**
   * The pending operation, if the newest revision is {@code pending-*}, with the remedy for a
   * helm client that died mid-operation.
   */
  public Optional<PendingRelease> pending() {
    Optional<ReleaseRevision> c = current();
    if (c.isEmpty() || !c.get().status().isPending()) {
      return Optional.empty();
    }
    ReleaseRevision p = c.get();
    OptionalInt lastDeployed = revisions.stream()
        .filter(r -> r.revision() < p.revision())
        .filter(r -> r.status() == HelmStatus.DEPLOYED || r.status() == HelmStatus.SUPERSEDED)
        .mapToInt(ReleaseRevision::revision)
        .max();
    return Optional.of(PendingRelease.of(namespace, releaseName, p.revision(), p.status(), p.updated(), lastDeployed));
  }
}
