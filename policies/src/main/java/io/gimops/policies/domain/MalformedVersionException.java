package io.gimops.policies.domain;

/** A version that does not follow {@link Version#EXPECTED_FORM}; the message says why. */
public final class MalformedVersionException extends IllegalArgumentException {

  private final String input;

  public MalformedVersionException(String input, String why) {
    super("'" + (input == null ? "" : input) + "' is not a version: " + why
        + ". Expected " + Version.EXPECTED_FORM + ".");
    this.input = input;
  }

  public String input() {
    return input;
  }
}
