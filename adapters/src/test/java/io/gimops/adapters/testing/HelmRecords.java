package io.gimops.adapters.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Writes release Secrets the way helm 3 does ({@code pkg/storage/driver/util.go} and
 * {@code secrets.go}): the release JSON, gzipped at best compression, base64 (standard alphabet),
 * stored as {@code data.release} of a Secret of type {@code helm.sh/release.v1} named
 * {@code sh.helm.release.v1.<name>.v<revision>} and labelled {@code name, owner=helm, status,
 * version, modifiedAt}. fabric8 keeps {@code data} in the API's own base64, hence the second layer.
 */
public final class HelmRecords {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String release;
  private final int revision;
  private String namespace = "default";
  private String chart;
  private String chartVersion;
  private String appVersion;
  private String status = "deployed";
  private Instant firstDeployed = Instant.parse("2026-11-01T10:00:00.123456789Z");
  private Instant lastDeployed = Instant.parse("2026-11-01T10:00:00.123456789Z");
  private String description = "Install complete";

  private HelmRecords(String release, int revision) {
    this.release = release;
    this.revision = revision;
    this.chart = release;
  }

  public static HelmRecords revision(String release, int revision) {
    return new HelmRecords(release, revision);
  }

  public HelmRecords in(String ns) {
    this.namespace = ns;
    return this;
  }

  public HelmRecords chart(String name, String version) {
    this.chart = name;
    this.chartVersion = version;
    int plus = version.indexOf('+');
    this.appVersion = plus < 0 ? version : version.substring(0, plus);
    return this;
  }

  public HelmRecords status(String helmStatus) {
    this.status = helmStatus;
    return this;
  }

  public HelmRecords deployedAt(Instant at) {
    this.lastDeployed = at;
    if (revision == 1) {
      this.firstDeployed = at;
    }
    return this;
  }

  public HelmRecords description(String text) {
    this.description = text;
    return this;
  }

  /** The release JSON, with the fields helm 3.18 writes (chart files kept small). */
  public String json() {
    ObjectNode r = JSON.createObjectNode();
    r.put("name", release);
    ObjectNode info = r.putObject("info");
    info.put("first_deployed", firstDeployed.toString());
    info.put("last_deployed", lastDeployed.toString());
    info.put("deleted", "");
    info.put("description", description);
    info.put("status", status);
    info.put("notes", "Thank you for installing " + chart + ".");
    ObjectNode c = r.putObject("chart");
    ObjectNode meta = c.putObject("metadata");
    meta.put("name", chart);
    meta.put("version", chartVersion);
    meta.put("description", "A Helm chart for " + chart);
    meta.put("apiVersion", "v2");
    meta.put("appVersion", appVersion);
    meta.put("type", "application");
    c.putNull("lock");
    c.putArray("templates").addObject()
        .put("name", "templates/deployment.yaml")
        .put("data", Base64.getEncoder().encodeToString("kind: Deployment\n".getBytes(StandardCharsets.UTF_8)));
    c.putObject("values").putObject(release).putObject("image").put("tag", appVersion);
    c.putNull("schema");
    c.putArray("files");
    r.putObject("config");
    r.put("manifest", "---\n# Source: " + chart + "/templates/deployment.yaml\nkind: Deployment\n");
    r.putArray("hooks");
    r.put("version", revision);
    r.put("namespace", namespace);
    return r.toString();
  }

  public Secret secret() {
    return secretWithBody(encode(json()));
  }

  /** A Secret with helm's name and labels around any {@code data.release} text (already helm-encoded or garbage). */
  public Secret secretWithBody(String helmEncoded) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("sh.helm.release.v1." + release + ".v" + revision)
        .withNamespace(namespace)
        .addToLabels("name", release)
        .addToLabels("owner", "helm")
        .addToLabels("status", status)
        .addToLabels("version", Integer.toString(revision))
        .addToLabels("modifiedAt", Long.toString(lastDeployed.getEpochSecond()))
        .endMetadata()
        .withType("helm.sh/release.v1")
        .addToData("release", Base64.getEncoder().encodeToString(helmEncoded.getBytes(StandardCharsets.US_ASCII)))
        .build();
  }

  /** helm's encodeRelease: gzip (best compression), then standard base64. */
  public static String encode(String releaseJson) {
    try {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(buf) {
        {
          def.setLevel(Deflater.BEST_COMPRESSION);
        }
      }) {
        gz.write(releaseJson.getBytes(StandardCharsets.UTF_8));
      }
      return Base64.getEncoder().encodeToString(buf.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
