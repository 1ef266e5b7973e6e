package io.gimops.policies.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * The three Genesys Info Mart services. What each one is called in Helm, where it lives and how
 * long helm may take is configuration ({@link ServiceSpec}); what it <em>is</em> is fixed here,
 * because the vendor's procedure treats each one differently (GIM migrates the Info Mart database
 * and updates export views; GSP keeps state in ConfigMaps).
 */
public enum ServiceKind {
  /** Genesys Info Mart: loads and migrates the Info Mart database. */
  GIM("Genesys Info Mart"),
  /** GIM Stream Processor. */
  GSP("GIM Stream Processor"),
  /** GIM Config Adapter. */
  GCA("GIM Config Adapter");

  private final String title;

  ServiceKind(String title) {
    this.title = title;
  }

  public String title() {
    return title;
  }

  /** The lower-case name users type: {@code gim}, {@code gsp}, {@code gca}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Case-insensitive lookup of a service name as users type it. ASCII only: {@code equalsIgnoreCase}
   * alone would fold lookalikes such as {@code gım} (dotless i) into GIM.
   */
  public static Optional<ServiceKind> fromName(String name) {
    if (name == null || !name.chars().allMatch(c -> c < 128)) {
      return Optional.empty();
    }
    for (ServiceKind k : values()) {
      if (k.name().equalsIgnoreCase(name)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
