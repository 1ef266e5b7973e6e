package io.gimops.sandbox.kubelet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Pod templates the way the Kubernetes controllers see them: compared semantically, hashed into
 * the {@code pod-template-hash} / {@code controller-revision-hash} suffixes, and named.
 */
final class Templates {

  /** Kubernetes' alphabet for generated name parts: no vowels (no words), no look-alikes. */
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
  private static final Random RANDOM = new SecureRandom();

  private final KubernetesSerialization serialization;

  Templates(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /**
   * The template as JSON with keys sorted and empty or null values dropped, so two templates that
   * differ only in key order or in {@code []} versus absent compare (and hash) equal, as Kubernetes'
   * semantic equality treats them. The hash labels the controllers add are left out.
   */
  JsonNode canonical(PodTemplateSpec template) {
    JsonNode node = serialization.convertValue(template, JsonNode.class);
    JsonNode labels = node.path("metadata").path("labels");
    if (labels.isObject()) {
      ((ObjectNode) labels).remove(Labels.POD_TEMPLATE_HASH);
      ((ObjectNode) labels).remove(Labels.CONTROLLER_REVISION_HASH);
    }
    JsonNode canonical = canonicalize(node);
    return canonical == null ? JsonNodeFactory.instance.objectNode() : canonical;
  }

  boolean sameTemplate(PodTemplateSpec a, PodTemplateSpec b) {
    return canonical(a).equals(canonical(b));
  }

  /** Kubernetes' pod-template-hash: FNV-1a (32 bit) of the template, safe-encoded. */
  String hash(PodTemplateSpec template, Integer collisionCount) {
    String json = serialization.asJson(canonical(template));
    int h = fnv1a32(json.getBytes(StandardCharsets.UTF_8), 0x811c9dc5);
    if (collisionCount != null && collisionCount > 0) {
      h = fnv1a32(Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8), h);
    }
    return safeEncode(Integer.toUnsignedString(h));
  }

  /** A copy of the template (its metadata and spec), safe to modify. */
  PodTemplateSpec copy(PodTemplateSpec template) {
    PodTemplateSpec copy = serialization.clone(template);
    if (copy.getMetadata() == null) {
      copy.setMetadata(new ObjectMeta());
    }
    if (copy.getMetadata().getLabels() == null) {
      copy.getMetadata().setLabels(new HashMap<>());
    }
    return copy;
  }

  /** Five characters of Kubernetes' alphabet, as in {@code gim-7b9c5d4f8-x2k4q}. */
  static String randomSuffix() {
    StringBuilder sb = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      sb.append(ALPHANUMS.charAt(RANDOM.nextInt(ALPHANUMS.length())));
    }
    return sb.toString();
  }

  /** Kubernetes' rand.SafeEncodeString: each character mapped into the alphabet. */
  static String safeEncode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      sb.append(ALPHANUMS.charAt(s.charAt(i) % ALPHANUMS.length()));
    }
    return sb.toString();
  }

  static int fnv1a32(byte[] bytes, int seed) {
    int h = seed;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  private static JsonNode canonicalize(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (String name : names) {
        JsonNode value = canonicalize(node.get(name));
        if (value != null) {
          out.set(name, value);
        }
      }
      return out.isEmpty() ? null : out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
        JsonNode value = canonicalize(it.next());
        out.add(value == null ? JsonNodeFactory.instance.objectNode() : value);
      }
      return out.isEmpty() ? null : out;
    }
    return node;
  }

  static Map<String, String> with(Map<String, String> map, String key, String value) {
    Map<String, String> copy = map == null ? new HashMap<>() : new HashMap<>(map);
    copy.put(key, value);
    return copy;
  }
}
