package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every secret-bearing key {@code K} may be {@code KFile: /path}: the file's content, trimmed, is
 * the value; a file that cannot be read is a problem at its key; no message holds the content.
 */
class SecretFilesTest {

  @TempDir Path dir;

  private static final String HEAD = "helm: {binary: /bin/helm, charts: /charts}\n"
      + "catalogFrom: {charts: false}\n"
      + "environments:\n"
      + "  - name: prod\n";

  private Path secret(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private static List<ConfigReader.ConfigProblem> machineProblems(String yaml) {
    return ConfigCheck.check(yaml, Map.of()).problems().stream()
        .filter(p -> !p.path().startsWith("helm")).toList();
  }

  @Test
  void slackAndAlertSecretsComeFromTheirFiles_trimmed() throws Exception {
    String yaml = HEAD + "slack:\n  botTokenFile: " + secret("bot", "xoxb-from-file\n")
        + "\n  signingSecretFile: " + secret("sign", "  signing-from-file \n")
        + "\n  appTokenFile: " + secret("app", "xapp-from-file")
        + "\nalerts:\n  bearerTokenFile: " + secret("bearer", "bearer-from-file\n")
        + "\n  basicUser: am\n  basicPasswordFile: " + secret("basic", "basic-from-file\n") + "\n";
    BotConfig c = BotConfig.parse(yaml);
    BotConfig.SlackSettings s = c.slackSettings(Map.of()).orElseThrow();
    assertThat(s.botToken()).isEqualTo("xoxb-from-file");
    assertThat(s.signingSecret()).isEqualTo("signing-from-file");
    assertThat(s.appToken()).contains("xapp-from-file");
    assertThat(c.alerts().orElseThrow().bearerToken()).contains("bearer-from-file");
    assertThat(c.alerts().orElseThrow().basicPassword()).contains("basic-from-file");
    assertThat(machineProblems(yaml)).isEmpty();
    // The environment variable still wins, as it does over the inline key.
    assertThat(c.slackSettings(Map.of("SLACK_BOT_TOKEN", "xoxb-env")).orElseThrow().botToken()).isEqualTo("xoxb-env");
  }

  @Test
  void anUnreadableOrEmptyFileIsAProblemAtItsKey_withoutTheContent() throws Exception {
    Path empty = secret("empty", " \n");
    String yaml = HEAD + "slack:\n  botTokenFile: " + dir.resolve("missing")
        + "\n  signingSecretFile: " + empty
        + "\nalerts:\n  bearerToken: inline\n  bearerTokenFile: " + secret("b", "never-shown") + "\n"
        + "management:\n  metricsBearerTokenFile: " + dir.resolve("nothing-here") + "\n";
    List<ConfigReader.ConfigProblem> problems = machineProblems(yaml);
    assertThat(problems).extracting(ConfigReader.ConfigProblem::path).containsExactlyInAnyOrder(
        "slack.botTokenFile", "slack.signingSecretFile", "alerts.bearerTokenFile",
        "management.metricsBearerTokenFile");
    assertThat(problems).filteredOn(p -> p.path().equals("slack.botTokenFile")).singleElement()
        .satisfies(p -> {
          assertThat(p.message()).contains("missing").contains("not a readable file");
          assertThat(p.line()).isEqualTo(6);
        });
    assertThat(problems).filteredOn(p -> p.path().equals("slack.signingSecretFile")).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("is empty"));
    assertThat(problems).filteredOn(p -> p.path().equals("alerts.bearerTokenFile")).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("not both"));
    assertThat(problems.toString()).doesNotContain("never-shown");
  }

  @Test
  void postgresPasswordFile_isReadAndCheckedLikeTheOthers() throws Exception {
    String pg = "    postgres: {url: 'jdbc:postgresql://127.0.0.1:1/gim', user: gim, passwordFile: ";
    Path file = secret("pg", "pg-secret\n");
    assertThat(machineProblems(HEAD + pg + file + "}\n")).isEmpty();
    assertThat(SecretFiles.value(java.util.Optional.empty(),
        BotConfig.parse(HEAD + pg + file + "}\n").environments().get(0).postgres().orElseThrow().passwordFile(),
        "postgres.passwordFile")).contains("pg-secret");
    assertThat(machineProblems(HEAD + pg + dir.resolve("none") + "}\n")).singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("environments[0].postgres.passwordFile"));
    assertThat(machineProblems(HEAD + pg + file + ", passwordFrom: PG_PASSWORD}\n")).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("not both"));
  }

  @Test
  void helmHomeAuditShutdownGraceAndManagementAreRead() {
    BotConfig c = BotConfig.parse("helm: {binary: /bin/helm, charts: /charts, home: /tmp/gimops-helm}\n"
        + "catalogFrom: {charts: false}\nenvironments:\n  - name: prod\n"
        + "audit: stderr\nshutdownGrace: 40s\nmanagement: {host: 127.0.0.1, port: 9191}\n");
    assertThat(c.helm().home()).contains("/tmp/gimops-helm");
    assertThat(Bot.helmHomes(Path.of(c.helm().home().get())))
        .containsEntry("HELM_CACHE_HOME", "/tmp/gimops-helm/helm/cache");
    assertThat(c.audit()).contains("stderr");
    assertThat(c.shutdownGraceOrDefault()).hasSeconds(40);
    assertThat(c.managementOrDefaults().portOrDefault()).isEqualTo(9191);
    assertThat(c.managementOrDefaults().hostOrDefault()).isEqualTo("127.0.0.1");
    BotConfig d = BotConfig.parse(ConfigKeysTest.HEAD);
    assertThat(d.shutdownGraceOrDefault()).hasSeconds(25);
    assertThat(d.managementOrDefaults().portOrDefault()).isEqualTo(9090);
    assertThat(d.managementOrDefaults().hostOrDefault()).isEqualTo("0.0.0.0");
  }
}
