package io.gimops.adapters.helm;

import io.gimops.policies.domain.HelmStatus;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A release Secret that could not be read, or read to something the bot cannot use (a chart
 * version that is not a Genesys version). The message says what is wrong and what to do.
 *
 * @param revision the revision the Secret claims (from its {@code version} label or its name),
 *     when that much could be read
 * @param labelledStatus the status on the Secret's {@code status} label ({@code UNKNOWN} if none):
 *     what is left to go on when the body cannot be read
 */
public record ReleaseProblem(
    String secretName, OptionalInt revision, HelmStatus labelledStatus, String message) {

  public ReleaseProblem {
    Objects.requireNonNull(secretName, "secretName");
    Objects.requireNonNull(revision, "revision");
    Objects.requireNonNull(labelledStatus, "labelledStatus");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return secretName + ": " + message;
  }
}
