package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {

  private final Templates templates = new Templates(new KubernetesSerialization());

  @Test
  void theHashIsKubernetesShapedAndStable() {
    PodTemplateSpec t = Charts.template("gim", "gim", "100.0.116+2900", Map.of());
    String hash = templates.hash(t, null);
    assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{6,10}");
    assertThat(templates.hash(Charts.template("gim", "gim", "100.0.116+2900", Map.of()), null)).isEqualTo(hash);
  }

  @Test
  void keyOrderAndEmptyValuesDoNotChangeTheTemplate() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    PodTemplateSpec one = new PodTemplateSpecBuilder().withNewMetadata().withLabels(ab).endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("i").endContainer().endSpec().build();
    PodTemplateSpec two = new PodTemplateSpecBuilder().withNewMetadata().withLabels(ba).withAnnotations(Map.of())
        .endMetadata()
        .withNewSpec().addNewContainer().withName("c").withImage("i").withArgs(List.of()).endContainer().endSpec()
        .build();
    assertThat(templates.sameTemplate(one, two)).isTrue();
    assertThat(templates.hash(one, null)).isEqualTo(templates.hash(two, null));
  }

  @Test
  void theControllersHashLabelsAreIgnored() {
    PodTemplateSpec t = Charts.template("gca", "gca", "100.0.100+2300", Map.of());
    PodTemplateSpec labelled = templates.copy(t);
    labelled.getMetadata().getLabels().put(Labels.POD_TEMPLATE_HASH, "abc");
    assertThat(templates.sameTemplate(t, labelled)).isTrue();
  }

  @Test
  void anUpgradeIsADifferentTemplate() {
    PodTemplateSpec v1 = Charts.template("gca", "gca", "100.0.100+2300", Map.of());
    PodTemplateSpec v2 = Charts.template("gca", "gca", "100.0.101+2400", Map.of());
    assertThat(templates.sameTemplate(v1, v2)).isFalse();
    assertThat(templates.hash(v1, null)).isNotEqualTo(templates.hash(v2, null));
    assertThat(templates.hash(v1, 1)).as("a collision count moves the hash").isNotEqualTo(templates.hash(v1, null));
  }

  @Test
  void copiesAreIndependent() {
    PodTemplateSpec t = Charts.template("gca", "gca", "100.0.100+2300", Map.of());
    PodTemplateSpec copy = templates.copy(t);
    copy.getMetadata().getLabels().put("x", "y");
    copy.getSpec().getContainers().get(0).setImage("other");
    assertThat(t.getMetadata().getLabels()).doesNotContainKey("x");
    assertThat(t.getSpec().getContainers().get(0).getImage()).isNotEqualTo("other");
  }

  @Test
  void generatedNamePartsUseKubernetesAlphabet() {
    assertThat(Templates.randomSuffix()).matches("[bcdfghjklmnpqrstvwxz2456789]{5}");
    assertThat(Templates.safeEncode("0123456789")).hasSize(10).matches("[bcdfghjklmnpqrstvwxz2456789]+");
    // FNV-1a 32 of "a" is 0xe40c292c, as the reference implementation gives.
    assertThat(Templates.fnv1a32("a".getBytes(java.nio.charset.StandardCharsets.UTF_8), 0x811c9dc5))
        .isEqualTo(0xe40c292c);
  }
}
