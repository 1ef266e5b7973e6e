package io.gimops.bot.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gimops.bot.chart.BotChart.Grant;
import io.gimops.bot.wiring.ConfigReader;
import io.gimops.sandbox.api.EmbeddedApiServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bot's chart with the pinned helm: {@code helm lint --strict} and {@code helm template} with
 * the defaults and each value set under {@code ci/}; the configuration it renders is read by the
 * bot's own {@link ConfigReader}, so the values' schema and the bot's check cannot drift apart
 * unnoticed; and the chart installs into the sandbox's embedded API server.
 */
class BotChartTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  @TempDir static Path tmp;
  private static BotChart chart;

  @BeforeAll
  static void helm() {
    chart = new BotChart(tmp.resolve("helm"));
  }

  static Stream<String> valueSets() {
    return Stream.of("default", "shared-namespace", "socket-mode", "monitoring", "several-environments");
  }

  private static List<String> valuesArgs(String set) {
    return set.equals("default") ? List.of() : List.of("-f", BotChart.values(set).toString());
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void lintsStrictly(String set) {
    List<String> args = new ArrayList<>(List.of("lint", "--strict", BotChart.DIR.toString()));
    args.addAll(valuesArgs(set));
    BotChart.Run r = chart.helm(args);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("0 chart(s) failed");
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void rendersAConfigurationTheBotsOwnCheckAccepts(String set) throws Exception {
    List<JsonNode> objects = chart.template("gimops", valuesArgs(set));
    String yaml = BotChart.configYaml(objects);
    List<ConfigReader.ConfigProblem> problems = readByTheBot(yaml);
    assertThat(problems).as(yaml).isEmpty();
    JsonNode config = YAML.readTree(yaml);
    assertThat(config.path("namespace").asText()).isEqualTo("gimops");
    assertThat(config.path("management").path("port").asInt()).isEqualTo(9090);

    // Each *File key names a file of a mounted Secret.
    JsonNode pod = BotChart.one(objects, "Deployment").path("spec").path("template").path("spec");
    Set<String> mounts = new TreeSet<>();
    pod.path("containers").get(0).path("volumeMounts").forEach(m -> mounts.add(m.path("mountPath").asText()));
    List<String> files = new ArrayList<>();
    collectFiles(config, files);
    for (String f : files) {
      assertThat(mounts).as(f).contains(f.substring(0, f.lastIndexOf('/')));
    }
  }

  @ParameterizedTest
  @MethodSource("valueSets")
  void podIsNonRootReadOnlyWithProbesAndAChecksum(String set) {
    List<JsonNode> objects = chart.template("gimops", valuesArgs(set));
    JsonNode deployment = BotChart.one(objects, "Deployment");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(2);
    JsonNode template = deployment.path("spec").path("template");
    assertThat(template.path("metadata").path("annotations").path("checksum/config").asText()).hasSize(64);
    JsonNode pod = template.path("spec");
    assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isEqualTo(960);
    assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).isTrue();
    JsonNode c = pod.path("containers").get(0);
    assertThat(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(c.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/healthz");
    assertThat(c.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/readyz");
    assertThat(c.path("ports").findValuesAsText("containerPort")).contains("9090");
    assertThat(c.path("volumeMounts").findValuesAsText("mountPath")).contains("/tmp");
    assertThat(pod.path("volumes").toString()).contains("\"name\":\"tmp\",\"emptyDir\":{}");
    assertThat(BotChart.ofKind(objects, "PodDisruptionBudget")).hasSize(1);
    assertThat(BotChart.ofKind(objects, "ClusterRole")).as("no shared or cluster-scoped need").isEmpty();
    // No wildcard anywhere (grants() fails on one), and each managed namespace has its Role.
    assertThat(BotChart.grants(objects, "gimops")).isNotEmpty();
  }

  @Test
  void eachManagedNamespaceGetsItsRoleAndBinding() {
    List<JsonNode> several = chart.template("gimops", valuesArgs("several-environments"));
    assertThat(BotChart.ofKind(several, "RoleBinding")).extracting(r -> r.path("metadata").path("namespace").asText(""))
        .containsExactlyInAnyOrder("", "gca-prod", "genesys-staging", "gim-prod", "gsp-prod");
    List<JsonNode> shared = chart.template("gimops", valuesArgs("shared-namespace"));
    assertThat(BotChart.ofKind(shared, "Role")).extracting(r -> r.path("metadata").path("namespace").asText(""))
        .containsExactlyInAnyOrder("", "genesys");
    List<JsonNode> socket = chart.template("gimops", valuesArgs("socket-mode"));
    assertThat(BotChart.one(socket, "Service").path("spec").path("ports").findValuesAsText("name"))
        .containsExactly("management");
    List<JsonNode> monitoring = chart.template("gimops", valuesArgs("monitoring"));
    assertThat(BotChart.one(monitoring, "ServiceMonitor").path("spec").path("endpoints").get(0).path("path").asText())
        .isEqualTo("/metrics");
    assertThat(BotChart.ofKind(monitoring, "NetworkPolicy")).hasSize(1);
  }

  /** The schema refuses what the bot refuses: a GIM helm timeout under 15 minutes, a role that is not one. */
  @Test
  void theSchemaAndTheBotRefuseTheSameMistakes() throws Exception {
    for (String[] mistake : new String[][] {
        {"config.environments[0].services.gim.helmTimeout", "10m"},
        {"config.environments[0].services.gsp.helmTimeout", "PT14M"},
        {"config.access.prod.users.U0X", "superuser"},
        {"config.policy.pendingThreshold", "five minutes"}}) {
      List<String> set = List.of("-f", BotChart.values("several-environments").toString(),
          "--set-string", mistake[0] + "=" + mistake[1]);
      List<String> args = new ArrayList<>(List.of("template", "gimops", BotChart.DIR.toString(), "-n", "gimops"));
      args.addAll(set);
      BotChart.Run refused = chart.helm(args);
      assertThat(refused.exit()).as(String.join(" ", mistake)).isNotZero();
      assertThat(refused.output()).contains("values don't meet the specifications of the schema");
      List<String> skipped = new ArrayList<>(set);
      skipped.add("--skip-schema-validation");
      String yaml = BotChart.configYaml(chart.template("gimops", skipped));
      assertThat(readByTheBot(yaml)).as(String.join(" ", mistake)).isNotEmpty();
    }
    // And accepts what it accepts: 15 minutes exactly, in either spelling.
    for (String ok : List.of("15m", "PT15M", "900s", "1h")) {
      String yaml = BotChart.configYaml(chart.template("gimops", List.of("-f",
          BotChart.values("several-environments").toString(), "--set-string",
          "config.environments[0].services.gim.helmTimeout=" + ok)));
      assertThat(readByTheBot(yaml)).as(ok).isEmpty();
    }
  }

  @Test
  void installsWithTheRealHelmIntoTheSandboxApiServer() {
    try (EmbeddedApiServer api = new EmbeddedApiServer().start()) {
      BotChart.Run r = chart.helm(List.of("install", "gimops", BotChart.DIR.toString(), "-n", "gimops",
          "-f", BotChart.values("several-environments").toString(), "--kubeconfig", api.kubeconfig().toString(),
          "--wait=false"));
      assertThat(r.exit()).as(r.output()).isZero();
      assertThat(r.output()).contains("STATUS: deployed");
      var client = api.client();
      assertThat(client.apps().deployments().inNamespace("gimops").withName("gimops").get()).isNotNull();
      assertThat(client.configMaps().inNamespace("gimops").withName("gimops").get().getData()).containsKey("gimops.yaml");
      for (String ns : List.of("gim-prod", "gsp-prod", "gca-prod", "genesys-staging")) {
        assertThat(client.rbac().roles().inNamespace(ns).withName("gimops-managed").get()).as(ns).isNotNull();
        assertThat(client.rbac().roleBindings().inNamespace(ns).withName("gimops-managed").get().getSubjects())
            .singleElement().satisfies(s -> assertThat(s.getNamespace()).isEqualTo("gimops"));
      }
      assertThat(client.policy().v1().podDisruptionBudget().inNamespace("gimops").withName("gimops").get()).isNotNull();
      BotChart.Run uninstall = chart.helm(List.of("uninstall", "gimops", "-n", "gimops", "--kubeconfig",
          api.kubeconfig().toString()));
      assertThat(uninstall.exit()).as(uninstall.output()).isZero();
      assertThat(client.rbac().roles().inNamespace("gim-prod").withName("gimops-managed").get()).isNull();
    }
  }

  /** The bot's own reading of the rendered configuration: every key the chart writes, as the bot takes it. */
  static List<ConfigReader.ConfigProblem> readByTheBot(String yaml) {
    return ConfigReader.read(yaml).problems();
  }

  private static void collectFiles(JsonNode node, List<String> out) {
    node.properties().forEach(e -> {
      if (e.getKey().endsWith("File") && e.getValue().isTextual()) {
        out.add(e.getValue().asText());
      } else if (e.getValue().isContainerNode()) {
        collectFiles(e.getValue(), out);
      }
    });
    if (node.isArray()) {
      node.forEach(n -> collectFiles(n, out));
    }
  }
}
