package io.gimops.bot.wiring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Secrets from files: every secret-bearing key {@code K} may be given as {@code KFile: /path}, so
 * that a Kubernetes Secret mounted as a volume is read without an environment variable (which
 * {@code kubectl describe} and crash dumps show). The file's content, trimmed, is the value; it
 * is read when the value is needed (a rotated Secret is taken at the next use) and checked by
 * {@link ConfigCheck} before anything starts. No message here ever holds the content: only the
 * key and the path.
 */
public final class SecretFiles {

  /** Files larger than this are not secrets but a wrong path (a tarball, a log). */
  static final long MAX_BYTES = 64 * 1024;

  private SecretFiles() {}

  /**
   * The value of {@code K}: given inline, or read from {@code KFile}.
   *
   * @param key the file key's path, for the message ({@code slack.botTokenFile})
   */
  public static Optional<String> value(Optional<String> inline, Optional<String> file, String key) {
    if (inline != null && inline.isPresent()) {
      return inline;
    }
    return file == null ? Optional.empty() : file.map(f -> read(f, key));
  }

  /** The file's content, trimmed; refused with the key and path (never the content) when it cannot be. */
  public static String read(String file, String key) {
    Path p = Path.of(file);
    try {
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        throw new IllegalArgumentException(key + ": " + file + " is not a readable file (mount the Secret there)");
      }
      if (Files.size(p) > MAX_BYTES) {
        throw new IllegalArgumentException(key + ": " + file + " is larger than " + MAX_BYTES
            + " bytes, not a secret's file");
      }
      String s = Files.readString(p, StandardCharsets.UTF_8).strip();
      if (s.isEmpty()) {
        throw new IllegalArgumentException(key + ": " + file + " is empty");
      }
      return s;
    } catch (IOException | java.io.UncheckedIOException | SecurityException e) {
      throw new IllegalArgumentException(key + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** As {@link #read}, the refusal without its key (a problem carries the key itself). */
  private static void readInto(Problems p, String key, String file) {
    try {
      read(file, key);
    } catch (IllegalArgumentException e) {
      p.add(key, e.getMessage().substring(key.length() + 2));
    }
  }

  /** Each secret file of {@code c}: readable and not given beside its inline key; problems at their keys. */
  static void check(BotConfig c, Problems p) {
    c.slack().ifPresent(s -> {
      one(p, "slack.botToken", s.botTokenInline(), s.botTokenFile());
      one(p, "slack.signingSecret", s.signingSecretInline(), s.signingSecretFile());
      one(p, "slack.appToken", s.appTokenInline(), s.appTokenFile());
    });
    c.alerts().ifPresent(a -> {
      one(p, "alerts.bearerToken", a.bearerTokenInline(), a.bearerTokenFile());
      one(p, "alerts.basicPassword", a.basicPasswordInline(), a.basicPasswordFile());
    });
    c.management().flatMap(BotConfig.Management::metricsBearerTokenFile)
        .ifPresent(f -> readInto(p, "management.metricsBearerTokenFile", f));
    for (int i = 0; i < c.environments().size(); i++) {
      String at = "environments[" + i + "].postgres.password";
      c.environments().get(i).postgres().ifPresent(pg -> {
        if (pg.passwordFile().isPresent() && pg.passwordFrom().isPresent()) {
          p.add(at + "File", "give passwordFrom or passwordFile, not both");
        } else {
          pg.passwordFile().ifPresent(f -> readInto(p, at + "File", f));
        }
      });
    }
  }

  private static void one(Problems p, String key, Optional<String> inline, Optional<String> file) {
    if (file == null || file.isEmpty()) {
      return;
    }
    if (inline != null && inline.isPresent()) {
      p.add(key + "File", "give " + key.substring(key.lastIndexOf('.') + 1) + " or "
          + key.substring(key.lastIndexOf('.') + 1) + "File, not both");
      return;
    }
    readInto(p, key + "File", file.get());
  }
}
