package io.gimops.policies.domain;

import java.util.Objects;
import java.util.Set;

/**
 * A person acting through chat: their chat user id, the name to show, and the user groups they
 * belong to (roles may be granted to a group).
 */
public record Actor(String userId, String displayName, Set<String> groups) {

  public Actor {
    Objects.requireNonNull(userId, "userId");
    if (userId.isBlank()) {
      throw new IllegalArgumentException("an actor has a user id");
    }
    displayName = displayName == null || displayName.isBlank() ? userId : displayName;
    groups = Set.copyOf(groups);
  }

  public static Actor of(String userId, String displayName) {
    return new Actor(userId, displayName, Set.of());
  }

  @Override
  public String toString() {
    return displayName + " (" + userId + ")";
  }
}
