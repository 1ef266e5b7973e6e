package io.gimops.adapters.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.gimops.adapters.testing.HelmRecords;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.Version;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HelmReleaseReaderTest {

  private final HelmReleaseReader reader = new HelmReleaseReader();

  private static Secret rev(int n, String version, String status) {
    return HelmRecords.revision("gim", n).in("gim").chart("gim", version).status(status)
        .deployedAt(Instant.parse("2026-11-0" + n + "T09:00:00Z"))
        .description(n == 1 ? "Install complete" : "Upgrade complete").secret();
  }

  @Test
  @DisplayName("decodes every revision of a release, newest last, with chart, app version and times")
  void decodesHistoryOfSeveralRevisions() {
    ReleaseHistory h = reader.read("gim", "gim", List.of(
        rev(3, "100.0.116+2900", "deployed"),
        rev(1, "100.0.114+2700", "superseded"),
        rev(2, "100.0.115+2800", "superseded")));

    assertThat(h.problems()).isEmpty();
    assertThat(h.installed()).isTrue();
    assertThat(h.latestRevision()).hasValue(3);
    assertThat(h.status()).isEqualTo(HelmStatus.DEPLOYED);
    assertThat(h.version()).contains(Version.parse("100.0.116+2900"));
    assertThat(h.chartName()).contains("gim");
    assertThat(h.appVersion()).contains("100.0.116");
    assertThat(h.pending()).isEmpty();
    assertThat(h.history()).containsExactly(
        new RevisionRecord(1, Version.parse("100.0.114+2700"), HelmStatus.SUPERSEDED,
            Instant.parse("2026-11-01T09:00:00Z"), "Install complete"),
        new RevisionRecord(2, Version.parse("100.0.115+2800"), HelmStatus.SUPERSEDED,
            Instant.parse("2026-11-02T09:00:00Z"), "Upgrade complete"),
        new RevisionRecord(3, Version.parse("100.0.116+2900"), HelmStatus.DEPLOYED,
            Instant.parse("2026-11-03T09:00:00Z"), "Upgrade complete"));
  }

  @Test
  @DisplayName("ignores other releases' records in the same namespace (gim-monitoring beside gim)")
  void ignoresOtherReleases() {
    Secret monitoring = HelmRecords.revision("gim-monitoring", 7).in("gim")
        .chart("gim-monitoring", "100.0.116+2900").secret();
    ReleaseHistory h = reader.read("gim", "gim", List.of(rev(1, "100.0.116+2900", "deployed"), monitoring));

    assertThat(h.revisions()).extracting(ReleaseRevision::revision).containsExactly(1);
    assertThat(reader.readAll("gim", List.of(rev(1, "100.0.116+2900", "deployed"), monitoring)))
        .containsOnlyKeys("gim", "gim-monitoring");
  }

  @Test
  @DisplayName("a release stuck in pending-upgrade is detected, with a rollback to the last deployed revision as remedy")
  void stuckPendingUpgrade() {
    ReleaseHistory h = reader.read("gim", "gim", List.of(
        rev(1, "100.0.114+2700", "superseded"),
        rev(2, "100.0.115+2800", "deployed"),
        rev(3, "100.0.116+2900", "pending-upgrade")));

    assertThat(h.status()).isEqualTo(HelmStatus.PENDING_UPGRADE);
    assertThat(h.pending()).hasValueSatisfying(p -> {
      assertThat(p.revision()).isEqualTo(3);
      assertThat(p.status()).isEqualTo(HelmStatus.PENDING_UPGRADE);
      assertThat(p.lastDeployed()).hasValue(2);
      assertThat(p.since()).isEqualTo(Instant.parse("2026-11-03T09:00:00Z"));
      assertThat(p.remedy()).contains("pending-upgrade", "helm rollback gim 2 -n gim");
    });
  }

  @Test
  @DisplayName("pending-rollback and pending-install are detected too; a first install has no revision to roll back to")
  void otherPendingStates() {
    ReleaseHistory rollback = reader.read("gim", "gim", List.of(
        rev(1, "100.0.115+2800", "superseded"), rev(2, "100.0.116+2900", "superseded"),
        rev(3, "100.0.115+2800", "pending-rollback")));
    assertThat(rollback.pending()).hasValueSatisfying(p -> assertThat(p.remedy()).contains("helm rollback gim 2 -n gim"));

    ReleaseHistory install = reader.read("gim", "gim", List.of(rev(1, "100.0.116+2900", "pending-install")));
    assertThat(install.installed()).isTrue();
    assertThat(install.pending()).hasValueSatisfying(p -> {
      assertThat(p.lastDeployed()).isEmpty();
      assertThat(p.remedy()).contains("helm uninstall gim -n gim");
    });
  }

  @Test
  @DisplayName("a corrupt Secret is reported, never thrown; the other revisions still make the history")
  void corruptOlderSecretIsReported() {
    Secret garbage = HelmRecords.revision("gim", 2).in("gim").status("superseded").secretWithBody("H4sI!!not base64");
    ReleaseHistory h = reader.read("gim", "gim", List.of(
        rev(1, "100.0.114+2700", "superseded"), garbage, rev(3, "100.0.116+2900", "deployed")));

    assertThat(h.history()).extracting(RevisionRecord::revision).containsExactly(1, 3);
    assertThat(h.version()).contains(Version.parse("100.0.116+2900"));
    assertThat(h.currentProblem()).isEmpty();
    assertThat(h.problems()).singleElement().satisfies(p -> {
      assertThat(p.secretName()).isEqualTo("sh.helm.release.v1.gim.v2");
      assertThat(p.revision()).hasValue(2);
      assertThat(p.message()).contains("cannot read", "kubectl delete secret sh.helm.release.v1.gim.v2");
    });
  }

  @Test
  @DisplayName("every way a release body can be broken is a problem with a reason, not an exception")
  void everyKindOfGarbage() {
    String notGzipNotJson = Base64.getEncoder().encodeToString("\u001f\u008b\bgarbage".getBytes(StandardCharsets.ISO_8859_1));
    String truncatedGzip = HelmRecords.encode("{\"name\":\"gim\"}").substring(0, 16);
    String notJson = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
    String jsonArray = Base64.getEncoder().encodeToString("[1,2]".getBytes(StandardCharsets.UTF_8));
    String noChart = Base64.getEncoder().encodeToString("{\"name\":\"gim\",\"version\":4,\"info\":{\"status\":\"deployed\"}}"
        .getBytes(StandardCharsets.UTF_8));
    List<String> bodies = List.of(notGzipNotJson, truncatedGzip, notJson, jsonArray, noChart, "", "%%%");
    for (String body : bodies) {
      Secret s = HelmRecords.revision("gim", 4).in("gim").status("deployed").secretWithBody(body);
      HelmReleaseReader.Decoded d = reader.decode(s);
      assertThat(d.revision()).as(body).isEmpty();
      assertThat(d.problem()).as(body).hasValueSatisfying(p -> {
        assertThat(p.revision()).isEqualTo(OptionalInt.of(4));
        assertThat(p.labelledStatus()).isEqualTo(HelmStatus.DEPLOYED);
      });
    }
    Secret noData = new SecretBuilder(HelmRecords.revision("gim", 4).in("gim").secret()).withData(null).build();
    assertThat(reader.decode(noData).problem()).hasValueSatisfying(p -> assertThat(p.message()).contains("no data.release"));
    Secret outerNotBase64 = new SecretBuilder(HelmRecords.revision("gim", 4).in("gim").secret())
        .withData(java.util.Map.of("release", "***")).build();
    assertThat(reader.decode(outerNotBase64).problem()).hasValueSatisfying(p -> assertThat(p.message()).contains("not base64"));
  }

  @Test
  @DisplayName("when the newest revision is unreadable, its status comes from the label and the problem is the current one")
  void corruptNewestRevision() {
    Secret garbage = HelmRecords.revision("gim", 3).in("gim").status("deployed").secretWithBody("bm90IGd6aXA=");
    ReleaseHistory h = reader.read("gim", "gim", List.of(rev(1, "100.0.115+2800", "superseded"),
        rev(2, "100.0.116+2900", "superseded"), garbage));

    assertThat(h.latestRevision()).hasValue(3);
    assertThat(h.current()).isEmpty();
    assertThat(h.version()).isEmpty();
    assertThat(h.status()).isEqualTo(HelmStatus.DEPLOYED);
    assertThat(h.installed()).isTrue();
    assertThat(h.currentProblem()).hasValueSatisfying(p -> assertThat(p.secretName()).endsWith(".v3"));
  }

  @Test
  @DisplayName("a chart version that is not a Genesys version is reported clearly and left out of the history")
  void chartVersionThatIsNotGenesys() {
    Secret odd = HelmRecords.revision("gim", 2).in("gim").chart("gim", "1.2.3-rc.1").status("deployed").secret();
    ReleaseHistory h = reader.read("gim", "gim", List.of(rev(1, "100.0.115+2800", "superseded"), odd));

    assertThat(h.current()).hasValueSatisfying(r -> {
      assertThat(r.chartVersion()).isEqualTo("1.2.3-rc.1");
      assertThat(r.version()).isEmpty();
    });
    assertThat(h.version()).isEmpty();
    assertThat(h.history()).extracting(RevisionRecord::revision).containsExactly(1);
    assertThat(h.currentProblem()).hasValueSatisfying(p -> assertThat(p.message())
        .contains("chart gim 1.2.3-rc.1", "not a Genesys release version", "100.0.116+2900"));
  }

  @Test
  @DisplayName("helm accepts an ungzipped body as plain JSON, and so does the reader")
  void plainJsonBody() {
    HelmRecords r = HelmRecords.revision("gca", 1).in("gca").chart("gca", "100.0.100+2300");
    String plain = Base64.getEncoder().encodeToString(r.json().getBytes(StandardCharsets.UTF_8));
    ReleaseHistory h = reader.read("gca", "gca", List.of(r.secretWithBody(plain)));

    assertThat(h.problems()).isEmpty();
    assertThat(h.version()).contains(Version.parse("100.0.100+2300"));
  }

  @Test
  @DisplayName("an uninstall that kept its history is not installed, and nothing at all is not installed either")
  void uninstalled() {
    ReleaseHistory kept = reader.read("gsp", "gsp", List.of(
        HelmRecords.revision("gsp", 1).in("gsp").chart("gsp", "100.0.100+1400").status("uninstalled").secret()));
    assertThat(kept.installed()).isFalse();
    assertThat(kept.history()).hasSize(1);

    ReleaseHistory none = reader.read("gsp", "gsp", List.of());
    assertThat(none.installed()).isFalse();
    assertThat(none.status()).isEqualTo(HelmStatus.UNINSTALLED);
  }

  @Test
  @DisplayName("two Secrets claiming one revision: the first is kept and the clash reported")
  void duplicateRevision() {
    ReleaseHistory h = reader.read("gim", "gim", List.of(rev(1, "100.0.115+2800", "deployed"),
        HelmRecords.revision("gim", 1).in("gim").chart("gim", "100.0.116+2900").secret()));
    assertThat(h.revisions()).hasSize(1);
    assertThat(h.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("both claim revision 1"));
  }
}
