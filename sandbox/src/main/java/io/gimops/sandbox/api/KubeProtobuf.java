package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Decodes the Kubernetes protobuf encoding of the few kinds client-go's typed clients send as
 * protobuf here (and the DeleteOptions they send with a delete), into the JSON the mock server
 * stores. helm 3.18's client-go writes its release
 * Secrets (or ConfigMaps, with {@code HELM_DRIVER=configmap}) as protobuf and offers no way to ask
 * for JSON; the server answers in JSON, which client-go also accepts.
 *
 * <p>The encoding: the four bytes {@code k8s\0}, then a {@code runtime.Unknown} message (field 1
 * TypeMeta {apiVersion = 1, kind = 2}, field 2 the raw object, 3 contentEncoding, 4 contentType),
 * whose raw bytes are the object's own message from {@code k8s.io/api}'s {@code generated.proto}.
 * Only the fields listed below are decoded; anything else is skipped, so an unknown field never
 * fails a request, it is just not stored.
 */
final class KubeProtobuf {

  static final String CONTENT_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] MAGIC = {'k', '8', 's', 0};

  /** A body this decoder cannot turn into JSON; the message says what is missing. */
  static final class UnsupportedKind extends Exception {
    UnsupportedKind(String message) {
      super(message);
    }
  }

  private final ObjectMapper json;

  KubeProtobuf(ObjectMapper json) {
    this.json = json;
  }

  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).startsWith(CONTENT_TYPE);
  }

  /**
   * The object in {@code body} as JSON, with its apiVersion and kind.
   *
   * @throws UnsupportedKind if the envelope is malformed or the kind is not one this decoder knows
   */
  ObjectNode decode(byte[] body) throws UnsupportedKind {
    if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
      throw new UnsupportedKind("the body does not start with the Kubernetes protobuf magic k8s\\0");
    }
    String apiVersion = "";
    String kind = "";
    byte[] raw = new byte[0];
    Reader unknown = new Reader(Arrays.copyOfRange(body, MAGIC.length, body.length));
    while (unknown.more()) {
      int tag = unknown.tag();
      switch (tag >>> 3) {
        case 1 -> {
          Reader typeMeta = unknown.message();
          while (typeMeta.more()) {
            int t = typeMeta.tag();
            switch (t >>> 3) {
              case 1 -> apiVersion = typeMeta.string();
              case 2 -> kind = typeMeta.string();
              default -> typeMeta.skip(t);
            }
          }
        }
        case 2 -> raw = unknown.bytes();
        default -> unknown.skip(tag);
      }
    }
    ObjectNode object = json.createObjectNode();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    Reader r = new Reader(raw);
    String key = apiVersion + " " + kind;
    switch (key) {
      case "v1 Secret" -> secret(r, object);
      case "v1 ConfigMap" -> configMap(r, object);
      case "v1 Namespace" -> namespace(r, object);
      case "v1 DeleteOptions", "meta.k8s.io/v1 DeleteOptions" -> deleteOptions(r, object);
      default -> throw new UnsupportedKind("the sandbox API server decodes protobuf only for v1 Secret,"
          + " ConfigMap, Namespace and DeleteOptions, not " + key + "; send it as application/json");
    }
    return object;
  }

  // message Secret { metadata = 1; map<string, bytes> data = 2; type = 3;
  //                  map<string, string> stringData = 4; immutable = 5 }
  private void secret(Reader r, ObjectNode secret) throws UnsupportedKind {
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> secret.set("metadata", objectMeta(r.message()));
        case 2 -> mapEntry(r.message(), secret.withObjectProperty("data"), true);
        case 3 -> secret.put("type", r.string());
        case 4 -> mapEntry(r.message(), secret.withObjectProperty("stringData"), false);
        case 5 -> secret.put("immutable", r.varint() != 0);
        default -> r.skip(tag);
      }
    }
  }

  // message ConfigMap { metadata = 1; map<string, string> data = 2;
  //                     map<string, bytes> binaryData = 3; immutable = 4 }
  private void configMap(Reader r, ObjectNode configMap) throws UnsupportedKind {
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> configMap.set("metadata", objectMeta(r.message()));
        case 2 -> mapEntry(r.message(), configMap.withObjectProperty("data"), false);
        case 3 -> mapEntry(r.message(), configMap.withObjectProperty("binaryData"), true);
        case 4 -> configMap.put("immutable", r.varint() != 0);
        default -> r.skip(tag);
      }
    }
  }

  // message Namespace { metadata = 1; spec = 2 { repeated string finalizers = 1 }; status = 3 }
  private void namespace(Reader r, ObjectNode namespace) throws UnsupportedKind {
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> namespace.set("metadata", objectMeta(r.message()));
        case 2 -> {
          Reader spec = r.message();
          while (spec.more()) {
            int t = spec.tag();
            if (t >>> 3 == 1) {
              namespace.withObjectProperty("spec").withArrayProperty("finalizers").add(spec.string());
            } else {
              spec.skip(t);
            }
          }
        }
        default -> r.skip(tag);
      }
    }
  }

  // message DeleteOptions { gracePeriodSeconds = 1; preconditions = 2; orphanDependents = 3;
  //                         propagationPolicy = 4; repeated string dryRun = 5 }
  private void deleteOptions(Reader r, ObjectNode options) throws UnsupportedKind {
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> options.put("gracePeriodSeconds", r.varint());
        case 3 -> options.put("orphanDependents", r.varint() != 0);
        case 4 -> options.put("propagationPolicy", r.string());
        case 5 -> options.withArrayProperty("dryRun").add(r.string());
        default -> r.skip(tag);
      }
    }
  }

  // message ObjectMeta { name = 1; generateName = 2; namespace = 3; uid = 5; resourceVersion = 6;
  //   generation = 7; labels = 11; annotations = 12; ownerReferences = 13; finalizers = 14; ... }
  private ObjectNode objectMeta(Reader r) throws UnsupportedKind {
    ObjectNode meta = json.createObjectNode();
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> putNonEmpty(meta, "name", r.string());
        case 2 -> putNonEmpty(meta, "generateName", r.string());
        case 3 -> putNonEmpty(meta, "namespace", r.string());
        case 5 -> putNonEmpty(meta, "uid", r.string());
        case 6 -> putNonEmpty(meta, "resourceVersion", r.string());
        case 7 -> meta.put("generation", r.varint());
        case 11 -> mapEntry(r.message(), meta.withObjectProperty("labels"), false);
        case 12 -> mapEntry(r.message(), meta.withObjectProperty("annotations"), false);
        case 13 -> meta.withArrayProperty("ownerReferences").add(ownerReference(r.message()));
        case 14 -> meta.withArrayProperty("finalizers").add(r.string());
        default -> r.skip(tag);
      }
    }
    return meta;
  }

  // message OwnerReference { kind = 1; name = 3; uid = 4; apiVersion = 5; controller = 6;
  //                          blockOwnerDeletion = 7 }
  private ObjectNode ownerReference(Reader r) throws UnsupportedKind {
    ObjectNode ref = json.createObjectNode();
    while (r.more()) {
      int tag = r.tag();
      switch (tag >>> 3) {
        case 1 -> ref.put("kind", r.string());
        case 3 -> ref.put("name", r.string());
        case 4 -> ref.put("uid", r.string());
        case 5 -> ref.put("apiVersion", r.string());
        case 6 -> ref.put("controller", r.varint() != 0);
        case 7 -> ref.put("blockOwnerDeletion", r.varint() != 0);
        default -> r.skip(tag);
      }
    }
    return ref;
  }

  /** Go writes empty optional strings; JSON from client-go leaves them out, and so does this. */
  private static void putNonEmpty(ObjectNode node, String field, String value) {
    if (!value.isEmpty()) {
      node.put(field, value);
    }
  }

  /** A map entry message {key = 1; value = 2}; bytes values become base64, as JSON has them. */
  private static void mapEntry(Reader entry, ObjectNode into, boolean bytesValue) throws UnsupportedKind {
    String key = "";
    byte[] value = new byte[0];
    while (entry.more()) {
      int tag = entry.tag();
      switch (tag >>> 3) {
        case 1 -> key = entry.string();
        case 2 -> value = entry.bytes();
        default -> entry.skip(tag);
      }
    }
    into.put(key, bytesValue
        ? Base64.getEncoder().encodeToString(value)
        : new String(value, StandardCharsets.UTF_8));
  }

  /** Just enough of the protobuf wire format: varints and length-delimited fields. */
  static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    boolean more() {
      return pos < buf.length;
    }

    int tag() throws UnsupportedKind {
      return (int) varint();
    }

    long varint() throws UnsupportedKind {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= buf.length) {
          throw new UnsupportedKind("truncated protobuf varint");
        }
        byte b = buf[pos++];
        result |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return result;
        }
      }
      throw new UnsupportedKind("malformed protobuf varint");
    }

    byte[] bytes() throws UnsupportedKind {
      long len = varint();
      if (len < 0 || len > buf.length - pos) {
        throw new UnsupportedKind("truncated protobuf field");
      }
      byte[] out = Arrays.copyOfRange(buf, pos, pos + (int) len);
      pos += (int) len;
      return out;
    }

    String string() throws UnsupportedKind {
      return new String(bytes(), StandardCharsets.UTF_8);
    }

    Reader message() throws UnsupportedKind {
      return new Reader(bytes());
    }

    void skip(int tag) throws UnsupportedKind {
      switch (tag & 7) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> bytes();
        case 5 -> advance(4);
        default -> throw new UnsupportedKind("unsupported protobuf wire type " + (tag & 7));
      }
    }

    private void advance(int n) throws UnsupportedKind {
      if (n > buf.length - pos) {
        throw new UnsupportedKind("truncated protobuf field");
      }
      pos += n;
    }
  }
}
