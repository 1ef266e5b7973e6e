package io.gimops.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.sandbox.PinnedHelm;
import io.gimops.sandbox.charts.PackagedCharts;
import io.gimops.sandbox.charts.SampleCharts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive that ships ({@code gimops-VERSION.tar.gz}, after {@code mvn package}): its lib/
 * carries no sandbox, mock server or test tool and does carry the logging binding; its example
 * configuration passes {@code bin/gimops check-config} run with a PATH that holds only a JRE.
 */
class DistributionIT {

  /** Jars that must never ship: the sandbox, the mock servers, test frameworks, the Kafka broker, Bolt's Jetty. */
  static final Pattern BANNED = Pattern.compile("(gimops-sandbox.*|gimops-launcher.*|kubernetes-server-mock.*|mockwebserver.*"
      + "|junit.*|jqwik.*|archunit.*|kafka-test-common.*|kafka_2\\.\\d+.*|kafka-server.*|bolt-jetty.*|jazzer.*"
      + "|slf4j-jdk14.*|slf4j-nop.*|awaitility.*|assertj.*)\\.jar");

  @TempDir
  static Path unpacked;

  static Path home;

  @BeforeAll
  static void unpack() throws Exception {
    home = untar(Path.of(System.getProperty("gimops.distribution")), unpacked);
  }

  static Path untar(Path archive, Path into) throws Exception {
    Process p = new ProcessBuilder("tar", "xzf", archive.toString(), "-C", into.toString()).inheritIO().start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    try (Stream<Path> s = Files.list(into)) {
      return s.filter(Files::isDirectory).filter(d -> archive.getFileName().toString().startsWith(
          d.getFileName().toString())).findFirst().orElseThrow();
    }
  }

  /** Problems of a lib/ directory: banned jars, sandbox classes in any jar, a missing binding. */
  static List<String> problems(Path lib) throws IOException {
    List<String> out = new ArrayList<>();
    List<String> names;
    try (Stream<Path> s = Files.list(lib)) {
      names = s.map(p -> p.getFileName().toString()).sorted().toList();
    }
    for (String n : names) {
      if (BANNED.matcher(n).matches()) {
        out.add(n + " must not ship");
      }
      try (ZipFile z = new ZipFile(lib.resolve(n).toFile())) {
        z.stream().map(ZipEntry::getName)
            .filter(e -> e.startsWith("io/gimops/sandbox/") || e.startsWith("io/gimops/bot/sandbox/"))
            .findFirst().ifPresent(e -> out.add(n + " carries the sandbox class " + e));
      }
    }
    for (String needed : List.of("logback-classic-", "logback-core-", "jul-to-slf4j-", "logstash-logback-encoder-",
        "gimops-bot-")) {
      if (names.stream().noneMatch(n -> n.startsWith(needed))) {
        out.add("lib/ lacks " + needed + "*.jar");
      }
    }
    return out;
  }

  /**
   * A PATH with a JRE's bin and the few POSIX tools the script calls (dirname, mkdir, ls, sed),
   * and nothing else: no mvn, no npm, no helm but the configured one.
   */
  static String onlyAJre(Path dir) throws IOException {
    Path tools = Files.createDirectories(dir.resolve("posix-tools"));
    for (String t : List.of("dirname", "mkdir", "ls", "sed")) {
      for (String d : List.of("/usr/bin/", "/bin/")) {
        if (Files.isExecutable(Path.of(d + t)) && !Files.exists(tools.resolve(t))) {
          Files.createSymbolicLink(tools.resolve(t), Path.of(d + t));
        }
      }
    }
    return Path.of(System.getProperty("java.home"), "bin") + ":" + tools;
  }

  @Test
  void theShippedLib_carriesNoSandbox_andTheLoggingBinding() throws Exception {
    assertThat(problems(home.resolve("lib"))).isEmpty();
  }

  /** The check itself: the same lib/ with a mock server slipped in is refused (it would fail the build). */
  @Test
  void theCheck_refusesAMockServerThatSneaksIn(@TempDir Path other) throws Exception {
    Path lib = Files.createDirectories(other.resolve("lib"));
    try (Stream<Path> s = Files.list(home.resolve("lib"))) {
      for (Path p : s.toList()) {
        Files.copy(p, lib.resolve(p.getFileName()));
      }
    }
    Path sandboxJar = Path.of(PinnedHelm.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(sandboxJar)) {
      // The reactor hands target/classes: pack it as the jar it would be.
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jar").toString(), "cf",
          lib.resolve("gimops-sandbox-0.jar").toString(), "-C", sandboxJar.toString(), ".").inheritIO().start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } else {
      Files.copy(sandboxJar, lib.resolve("gimops-sandbox-0.jar"));
    }
    assertThat(problems(lib)).anyMatch(s -> s.contains("gimops-sandbox-0.jar must not ship"))
        .anyMatch(s -> s.contains("carries the sandbox class io/gimops/sandbox/"));
  }

  @Test
  void theExampleConfiguration_checksClean_withOnlyAJreOnThePath() throws Exception {
    PackagedCharts charts = SampleCharts.packageAll(unpacked.resolve("charts"));
    Path kubeconfig = Files.writeString(unpacked.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n"
        + "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {}}]\n"
        + "contexts: [{name: prod-cluster, context: {cluster: c, user: u}}]\ncurrent-context: prod-cluster\n");
    String example = Files.readString(home.resolve("conf/gimops.example.yaml"))
        .replace("/usr/local/bin/helm", PinnedHelm.binary().toString())
        .replace("/etc/gimops/kubeconfig", kubeconfig.toString())
        .replace("charts: /charts", "charts: '" + charts.dir() + "'")
        .replace("values: /values", "values: '" + charts.dir() + "'");
    Path file = Files.writeString(unpacked.resolve("gimops.yaml"), example);
    ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/gimops").toString(), "check-config", file.toString())
        .redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().put("PATH", onlyAJre(unpacked));
    pb.environment().put("HOME", unpacked.toString());
    pb.environment().put("GIM_DB_PASSWORD", "secret");
    pb.environment().put("GIMOPS_CDS_DIR", unpacked.resolve("cds").toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("is valid").doesNotContain("[warning]", "[cds]");
  }

  /**
   * deploy/image/Dockerfile (no image can be built on these machines): what it COPYs exists once
   * the archive is unpacked as its header says, its entrypoint is the distribution's command, and
   * that command execs the JVM (so SIGTERM reaches it) and the user is not root.
   */
  @Test
  void theImageDefinition_copiesWhatThePackageMakes_andRunsTheDistribution() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "deploy", "image", "Dockerfile"));
    Path context = unpacked.resolve("image-context");
    Files.createDirectories(context);
    Files.move(home, context.resolve("gimops"));
    home = context.resolve("gimops");
    Files.copy(PinnedHelm.binary(), context.resolve("helm"));
    for (String l : lines) {
      if (l.startsWith("COPY ")) {
        String[] w = l.split("\\s+");
        assertThat(context.resolve(w[1])).as(l).exists();
      }
    }
    assertThat(lines).anyMatch(l -> l.matches("USER [1-9][0-9]*"));
    String entry = lines.stream().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow();
    assertThat(entry).startsWith("ENTRYPOINT [\"/opt/gimops/bin/gimops\", \"run\", \"--config\"");
    assertThat(home.resolve("bin/gimops")).isExecutable();
    assertThat(Files.readString(home.resolve("bin/gimops"))).contains("exec \"$JAVA\" $FLAGS $CDS");
  }
}
