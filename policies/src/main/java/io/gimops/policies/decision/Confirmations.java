package io.gimops.policies.decision;

import io.gimops.policies.domain.Actor;
import java.util.Objects;
import java.util.Optional;

/**
 * The confirmations given so far for a request.
 *
 * @param confirmedBy who confirmed the action (and, for an upgrade, the vendor's checklist)
 * @param typedServiceName what was typed to confirm an uninstall
 * @param secondApprover who approved an uninstall in production, besides the requester
 */
public record Confirmations(
    Optional<Actor> confirmedBy, Optional<String> typedServiceName, Optional<Actor> secondApprover) {

  public static final Confirmations NONE =
      new Confirmations(Optional.empty(), Optional.empty(), Optional.empty());

  public Confirmations {
    Objects.requireNonNull(confirmedBy, "confirmedBy");
    Objects.requireNonNull(typedServiceName, "typedServiceName");
    Objects.requireNonNull(secondApprover, "secondApprover");
  }

  public static Confirmations confirmedBy(Actor actor) {
    return new Confirmations(Optional.of(actor), Optional.empty(), Optional.empty());
  }

  public Confirmations withTypedServiceName(String typed) {
    return new Confirmations(confirmedBy, Optional.ofNullable(typed), secondApprover);
  }

  public Confirmations withSecondApprover(Actor approver) {
    return new Confirmations(confirmedBy, typedServiceName, Optional.of(approver));
  }
}
