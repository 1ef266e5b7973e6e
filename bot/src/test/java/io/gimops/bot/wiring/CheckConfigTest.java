package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.bot.Main;
import io.gimops.sandbox.PinnedHelm;
import io.gimops.sandbox.charts.PackagedCharts;
import io.gimops.sandbox.charts.SampleCharts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code check-config}: bot/README's example (its YAML block, with its paths pointed at this
 * machine's helm, charts and a kubeconfig that has its context) is valid and summarised, exit 0;
 * a file with five mistakes prints five, exit 1, through the real entry point ({@code Main} in its
 * own JVM, as {@code ./gimops check-config} runs it) with no stack trace.
 */
class CheckConfigTest {

  @TempDir
  Path work;

  private PackagedCharts charts;
  private Path kubeconfig;

  @BeforeEach
  void machine() throws Exception {
    charts = SampleCharts.packageAll(work.resolve("charts"));
    kubeconfig = Files.writeString(work.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n"
        + "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {}}]\n"
        + "contexts: [{name: prod-cluster, context: {cluster: c, user: u}}]\ncurrent-context: prod-cluster\n");
  }

  /** The first YAML block under "## A configuration" in bot/README.md. */
  static String readmeExample() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int section = readme.indexOf("## A configuration");
    assertThat(section).as("bot/README.md has its configuration section").isPositive();
    Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(m.find(section)).as("a yaml block in it").isTrue();
    return m.group(1);
  }

  private String onThisMachine(String yaml) {
    return yaml.replace("/usr/local/bin/helm", PinnedHelm.binary().toString())
        .replace("/etc/gimops/kubeconfig", kubeconfig.toString())
        .replace("charts: /charts", "charts: '" + charts.dir() + "'")
        .replace("values: /values", "values: '" + charts.dir() + "'");
  }

  @Test
  void theReadmesExample_parses_andChecksClean() throws Exception {
    String example = readmeExample();
    // As written it is a valid file: every key in it is known and every value fits.
    assertThat(BotConfig.check(example).problems()).isEmpty();
    Path file = Files.writeString(work.resolve("gimops.yaml"), onThisMachine(example));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int exit = Main.checkConfig(file, Map.of("GIM_DB_PASSWORD", "secret", "HOME", work.toString()),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(text).isZero();
    assertThat(text).contains("is valid", "1 environment:", "prod (production), context prod-cluster",
        "gim: release gim in namespace gim-prod, timeout 20m, with [gim-monitoring]",
        "gca: release gca in namespace gca-prod", "upgrades in [SATURDAY, SUNDAY] 22:00 for 360m (Europe/Berlin)",
        "no upgrades 0 0 28-31 * * for 5760m (Europe/Berlin)", "release catalog from charts directory " + charts.dir()
            + ", configuration (1 entry): gim 4 gsp 4 gca 4 releases");
  }

  @Test
  void aContextMissingFromTheKubeconfig_isAProblemAtItsLine() throws Exception {
    String yaml = onThisMachine(readmeExample()).replace("context: prod-cluster", "context: prod-clutser");
    ConfigCheck.Outcome o = ConfigCheck.check(yaml, Map.of("GIM_DB_PASSWORD", "secret"));
    assertThat(o.problems()).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("environments[0].context");
      assertThat(p.line()).isEqualTo(yaml.lines().toList().indexOf("    context: prod-clutser") + 1);
      assertThat(p.message()).contains("'prod-clutser' is not in", "its contexts are [prod-cluster]");
    });
  }

  @Test
  void fiveMistakes_fiveMessages_exit1_throughTheEntryPoint() throws Exception {
    String yaml = "kubeconfig: '" + kubeconfig + "'\n" // 1
        + "helm: {binary: '" + PinnedHelm.binary() + "', charts: '" + charts.dir() + "'}\n" // 2
        + "environments:\n" // 3
        + "  - name: prod\n" // 4
        + "    context: staging-cluster\n" // 5: not in the kubeconfig
        + "    services:\n" // 6
        + "      gsp: {helmTimeout: 10m}\n" // 7: shorter than the vendor's 15 minutes
        + "    maintenance:\n" // 8
        + "      allow: [{days: [SAT], start: \"22:00\", lenght: 6h}]\n" // 9: misspelt key
        + "catalog:\n" // 10
        + "  - {service: gim, version: \"100.0.117+3000\", minimumVersions: {kafka: three}}\n" // 11
        + "access:\n" // 12
        + "  prod: {users: {U012: superuser}}\n"; // 13: no such role
    Path file = Files.writeString(work.resolve("five.yaml"), yaml);
    for (List<String> command : List.of(List.of("check-config", file.toString()),
        List.of("run", "--config", file.toString()))) {
      String out = main(command);
      assertThat(out).startsWith("configuration " + file + " is not valid: 5 problems\n");
      assertThat(out.lines().filter(l -> l.startsWith("  line ")).toList()).hasSize(5);
      assertThat(out).doesNotContain("Exception", "\tat ");
    }
    String out = main(List.of("check-config", file.toString()));
    assertThat(out.lines().filter(l -> l.startsWith("  line ")).toList()).containsExactlyInAnyOrder(
        "  line 9: environments[0].maintenance.allow[0]: 'lenght' is not a key here (did you mean 'length'?);"
            + " the keys here are [cron, days, length, start, zone]",
        "  line 7: environments[0].services.gsp.helmTimeout: 10m is shorter than the vendor asks for gsp: "
            + EnvironmentModels.VENDOR_TIMEOUT + "; write 15m or longer",
        "  line 11: catalog[0].minimumVersions.kafka: 'three' is not a version: 'three' is not a number without"
            + " leading zeros. Expected <number>.<number>.<number>[+<build>], e.g. 100.0.116+2900.",
        "  line 13: access.prod.users.U012: 'superuser' is not a role; use viewer, operator or admin",
        "  line 5: environments[0].context: the context 'staging-cluster' is not in [" + kubeconfig
            + "]; its contexts are [prod-cluster]");
    assertThat(out).doesNotContain("Exception", "\tat ");
  }

  @Test
  void theBotRefusesToStartOnAContextTheKubeconfigLacks() {
    BotConfig c = BotConfig.parse("kubeconfig: '" + kubeconfig + "'\nhelm: {binary: '" + PinnedHelm.binary()
        + "', charts: '" + charts.dir() + "'}\nenvironments: [{name: prod, context: nowhere}]\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Bot.start(c, work.resolve("bot"),
        java.time.Clock.systemUTC(), java.util.Optional.empty(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("environments[0].context: the context 'nowhere' is not in");
  }

  /** {@code Main} in its own JVM, as {@code ./gimops} runs it; what it printed, after it exited 1. */
  private static String main(List<String> args) throws Exception {
    List<String> argv = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        "io.gimops.bot.Main"));
    argv.addAll(args);
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isEqualTo(1);
    return out;
  }
}
