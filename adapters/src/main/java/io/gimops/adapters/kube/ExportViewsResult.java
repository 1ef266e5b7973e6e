package io.gimops.adapters.kube;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How "update export views" went: {@code ./entrypoint.sh -job Job_MigrateGIM -make-export-views}
 * in the GIM pod.
 *
 * @param pod the pod it ran in, once one was chosen
 * @param exitCode the command's exit code, when the API server reported one
 * @param message what happened and what to do next, for a person
 */
public record ExportViewsResult(Outcome outcome, Optional<String> pod, OptionalInt exitCode, String message) {

  public enum Outcome {
    /** The command exited 0. */
    SUCCEEDED,
    /** The command exited non-zero, or ended without an exit code. */
    FAILED,
    /** No GIM pod is Running and Ready to run it in. */
    NO_READY_POD,
    /** The command did not end within the timeout; it may still be running in the pod. */
    TIMED_OUT,
    /** The environment has no GIM service. */
    NOT_CONFIGURED,
    /** The API server refused or failed the exec. */
    ERROR
  }

  public ExportViewsResult {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(exitCode, "exitCode");
    Objects.requireNonNull(message, "message");
  }

  public boolean succeeded() {
    return outcome == Outcome.SUCCEEDED;
  }
}
