package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.Verdict;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.MaintenanceWindow;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.MaintenanceSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each key the rules know is parsed, validated (a mistake said at its key and line) and reaches
 * the model the engine uses ({@link BotConfig#environmentModels()}, {@link BotConfig#configuredReleases()}).
 */
class ConfigKeysTest {

  static final String HEAD = "helm: {binary: /bin/helm, charts: /charts}\n"
      + "catalogFrom: {charts: false}\n"
      + "environments:\n"
      + "  - name: prod\n";

  private static Environment env(String more) {
    return BotConfig.parse(HEAD + more).environmentModels().get(0);
  }

  private static ServiceSpec spec(String more, ServiceKind k) {
    return env(more).service(k).orElseThrow();
  }

  private static List<ConfigReader.ConfigProblem> problems(String yaml) {
    return BotConfig.check(yaml).problems();
  }

  @Test
  void withoutServicesTheDefaultsStay() {
    Environment e = env("");
    assertThat(e).isEqualTo(Environment.standard("prod", "", false));
    assertThat(e.service(ServiceKind.GIM).orElseThrow().helmTimeout()).contains(Duration.ofMinutes(15));
    assertThat(e.service(ServiceKind.GCA).orElseThrow().extraCharts()).containsExactly("gca-monitoring");
  }

  @Test
  void releaseName_reachesTheSpec_andFullnameFollowsIt() {
    ServiceSpec gsp = spec("    services:\n      gsp: {releaseName: gsp-prod}\n", ServiceKind.GSP);
    assertThat(gsp.releaseName()).isEqualTo("gsp-prod");
    assertThat(gsp.fullname()).isEqualTo("gsp-prod");
    assertThat(problems(HEAD + "    services:\n      gsp: {releaseName: GSP_Prod}\n")).singleElement()
        .satisfies(p -> {
          assertThat(p.path()).isEqualTo("environments[0].services.gsp.releaseName");
          assertThat(p.line()).isEqualTo(6);
        });
  }

  @Test
  void fullname_overridesGspsConfigMapSelector() {
    ServiceSpec gsp = spec("    services:\n      gsp: {releaseName: gsp, fullname: gim-stream}\n", ServiceKind.GSP);
    assertThat(gsp.fullname()).isEqualTo("gim-stream");
    assertThat(problems(HEAD + "    services:\n      gsp: {fullname: 'has space'}\n")).singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("environments[0].services.gsp.fullname"));
  }

  @Test
  void namespace_perServiceOrShared() {
    Environment shared = env("    sharedNamespace: gim-all\n    services:\n      gca: {namespace: gca-own}\n");
    assertThat(shared.service(ServiceKind.GIM).orElseThrow().namespace()).isEqualTo("gim-all");
    assertThat(shared.service(ServiceKind.GSP).orElseThrow().namespace()).isEqualTo("gim-all");
    assertThat(shared.service(ServiceKind.GCA).orElseThrow().namespace()).isEqualTo("gca-own");
    assertThat(problems(HEAD + "    services:\n      gim: {namespace: Not-A-Namespace}\n")).singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("environments[0].services.gim.namespace"));
    assertThat(problems(HEAD + "    sharedNamespace: gim_all\n")).singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("environments[0].sharedNamespace"));
  }

  @Test
  void twoServicesCannotShareOneReleaseInOneNamespace() {
    assertThat(problems(HEAD + "    sharedNamespace: gim\n    services:\n      gsp: {releaseName: gim}\n"))
        .singleElement().satisfies(p -> {
          assertThat(p.path()).isEqualTo("environments[0].services.gsp.releaseName");
          assertThat(p.message()).contains("gim's too");
        });
  }

  @Test
  void extraCharts_replaceTheMonitoringCharts() {
    assertThat(spec("    services:\n      gim: {extraCharts: [gim-monitoring, gim-dashboards]}\n", ServiceKind.GIM)
        .extraCharts()).containsExactly("gim-monitoring", "gim-dashboards");
    assertThat(spec("    services:\n      gca: {extraCharts: []}\n", ServiceKind.GCA).extraCharts()).isEmpty();
    assertThat(problems(HEAD + "    services:\n      gim:\n        extraCharts: [ok, 'Not OK']\n")).singleElement()
        .satisfies(p -> {
          assertThat(p.path()).isEqualTo("environments[0].services.gim.extraCharts[1]");
          assertThat(p.line()).isEqualTo(7);
        });
  }

  @Test
  void valuesFile_reachesTheSpec() {
    assertThat(spec("    services:\n      gim: {valuesFile: prod-gim-values.yaml}\n", ServiceKind.GIM).valuesFile())
        .isEqualTo("prod-gim-values.yaml");
    assertThat(problems(HEAD + "    services:\n      gim: {valuesFile: ../etc/passwd}\n")).singleElement()
        .satisfies(p -> assertThat(p.path()).isEqualTo("environments[0].services.gim.valuesFile"));
  }

  @Test
  void helmTimeout_15MinutesOrLongerForGimAndGsp_anyForGca() {
    assertThat(spec("    services:\n      gim: {helmTimeout: 30m}\n", ServiceKind.GIM).helmTimeout())
        .contains(Duration.ofMinutes(30));
    assertThat(spec("    services:\n      gsp: {helmTimeout: PT15M}\n", ServiceKind.GSP).helmTimeout())
        .contains(Duration.ofMinutes(15));
    assertThat(spec("    services:\n      gca: {helmTimeout: 10m}\n", ServiceKind.GCA).helmTimeout())
        .contains(Duration.ofMinutes(10));
    List<ConfigReader.ConfigProblem> p = problems(HEAD + "    services:\n      gim: {helmTimeout: 10m}\n"
        + "      gsp: {helmTimeout: 14m}\n");
    assertThat(p).extracting(ConfigReader.ConfigProblem::path)
        .containsExactly("environments[0].services.gim.helmTimeout", "environments[0].services.gsp.helmTimeout");
    assertThat(p.get(0).message()).contains("10m is shorter than the vendor asks for gim",
        "15 minutes or longer", "write 15m or longer");
    assertThat(p.get(1).line()).isEqualTo(7);
    assertThat(problems(HEAD + "    services:\n      gca: {helmTimeout: soon}\n")).singleElement()
        .satisfies(x -> assertThat(x.message()).contains("'soon' is not a duration"));
  }

  @Test
  void serviceKeys_unknownOnesAreNamedWithTheKnown() {
    assertThat(problems(HEAD + "    services:\n      gim: {timeout: 20m}\n")).singleElement().satisfies(p -> {
      assertThat(p.path()).isEqualTo("environments[0].services.gim");
      assertThat(p.message()).contains("'timeout' is not a key here", "helmTimeout", "releaseName");
    });
    assertThat(problems(HEAD + "    services:\n      gis: {}\n")).singleElement()
        .satisfies(p -> assertThat(p.message()).contains("[gca, gim, gsp]"));
  }

  @Test
  void maintenance_allowAndDeny_weeklyAndCron_withZones() {
    Environment e = env("    maintenance:\n"
        + "      zone: Europe/Berlin\n"
        + "      allow:\n"
        + "        - {days: [SAT, sunday], start: \"22:00\", length: 6h}\n"
        + "      deny:\n"
        + "        - {cron: \"0 0 28-31 * *\", length: 4d, zone: UTC}\n");
    assertThat(e.maintenanceWindows()).hasSize(2);
    MaintenanceWindow allow = e.maintenanceWindows().get(0);
    assertThat(allow.effect()).isEqualTo(MaintenanceWindow.Effect.ALLOW);
    assertThat(allow.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(allow.length()).isEqualTo(Duration.ofHours(6));
    // Saturday 2026-11-21 22:30 in Berlin is 21:30Z: inside; and MaintenanceSchedule, which the engine runs, agrees.
    assertThat(allow.contains(Instant.parse("2026-11-21T21:30:00Z"))).isTrue();
    assertThat(MaintenanceSchedule.check(e, Instant.parse("2026-11-21T21:30:00Z"))).get()
        .extracting(Finding::verdict).isEqualTo(Verdict.PASS);
    MaintenanceWindow deny = e.maintenanceWindows().get(1);
    assertThat(deny.denies()).isTrue();
    assertThat(deny.zone()).isEqualTo(ZoneId.of("UTC"));
    // Saturday 2026-11-28 22:30 Berlin is in the allow window and in the month-end freeze: the freeze wins.
    assertThat(MaintenanceSchedule.check(e, Instant.parse("2026-11-28T21:30:00Z"))).get()
        .satisfies(f -> assertThat(f.refuses()).isTrue());
  }

  @Test
  void maintenance_mistakesAreEachSaidAtTheirKey() {
    List<ConfigReader.ConfigProblem> p = problems(HEAD + "    maintenance:\n"
        + "      allow:\n"
        + "        - {days: [SAT], start: \"25:00\", length: 6h}\n"
        + "        - {cron: \"0 22 * SAT\", length: 6h}\n"
        + "        - {days: [Caturday], start: \"22:00\", length: 6h}\n"
        + "        - {cron: \"0 22 * * SAT\", days: [SAT], length: 6h}\n"
        + "      deny:\n"
        + "        - {cron: \"0 22 * * SAT\", length: 8d, zone: Mars/Olympus}\n"
        + "        - {cron: \"0 22 * * SAT\"}\n");
    assertThat(p).extracting(ConfigReader.ConfigProblem::path).containsExactly(
        "environments[0].maintenance.allow[0].start", "environments[0].maintenance.allow[1].cron",
        "environments[0].maintenance.allow[2].days", "environments[0].maintenance.allow[3]",
        "environments[0].maintenance.deny[0].zone", "environments[0].maintenance.deny[0].length",
        "environments[0].maintenance.deny[1].length");
    assertThat(p).extracting(ConfigReader.ConfigProblem::line).containsExactly(7, 8, 9, 10, 12, 12, 13);
    assertThat(p.get(1).message()).contains("five fields", "\"0 22 * * SAT\"");
    assertThat(p.get(4).message()).contains("'Mars/Olympus' is not a time zone");
  }

  @Test
  void catalogEntries_minimumVersionsAndReleaseNotes() {
    BotConfig c = BotConfig.parse(HEAD + "catalog:\n"
        + "  - service: gim\n    version: \"100.0.117+3000\"\n    schemaChange: true\n"
        + "    minimumVersions: {kafka: \"3.4\", postgresql: \"13\"}\n"
        + "    releaseNotes: https://docs.example.com/gim/100.0.117\n");
    Release r = c.configuredReleases().get(0);
    assertThat(r.schemaChange()).isTrue();
    assertThat(r.minimumThirdParty()).containsEntry(ThirdParty.KAFKA, Version.parse("3.4"))
        .containsEntry(ThirdParty.POSTGRESQL, Version.parse("13"));
    assertThat(r.releaseNotes()).contains("https://docs.example.com/gim/100.0.117");
    assertThat(r.source()).isEqualTo("configuration");
    // The engine's catalog holds the same release.
    assertThat(c.releaseCatalog().find(ServiceKind.GIM, Version.parse("100.0.117+3000"))).contains(r);
    List<ConfigReader.ConfigProblem> p = problems(HEAD + "catalog:\n"
        + "  - {service: gim, version: \"1.0\", minimumVersions: {zookeeper: \"3\", kafka: \"x.y\"}}\n"
        + "  - {service: gim, version: \"1.1\", releaseNotes: \"see the wiki\"}\n");
    assertThat(p).extracting(ConfigReader.ConfigProblem::path).containsExactly(
        "catalog[0].minimumVersions.zookeeper", "catalog[0].minimumVersions.kafka", "catalog[1].releaseNotes");
    assertThat(p.get(0).message()).contains("neither kafka nor postgresql");
  }

  @Test
  void fiveMistakes_fiveProblems_eachWithItsLine() {
    String yaml = "helm: {binary: /bin/helm, charts: /charts}\n" // 1
        + "environments:\n" // 2
        + "  - name: prod\n" // 3
        + "    contxt: prod-cluster\n" // 4: unknown key
        + "    services:\n" // 5
        + "      gim: {helmTimeout: 5m}\n" // 6: too short
        + "    maintenance:\n" // 7
        + "      allow: [{cron: \"0 22 * * FUN\", length: 6h}]\n" // 8: bad day
        + "catalog:\n" // 9
        + "  - {service: gis, version: \"100.0.117+3000\"}\n" // 10: no such service
        + "policy: {pendingThreshold: [5m]}\n"; // 11: a list where text belongs
    List<ConfigReader.ConfigProblem> p = problems(yaml);
    assertThat(p).hasSize(5);
    assertThat(p).extracting(ConfigReader.ConfigProblem::line).containsExactlyInAnyOrder(4, 6, 8, 10, 11);
    assertThatThrownBy(() -> BotConfig.parse(yaml)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("configuration is not valid: 5 problems")
        .hasMessageContaining("line 4: environments[0]: 'contxt' is not a key here")
        .hasMessageContaining("line 6: environments[0].services.gim.helmTimeout: 5m is shorter")
        .hasMessageContaining("line 11: policy.pendingThreshold: expected text, found a list");
  }

  @Test
  void aWrongElementInAListIsSaidAtItsOwnIndex() {
    // The second environment is refused whole; the third's mistake keeps its own index and line.
    List<ConfigReader.ConfigProblem> p = problems("helm: {binary: /bin/helm, charts: /charts}\n"
        + "environments:\n  - name: a\n  - [not, a, mapping]\n  - name: c\n    production: maybe\n");
    assertThat(p).extracting(ConfigReader.ConfigProblem::path).containsExactly("environments[1]",
        "environments[2].production");
    assertThat(p).extracting(ConfigReader.ConfigProblem::line).containsExactly(4, 6);
  }

  @Test
  void missingSectionsAreProblemsToo() {
    assertThat(problems("environments: []\nhelm: {binary: helm}\n")).extracting(ConfigReader.ConfigProblem::path)
        .containsExactly("helm.charts", "environments");
    assertThat(problems("kubeconfig: x\n")).extracting(ConfigReader.ConfigProblem::path)
        .containsExactly("helm", "environments");
    // A missing key does not hide a wrong one beside it.
    assertThat(problems("helm: {binary: h}\nenvironments:\n  - services: {gim: {helmTimeout: 1m}}\n"))
        .extracting(ConfigReader.ConfigProblem::path)
        .containsExactly("helm.charts", "environments[0].name");
    assertThat(problems("helm: {binary: h}\nenvironments:\n  - name: x\n    services: {gim: {helmTimeout: 1m}}\n"))
        .extracting(ConfigReader.ConfigProblem::path)
        .containsExactly("helm.charts", "environments[0].services.gim.helmTimeout");
    Optional<BotConfig> minimal = BotConfig.check("helm: {binary: h, charts: c}\nenvironments: [{name: dev}]\n")
        .config();
    assertThat(minimal).isPresent();
    assertThat(minimal.get().environments().get(0).services()).isEmpty();
  }

  @Test
  void aWindowsStartMayBeQuotedOrNot() {
    // YAML 1.1 reads 22:00 unquoted as a base-60 number in some readers; this one keeps the text.
    Environment e = env("    maintenance:\n      allow: [{days: [SAT], start: 22:00, length: 2h}]\n");
    assertThat(e.maintenanceWindows()).singleElement().satisfies(w -> assertThat(w.start().times())
        .containsExactly(java.time.LocalTime.of(22, 0)));
  }

  @Test
  void catalogFrom_keysAreChecked() {
    assertThat(problems(HEAD.replace("catalogFrom: {charts: false}", "catalogFrom: {charts: false, timeout: 0s}")))
        .singleElement().satisfies(p -> {
          assertThat(p.path()).isEqualTo("catalogFrom.timeout");
          assertThat(p.line()).isEqualTo(2);
        });
    assertThat(problems(HEAD.replace("catalogFrom: {charts: false}", "catalogFrom: {charts: maybe}")))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("'maybe' is not true or false"));
    assertThat(problems(HEAD.replace("catalogFrom: {charts: false}", "catalogFrom: {chart: false}")))
        .singleElement().satisfies(p -> assertThat(p.message()).contains("did you mean 'charts'?"));
    assertThat(CatalogSources.indexTimeout(BotConfig.parse(HEAD.replace("{charts: false}",
        "{charts: false, timeout: 3s}")))).isEqualTo(Duration.ofSeconds(3));
  }
}
