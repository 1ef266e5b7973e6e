package io.gimops.policies.decision;

import java.util.Objects;

/** One rule's verdict on a request, with a message that tells the user what to do. */
public record Finding(Rule rule, Verdict verdict, String message) {

  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(message, "message");
  }

  public static Finding pass(Rule rule, String message) {
    return new Finding(rule, Verdict.PASS, message);
  }

  public static Finding fail(Rule rule, String message) {
    return new Finding(rule, Verdict.FAIL, message);
  }

  public static Finding warn(Rule rule, String message) {
    return new Finding(rule, Verdict.WARN, message);
  }

  public static Finding info(Rule rule, String message) {
    return new Finding(rule, Verdict.INFO, message);
  }

  public boolean refuses() {
    return verdict == Verdict.FAIL;
  }

  /** The vendor's (or the brief's) sentence this finding enforces. */
  public String sentence() {
    return rule.sentence();
  }

  @Override
  public String toString() {
    return rule.label() + " " + verdict + ": " + message;
  }
}
