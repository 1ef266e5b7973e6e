package io.gimops.adapters.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.MalformedVersionException;
import io.gimops.policies.domain.Version;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads Helm 3's release records straight from the cluster, without running helm.
 *
 * <p>Helm keeps one Secret per revision, {@code sh.helm.release.v1.<release>.v<revision>}, of
 * type {@code helm.sh/release.v1}, labelled {@code owner=helm}, {@code name}, {@code status} and
 * {@code version} (the revision). Its {@code data.release} is, under the Secret's own base64, the
 * release JSON gzipped and base64-encoded once more by helm. Helm accepts a body without the gzip
 * magic as plain JSON; so does this reader.
 *
 * <p>Nothing a Secret holds makes this class throw: a Secret that cannot be decoded, or whose
 * chart version is not a Genesys version, becomes a {@link ReleaseProblem} with a message that
 * says what to do. Thread-safe.
 */
public final class HelmReleaseReader {

  public static final String SECRET_TYPE = "helm.sh/release.v1";
  public static final String SECRET_PREFIX = "sh.helm.release.v1.";
  public static final String OWNER_LABEL = "owner";
  public static final String NAME_LABEL = "name";
  public static final String STATUS_LABEL = "status";
  public static final String REVISION_LABEL = "version";

  /** Far above any real release (a Secret holds at most 1 MiB, gzipped); stops a gzip bomb. */
  static final int MAX_RELEASE_BYTES = 64 * 1024 * 1024;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SECRET_NAME = Pattern.compile(Pattern.quote(SECRET_PREFIX) + "(.+)\\.v([0-9]{1,9})");
  private static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  /** One Secret, decoded: a revision, a problem, or both (a revision whose version is not usable). */
  public record Decoded(Optional<ReleaseRevision> revision, Optional<ReleaseProblem> problem) {
    public Decoded {
      Objects.requireNonNull(revision, "revision");
      Objects.requireNonNull(problem, "problem");
    }
  }

  /** Whether a Secret is one of Helm's release records. */
  public static boolean isReleaseSecret(Secret secret) {
    Map<String, String> labels = labels(secret);
    return "helm".equals(labels.get(OWNER_LABEL))
        && (SECRET_TYPE.equals(secret.getType()) || nameOf(secret).startsWith(SECRET_PREFIX));
  }

  /** The release a Helm record belongs to: its {@code name} label, else the name in the Secret's name. */
  public static Optional<String> releaseOf(Secret secret) {
    String label = labels(secret).get(NAME_LABEL);
    if (label != null && !label.isBlank()) {
      return Optional.of(label);
    }
    Matcher m = SECRET_NAME.matcher(nameOf(secret));
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** The history of one release from any collection of Secrets; others' records are ignored. */
  public ReleaseHistory read(String namespace, String releaseName, Collection<Secret> secrets) {
    List<Decoded> decoded = new ArrayList<>();
    for (Secret s : secrets) {
      if (isReleaseSecret(s) && releaseOf(s).filter(releaseName::equals).isPresent()) {
        decoded.add(decode(s));
      }
    }
    return assemble(namespace, releaseName, decoded);
  }

  /** Every release recorded in one namespace's Secrets, by release name. */
  public Map<String, ReleaseHistory> readAll(String namespace, Collection<Secret> secrets) {
    Map<String, List<Decoded>> byRelease = new TreeMap<>();
    for (Secret s : secrets) {
      if (isReleaseSecret(s)) {
        releaseOf(s).ifPresent(r -> byRelease.computeIfAbsent(r, k -> new ArrayList<>()).add(decode(s)));
      }
    }
    Map<String, ReleaseHistory> out = new TreeMap<>();
    byRelease.forEach((r, d) -> out.put(r, assemble(namespace, r, d)));
    return out;
  }

  /** Builds a history from Secrets decoded earlier (the observer caches decodings by resource version). */
  public static ReleaseHistory assemble(String namespace, String releaseName, Collection<Decoded> decoded) {
    Map<Integer, ReleaseRevision> revisions = new TreeMap<>();
    List<ReleaseProblem> problems = new ArrayList<>();
    for (Decoded d : decoded) {
      d.revision().ifPresent(r -> {
        ReleaseRevision clash = revisions.putIfAbsent(r.revision(), r);
        if (clash != null) {
          problems.add(new ReleaseProblem(r.secretName(), OptionalInt.of(r.revision()), r.status(),
              "Secrets " + clash.secretName() + " and " + r.secretName() + " both claim revision "
                  + r.revision() + " of " + releaseName + "; the first is used. Delete the one helm did not write."));
        }
      });
      d.problem().ifPresent(problems::add);
    }
    return new ReleaseHistory(namespace, releaseName, List.copyOf(revisions.values()), problems);
  }

  /** Decodes one release Secret. Never throws for anything the Secret holds. */
  public Decoded decode(Secret secret) {
    String name = nameOf(secret);
    Map<String, String> labels = labels(secret);
    OptionalInt claimed = claimedRevision(name, labels);
    HelmStatus labelled = HelmStatus.fromHelm(labels.get(STATUS_LABEL));
    try {
      // Read as UTF-8 text, as helm (Go) reads it: given bytes, Jackson guesses UTF-16 or UTF-32
      // from zero bytes and fails outside JSON's own errors (HelmReleaseReaderFuzzTest).
      JsonNode release = JSON.readTree(new String(releaseJson(secret), StandardCharsets.UTF_8));
      if (release == null || !release.isObject()) {
        throw new Unreadable("its release record is not a JSON object");
      }
      return fromJson(secret, name, claimed, labelled, release);
    } catch (Unreadable e) {
      return problem(name, claimed, labelled, e.getMessage());
    } catch (JsonProcessingException e) {
      return problem(name, claimed, labelled, "its release record is not valid JSON ("
          + e.getOriginalMessage() + ")");
    } catch (IOException | RuntimeException e) {
      // Defensive: whatever else a hand-made Secret can provoke stays a report, never a crash.
      return problem(name, claimed, labelled, "it could not be read (" + e + ")");
    }
  }

  private static Decoded fromJson(Secret secret, String name, OptionalInt claimed, HelmStatus labelled,
      JsonNode release) {
    JsonNode revisionNode = release.path("version");
    if (!revisionNode.canConvertToInt() || revisionNode.asInt() < 1) {
      throw new Unreadable("its release record has no revision number (field 'version')");
    }
    int revision = revisionNode.asInt();
    JsonNode info = release.path("info");
    String statusText = text(info, "status");
    HelmStatus status = HelmStatus.fromHelm(statusText);
    JsonNode metadata = release.path("chart").path("metadata");
    String chartName = text(metadata, "name");
    String chartVersion = text(metadata, "version");
    if (chartName.isEmpty() || chartVersion.isEmpty()) {
      throw new Unreadable("its release record names no chart (chart.metadata.name and .version)");
    }
    Instant updated = firstTime(info, "last_deployed", "first_deployed")
        .or(() -> Optional.ofNullable(secret.getMetadata()).map(m -> m.getCreationTimestamp()).flatMap(HelmReleaseReader::time))
        .orElse(Instant.EPOCH);
    String appVersion = text(metadata, "appVersion");
    Optional<Version> version = Optional.empty();
    List<String> issues = new ArrayList<>();
    try {
      version = Optional.of(Version.parse(chartVersion));
    } catch (MalformedVersionException e) {
      issues.add("revision " + revision + " runs chart " + chartName + " " + chartVersion
          + ", which is not a Genesys release version (" + e.getMessage() + ") Was it installed from"
          + " a chart outside the release catalog? It is left out of the history the bot offers for rollback.");
    }
    if (status == HelmStatus.UNKNOWN) {
      issues.add("revision " + revision + " has Helm status '" + statusText + "', which the bot does"
          + " not know; treat the release as not healthy until helm shows a known status");
    }
    if (claimed.isPresent() && claimed.getAsInt() != revision) {
      issues.add("the Secret is labelled revision " + claimed.getAsInt() + " but holds revision "
          + revision + "; the record inside is used");
    }
    ReleaseRevision r = new ReleaseRevision(name, revision, status, chartName, chartVersion, version,
        appVersion.isEmpty() ? Optional.empty() : Optional.of(appVersion), updated, text(info, "description"));
    Optional<ReleaseProblem> problem = issues.isEmpty() ? Optional.empty()
        : Optional.of(new ReleaseProblem(name, OptionalInt.of(revision), status, String.join("; ", issues)));
    return new Decoded(Optional.of(r), problem);
  }

  /** Undoes the Secret's base64, helm's base64 and helm's gzip. */
  private static byte[] releaseJson(Secret secret) {
    Map<String, String> data = secret.getData();
    String encoded = data == null ? null : data.get("release");
    if (encoded == null || encoded.isEmpty()) {
      throw new Unreadable("it has no data.release");
    }
    byte[] helmText;
    try {
      helmText = Base64.getDecoder().decode(encoded.strip());
    } catch (IllegalArgumentException e) {
      throw new Unreadable("its data.release is not base64 (" + e.getMessage() + ")");
    }
    byte[] payload;
    try {
      payload = Base64.getDecoder().decode(new String(helmText, StandardCharsets.US_ASCII).strip());
    } catch (IllegalArgumentException e) {
      throw new Unreadable("its data.release does not hold helm's base64 encoding (" + e.getMessage() + ")");
    }
    if (payload.length >= 3 && (payload[0] & 0xff) == 0x1f && (payload[1] & 0xff) == 0x8b && payload[2] == 8) {
      return gunzip(payload);
    }
    return payload;
  }

  private static byte[] gunzip(byte[] gz) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(gz.length * 4);
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        if (out.size() + n > MAX_RELEASE_BYTES) {
          throw new Unreadable("its release record unpacks to more than " + MAX_RELEASE_BYTES / (1024 * 1024)
              + " MiB, far beyond any real release");
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new Unreadable("its release record is not valid gzip (" + e.getMessage() + ")");
    }
  }

  private static Decoded problem(String name, OptionalInt claimed, HelmStatus labelled, String why) {
    return new Decoded(Optional.empty(), Optional.of(new ReleaseProblem(name, claimed, labelled,
        "cannot read this Helm release record: " + why + ". helm itself will fail on it too; if the"
            + " revision matters, restore the Secret from a backup, otherwise delete it"
            + " (kubectl delete secret " + name + ").")));
  }

  private static OptionalInt claimedRevision(String name, Map<String, String> labels) {
    String label = labels.get(REVISION_LABEL);
    if (label != null && label.matches("[0-9]{1,9}")) {
      return OptionalInt.of(Integer.parseInt(label));
    }
    Matcher m = SECRET_NAME.matcher(name);
    return m.matches() ? OptionalInt.of(Integer.parseInt(m.group(2))) : OptionalInt.empty();
  }

  private static Optional<Instant> firstTime(JsonNode info, String... fields) {
    for (String f : fields) {
      Optional<Instant> t = time(text(info, f));
      if (t.isPresent()) {
        return t;
      }
    }
    return Optional.empty();
  }

  private static Optional<Instant> time(String text) {
    if (text == null || text.isEmpty()) {
      return Optional.empty();
    }
    try {
      Instant t = OffsetDateTime.parse(text).toInstant();
      return t.equals(GO_ZERO_TIME) ? Optional.empty() : Optional.of(t);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() ? v.asText("") : "";
  }

  private static String nameOf(Secret s) {
    return s.getMetadata() == null || s.getMetadata().getName() == null ? "" : s.getMetadata().getName();
  }

  private static Map<String, String> labels(Secret s) {
    return s.getMetadata() == null || s.getMetadata().getLabels() == null ? Map.of() : s.getMetadata().getLabels();
  }

  /** Why a Secret cannot be read; caught in {@link #decode}, never leaves this class. */
  private static final class Unreadable extends RuntimeException {
    Unreadable(String why) {
      super(why, null, false, false);
    }
  }
}
