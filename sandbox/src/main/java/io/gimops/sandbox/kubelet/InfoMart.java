package io.gimops.sandbox.kubelet;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.UUID;

/**
 * The sandbox's Info Mart database, as far as GIM's upgrades touch it: which chart versions its
 * schema was migrated for, and the ETL history of GIM's jobs. The history is kept in memory and,
 * when the sandbox was given a real PostgreSQL ({@link SandboxController.Builder#infoMart}), also
 * written to its {@code CTL_ETL_HISTORY} table (created as GIM would create its control table),
 * one row per job run, as real GIM records each completed or failed run. Reconciler thread only.
 */
final class InfoMart {

  private static final Logger LOG = System.getLogger(InfoMart.class.getName());

  /** One run of a GIM job, as a row of {@code CTL_ETL_HISTORY}. */
  record Run(String jobId, String namespace, String release, String job, String version, String status,
      Instant started, Instant ended) {}

  private final Optional<String> jdbcUrl;
  private final String user;
  private final Set<String> migrated = new HashSet<>();
  private final List<Run> history = new ArrayList<>();
  private boolean tableReady;

  InfoMart(Optional<String> jdbcUrl, String user) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
  }

  /** Whether the schema of {@code release} in {@code namespace} is up to date for {@code chart}. */
  boolean migratedFor(String namespace, String release, String chart) {
    return migrated.contains(namespace + "/" + release + "/" + chart);
  }

  void markMigrated(String namespace, String release, String chart) {
    migrated.add(namespace + "/" + release + "/" + chart);
  }

  void record(String namespace, String release, String job, String version, String status, Instant started,
      Instant ended) {
    Run run = new Run(UUID.randomUUID().toString(), namespace, release, job, version, status, started, ended);
    synchronized (history) {
      history.add(run);
    }
    jdbcUrl.ifPresent(url -> write(url, run));
  }

  List<Run> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  private void write(String url, Run run) {
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", user);
    // The controller's one thread writes: a database that went away must not hold it.
    props.setProperty("connectTimeout", "2");
    props.setProperty("socketTimeout", "2");
    try (Connection c = DriverManager.getConnection(url, props)) {
      if (!tableReady) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE IF NOT EXISTS CTL_ETL_HISTORY (JOB_ID varchar(64) PRIMARY KEY,"
              + " JOB_NAME varchar(32), JOB_VERSION varchar(64), STATUS varchar(32), START_TIME timestamp(3),"
              + " END_TIME timestamp(3))");
        }
        tableReady = true;
      }
      try (PreparedStatement s = c.prepareStatement("INSERT INTO CTL_ETL_HISTORY (JOB_ID, JOB_NAME, JOB_VERSION,"
          + " STATUS, START_TIME, END_TIME) VALUES (?, ?, ?, ?, ?, ?)")) {
        s.setString(1, run.jobId());
        s.setString(2, run.job());
        s.setString(3, run.version());
        s.setString(4, run.status());
        s.setTimestamp(5, Timestamp.from(run.started()), utc);
        s.setTimestamp(6, Timestamp.from(run.ended()), utc);
        s.executeUpdate();
      }
    } catch (SQLException e) {
      // A real GIM that cannot reach its database does not stop being GIM; the row is lost.
      LOG.log(Level.WARNING, "sandbox Info Mart: could not record " + run.job() + " " + run.status() + ": "
          + e.getMessage());
    }
  }
}
