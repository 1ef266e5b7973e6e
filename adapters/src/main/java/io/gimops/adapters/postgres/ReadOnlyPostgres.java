package io.gimops.adapters.postgres;

import io.gimops.adapters.Redaction;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

/**
 * How gimops opens a PostgreSQL connection, for rule 6's reachability and for GIM's ETL history:
 * read-only, bounded by the timeout, and described without credentials when it fails (the
 * driver's messages may quote the URL or its properties, password included).
 */
final class ReadOnlyPostgres {

  private ReadOnlyPostgres() {}

  /**
   * A read-only connection, or empty when the driver does not take the URL.
   *
   * @param socketSlack added to the timeout for reads, so a statement timeout fires first
   * @param application what {@code pg_stat_activity} shows for it
   */
  static Optional<Connection> connect(String url, String user, Optional<String> password, Duration timeout,
      long socketSlack, String application) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    password.ifPresent(pw -> p.setProperty("password", pw));
    long seconds = seconds(timeout);
    p.setProperty("connectTimeout", Long.toString(seconds));
    p.setProperty("loginTimeout", Long.toString(seconds));
    p.setProperty("socketTimeout", Long.toString(seconds + socketSlack));
    p.setProperty("readOnly", "true");
    p.setProperty("ApplicationName", application);
    Connection c = new org.postgresql.Driver().connect(url, p);
    if (c != null) {
      c.setReadOnly(true);
    }
    return Optional.ofNullable(c);
  }

  /** The timeout in whole seconds, at least one, as the driver's properties take it. */
  static long seconds(Duration timeout) {
    return Math.max(1, timeout.toSeconds());
  }

  /** Why {@code url} could not be read: its first line, without credentials, with the SQLSTATE if any. */
  static String failure(String url, Exception e) {
    String state = e instanceof SQLException s && s.getSQLState() != null ? " (SQLSTATE " + s.getSQLState() + ")" : "";
    String message = e instanceof SQLException ? e.getMessage() : String.valueOf(e.getMessage());
    return redacted(url) + ": " + Redaction.redact(firstLine(message)) + state;
  }

  /** The URL without query parameters (they may carry a password) and without a password before its host. */
  static String redacted(String url) {
    int q = url.indexOf('?');
    return Redaction.redact(q < 0 ? url : url.substring(0, q));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no reason given";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
