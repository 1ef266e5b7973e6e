package io.gimops.policies.rules;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Rule;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Reachability;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.policies.domain.Version;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Rule 6: Kafka and PostgreSQL must be reachable before a rollback or an upgrade ("rollback will
 * not work until you resolve the third-party issue", so the bot says so instead of trying), and a
 * release's minimum third-party versions must already be met ("upgrade the third-party
 * service(s) before you upgrade the private edition service").
 */
public final class ThirdPartyDependencies {

  private ThirdPartyDependencies() {}

  /** Reachability of every dependency, before an action of the given kind ("rollback", ...). */
  public static List<Finding> checkReachable(ClusterSnapshot snap, String action, List<ThirdParty> needed) {
    List<Finding> f = new ArrayList<>();
    List<String> ok = new ArrayList<>();
    for (ThirdParty d : needed) {
      ThirdPartyState s = snap.thirdParty(d);
      if (s.reachability() == Reachability.REACHABLE) {
        ok.add(d.title() + s.version().map(v -> " " + v).orElse(""));
      } else if (s.reachability() == Reachability.UNREACHABLE) {
        f.add(Finding.fail(Rule.R6_THIRD_PARTY, d.title() + " is unreachable"
            + (s.detail().isBlank() ? "" : " (" + s.detail() + ")") + ": a " + action
            + " will not work until you resolve the " + d.title() + " issue; fix it, then try again"));
      } else {
        f.add(Finding.fail(Rule.R6_THIRD_PARTY, "could not check whether " + d.title()
            + " is reachable" + (s.detail().isBlank() ? "" : " (" + s.detail() + ")")
            + ": a " + action + " will not work while it has issues; restore the check, then try again"));
      }
    }
    if (f.isEmpty()) {
      f.add(Finding.pass(Rule.R6_THIRD_PARTY, String.join(", ", ok) + " reachable"));
    }
    return f;
  }

  /** The minimum third-party versions the crossed releases need, against what runs. */
  public static List<Finding> checkMinimums(ClusterSnapshot snap, List<Release> crossed) {
    Map<ThirdParty, Release> strictest = new EnumMap<>(ThirdParty.class);
    for (Release r : crossed) {
      r.minimumThirdParty().forEach((d, min) -> {
        Release prev = strictest.get(d);
        if (prev == null || min.isNewerThan(prev.minimumThirdParty().get(d))) {
          strictest.put(d, r);
        }
      });
    }
    List<Finding> f = new ArrayList<>();
    strictest.forEach((d, r) -> {
      Version min = r.minimumThirdParty().get(d);
      Optional<Version> running = snap.thirdParty(d).version();
      String who = r.service().id() + " " + r.version() + " needs " + d.title() + " " + min + " or later";
      if (running.isEmpty()) {
        f.add(Finding.fail(Rule.R6_THIRD_PARTY, who + ", and the running " + d.title()
            + " version is unknown: confirm it is at least " + min + " so the bot can see it"));
      } else if (running.get().isOlderThan(min)) {
        f.add(Finding.fail(Rule.R6_THIRD_PARTY, who + "; " + running.get() + " runs: upgrade "
            + d.title() + " first"));
      } else {
        f.add(Finding.pass(Rule.R6_THIRD_PARTY, who + "; " + running.get() + " runs"));
      }
    });
    return f;
  }
}
