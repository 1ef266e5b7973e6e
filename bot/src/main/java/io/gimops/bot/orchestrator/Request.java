package io.gimops.bot.orchestrator;

import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import java.util.Objects;
import java.util.Optional;

/**
 * A lifecycle request as a front end hands it over.
 *
 * @param key the idempotency key: Slack's retry headers and action ids, the console's line ids;
 *     the same key always answers with the same operation
 * @param confirmations confirmations given with the request itself (a chosen prompt action)
 */
public record Request(
    String key,
    Actor actor,
    String channel,
    String environment,
    LifecycleRequest request,
    Optional<String> overrideReason,
    Confirmations confirmations) {

  public Request {
    Objects.requireNonNull(key, "key");
    if (key.isBlank()) {
      throw new IllegalArgumentException("a request needs an idempotency key");
    }
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(overrideReason, "overrideReason");
    Objects.requireNonNull(confirmations, "confirmations");
  }

  public static Request of(String key, Actor actor, String channel, String environment, LifecycleRequest request) {
    return new Request(key, actor, channel, environment, request, Optional.empty(),
        io.gimops.policies.decision.Confirmations.NONE);
  }

  public Request withOverride(Optional<String> reason) {
    return new Request(key, actor, channel, environment, request, reason, confirmations);
  }
}
