package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.gimops.bot.conversation.TextViews;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.PinnedHelm;
import io.gimops.sandbox.charts.PackagedCharts;
import io.gimops.sandbox.charts.SampleCharts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog from where the packages are: the sandbox's sample charts packaged by the real
 * {@code helm package}, a package of our own with every annotation, and the {@code index.yaml}
 * the real {@code helm repo index} writes over them, served over HTTP on loopback.
 */
class ChartCatalogTest {

  @TempDir
  Path work;

  private PackagedCharts charts;
  private HttpServer server;

  @BeforeEach
  void packages() {
    charts = SampleCharts.packageAll(work.resolve("charts"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void theChartsDirectory_everyServiceReleaseWithItsSchemaChangeFromTheAnnotation() {
    List<Release> releases = ChartCatalog.fromDirectory(charts.dir());
    ReleaseCatalog catalog = new ReleaseCatalog(releases);
    for (ServiceKind k : ServiceKind.values()) {
      List<Version> newestFirst = new ArrayList<>(SampleCharts.versions(k.id()));
      java.util.Collections.reverse(newestFirst);
      assertThat(catalog.releases(k)).extracting(Release::version).containsExactlyElementsOf(newestFirst);
    }
    // The monitoring charts are packaged there too, and are not releases of a service.
    assertThat(releases).hasSize(12);
    assertThat(releases).filteredOn(Release::schemaChange).extracting(r -> r.service() + " " + r.version())
        .containsExactly("GIM 100.0.117+3000");
    assertThat(releases).extracting(Release::source).containsOnly("charts directory " + charts.dir());
  }

  @Test
  void annotations_minimumVersionsAndReleaseNotes() throws Exception {
    helmPackage("gsp", "100.0.102+1600", "  gimops.io/minimum-kafka: \"3.4\"\n  gimops.io/minimum-postgresql: \"13\"\n"
        + "  gimops.io/release-notes: https://docs.example.com/gsp/100.0.102\n");
    Release r = new ReleaseCatalog(ChartCatalog.fromDirectory(charts.dir()))
        .find(ServiceKind.GSP, Version.parse("100.0.102+1600")).orElseThrow();
    assertThat(r.minimumThirdParty()).containsEntry(ThirdParty.KAFKA, Version.parse("3.4"))
        .containsEntry(ThirdParty.POSTGRESQL, Version.parse("13"));
    assertThat(r.releaseNotes()).contains("https://docs.example.com/gsp/100.0.102");
    assertThat(r.schemaChange()).isFalse();
  }

  @Test
  void aBadAnnotationIsSaidWithItsPackage() throws Exception {
    helmPackage("gim", "100.0.118+3100", "  gimops.io/schema-change: \"maybe\"\n");
    assertThatThrownBy(() -> ChartCatalog.fromDirectory(charts.dir()))
        .hasMessageContaining("gim 100.0.118+3100", "gimops.io/schema-change is 'maybe'");
  }

  @Test
  void aPackageWhoseNameHelmWouldNotBeGiven_orThatIsNoPackage_isRefused() throws IOException {
    Files.copy(charts.chart("gim", Version.parse("100.0.116+2900")), charts.dir().resolve("gim-latest.tgz"));
    assertThatThrownBy(() -> ChartCatalog.fromDirectory(charts.dir()))
        .hasMessageContaining("gim-latest.tgz holds chart gim 100.0.116+2900", "rename it");
    Files.delete(charts.dir().resolve("gim-latest.tgz"));
    Files.writeString(charts.dir().resolve("notes.tgz"), "not gzip");
    assertThatThrownBy(() -> ChartCatalog.fromDirectory(charts.dir()))
        .hasMessageContaining("notes.tgz is not a chart package");
    assertThatThrownBy(() -> ChartCatalog.fromDirectory(work.resolve("nowhere")))
        .hasMessageContaining("is not a directory");
  }

  @Test
  void theConfigurationReadsTheChartsDirectory_andItsEntriesOverride() {
    BotConfig c = BotConfig.parse(config("") + "catalog:\n"
        + "  - {service: gim, version: \"100.0.116+2900\", minimumVersions: {kafka: \"3.6\"},"
        + " releaseNotes: \"https://docs.example.com/gim/116\"}\n"
        + "  - {service: gim, version: \"100.0.117+3000\", schemaChange: false}\n");
    ReleaseCatalog catalog = c.releaseCatalog();
    Release r116 = catalog.find(ServiceKind.GIM, Version.parse("100.0.116+2900")).orElseThrow();
    assertThat(r116.minimumThirdParty()).containsEntry(ThirdParty.KAFKA, Version.parse("3.6"));
    assertThat(r116.releaseNotes()).contains("https://docs.example.com/gim/116");
    assertThat(r116.source()).isEqualTo("charts directory " + charts.dir() + " and configuration");
    assertThat(catalog.find(ServiceKind.GIM, Version.parse("100.0.117+3000")).orElseThrow().schemaChange()).isFalse();
    assertThat(catalog.releases(ServiceKind.GCA)).hasSize(4);
    // catalogFrom.charts: false leaves the configured entries alone.
    assertThat(BotConfig.parse(config("catalogFrom: {charts: false}\n")).releaseCatalog().releases(ServiceKind.GIM))
        .isEmpty();
  }

  @Test
  void aChartRepositoryIndex_fromTheRealHelmRepoIndex_overHttp() throws Exception {
    String base = serve(charts.dir());
    helm("repo", "index", charts.dir().toString(), "--url", base);
    BotConfig c = BotConfig.parse(config("catalogFrom: {charts: false, index: '" + base + "index.yaml', timeout: 5s}\n"));
    ReleaseCatalog catalog = c.releaseCatalog();
    assertThat(catalog.releases(ServiceKind.GIM)).hasSize(4);
    assertThat(catalog.latest(ServiceKind.GIM).orElseThrow().schemaChange()).isTrue();
    assertThat(catalog.releases(ServiceKind.GSP)).extracting(Release::source)
        .containsOnly("index " + base + "index.yaml");
    // Both: a release in the directory and the index says so.
    ReleaseCatalog both = BotConfig.parse(config("catalogFrom: {index: '" + base + "index.yaml'}\n")).releaseCatalog();
    assertThat(both.latest(ServiceKind.GCA).orElseThrow().source())
        .isEqualTo("charts directory " + charts.dir() + " and index " + base + "index.yaml");
    // The releases command says where each came from.
    Map<ServiceKind, ServiceState> none = new EnumMap<>(ServiceKind.class);
    for (ServiceKind k : ServiceKind.values()) {
      none.put(k, ServiceState.notInstalled(k));
    }
    String view = TextViews.releases(ServiceKind.GIM, catalog,
        new ClusterSnapshot(Instant.now(), none, Map.of(), Optional.empty()));
    assertThat(view).contains("from", "index " + base + "index.yaml");
  }

  @Test
  void anIndexThatCannotBeHadIsAProblem() throws Exception {
    String base = serve(charts.dir());
    assertThatThrownBy(() -> BotConfig.parse(config("catalogFrom: {index: '" + base + "missing.yaml'}\n"))
        .releaseCatalog()).hasMessageContaining("catalogFrom.index", "answered HTTP 404");
    Files.writeString(charts.dir().resolve("plain.yaml"), "just: text\n");
    assertThatThrownBy(() -> BotConfig.parse(config("catalogFrom: {index: '" + base + "plain.yaml'}\n"))
        .releaseCatalog()).hasMessageContaining("has no entries");
    assertThat(BotConfig.check(config("catalogFrom: {index: 'ftp://x/index.yaml'}\n")).problems()).singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("catalogFrom.index"));
  }

  private String config(String more) {
    return "helm: {binary: /bin/helm, charts: '" + charts.dir() + "'}\nenvironments: [{name: dev}]\n" + more;
  }

  /** Serves a directory's files on loopback (what a chart repository is: static files). */
  private String serve(Path dir) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      Path file = dir.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
      byte[] body = file.startsWith(dir) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
      exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        if (body != null) {
          out.write(body);
        }
      }
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** A chart of our own, packaged by the real helm into the charts directory. */
  private void helmPackage(String name, String version, String annotations) throws Exception {
    Path src = Files.createDirectories(work.resolve("src").resolve(name));
    Files.writeString(src.resolve("Chart.yaml"), "apiVersion: v2\nname: " + name + "\nversion: \"" + version
        + "\"\nappVersion: \"" + version + "\"\nannotations:\n" + annotations);
    Files.createDirectories(src.resolve("templates"));
    Files.writeString(src.resolve("templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    helm("package", src.toString(), "--destination", charts.dir().toString());
  }

  private void helm(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(PinnedHelm.binary().toString()));
    argv.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(Bot.helmHomes(work));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("helm finishes").isTrue();
    assertThat(p.exitValue()).as("helm %s: %s", args[0], out).isZero();
  }
}
