package io.gimops.sandbox.charts;

import io.gimops.policies.domain.Version;
import io.gimops.sandbox.PinnedHelm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The sandbox's Helm charts: {@code gim}, {@code gim-monitoring}, {@code gsp}, {@code gca} and
 * {@code gca-monitoring}, four releases each, packaged by the real {@code helm package} as
 * {@code <chart>-<version>.tgz}, with the {@code <release>-values.yaml} files of the three services
 * beside them, as the vendor's commands expect:
 *
 * <pre>helm upgrade --install gim gim-100.0.116+2900.tgz -f gim-values.yaml -n gim --timeout 15m</pre>
 *
 * <p>The chart sources are class path resources under {@code io/gimops/sandbox/charts/}; each
 * version is rendered from them (the version into {@code Chart.yaml}, and for GIM whether the
 * release changes the Info Mart schema into {@code values.yaml}). The labels and the image follow
 * the contract in the module's README. Packaging runs helm once per JVM and content; later calls
 * copy the packages.
 */
public final class SampleCharts {

  /** Every chart, services before their monitoring charts. */
  public static final List<String> CHARTS = List.of("gim", "gim-monitoring", "gsp", "gca", "gca-monitoring");

  /**
   * How the GCA chart labels its pods: {@code servicename} and {@code release}, without the
   * {@code app.kubernetes.io/instance} the other charts set, as a real chart may. The sandbox's
   * configuration gives gimops this selector ({@code {release}} is filled with the release name).
   */
  public static final String GCA_POD_SELECTOR = "servicename=gca,release={release}";

  /** The releases that take an {@code <release>-values.yaml} (the monitoring charts take none). */
  public static final List<String> RELEASES_WITH_VALUES = List.of("gim", "gsp", "gca");

  private static final String RESOURCES = "/io/gimops/sandbox/charts/";
  private static final Map<String, List<Version>> VERSIONS = Map.of(
      "gim", parse("100.0.114+2700", "100.0.115+2800", "100.0.116+2900", "100.0.117+3000"),
      "gim-monitoring", parse("100.0.114+2700", "100.0.115+2800", "100.0.116+2900", "100.0.117+3000"),
      "gsp", parse("100.0.98+1200", "100.0.99+1300", "100.0.100+1400", "100.0.101+1500"),
      "gca", parse("100.0.98+2100", "100.0.99+2200", "100.0.100+2300", "100.0.101+2400"),
      "gca-monitoring", parse("100.0.98+2100", "100.0.99+2200", "100.0.100+2300", "100.0.101+2400"));

  /** GIM releases that change the Info Mart schema, so that upgrading to them migrates it. */
  private static final Set<Version> SCHEMA_CHANGES = Set.of(Version.parse("100.0.117+3000"));

  private static final long HELM_TIMEOUT_SECONDS = 120;

  private static Path cacheDir;
  private static String cacheKey;

  private SampleCharts() {}

  /** The chart's releases, oldest first. */
  public static List<Version> versions(String chart) {
    List<Version> versions = VERSIONS.get(chart);
    if (versions == null) {
      throw new IllegalArgumentException("no sample chart " + chart + "; the charts are " + CHARTS);
    }
    return versions;
  }

  /** True if upgrading GIM to this release changes the Info Mart schema (a migration runs). */
  public static boolean changesSchema(Version gimVersion) {
    return SCHEMA_CHANGES.contains(gimVersion);
  }

  /** The package file name of a chart release: {@code <chart>-<version>.tgz}. */
  public static String packageFileName(String chart, Version version) {
    versions(chart);
    return chart + "-" + version + ".tgz";
  }

  /** The values file name of a release: {@code <release>-values.yaml}. */
  public static String valuesFileName(String release) {
    return release + "-values.yaml";
  }

  /**
   * Writes every chart release as {@code <chart>-<version>.tgz}, and {@code gim-values.yaml},
   * {@code gsp-values.yaml} and {@code gca-values.yaml}, into {@code dir} (created if missing;
   * files there of the same names are replaced).
   *
   * @throws IllegalStateException if helm fails to package a chart
   */
  public static PackagedCharts packageAll(Path dir) {
    Path packaged = packaged();
    try {
      Files.createDirectories(dir);
      List<Path> packages = new ArrayList<>();
      for (String chart : CHARTS) {
        for (Version v : versions(chart)) {
          String name = packageFileName(chart, v);
          packages.add(Files.copy(packaged.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING));
        }
      }
      List<Path> values = new ArrayList<>();
      for (String release : RELEASES_WITH_VALUES) {
        String name = valuesFileName(release);
        values.add(Files.copy(packaged.resolve(name), dir.resolve(name), StandardCopyOption.REPLACE_EXISTING));
      }
      return new PackagedCharts(dir, packages, values);
    } catch (IOException e) {
      throw new UncheckedIOException("could not copy the sample charts into " + dir, e);
    }
  }

  /** The directory holding every package and values file, packaging them on first use. */
  private static synchronized Path packaged() {
    Map<String, byte[]> sources = readSources();
    String key = contentKey(sources);
    if (cacheDir != null && key.equals(cacheKey) && Files.isDirectory(cacheDir)) {
      return cacheDir;
    }
    try {
      Path work = Files.createTempDirectory("gimops-charts-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(work), "gimops-charts-cleanup"));
      Path src = Files.createDirectories(work.resolve("src"));
      Path out = Files.createDirectories(work.resolve("out"));
      List<String> chartDirs = new ArrayList<>();
      for (String chart : CHARTS) {
        for (Version v : versions(chart)) {
          Path chartDir = src.resolve(chart + "-" + v);
          render(sources, chart, v, chartDir);
          chartDirs.add(chartDir.toString());
        }
      }
      for (String release : RELEASES_WITH_VALUES) {
        String name = valuesFileName(release);
        Files.write(out.resolve(name), source(sources, "values/" + name));
      }
      helmPackage(work, chartDirs, out);
      cacheDir = out;
      cacheKey = key;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("could not render the sample charts", e);
    }
  }

  private static void render(Map<String, byte[]> sources, String chart, Version version, Path into) throws IOException {
    String prefix = chart + "/";
    for (Map.Entry<String, byte[]> e : sources.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      String text = new String(e.getValue(), StandardCharsets.UTF_8)
          .replace("@VERSION@", version.toString())
          .replace("@SCHEMA_CHANGE@", Boolean.toString(chart.equals("gim") && changesSchema(version)));
      Path file = into.resolve(e.getKey().substring(prefix.length()));
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    }
  }

  /** One {@code helm package} for every chart directory: one process instead of twenty. */
  private static void helmPackage(Path work, List<String> chartDirs, Path out) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(PinnedHelm.binary().toString());
    argv.add("package");
    argv.addAll(chartDirs);
    argv.add("--destination");
    argv.add(out.toString());
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("HELM_CACHE_HOME", work.resolve("helm/cache").toString());
    env.put("HELM_CONFIG_HOME", work.resolve("helm/config").toString());
    env.put("HELM_DATA_HOME", work.resolve("helm/data").toString());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(HELM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("helm package did not finish in " + HELM_TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while packaging the sample charts", e);
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("helm package failed (exit " + p.exitValue() + "): " + output.strip());
    }
  }

  private static Map<String, byte[]> readSources() {
    Map<String, byte[]> sources = new LinkedHashMap<>();
    String index = new String(resource("sources.txt"), StandardCharsets.UTF_8);
    for (String line : index.split("\n")) {
      String path = line.strip();
      if (!path.isEmpty() && !path.startsWith("#")) {
        sources.put(path, resource(path));
      }
    }
    return sources;
  }

  private static byte[] source(Map<String, byte[]> sources, String path) {
    byte[] content = sources.get(path);
    if (content == null) {
      throw new IllegalStateException("sample chart file " + path + " is not listed in " + RESOURCES + "sources.txt");
    }
    return content;
  }

  private static byte[] resource(String path) {
    try (InputStream in = SampleCharts.class.getResourceAsStream(RESOURCES + path)) {
      if (in == null) {
        throw new IllegalStateException("sample chart file " + RESOURCES + path + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RESOURCES + path, e);
    }
  }

  /** A digest of everything that goes into the packages. */
  private static String contentKey(Map<String, byte[]> sources) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(PinnedHelm.VERSION.getBytes(StandardCharsets.UTF_8));
      digest.update((VERSIONS.toString() + SCHEMA_CHANGES).getBytes(StandardCharsets.UTF_8));
      sources.forEach((path, content) -> {
        digest.update(path.getBytes(StandardCharsets.UTF_8));
        digest.update(content);
      });
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  private static List<Version> parse(String... versions) {
    return Stream.of(versions).map(Version::parse).sorted().toList();
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir left behind is harmless
    }
  }
}
