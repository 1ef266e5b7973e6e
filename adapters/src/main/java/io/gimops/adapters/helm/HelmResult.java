package io.gimops.adapters.helm;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one helm invocation ended.
 *
 * @param exitCode the process's exit code; -1 when it never started or was killed
 * @param output the last lines helm printed (stdout and stderr, in order)
 * @param message one sentence for people: what happened and what to do
 */
public record HelmResult(Outcome outcome, int exitCode, Duration took, List<String> output, String message) {

  /** The ways an invocation ends, with helm's well-known failures told apart. */
  public enum Outcome {
    SUCCEEDED,
    /** Helm failed for a reason not listed below; see the output. */
    FAILED,
    /** Helm gave up waiting (its own --timeout). */
    TIMED_OUT,
    /** Another helm client holds the release ("another operation ... is in progress"). */
    ANOTHER_OPERATION_IN_PROGRESS,
    /** The release has no deployed revision to upgrade from or roll back to. */
    NO_DEPLOYED_RELEASES,
    /** The release does not exist. */
    RELEASE_NOT_FOUND,
    /** The chart package is not in the charts directory: nothing was started. */
    PACKAGE_NOT_FOUND,
    /** The values file is not in the values directory: nothing was started. */
    VALUES_NOT_FOUND,
    /** Helm ran past its timeout plus the margin and was killed. */
    KILLED,
    /** The executor shut down while helm ran; helm was stopped. */
    CANCELLED,
    /** The helm process could not be started at all. */
    COULD_NOT_START
  }

  public HelmResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(took, "took");
    output = List.copyOf(output);
    Objects.requireNonNull(message, "message");
  }

  public boolean succeeded() {
    return outcome == Outcome.SUCCEEDED;
  }

  /** True when helm was never started, so nothing in the cluster can have changed. */
  public boolean neverStarted() {
    return outcome == Outcome.PACKAGE_NOT_FOUND || outcome == Outcome.VALUES_NOT_FOUND
        || outcome == Outcome.COULD_NOT_START;
  }
}
