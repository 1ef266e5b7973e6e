package io.gimops.adapters.kube;

import java.util.List;
import java.util.Objects;

/**
 * How deleting GSP's state ConfigMaps went ({@code kubectl delete cm --selector=app=<gsp fullname>}
 * before a reinstall).
 *
 * @param deleted the ConfigMaps deleted, by name
 * @param failed the ones that could not be deleted, each with the reason
 * @param message what happened and what to do next, for a person
 */
public record ConfigMapCleanup(Outcome outcome, String namespace, String selector, List<String> deleted,
    List<String> failed, String message) {

  public enum Outcome {
    /** Every selected ConfigMap was deleted. */
    DELETED,
    /** No ConfigMap matched the selector. */
    NOTHING_TO_DELETE,
    /** Some were deleted, some not ({@link #failed()}). */
    PARTIAL,
    /** GSP still runs: deleting its state now would break it. Uninstall it first. */
    GSP_STILL_RUNNING,
    /** The environment has no GSP service. */
    NOT_CONFIGURED,
    /** The API server refused or failed the listing. */
    ERROR
  }

  public ConfigMapCleanup {
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(selector, "selector");
    deleted = List.copyOf(deleted);
    failed = List.copyOf(failed);
    Objects.requireNonNull(message, "message");
  }

  public boolean succeeded() {
    return outcome == Outcome.DELETED || outcome == Outcome.NOTHING_TO_DELETE;
  }
}
