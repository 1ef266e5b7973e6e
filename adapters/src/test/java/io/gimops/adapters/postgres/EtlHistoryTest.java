package io.gimops.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.policies.domain.EtlEvidence;
import io.gimops.policies.domain.MigrationState;
import io.gimops.sandbox.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Calendar;
import java.util.Optional;
import java.util.TimeZone;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GIM's migration and transformation evidence read from a real PostgreSQL (Debian's), with the
 * ETL history control table created by the test as GIM's control tables are laid out (JOB_ID,
 * JOB_NAME, JOB_VERSION, STATUS, START_TIME, END_TIME).
 */
class EtlHistoryTest {

  @TempDir
  static Path work;

  private static LocalPostgres pg;
  private static final Instant HELM_ENDED = Instant.parse("2026-12-06T10:00:00Z");
  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

  @BeforeAll
  static void start() {
    pg = LocalPostgres.start(work.resolve("pg"));
  }

  @AfterAll
  static void stop() {
    pg.close();
  }

  @BeforeEach
  void freshTable() throws SQLException {
    sql("DROP TABLE IF EXISTS CTL_ETL_HISTORY");
    sql("CREATE TABLE CTL_ETL_HISTORY (JOB_ID varchar(64) PRIMARY KEY, JOB_NAME varchar(32),"
        + " JOB_VERSION varchar(64), STATUS varchar(32), START_TIME timestamp(3), END_TIME timestamp(3))");
  }

  private EtlHistory history(String query, Duration timeout) {
    return new EtlHistory(pg.jdbcUrl(), LocalPostgres.USER, Optional.empty(), timeout, query);
  }

  private EtlHistory history() {
    return history(EtlHistory.DEFAULT_QUERY, Duration.ofSeconds(3));
  }

  @Test
  void nothingSinceHelmEndedIsNoMigrationAndNoTransformation() throws SQLException {
    row("old-migration", "Job_MigrateGIM", "COMPLETE", HELM_ENDED.minusSeconds(3600));
    row("old-transform", "Job_TransformGIM", "COMPLETE", HELM_ENDED.minusSeconds(60));
    EtlEvidence e = history().read(HELM_ENDED);
    assertThat(e.source()).isEqualTo(EtlEvidence.Source.READ);
    assertThat(e.migration()).isEqualTo(MigrationState.NONE);
    assertThat(e.transformationCompleted()).isEmpty();
  }

  @Test
  void aMigrationStoppedHalfwayThenAResumedOneThatCompletedTheNewestRowDecides() throws SQLException {
    row("m1", "Job_MigrateGIM", "FAILED", HELM_ENDED.plusSeconds(30));
    row("t1", "Job_TransformGIM", "COMPLETE", HELM_ENDED.plusSeconds(50));
    row("x1", "Job_ExtractICON", "COMPLETE", HELM_ENDED.plusSeconds(55));
    EtlEvidence halfway = history().read(HELM_ENDED);
    assertThat(halfway.migration()).isEqualTo(MigrationState.INCOMPLETE);
    assertThat(halfway.migrationEnded()).contains(HELM_ENDED.plusSeconds(30));
    assertThat(halfway.transformationCompleted()).contains(HELM_ENDED.plusSeconds(50));
    assertThat(halfway.detail()).contains("Job_MigrateGIM FAILED at 2026-12-06T10:00:30Z");

    // The GIM pod restarted: the migration resumed and completed.
    row("m2", "Job_MigrateGIM", "COMPLETE", HELM_ENDED.plusSeconds(300));
    EtlEvidence resumed = history().read(HELM_ENDED.plusSeconds(200));
    assertThat(resumed.migration()).isEqualTo(MigrationState.COMPLETED);
    assertThat(resumed.transformationCompleted()).as("the transformation row is from before the restart").isEmpty();
  }

  @Test
  void theQueryRunsReadOnlyAWritingQueryIsRefusedAndChangesNothing() throws SQLException {
    row("m1", "Job_MigrateGIM", "COMPLETE", HELM_ENDED.plusSeconds(30));
    EtlEvidence e = history("WITH gone AS (DELETE FROM CTL_ETL_HISTORY WHERE END_TIME >= :since"
        + " RETURNING JOB_NAME, STATUS, END_TIME) SELECT * FROM gone", Duration.ofSeconds(3)).read(HELM_ENDED);
    assertThat(e.source()).isEqualTo(EtlEvidence.Source.UNREADABLE);
    assertThat(e.detail()).contains("read-only transaction", "SQLSTATE 25006");
    assertThat(count()).isEqualTo(1);
  }

  @Test
  void aSlowQueryIsCutByTheStatementTimeout() {
    long t0 = System.nanoTime();
    EtlEvidence e = history("SELECT JOB_NAME, STATUS, END_TIME FROM CTL_ETL_HISTORY, pg_sleep(20)"
        + " WHERE END_TIME >= :since", Duration.ofSeconds(1)).read(HELM_ENDED);
    assertThat(e.source()).isEqualTo(EtlEvidence.Source.UNREADABLE);
    assertThat(e.detail()).containsIgnoringCase("statement timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void aTableThatIsNotThereOrAServerThatIsDownIsUnreadableWithoutThePassword() throws SQLException {
    sql("DROP TABLE CTL_ETL_HISTORY");
    EtlEvidence missing = history().read(HELM_ENDED);
    assertThat(missing.source()).isEqualTo(EtlEvidence.Source.UNREADABLE);
    assertThat(missing.detail()).contains("ctl_etl_history", "SQLSTATE 42P01");

    EtlEvidence down = new EtlHistory("jdbc:postgresql://127.0.0.1:1/gim?password=hunter2", "gimops",
        Optional.of("other-secret"), Duration.ofSeconds(1), EtlHistory.DEFAULT_QUERY).read(HELM_ENDED);
    assertThat(down.source()).isEqualTo(EtlEvidence.Source.UNREADABLE);
    assertThat(down.detail()).contains("jdbc:postgresql://127.0.0.1:1/gim").doesNotContain("hunter2", "other-secret");
  }

  @Test
  void aQueryMustSayWhereSinceGoes() {
    assertThatThrownBy(() -> history("SELECT JOB_NAME, STATUS, END_TIME FROM CTL_ETL_HISTORY", Duration.ofSeconds(1)))
        .hasMessageContaining(":since");
  }

  private static void row(String id, String job, String status, Instant ended) throws SQLException {
    try (Connection c = connect(); PreparedStatement s = c.prepareStatement("INSERT INTO CTL_ETL_HISTORY"
        + " (JOB_ID, JOB_NAME, JOB_VERSION, STATUS, START_TIME, END_TIME) VALUES (?, ?, '8.5.116.29', ?, ?, ?)")) {
      s.setString(1, id);
      s.setString(2, job);
      s.setString(3, status);
      s.setTimestamp(4, Timestamp.from(ended.minusSeconds(20)), UTC);
      s.setTimestamp(5, Timestamp.from(ended), UTC);
      s.executeUpdate();
    }
  }

  private static int count() throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM CTL_ETL_HISTORY")) {
      r.next();
      return r.getInt(1);
    }
  }

  private static void sql(String statement) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(pg.jdbcUrl() + "?user=" + LocalPostgres.USER);
  }
}
