package io.gimops.bot.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.Version;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * The release catalog from where the packages are: each {@code <chart>-<version>.tgz} in the
 * charts directory (its {@code Chart.yaml}, read from the gzip'd tar without running helm), or a
 * Helm chart repository's {@code index.yaml} (what {@code helm repo index} writes: the same
 * {@code Chart.yaml} fields per version). Charts named {@code gim}, {@code gsp} and {@code gca}
 * are the services' releases; others (the monitoring charts) are not catalogued.
 *
 * <p>What the vendor's {@code Chart.yaml} does not say, its annotations may:
 * {@value #SCHEMA_CHANGE} ({@code "true"}: upgrading to it migrates the Info Mart database),
 * {@code gimops.io/minimum-kafka} and {@code gimops.io/minimum-postgresql} (the third-party
 * versions it needs) and {@value #RELEASE_NOTES} (a link). Configuration says the same and wins.
 */
public final class ChartCatalog {

  public static final String SCHEMA_CHANGE = "gimops.io/schema-change";
  public static final String MINIMUM = "gimops.io/minimum-";
  public static final String RELEASE_NOTES = "gimops.io/release-notes";

  private static final int MAX_CHART_YAML = 1 << 20;
  private static final long MAX_INDEX = 32L << 20;
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private ChartCatalog() {}

  /** A chart's own description of itself (Chart.yaml, or an index entry). */
  public record ChartMeta(String name, String version, Optional<String> appVersion, Map<String, String> annotations) {}

  /** Every service release packaged in {@code dir}, as {@code charts directory <dir>}. */
  public static List<Release> fromDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("helm.charts: " + dir + " is not a directory (the vendor's chart packages,"
          + " <chart>-<version>.tgz)");
    }
    List<Release> out = new ArrayList<>();
    String source = "charts directory " + dir;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".tgz")).sorted().toList()) {
        ChartMeta meta = chartYaml(p);
        String expected = meta.name() + "-" + meta.version() + ".tgz";
        if (!p.getFileName().toString().equals(expected)) {
          throw new IllegalArgumentException("helm.charts: " + p.getFileName() + " holds chart " + meta.name() + " "
              + meta.version() + ", so helm would be given " + expected + ": rename it to that");
        }
        release(meta, source).ifPresent(out::add);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("helm.charts: cannot list " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Every service release a chart repository's {@code index.yaml} lists, as {@code index <url>}. */
  public static List<Release> fromIndex(String url, Duration timeout) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("catalogFrom.index: '" + url + "' is not a URL", e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("catalogFrom.index: '" + url + "' is not an http(s) URL of an index.yaml");
    }
    byte[] body;
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL)
          .build();
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          throw new IllegalArgumentException("catalogFrom.index: " + url + " answered HTTP " + r.statusCode());
        }
        body = readAtMost(in, MAX_INDEX, "catalogFrom.index: " + url);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("catalogFrom.index: cannot fetch " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalArgumentException("catalogFrom.index: interrupted while fetching " + url, e);
    }
    return parseIndex(new String(body, StandardCharsets.UTF_8), "index " + url);
  }

  /** The service releases of an {@code index.yaml}'s {@code entries}. */
  static List<Release> parseIndex(String yaml, String source) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      throw new IllegalArgumentException("catalogFrom.index: " + source + " is not YAML: "
          + ConfigProblems.firstLine(e.getMessage()), e);
    }
    JsonNode entries = root == null ? null : root.get("entries");
    if (entries == null || !entries.isObject()) {
      throw new IllegalArgumentException("catalogFrom.index: " + source + " has no entries (not a chart repository's"
          + " index.yaml)");
    }
    List<Release> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> chart = it.next();
      for (JsonNode v : chart.getValue()) {
        release(meta(v, source), source).ifPresent(out::add);
      }
    }
    return out;
  }

  /** The {@code Chart.yaml} at the top of a chart package. */
  public static ChartMeta chartYaml(Path tgz) {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
      byte[] header = new byte[512];
      String longName = null;
      while (in.readNBytes(header, 0, 512) == 512) {
        if (header[0] == 0) {
          break;
        }
        String name = longName != null ? longName : text(header, 345, 155).isEmpty() ? text(header, 0, 100)
            : text(header, 345, 155) + "/" + text(header, 0, 100);
        longName = null;
        long size = Long.parseLong(text(header, 124, 12).isEmpty() ? "0" : text(header, 124, 12), 8);
        char type = (char) header[156];
        long padded = (size + 511) / 512 * 512;
        if (type == 'L' && size <= 4096) {
          byte[] n = in.readNBytes((int) padded);
          longName = text(n, 0, (int) size);
          continue;
        }
        if ((type == '0' || type == 0) && name.matches("[^/]+/Chart\\.yaml") && size <= MAX_CHART_YAML) {
          byte[] content = in.readNBytes((int) size);
          return meta(YAML.readTree(content), tgz.getFileName().toString());
        }
        in.skipNBytes(padded);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException i && i.getMessage() != null && i.getMessage().startsWith("helm.charts")) {
        throw i;
      }
      throw new IllegalArgumentException("helm.charts: " + tgz.getFileName() + " is not a chart package this bot can"
          + " read (" + ConfigProblems.firstLine(e.getMessage()) + ")", e);
    }
    throw new IllegalArgumentException("helm.charts: " + tgz.getFileName() + " has no Chart.yaml: is it a chart package?");
  }

  private static ChartMeta meta(JsonNode node, String where) {
    String name = node == null ? "" : node.path("name").asText("");
    String version = node == null ? "" : node.path("version").asText("");
    if (name.isBlank() || version.isBlank()) {
      throw new IllegalArgumentException("helm.charts: " + where + ": a chart without a name or version");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    node.path("annotations").fields().forEachRemaining(a -> annotations.put(a.getKey(), a.getValue().asText()));
    return new ChartMeta(name, version, Optional.ofNullable(node.get("appVersion")).map(JsonNode::asText), annotations);
  }

  /** A service chart's release, with what its annotations say; empty for other charts. */
  public static Optional<Release> release(ChartMeta meta, String source) {
    Optional<ServiceKind> kind = ServiceKind.fromName(meta.name()).filter(k -> k.id().equals(meta.name()));
    if (kind.isEmpty()) {
      return Optional.empty();
    }
    String where = source + ": " + meta.name() + " " + meta.version();
    Release r;
    try {
      r = new Release(kind.get(), Version.parse(meta.version()), false, Map.of(), Optional.empty(), source);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
    String schema = meta.annotations().getOrDefault(SCHEMA_CHANGE, "false").strip().toLowerCase(Locale.ROOT);
    if (!schema.equals("true") && !schema.equals("false")) {
      throw new IllegalArgumentException(where + ": annotation " + SCHEMA_CHANGE + " is '" + schema
          + "'; write \"true\" or \"false\"");
    }
    if (schema.equals("true")) {
      r = r.withSchemaChange();
    }
    for (ThirdParty t : ThirdParty.values()) {
      String key = MINIMUM + t.name().toLowerCase(Locale.ROOT);
      if (meta.annotations().containsKey(key)) {
        try {
          r = r.requiring(t, meta.annotations().get(key).strip());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": annotation " + key + ": " + e.getMessage(), e);
        }
      }
    }
    if (meta.annotations().containsKey(RELEASE_NOTES)) {
      r = r.withReleaseNotes(meta.annotations().get(RELEASE_NOTES).strip());
    }
    return Optional.of(r);
  }

  private static byte[] readAtMost(InputStream in, long max, String what) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
      out.write(buf, 0, n);
      if (out.size() > max) {
        throw new IllegalArgumentException(what + " is larger than " + (max >> 20) + " MiB");
      }
    }
    return out.toByteArray();
  }

  private static String text(byte[] b, int off, int len) {
    int end = off;
    while (end < off + len && end < b.length && b[end] != 0) {
      end++;
    }
    return new String(b, off, end - off, StandardCharsets.UTF_8).strip();
  }
}
