package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import org.junit.jupiter.api.Test;

class WorkloadsTest {

  @Test
  void percentagesRoundAsTheDeploymentControllerRoundsThem() {
    // maxSurge rounds up, maxUnavailable down: 25% of 1 is a surge of 1 and no unavailability.
    assertThat(Workloads.scaled(new IntOrString("25%"), 1, true, 0)).isEqualTo(1);
    assertThat(Workloads.scaled(new IntOrString("25%"), 1, false, 0)).isZero();
    assertThat(Workloads.scaled(new IntOrString("25%"), 10, true, 0)).isEqualTo(3);
    assertThat(Workloads.scaled(new IntOrString("25%"), 10, false, 0)).isEqualTo(2);
    assertThat(Workloads.scaled(new IntOrString(2), 10, false, 0)).isEqualTo(2);
    assertThat(Workloads.scaled(null, 10, false, 7)).isEqualTo(7);
  }

  @Test
  void replicasDefaultToOne() {
    assertThat(Workloads.replicas(null)).isEqualTo(1);
    assertThat(Workloads.replicas(0)).isZero();
  }

  @Test
  void ordinalsAreReadFromStatefulSetPodNames() {
    assertThat(StatefulSetController.ordinal("gsp", "gsp-0")).isZero();
    assertThat(StatefulSetController.ordinal("gsp", "gsp-12")).isEqualTo(12);
    assertThat(StatefulSetController.ordinal("gsp", "gsp-x")).isNull();
    assertThat(StatefulSetController.ordinal("gsp", "gsp-state-0")).isNull();
    assertThat(StatefulSetController.ordinal("gsp", "gsp-")).isNull();
  }
}
