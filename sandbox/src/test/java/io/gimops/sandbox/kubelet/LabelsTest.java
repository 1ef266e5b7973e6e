package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.kubelet.Labels.Target;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void theVersionComesFromHelmsChartLabel() {
    assertThat(Labels.target(pod("gim", "gim-100.0.116_2900")))
        .contains(new Target(ServiceKind.GIM, Version.parse("100.0.116+2900")));
    assertThat(Labels.target(pod("gsp", "gsp-100.0.100")))
        .contains(new Target(ServiceKind.GSP, Version.parse("100.0.100")));
  }

  @Test
  void aChartNameWithDashesStillYieldsTheVersion() {
    assertThat(Labels.version(pod("gim-monitoring", "gim-monitoring-100.0.114_2700")))
        .contains(Version.parse("100.0.114+2700"));
    assertThat(Labels.service(pod("gim-monitoring", "gim-monitoring-100.0.114_2700"))).isEmpty();
  }

  @Test
  void withoutBothLabelsThereIsNoTarget() {
    assertThat(Labels.target(pod("gim", null))).isEmpty();
    assertThat(Labels.target(pod(null, "gim-100.0.116_2900"))).isEmpty();
    assertThat(Labels.target(pod("gim", "gim-latest"))).isEmpty();
    assertThat(Labels.target(new PodBuilder().withNewMetadata().endMetadata().build())).isEmpty();
  }

  @Test
  void onlyGimPodsAreGim() {
    assertThat(Labels.isGim(pod("gim", "gim-1.0.0"))).isTrue();
    assertThat(Labels.isGim(pod("GIM", "gim-1.0.0"))).as("ServiceKind.fromName is case-insensitive").isTrue();
    assertThat(Labels.isGim(pod("gca", "gca-1.0.0"))).isFalse();
  }

  private static Pod pod(String name, String chart) {
    Map<String, String> labels = new java.util.HashMap<>();
    if (name != null) {
      labels.put(Labels.NAME, name);
    }
    if (chart != null) {
      labels.put(Labels.CHART, chart);
    }
    return new PodBuilder().withNewMetadata().withName("p").withLabels(labels).endMetadata().build();
  }
}
