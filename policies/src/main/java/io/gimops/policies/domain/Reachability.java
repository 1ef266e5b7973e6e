package io.gimops.policies.domain;

/** Whether a dependency answered; unknown (not checked, or the check failed) is never "up". */
public enum Reachability {
  REACHABLE,
  UNREACHABLE,
  UNKNOWN
}
