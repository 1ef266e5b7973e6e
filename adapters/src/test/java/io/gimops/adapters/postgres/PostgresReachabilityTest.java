package io.gimops.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.policies.domain.Reachability;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.sandbox.postgres.LocalPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rule 6's PostgreSQL check against a real server from Debian, started and stopped by the test. */
class PostgresReachabilityTest {

  @TempDir
  Path work;

  @Test
  void reachableWithItsVersionThenUnreachableWhenStoppedThenReachableAgain() {
    try (LocalPostgres pg = LocalPostgres.start(work.resolve("pg"))) {
      PostgresReachability check = new PostgresReachability(pg.jdbcUrl(), LocalPostgres.USER, Optional.empty(),
          Duration.ofSeconds(2));
      ThirdPartyState up = check.check();
      assertThat(up.dependency()).isEqualTo(ThirdParty.POSTGRESQL);
      assertThat(up.reachability()).isEqualTo(Reachability.REACHABLE);
      // Debian 12's server is 15.x.
      assertThat(up.version()).hasValueSatisfying(v -> assertThat(v.toString()).matches("1[5-9]\\.\\d+"));
      assertThat(up.detail()).contains("as gimops at " + pg.jdbcUrl());

      pg.stop();
      long t0 = System.nanoTime();
      ThirdPartyState down = check.check();
      assertThat(down.reachability()).isEqualTo(Reachability.UNREACHABLE);
      assertThat(down.detail()).contains(pg.jdbcUrl()).containsIgnoringCase("connect");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));

      pg.restart();
      assertThat(check.check().reachability()).isEqualTo(Reachability.REACHABLE);
    }
  }

  @Test
  void aRefusedLoginIsUnreachableWithTheServersReasonAndNoPasswordInTheDetail() {
    try (LocalPostgres pg = LocalPostgres.start(work.resolve("pg"))) {
      PostgresReachability check = new PostgresReachability(pg.jdbcUrl() + "?password=secret", "nobody-here",
          Optional.empty(), Duration.ofSeconds(2));
      ThirdPartyState s = check.check();
      assertThat(s.reachability()).isEqualTo(Reachability.UNREACHABLE);
      assertThat(s.detail()).contains("nobody-here").doesNotContain("secret");
    }
  }

  @Test
  void aPasswordTheDriverQuotesFromTheUrlNeverReachesTheFinding() {
    // Unreachable on purpose (a closed port), with a password and a malformed property in the
    // URL: the driver's messages quote URL properties back.
    PostgresReachability check = new PostgresReachability(
        "jdbc:postgresql://127.0.0.1:1/gim?password=hunter2&connectTimeout=1&sslmode=password=hunter2", "gimops",
        Optional.of("other-secret"), Duration.ofSeconds(1));
    ThirdPartyState s = check.check();
    assertThat(s.reachability()).isEqualTo(Reachability.UNREACHABLE);
    assertThat(s.detail()).doesNotContain("hunter2", "other-secret").contains("jdbc:postgresql://127.0.0.1:1/gim");
    assertThat(check.toString()).doesNotContain("hunter2");
    assertThat(PostgresReachability.redacted("jdbc:postgresql://ops:hunter2@db/gim?password=hunter2"))
        .isEqualTo("jdbc:postgresql://ops:***@db/gim");
  }

  @Test
  void onlyPostgresUrlsAreAccepted() {
    assertThatThrownBy(() -> new PostgresReachability("jdbc:mysql://db/x", "u", Optional.empty(), Duration.ofSeconds(1)))
        .hasMessageContaining("jdbc:postgresql://host:port/database");
  }
}
