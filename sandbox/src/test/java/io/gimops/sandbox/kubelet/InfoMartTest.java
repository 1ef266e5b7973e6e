package io.gimops.sandbox.kubelet;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.sandbox.postgres.LocalPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox GIM records its job runs in a real PostgreSQL's CTL_ETL_HISTORY, as real GIM does. */
class InfoMartTest {

  @TempDir
  Path work;

  @Test
  void eachRunIsARowOfCtlEtlHistoryInTheRealDatabase() throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(work.resolve("pg"))) {
      InfoMart mart = new InfoMart(Optional.of(pg.jdbcUrl()), LocalPostgres.USER);
      Instant t0 = Instant.parse("2026-12-06T10:00:00Z");
      mart.record("gim", "gim", GimStartup.MIGRATION_JOB, "100.0.117+3000", "FAILED", t0, t0.plusSeconds(30));
      mart.record("gim", "gim", GimStartup.TRANSFORMATION_JOB, "100.0.117+3000", "COMPLETE", t0.plusSeconds(30),
          t0.plusSeconds(60));

      List<String> rows = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(pg.jdbcUrl() + "?user=" + LocalPostgres.USER);
          Statement s = c.createStatement();
          ResultSet r = s.executeQuery("SELECT JOB_NAME, JOB_VERSION, STATUS, END_TIME"
              + " FROM CTL_ETL_HISTORY ORDER BY END_TIME")) {
        while (r.next()) {
          rows.add(r.getString(1) + " " + r.getString(2) + " " + r.getString(3) + " " + r.getString(4));
        }
      }
      assertThat(rows).containsExactly(
          "Job_MigrateGIM 100.0.117+3000 FAILED 2026-12-06 10:00:30",
          "Job_TransformGIM 100.0.117+3000 COMPLETE 2026-12-06 10:01:00");
      assertThat(mart.history()).hasSize(2);
    }
  }
}
