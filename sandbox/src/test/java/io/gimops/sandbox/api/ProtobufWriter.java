package io.gimops.sandbox.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes protobuf the way client-go's generated marshallers do, for tests of {@link KubeProtobuf}. */
final class ProtobufWriter {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ProtobufWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtobufWriter bytes(int field, byte[] value) {
    varint(field << 3 | 2);
    varint(value.length);
    out.writeBytes(value);
    return this;
  }

  ProtobufWriter message(int field, ProtobufWriter message) {
    return bytes(field, message.toBytes());
  }

  ProtobufWriter number(int field, long value) {
    varint(field << 3);
    varint(value);
    return this;
  }

  ProtobufWriter fixed64(int field, long value) {
    varint(field << 3 | 1);
    for (int i = 0; i < 8; i++) {
      out.write((int) (value >>> (8 * i)) & 0xff);
    }
    return this;
  }

  /** A map field: one {key = 1, value = 2} entry message per entry. */
  ProtobufWriter map(int field, Map<String, byte[]> entries) {
    entries.forEach((k, v) -> message(field, new ProtobufWriter().string(1, k).bytes(2, v)));
    return this;
  }

  byte[] toBytes() {
    return out.toByteArray();
  }

  /** The Kubernetes envelope: {@code k8s\0} and a runtime.Unknown around the object. */
  static byte[] envelope(String apiVersion, String kind, ProtobufWriter object) {
    ProtobufWriter unknown = new ProtobufWriter()
        .message(1, new ProtobufWriter().string(1, apiVersion).string(2, kind))
        .message(2, object)
        .string(3, "")
        .string(4, "");
    byte[] body = unknown.toBytes();
    byte[] all = new byte[body.length + 4];
    all[0] = 'k';
    all[1] = '8';
    all[2] = 's';
    all[3] = 0;
    System.arraycopy(body, 0, all, 4, body.length);
    return all;
  }

  private void varint(long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
