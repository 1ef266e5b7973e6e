package io.gimops.sandbox.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.HelmProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SampleChartsTest {

  private static final YAMLMapper YAML = new YAMLMapper();

  @TempDir
  static Path tmp;

  private static PackagedCharts charts;
  private static HelmProcess helm;

  @BeforeAll
  static void packageThem() {
    charts = SampleCharts.packageAll(tmp.resolve("charts"));
    helm = new HelmProcess(tmp.resolve("helm-home"), null);
  }

  @Test
  void everyChartHasFourReleasesOldestFirst() {
    assertThat(SampleCharts.versions("gim")).extracting(Version::toString)
        .containsExactly("100.0.114+2700", "100.0.115+2800", "100.0.116+2900", "100.0.117+3000");
    assertThat(SampleCharts.versions("gim-monitoring")).isEqualTo(SampleCharts.versions("gim"));
    assertThat(SampleCharts.versions("gsp")).extracting(Version::toString)
        .containsExactly("100.0.98+1200", "100.0.99+1300", "100.0.100+1400", "100.0.101+1500");
    assertThat(SampleCharts.versions("gca")).extracting(Version::toString)
        .containsExactly("100.0.98+2100", "100.0.99+2200", "100.0.100+2300", "100.0.101+2400");
    assertThat(SampleCharts.versions("gca-monitoring")).isEqualTo(SampleCharts.versions("gca"));
    assertThatThrownBy(() -> SampleCharts.versions("gimx")).hasMessageContaining("the charts are");
  }

  @Test
  void onlyGim117ChangesTheSchema() {
    assertThat(SampleCharts.versions("gim")).filteredOn(SampleCharts::changesSchema)
        .extracting(Version::toString)
        .containsExactly("100.0.117+3000");
  }

  @Test
  void packagesEveryReleaseAndTheValuesFilesUnderTheVendorsNames() throws IOException {
    assertThat(charts.packages()).hasSize(20).allSatisfy(p -> assertThat(p).isRegularFile());
    assertThat(charts.chart("gim", Version.parse("100.0.116+2900")).getFileName())
        .hasToString("gim-100.0.116+2900.tgz");
    assertThat(charts.valuesFiles()).extracting(p -> p.getFileName().toString())
        .containsExactly("gim-values.yaml", "gsp-values.yaml", "gca-values.yaml");
    assertThat(Files.readString(charts.values("gim"))).doesNotContain("tag:");
    assertThatThrownBy(() -> charts.chart("gim", Version.parse("100.0.1"))).hasMessageContaining("has releases");
    assertThatThrownBy(() -> charts.values("gim-monitoring")).hasMessageContaining("values files for");
  }

  @Test
  void packagingAgainCopiesTheSamePackages() throws IOException {
    PackagedCharts again = SampleCharts.packageAll(tmp.resolve("again"));

    for (int i = 0; i < charts.packages().size(); i++) {
      assertThat(Files.mismatch(charts.packages().get(i), again.packages().get(i))).isEqualTo(-1L);
    }
  }

  /** The index SampleCharts reads must name every chart source file. */
  @Test
  void theSourceIndexListsEveryChartFile() throws IOException {
    Path root = Path.of("src/main/resources/io/gimops/sandbox/charts");
    List<String> files;
    try (Stream<Path> walk = Files.walk(root)) {
      files = walk.filter(Files::isRegularFile)
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.equals("sources.txt"))
          .sorted()
          .toList();
    }
    List<String> listed = Files.readAllLines(root.resolve("sources.txt"), StandardCharsets.UTF_8).stream()
        .map(String::strip)
        .filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .sorted()
        .toList();

    assertThat(listed).isEqualTo(files);
  }

  static Stream<Arguments> serviceReleases() {
    List<Arguments> all = new ArrayList<>();
    for (String chart : List.of("gim", "gsp", "gca")) {
      for (Version v : SampleCharts.versions(chart)) {
        all.add(Arguments.of(chart, v));
      }
    }
    return all.stream();
  }

  /** The contract of the module's README: the pod template's labels, the image, GIM's annotation. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("serviceReleases")
  void theWorkloadCarriesTheContractLabelsAndImage(String chart, Version version) throws IOException {
    List<JsonNode> docs = template(chart, chart, version, "-f", SampleCharts.valuesFileName(chart));
    JsonNode workload = docs.stream()
        .filter(d -> d.path("kind").asText().equals(chart.equals("gsp") ? "StatefulSet" : "Deployment"))
        .findFirst().orElseThrow();

    JsonNode pod = workload.at("/spec/template/metadata");
    String chartLabel = chart + "-" + version.toString().replace('+', '_');
    Map<String, String> labels = YAML.convertValue(pod.path("labels"), new TypeReference<Map<String, String>>() {});
    assertThat(labels).containsAllEntriesOf(Map.of(
        "app.kubernetes.io/name", chart,
        "app", chart,
        "helm.sh/chart", chartLabel));
    if (chart.equals("gca")) {
      // The one chart that labels its pods otherwise: found by the podSelector the sandbox configures.
      assertThat(labels).containsEntry("servicename", "gca").containsEntry("release", "gca")
          .doesNotContainKey("app.kubernetes.io/instance");
    } else {
      assertThat(labels).containsEntry("app.kubernetes.io/instance", chart);
    }
    assertThat(workload.at("/spec/template/spec/containers/0/image").asText())
        .isEqualTo("registry.gimops.sandbox/gim/" + chart + ":" + version.toString().replace('+', '.'));
    if (chart.equals("gim")) {
      assertThat(pod.at("/annotations/gimops.io~1schema-change").asText())
          .isEqualTo(Boolean.toString(SampleCharts.changesSchema(version)));
    } else {
      assertThat(pod.path("annotations").has("gimops.io/schema-change")).isFalse();
    }
  }

  /** "--set <service>.image.tag=<new service version>"; a renamed release keys its own values. */
  @Test
  void theImageTagComesFromTheReleasesValuesWhenSet() throws IOException {
    Version v = Version.parse("100.0.100+2300");
    assertThat(image(template("gca", "gca", v, "--set", "gca.image.tag=hotfix"))).endsWith(":hotfix");
    assertThat(image(template("gca-test", "gca", v, "--set", "gca-test.image.tag=rel"))).endsWith(":rel");
    assertThat(image(template("gca-test", "gca", v))).endsWith(":100.0.100.2300");
  }

  @Test
  void gspRendersAStateConfigMapThatHelmKeepsAndAppSelects() throws IOException {
    JsonNode state = template("gsp", "gsp", Version.parse("100.0.101+1500")).stream()
        .filter(d -> d.path("kind").asText().equals("ConfigMap"))
        .findFirst().orElseThrow();

    assertThat(state.at("/metadata/labels/app").asText()).isEqualTo("gsp");
    assertThat(state.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
  }

  @Test
  void monitoringChartsRenderAConfigMapStandingInForTheirCustomResources() throws IOException {
    for (String chart : List.of("gim-monitoring", "gca-monitoring")) {
      List<JsonNode> docs = template(chart, chart, SampleCharts.versions(chart).get(3));
      assertThat(docs).singleElement().satisfies(cm -> {
        assertThat(cm.path("kind").asText()).isEqualTo("ConfigMap");
        assertThat(cm.at("/metadata/labels/app.kubernetes.io~1instance").asText()).isEqualTo(chart);
        assertThat(cm.path("data").has("servicemonitor.yaml")).isTrue();
        assertThat(cm.path("data").has("prometheusrule.yaml")).isTrue();
      });
    }
  }

  private static String image(List<JsonNode> docs) {
    return docs.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow()
        .at("/spec/template/spec/containers/0/image").asText();
  }

  private static List<JsonNode> template(String release, String chart, Version version, String... extra)
      throws IOException {
    List<String> args = new ArrayList<>(List.of("template", release, SampleCharts.packageFileName(chart, version),
        "-n", release));
    args.addAll(List.of(extra));
    String out = helm.ok(charts.dir(), args.toArray(String[]::new)).stdout();
    List<JsonNode> docs = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(out)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isMissingNode() && !doc.isNull() && doc.size() > 0) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }
}
