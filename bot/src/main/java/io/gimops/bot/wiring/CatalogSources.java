package io.gimops.bot.wiring;

import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.Version;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The release catalog from its three sources, in order: the charts directory's packages, a chart
 * repository's {@code index.yaml} (a release in both is the directory's: helm is given that
 * package), and the {@code catalog:} entries, which override what either said of the same release.
 * Each release keeps where it came from, which the {@code releases} command shows.
 */
final class CatalogSources {

  static final Duration DEFAULT_INDEX_TIMEOUT = Duration.ofSeconds(10);

  private CatalogSources() {}

  static boolean fromCharts(BotConfig c) {
    return c.catalogFrom().flatMap(CatalogFrom::charts).orElse(true);
  }

  /** The catalog with every source read; a source that cannot be read is a problem. */
  static ReleaseCatalog load(BotConfig c, Problems p) {
    Map<String, Release> byKey = new LinkedHashMap<>();
    if (fromCharts(c) && c.helm() != null && c.helm().charts() != null) {
      p.attempt("helm.charts", () -> ChartCatalog.fromDirectory(Path.of(c.helm().charts())))
          .ifPresent(rs -> rs.forEach(r -> byKey.putIfAbsent(key(r), r)));
    }
    c.catalogFrom().flatMap(CatalogFrom::index).ifPresent(url -> p.attempt("catalogFrom.index",
        () -> ChartCatalog.fromIndex(url, indexTimeout(c))).ifPresent(rs -> rs.forEach(r -> byKey.merge(key(r), r,
            (had, more) -> had.from(had.source() + " and " + more.source())))));
    List<BotConfig.CatalogEntry> entries = c.catalog();
    List<Release> configured = configured(c, p);
    for (int i = 0; i < configured.size(); i++) {
      Release r = configured.get(i);
      Release found = byKey.get(key(r));
      byKey.put(key(r), found == null ? r : override(found, r, entries.get(i)));
    }
    return p.attempt("catalog", () -> new ReleaseCatalog(new ArrayList<>(byKey.values())))
        .orElse(new ReleaseCatalog(List.of()));
  }

  /** A configured entry over a found release: what the entry says wins, the rest stays. */
  private static Release override(Release found, Release entry, BotConfig.CatalogEntry e) {
    Map<ThirdParty, Version> minimum = new EnumMap<>(ThirdParty.class);
    minimum.putAll(found.minimumThirdParty());
    minimum.putAll(entry.minimumThirdParty());
    return new Release(found.service(), found.version(), e.schemaChange().orElse(found.schemaChange()), minimum,
        entry.releaseNotes().or(found::releaseNotes), found.source() + " and " + Release.CONFIGURATION);
  }

  private static String key(Release r) {
    return r.service().id() + " " + r.version();
  }

  /** The {@code catalog:} entries as releases; each mistake a problem at its key. */
  static List<Release> configured(BotConfig c, Problems p) {
    List<Release> out = new ArrayList<>();
    for (int i = 0; i < c.catalog().size(); i++) {
      BotConfig.CatalogEntry e = c.catalog().get(i);
      String at = "catalog[" + i + "]";
      if (e == null) {
        p.add(at, "an empty entry: write {service: gim, version: \"100.0.117+3000\"}");
        continue;
      }
      int before = p.list().size();
      Optional<ServiceKind> kind = e.service() == null ? Optional.empty() : ServiceKind.fromName(e.service());
      if (kind.isEmpty()) {
        p.add(at + ".service", "there is no service '" + e.service() + "': use gim, gsp or gca");
      }
      Optional<Version> version = e.version() == null ? Optional.empty()
          : p.attempt(at + ".version", () -> Version.parse(e.version()));
      Map<ThirdParty, Version> minimum = new EnumMap<>(ThirdParty.class);
      e.minimumVersions().orElse(Map.of()).forEach((name, v) -> {
        Optional<ThirdParty> t = java.util.Arrays.stream(ThirdParty.values())
            .filter(x -> name != null && x.name().equalsIgnoreCase(name)).findFirst();
        if (t.isEmpty()) {
          p.add(at + ".minimumVersions." + name, "'" + name + "' is neither kafka nor postgresql");
        } else if (v == null) {
          p.add(at + ".minimumVersions." + name, "no version given; write e.g. {" + name.toLowerCase(Locale.ROOT)
              + ": \"3.4\"} (quoted)");
        } else {
          p.attempt(at + ".minimumVersions." + name, () -> Version.parse(v)).ifPresent(x -> minimum.put(t.get(), x));
        }
      });
      e.releaseNotes().ifPresent(url -> p.attempt(at + ".releaseNotes", () -> httpUrl(url, "a release note")));
      if (p.list().size() == before && kind.isPresent() && version.isPresent()) {
        out.add(new Release(kind.get(), version.get(), e.schemaChange().orElse(false), minimum, e.releaseNotes(),
            Release.CONFIGURATION));
      }
    }
    return out;
  }

  /** What can be said of {@code catalogFrom} without reading anything. */
  static void checkSources(BotConfig c, Problems p) {
    c.catalogFrom().flatMap(CatalogFrom::index).ifPresent(url ->
        p.attempt("catalogFrom.index", () -> httpUrl(url, "a chart repository's index.yaml")));
    c.catalogFrom().flatMap(CatalogFrom::timeout).ifPresent(t -> p.attempt("catalogFrom.timeout", () -> {
      Duration d = BotConfig.duration(t);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("a timeout is longer than 0; write e.g. 10s");
      }
      return d;
    }));
  }

  static Duration indexTimeout(BotConfig c) {
    return c.catalogFrom().flatMap(CatalogFrom::timeout).map(BotConfig::duration).orElse(DEFAULT_INDEX_TIMEOUT);
  }

  /** The places the catalog is read from, for check-config's summary. */
  static List<String> describe(BotConfig c) {
    List<String> out = new ArrayList<>();
    if (fromCharts(c)) {
      out.add("charts directory " + c.helm().charts());
    }
    c.catalogFrom().flatMap(CatalogFrom::index).ifPresent(u -> out.add("index " + u));
    if (!c.catalog().isEmpty()) {
      out.add(Release.CONFIGURATION + " (" + c.catalog().size() + (c.catalog().size() == 1 ? " entry)" : " entries)"));
    }
    return out;
  }

  private static URI httpUrl(String url, String what) {
    try {
      URI u = new URI(url);
      if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null) {
        return u;
      }
    } catch (java.net.URISyntaxException e) {
      // said below
    }
    throw new IllegalArgumentException("'" + url + "' is not the http(s) URL of " + what
        + "; write e.g. https://docs.example.com/gim/100.0.117");
  }
}
