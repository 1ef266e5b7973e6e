package io.gimops.adapters.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Label selectors as {@code kubectl -l} reads them, matched on the objects the informers hold. */
class PodSelectorTest {

  @Test
  void theDefaultIsTheReleasesInstanceLabel() {
    PodSelector s = PodSelector.instance("gim");
    assertThat(s.isInstanceOf("gim")).isTrue();
    assertThat(s.matches(Map.of("app.kubernetes.io/instance", "gim"))).isTrue();
    assertThat(s.matches(Map.of("app.kubernetes.io/instance", "gim-2"))).isFalse();
    assertThat(s.matches(Map.of())).isFalse();
  }

  @Test
  void everyRequirementMustHold() {
    PodSelector s = PodSelector.parse("servicename=gca, release==gca,tier in (a, b),!canary,app,zone notin (x)");
    Map<String, String> pod = Map.of("servicename", "gca", "release", "gca", "tier", "b", "app", "gca");
    assertThat(s.matches(pod)).isTrue();
    assertThat(s.isInstanceOf("gca")).isFalse();
    assertThat(s.matches(Map.of("servicename", "gca", "release", "gca", "tier", "c", "app", "gca"))).isFalse();
    assertThat(s.matches(Map.of("servicename", "gca", "release", "gca", "tier", "a", "app", "gca", "canary", "1")))
        .isFalse();
    assertThat(PodSelector.parse("release!=gca").matches(Map.of())).isTrue();
  }

  @Test
  void aMistakeSaysWhatToWrite() {
    assertThatThrownBy(() -> PodSelector.parse("")).hasMessageContaining("an empty requirement");
    assertThatThrownBy(() -> PodSelector.parse("Bad Key")).hasMessageContaining("is not a requirement");
    assertThatThrownBy(() -> PodSelector.parse("tier in a,b")).hasMessageContaining("in parentheses");
    assertThatThrownBy(() -> PodSelector.parse("release=g c")).hasMessageContaining("not a label value")
        .hasMessageContaining("servicename=gca,release=gca");
  }
}
