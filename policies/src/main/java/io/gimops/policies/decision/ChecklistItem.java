package io.gimops.policies.decision;

import java.util.Objects;
import java.util.Optional;

/** One item of the vendor's preparatory checklist, with a link where one helps. */
public record ChecklistItem(String text, Optional<String> link) {

  public ChecklistItem {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(link, "link");
  }

  public static ChecklistItem of(String text) {
    return new ChecklistItem(text, Optional.empty());
  }
}
