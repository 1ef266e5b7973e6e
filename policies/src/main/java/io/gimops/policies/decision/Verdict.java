package io.gimops.policies.decision;

/** What one rule concluded about one request. */
public enum Verdict {
  /** The rule holds. */
  PASS,
  /** The rule does not hold: the request is refused. */
  FAIL,
  /** The rule did not hold, and an admin overrode it with a written reason. */
  OVERRIDDEN,
  /** The rule holds, but the user should know something (a service outside the window, say). */
  WARN,
  /** Information the user needs to act well (what will happen, what is offered afterwards). */
  INFO
}
