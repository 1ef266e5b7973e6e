package io.gimops.policies.domain;

import java.util.Objects;
import java.util.Optional;

/** What the bot last learnt about a third-party dependency. */
public record ThirdPartyState(
    ThirdParty dependency, Reachability reachability, Optional<Version> version, String detail) {

  public ThirdPartyState {
    Objects.requireNonNull(dependency, "dependency");
    Objects.requireNonNull(reachability, "reachability");
    Objects.requireNonNull(version, "version");
    detail = detail == null ? "" : detail;
  }

  public static ThirdPartyState reachable(ThirdParty dependency, String version) {
    return new ThirdPartyState(dependency, Reachability.REACHABLE, Optional.of(Version.parse(version)), "");
  }

  public static ThirdPartyState unreachable(ThirdParty dependency, String detail) {
    return new ThirdPartyState(dependency, Reachability.UNREACHABLE, Optional.empty(), detail);
  }

  public static ThirdPartyState unknown(ThirdParty dependency) {
    return new ThirdPartyState(dependency, Reachability.UNKNOWN, Optional.empty(), "not checked");
  }
}
