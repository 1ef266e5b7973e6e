package io.gimops.policies.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DomainTest {

  @Test
  void theDefaultsAreTheProductBriefsServicesTable() {
    Environment prod = Environment.standard("prod", "ctx", true);
    assertThat(prod.inCycleOrder()).extracting(s -> s.releaseName() + "/" + s.namespace() + "/"
            + s.extraCharts() + "/" + s.cycleOrder() + "/" + s.helmTimeout().map(Duration::toMinutes).orElse(-1L))
        .containsExactly("gim/gim/[gim-monitoring]/1/15", "gsp/gsp/[]/2/15", "gca/gca/[gca-monitoring]/3/-1");
    assertThat(prod.service(ServiceKind.GCA).orElseThrow().effectiveTimeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(prod.service(ServiceKind.GSP).orElseThrow().fullname()).isEqualTo("gsp");
    assertThat(prod.service(ServiceKind.GIM).orElseThrow().valuesFile()).isEqualTo("gim-values.yaml");
    assertThat(ServiceSpec.packageFile("gim", Version.parse("100.0.116+2900"))).isEqualTo("gim-100.0.116+2900.tgz");
  }

  @Test
  void theServicesMayShareOneNamespace() {
    Environment shared = Environment.standard("dev", "ctx", false).inSharedNamespace("genesys");
    assertThat(shared.inCycleOrder()).extracting(ServiceSpec::namespace).containsOnly("genesys");
    assertThat(shared.inCycleOrder()).extracting(ServiceSpec::releaseName).containsExactly("gim", "gsp", "gca");
  }

  @Test
  void serviceNamesAreCaseInsensitive() {
    assertThat(ServiceKind.fromName("GiM")).contains(ServiceKind.GIM);
    assertThat(ServiceKind.fromName("gimx")).isEmpty();
    assertThat(ServiceKind.fromName(null)).isEmpty();
    assertThat(ServiceKind.fromName("g\u0131m")).as("dotless i is not i").isEmpty();
    assertThat(ServiceKind.fromName("g\u017Fp")).as("long s is not s").isEmpty();
  }

  @Test
  void namesThatReachHelmFollowAStrictGrammar() {
    assertThatThrownBy(() -> Names.release("gim;rm")).hasMessageContaining("not a valid Helm release");
    assertThatThrownBy(() -> Names.valuesFile("../gim-values.yaml")).hasMessageContaining("bare file name");
    assertThatThrownBy(() -> Names.valuesFile("/etc/gim-values.yaml")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Names.imageTag("1.0,gim.foo=bar")).hasMessageContaining("not a valid image tag");
    assertThatThrownBy(() -> Names.namespace("GIM")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Names.isValuesFile("gim-values.prod.yaml")).isTrue();
    assertThat(Names.isValuesFile("gim-values.yml")).isTrue();
    assertThat(Names.isValuesFile(".hidden.yaml")).isFalse();
    assertThat(Names.isImageTag("100.0.116.2900")).isTrue();
  }

  @Test
  void configurationMistakesAreRefusedWhereTheyAreMade() {
    ServiceSpec gim = ServiceSpec.defaults(ServiceKind.GIM);
    assertThatThrownBy(() -> gim.withHelmTimeout(Optional.of(Duration.ZERO))).hasMessageContaining("must be positive");
    Environment env = Environment.standard("prod", "ctx", true);
    assertThatThrownBy(() -> env.withService(ServiceSpec.defaults(ServiceKind.GCA).withCycleOrder(1)))
        .hasMessageContaining("its own place in the cycle order");
    assertThatThrownBy(() -> new ReleaseCatalog(List.of(Release.of(ServiceKind.GIM, "1.0.0"), Release.of(ServiceKind.GIM, "1.0.0"))))
        .hasMessageContaining("lists gim 1.0.0 twice");
    assertThatThrownBy(() -> new ClusterSnapshot(java.time.Instant.EPOCH,
        Map.of(ServiceKind.GIM, ServiceState.notInstalled(ServiceKind.GSP)), Map.of(), Optional.empty()))
        .hasMessageContaining("describes GSP");
  }

  @Test
  void aBacklogTrendNeedsAtLeastFiveSamplesSoOneSpikeCannotCarryIt() {
    assertThatThrownBy(() -> new io.gimops.policies.decision.PolicySettings.BacklogSettings(Duration.ofMinutes(10), 4, 0.5, 0.05))
        .hasMessageContaining("at least 5 samples");
  }

  @Test
  void helmStatusesReadHelmsSpelling() {
    assertThat(HelmStatus.fromHelm("pending-upgrade")).isEqualTo(HelmStatus.PENDING_UPGRADE);
    assertThat(HelmStatus.fromHelm("pending-upgrade").isPending()).isTrue();
    assertThat(HelmStatus.fromHelm("deployed").helmName()).isEqualTo("deployed");
    assertThat(HelmStatus.fromHelm("weird")).isEqualTo(HelmStatus.UNKNOWN);
  }
}
