package io.gimops.adapters.postgres;

import io.gimops.policies.domain.EtlEvidence;
import io.gimops.policies.domain.MigrationState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Calendar;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GIM's migration and transformation evidence from the Info Mart database: the vendor's "To
 * validate successful database migration, you can query the database directly". GIM records each
 * run of its jobs in its ETL history control table, {@code CTL_ETL_HISTORY} ("A row is added to
 * this table after each job completes", with a {@code STATUS} that reads {@code FAILED} when the
 * job failed); {@code Job_MigrateGIM} and {@code Job_TransformGIM} are the jobs verification needs.
 *
 * <p>The query is configuration ({@code environments[].postgres.etlHistoryQuery}) because the
 * table's columns differ between Info Mart releases and databases; {@link #DEFAULT_QUERY} follows
 * the naming of GIM's control tables ({@code JOB_NAME}, {@code STATUS}, {@code END_TIME}). Its
 * contract: the first three columns are the job's name, its status and when it ended (a timestamp,
 * read as UTC); the placeholder {@code :since} is bound to when the step's helm call ended (or
 * when the bot's restart of the GIM pod began). Statuses
 * {@code COMPLETE}, {@code COMPLETED}, {@code SUCCESS}, {@code SUCCEEDED}, {@code FINISHED} mean
 * done; {@code FAILED}, {@code FAILURE}, {@code ERROR}, {@code ABORTED}, {@code STOPPED} mean
 * failed; {@code RUNNING}, {@code IN PROGRESS}, {@code STARTED} mean running. The newest row of
 * each job decides.
 *
 * <p>Read-only: the connection and its one transaction are read-only (a query that writes is
 * refused by PostgreSQL), the statement has a timeout, and the transaction is rolled back. Blocks
 * for at most about the timeout: call it from a worker, never an event loop. Never throws: a
 * database that cannot be read is {@link EtlEvidence.Source#UNREADABLE}, with the reason and
 * without credentials.
 */
public record EtlHistory(String url, String user, Optional<String> password, Duration timeout, String query) {

  public static final String MIGRATION_JOB = "Job_MigrateGIM";
  public static final String TRANSFORMATION_JOB = "Job_TransformGIM";

  /** The default {@code etlHistoryQuery}. */
  public static final String DEFAULT_QUERY = "SELECT JOB_NAME, STATUS, END_TIME FROM CTL_ETL_HISTORY"
      + " WHERE JOB_NAME IN ('" + MIGRATION_JOB + "', '" + TRANSFORMATION_JOB + "') AND END_TIME >= :since"
      + " ORDER BY END_TIME DESC LIMIT 50";

  /** {@code :since}, not a PostgreSQL cast ({@code ::timestamp}). */
  private static final Pattern SINCE = Pattern.compile("(?<!:):since\\b");
  private static final Set<String> DONE = Set.of("COMPLETE", "COMPLETED", "SUCCESS", "SUCCEEDED", "FINISHED");
  private static final Set<String> FAILED = Set.of("FAILED", "FAILURE", "ERROR", "ABORTED", "STOPPED");
  private static final Set<String> RUNNING = Set.of("RUNNING", "IN PROGRESS", "IN_PROGRESS", "STARTED");

  public EtlHistory {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("the Info Mart database needs a jdbc:postgresql://host:port/database URL, not "
          + ReadOnlyPostgres.redacted(url));
    }
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(query, "query");
    if (!SINCE.matcher(query).find()) {
      throw new IllegalArgumentException("etlHistoryQuery must use :since (when the step's helm call ended), e.g. "
          + DEFAULT_QUERY);
    }
  }

  /** What the database says of GIM's jobs that ended at or after {@code since}. */
  public EtlEvidence read(Instant since) {
    long seconds = ReadOnlyPostgres.seconds(timeout);
    String where = ReadOnlyPostgres.redacted(url);
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    try (Connection c = ReadOnlyPostgres.connect(url, user, password, timeout, 1, "gimops verification (read-only)")
        .orElse(null)) {
      if (c == null) {
        return EtlEvidence.unreadable("the driver does not accept " + where);
      }
      c.setAutoCommit(false);
      try {
        try (Statement s = c.createStatement()) {
          s.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
          s.execute("SET LOCAL TIME ZONE 'UTC'");
        }
        Matcher m = SINCE.matcher(query);
        int uses = 0;
        while (m.find()) {
          uses++;
        }
        try (PreparedStatement s = c.prepareStatement(SINCE.matcher(query).replaceAll("?"))) {
          s.setQueryTimeout((int) seconds);
          for (int i = 1; i <= uses; i++) {
            s.setTimestamp(i, Timestamp.from(since), utc);
          }
          try (ResultSet r = s.executeQuery()) {
            return evidence(r, utc, where, since);
          }
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException | RuntimeException e) {
      return EtlEvidence.unreadable(ReadOnlyPostgres.failure(url, e));
    }
  }

  private static EtlEvidence evidence(ResultSet r, Calendar utc, String where, Instant since) throws SQLException {
    if (r.getMetaData().getColumnCount() < 3) {
      return EtlEvidence.unreadable("etlHistoryQuery must return the job's name, status and end time; it returns "
          + r.getMetaData().getColumnCount() + " column(s)");
    }
    Optional<Row> migration = Optional.empty();
    Optional<Row> transformation = Optional.empty();
    while (r.next()) {
      String job = r.getString(1);
      Timestamp ended = r.getTimestamp(3, utc);
      if (job == null || ended == null) {
        continue;
      }
      Row row = new Row(r.getString(2) == null ? "" : r.getString(2).trim().toUpperCase(Locale.ROOT),
          ended.toInstant());
      if (job.trim().equalsIgnoreCase(MIGRATION_JOB)) {
        migration = newest(migration, row);
      } else if (job.trim().equalsIgnoreCase(TRANSFORMATION_JOB)) {
        transformation = newest(transformation, row);
      }
    }
    MigrationState state = migration.map(EtlHistory::state).orElse(MigrationState.NONE);
    Optional<Instant> transformed = transformation.filter(t -> DONE.contains(t.status())).map(Row::ended);
    String detail = "CTL_ETL_HISTORY at " + where
        + migration.map(m -> "; " + MIGRATION_JOB + " " + m.status() + " at " + m.ended()).orElse("")
        + transformation.map(t -> "; " + TRANSFORMATION_JOB + " " + t.status() + " at " + t.ended()).orElse("");
    return EtlEvidence.read(since, state, migration.map(Row::ended), transformed, detail);
  }

  private record Row(String status, Instant ended) {}

  private static Optional<Row> newest(Optional<Row> seen, Row row) {
    return seen.filter(s -> !s.ended().isBefore(row.ended())).or(() -> Optional.of(row));
  }

  private static MigrationState state(Row r) {
    if (DONE.contains(r.status())) {
      return MigrationState.COMPLETED;
    }
    if (FAILED.contains(r.status())) {
      return MigrationState.INCOMPLETE;
    }
    return RUNNING.contains(r.status()) ? MigrationState.RUNNING : MigrationState.UNKNOWN;
  }

  @Override
  public String toString() {
    return "EtlHistory[" + ReadOnlyPostgres.redacted(url) + " as " + user + "]";
  }
}
