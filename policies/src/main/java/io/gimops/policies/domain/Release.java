package io.gimops.policies.domain;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One release of one service in the release catalog.
 *
 * @param schemaChange whether upgrading GIM to it migrates the Info Mart database
 * @param minimumThirdParty third-party versions this release needs; "upgrade the third-party
 *     service(s) before you upgrade the private edition service"
 * @param releaseNotes where its release note is, if known
 * @param source where the bot learned of it ({@code configuration}, {@code charts directory},
 *     an index URL), said by the {@code releases} command
 */
public record Release(
    ServiceKind service,
    Version version,
    boolean schemaChange,
    Map<ThirdParty, Version> minimumThirdParty,
    Optional<String> releaseNotes,
    String source) {

  /** Where a release comes from when nothing else is said. */
  public static final String CONFIGURATION = "configuration";

  public Release {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(version, "version");
    minimumThirdParty =
        minimumThirdParty.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(minimumThirdParty));
    Objects.requireNonNull(releaseNotes, "releaseNotes");
    Objects.requireNonNull(source, "source");
  }

  public Release(ServiceKind service, Version version, boolean schemaChange, Map<ThirdParty, Version> minimumThirdParty,
      Optional<String> releaseNotes) {
    this(service, version, schemaChange, minimumThirdParty, releaseNotes, CONFIGURATION);
  }

  public static Release of(ServiceKind service, String version) {
    return new Release(service, Version.parse(version), false, Map.of(), Optional.empty());
  }

  public Release withSchemaChange() {
    return new Release(service, version, true, minimumThirdParty, releaseNotes, source);
  }

  public Release requiring(ThirdParty dependency, String minimum) {
    Map<ThirdParty, Version> m = new EnumMap<>(ThirdParty.class);
    m.putAll(minimumThirdParty);
    m.put(dependency, Version.parse(minimum));
    return new Release(service, version, schemaChange, m, releaseNotes, source);
  }

  public Release withReleaseNotes(String url) {
    return new Release(service, version, schemaChange, minimumThirdParty, Optional.of(url), source);
  }

  public Release from(String where) {
    return new Release(service, version, schemaChange, minimumThirdParty, releaseNotes, where);
  }
}
