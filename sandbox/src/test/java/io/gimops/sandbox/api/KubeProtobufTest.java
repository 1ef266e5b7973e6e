package io.gimops.sandbox.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeProtobufTest {

  private final KubeProtobuf decoder = new KubeProtobuf(new ObjectMapper());

  /** What helm's Secrets driver POSTs: sh.helm.release.v1.<name>.v<N> with its labels. */
  @Test
  void decodesAHelmReleaseSecret() throws Exception {
    Map<String, byte[]> labels = new LinkedHashMap<>();
    labels.put("owner", "helm".getBytes(UTF_8));
    labels.put("name", "gim".getBytes(UTF_8));
    labels.put("status", "deployed".getBytes(UTF_8));
    labels.put("version", "1".getBytes(UTF_8));
    ProtobufWriter meta = new ProtobufWriter()
        .string(1, "sh.helm.release.v1.gim.v1")
        .string(2, "")
        .string(3, "gim")
        .string(6, "")
        .number(7, 0)
        .message(8, new ProtobufWriter().number(1, 1_700_000_000L).number(2, 0))
        .map(11, labels)
        .map(12, Map.of("note", "x".getBytes(UTF_8)))
        .message(13, new ProtobufWriter().string(1, "Deployment").string(3, "gim").string(4, "uid-1")
            .string(5, "apps/v1").number(6, 1))
        .string(14, "example.com/finalizer")
        .fixed64(99, 42L);
    ProtobufWriter secret = new ProtobufWriter()
        .message(1, meta)
        .map(2, Map.of("release", new byte[] {1, 2, (byte) 0xff}))
        .string(3, "helm.sh/release.v1")
        .map(4, Map.of("plain", "text".getBytes(UTF_8)));

    ObjectNode json = decoder.decode(ProtobufWriter.envelope("v1", "Secret", secret));

    assertThat(json.path("apiVersion").asText()).isEqualTo("v1");
    assertThat(json.path("kind").asText()).isEqualTo("Secret");
    assertThat(json.path("type").asText()).isEqualTo("helm.sh/release.v1");
    assertThat(json.at("/metadata/name").asText()).isEqualTo("sh.helm.release.v1.gim.v1");
    assertThat(json.at("/metadata/namespace").asText()).isEqualTo("gim");
    assertThat(json.path("metadata").has("generateName")).as("empty strings are left out").isFalse();
    assertThat(json.path("metadata").has("resourceVersion")).isFalse();
    assertThat(json.at("/metadata/labels").toString())
        .isEqualTo("{\"owner\":\"helm\",\"name\":\"gim\",\"status\":\"deployed\",\"version\":\"1\"}");
    assertThat(json.at("/metadata/annotations/note").asText()).isEqualTo("x");
    assertThat(json.at("/metadata/ownerReferences/0/uid").asText()).isEqualTo("uid-1");
    assertThat(json.at("/metadata/ownerReferences/0/controller").asBoolean()).isTrue();
    assertThat(json.at("/metadata/finalizers/0").asText()).isEqualTo("example.com/finalizer");
    assertThat(json.at("/data/release").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(new byte[] {1, 2, (byte) 0xff}));
    assertThat(json.at("/stringData/plain").asText()).isEqualTo("text");
  }

  /** helm's ConfigMap driver (HELM_DRIVER=configmap) stores the release as a string. */
  @Test
  void decodesAConfigMap() throws Exception {
    ProtobufWriter cm = new ProtobufWriter()
        .message(1, new ProtobufWriter().string(1, "state").string(3, "gsp")
            .map(11, Map.of("app", "gsp".getBytes(UTF_8))))
        .map(2, Map.of("checkpoints", "s3://bucket/x".getBytes(UTF_8)))
        .map(3, Map.of("blob", new byte[] {0}))
        .number(4, 1);

    ObjectNode json = decoder.decode(ProtobufWriter.envelope("v1", "ConfigMap", cm));

    assertThat(json.at("/metadata/labels/app").asText()).isEqualTo("gsp");
    assertThat(json.at("/data/checkpoints").asText()).isEqualTo("s3://bucket/x");
    assertThat(json.at("/binaryData/blob").asText()).isEqualTo("AA==");
    assertThat(json.path("immutable").asBoolean()).isTrue();
  }

  /** helm upgrade --create-namespace creates its Namespace through the typed client. */
  @Test
  void decodesANamespace() throws Exception {
    ProtobufWriter ns = new ProtobufWriter()
        .message(1, new ProtobufWriter().string(1, "gim"))
        .message(2, new ProtobufWriter().string(1, "kubernetes"));

    ObjectNode json = decoder.decode(ProtobufWriter.envelope("v1", "Namespace", ns));

    assertThat(json.at("/metadata/name").asText()).isEqualTo("gim");
    assertThat(json.at("/spec/finalizers/0").asText()).isEqualTo("kubernetes");
  }

  @Test
  void refusesKindsItDoesNotKnowWithAMessageThatSaysWhatToSend() {
    byte[] body = ProtobufWriter.envelope("apps/v1", "Deployment", new ProtobufWriter());

    assertThatThrownBy(() -> decoder.decode(body))
        .isInstanceOf(KubeProtobuf.UnsupportedKind.class)
        .hasMessageContaining("apps/v1 Deployment")
        .hasMessageContaining("application/json");
  }

  @Test
  void refusesBodiesWithoutTheEnvelopeOrCutShort() {
    assertThatThrownBy(() -> decoder.decode("{}".getBytes(UTF_8)))
        .isInstanceOf(KubeProtobuf.UnsupportedKind.class)
        .hasMessageContaining("magic");
    byte[] whole = ProtobufWriter.envelope("v1", "Secret",
        new ProtobufWriter().message(1, new ProtobufWriter().string(1, "a-long-enough-name")));
    byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 5);
    assertThatThrownBy(() -> decoder.decode(cut))
        .isInstanceOf(KubeProtobuf.UnsupportedKind.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void recognisesTheProtobufContentType() {
    assertThat(KubeProtobuf.isProtobuf("application/vnd.kubernetes.protobuf")).isTrue();
    assertThat(KubeProtobuf.isProtobuf("application/vnd.kubernetes.protobuf;stream=watch")).isTrue();
    assertThat(KubeProtobuf.isProtobuf("application/json")).isFalse();
    assertThat(KubeProtobuf.isProtobuf(null)).isFalse();
  }
}
