package io.gimops.adapters.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fabric8.kubernetes.api.model.Secret;
import io.gimops.adapters.testing.FuzzChecks;
import io.gimops.adapters.testing.HelmRecords;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the decoder of Helm's release Secrets at each of its layers ({@code data.release} is
 * base64 of helm's base64 of gzip of the release JSON). Property: {@link
 * HelmReleaseReader#decode} never throws and gives a revision, a {@link ReleaseProblem}, or both;
 * a problem's message is for a person (no Java class names, so never its catch-all for the
 * unforeseen), and the history assembled from it names each revision once.
 *
 * <p>Input: one byte says which layer the rest is, the rest is that layer: {@code j} the release
 * JSON (wrapped as helm wraps it), {@code p} the JSON without gzip (helm reads that too), {@code
 * g} the gzip stream, {@code h} helm's base64 text, anything else the {@code data.release} value
 * itself. Corpus: {@code HelmReleaseReaderFuzzTestInputs/decode}.
 */
class HelmReleaseReaderFuzzTest {

  static final HelmReleaseReader READER = new HelmReleaseReader();

  @FuzzTest(maxDuration = "5s")
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    String release = switch (input[0]) {
      case 'j' -> b64(ascii(b64(gzip(rest))));
      case 'p', 'g' -> b64(ascii(b64(rest)));
      case 'h' -> b64(rest);
      default -> new String(rest, StandardCharsets.ISO_8859_1);
    };
    Secret secret = HelmRecords.revision("gim", 3).secret();
    secret.getData().put("release", release);

    HelmReleaseReader.Decoded d = READER.decode(secret);

    assertThat(d.revision().isPresent() || d.problem().isPresent()).as("a revision or a problem").isTrue();
    String text = new String(rest, StandardCharsets.ISO_8859_1);
    d.problem().ifPresent(p -> {
      assertThat(p.message()).as("never the catch-all for the unforeseen").doesNotContain("could not be read (");
      FuzzChecks.humanMessage(p.message(), text);
    });
    ReleaseHistory h = HelmReleaseReader.assemble("gim", "gim", List.of(d, d));
    assertThat(h.revisions()).hasSize(d.revision().isPresent() ? 1 : 0);
  }

  @Test
  void aSecretAtItsLimitIsDecodedInLinearTime() {
    // A Secret holds at most 1 MiB: the largest release JSON that fits, gzipped, is far more.
    StringBuilder manifest = new StringBuilder();
    while (manifest.length() < 4 * 1024 * 1024) {
      manifest.append("---\\n# Source: gim/templates/deployment.yaml\\nkind: Deployment\\n");
    }
    String json = HelmRecords.revision("gim", 3).chart("gim", "100.0.116+2900").json()
        .replace("\"manifest\":\"", "\"manifest\":\"" + manifest);
    Secret secret = HelmRecords.revision("gim", 3).secretWithBody(HelmRecords.encode(json));
    assertThat(secret.getData().get("release").length()).isLessThan(1024 * 1024);
    FuzzChecks.fastestOfFive("decoding a Secret of 4 MiB of release", 500,
        () -> assertThat(READER.decode(secret).revision()).isPresent());
  }

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] gzip(byte[] b) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(buf)) {
        gz.write(b);
      }
      return buf.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
