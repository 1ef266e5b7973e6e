package io.gimops.adapters.kube;

import java.util.Objects;
import java.util.Optional;

/**
 * How restarting the GIM pod went: the pod deleted, and its replacement followed to Ready. GIM
 * detects an out-of-date schema when it starts and resumes an interrupted migration job.
 *
 * @param oldPod the pod deleted, once one was chosen
 * @param newPod its replacement, once one appeared (Ready or not)
 * @param message what happened and what to do next, for a person
 */
public record PodRestart(Outcome outcome, Optional<String> oldPod, Optional<String> newPod, String message) {

  public enum Outcome {
    /** The old pod was deleted and its replacement is Ready. */
    RESTARTED,
    /** The old pod was deleted; no replacement became Ready within the timeout. */
    NOT_READY_IN_TIME,
    /** There is no GIM pod to restart. */
    NO_POD,
    /** The environment has no GIM service. */
    NOT_CONFIGURED,
    /** The API server refused or failed a call. */
    ERROR
  }

  public PodRestart {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(oldPod, "oldPod");
    Objects.requireNonNull(newPod, "newPod");
    Objects.requireNonNull(message, "message");
  }

  public boolean succeeded() {
    return outcome == Outcome.RESTARTED;
  }
}
