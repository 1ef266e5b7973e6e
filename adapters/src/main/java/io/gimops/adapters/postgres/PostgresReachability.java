package io.gimops.adapters.postgres;

import io.gimops.adapters.Redaction;
import io.gimops.policies.domain.Reachability;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.policies.domain.Version;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule 6 for GIM's database: can the bot reach PostgreSQL over the configured connection, and at
 * which version. One read-only transaction with one query ({@code SHOW server_version}) that
 * changes nothing; the connection is opened and closed each time, so a restarted server is seen
 * at once. Blocks for at most about the timeout: call it from a worker. Never throws.
 *
 * @param url a JDBC URL, {@code jdbc:postgresql://host:port/database}
 */
public record PostgresReachability(String url, String user, Optional<String> password, Duration timeout) {

  private static final Pattern VERSION = Pattern.compile("^(\\d+)(?:\\.(\\d+))?");

  public PostgresReachability {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("a PostgreSQL check needs a jdbc:postgresql://host:port/database URL, not "
          + redacted(url));
    }
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(timeout, "timeout");
  }

  public ThirdPartyState check() {
    try (Connection c = ReadOnlyPostgres.connect(url, user, password, timeout, 0, "gimops reachability check")
        .orElse(null)) {
      if (c == null) {
        return ThirdPartyState.unreachable(ThirdParty.POSTGRESQL, "the driver does not accept " + redacted(url));
      }
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW server_version")) {
        String reported = r.next() ? r.getString(1) : "";
        Matcher m = VERSION.matcher(reported.trim());
        String where = "as " + user + " at " + redacted(url);
        if (!m.find()) {
          return new ThirdPartyState(ThirdParty.POSTGRESQL, Reachability.REACHABLE, Optional.empty(),
              where + "; it reports version '" + Redaction.redact(reported) + "'");
        }
        String v = m.group(1) + (m.group(2) == null ? "" : "." + m.group(2));
        return new ThirdPartyState(ThirdParty.POSTGRESQL, Reachability.REACHABLE, Optional.of(Version.parse(v)), where);
      }
    } catch (SQLException | RuntimeException e) {
      return ThirdPartyState.unreachable(ThirdParty.POSTGRESQL, ReadOnlyPostgres.failure(url, e));
    }
  }

  /** The URL without query parameters (they may carry a password) and without a password before its host. */
  static String redacted(String url) {
    return ReadOnlyPostgres.redacted(url);
  }

  @Override
  public String toString() {
    return "PostgresReachability[" + redacted(url) + " as " + user + "]";
  }
}
