package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.adapters.postgres.EtlHistory;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code environments[].postgres.etlHistoryQuery}: rule 8's read-only query of GIM's ETL history. */
class InfoMartConfigTest {

  static final String BASE = "helm: {binary: /bin/helm, charts: /charts}\nenvironments:\n  - name: prod\n"
      + "    postgres:\n      url: jdbc:postgresql://db:5432/gim\n      user: gimops_ro\n      timeout: 3s\n";

  static EtlHistory history(String more) {
    return BotConfig.parse(BASE + more).environments().get(0).postgres().orElseThrow().etlHistory(Map.of());
  }

  @Test
  void withoutTheKeyTheDefaultReadsCtlEtlHistory() {
    EtlHistory h = history("");
    assertThat(h.query()).isEqualTo(EtlHistory.DEFAULT_QUERY).contains("CTL_ETL_HISTORY", "Job_MigrateGIM",
        "Job_TransformGIM", ":since");
    assertThat(h.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(h.user()).isEqualTo("gimops_ro");
  }

  @Test
  void theKeyIsRead() {
    String q = "SELECT job, state, finished FROM gim_admin.etl_runs WHERE finished >= :since";
    assertThat(history("      etlHistoryQuery: \"" + q + "\"\n").query()).isEqualTo(q);
  }

  @Test
  void aQueryWithoutSinceIsRefusedWithItsKeyPath() {
    assertThatThrownBy(() -> history("      etlHistoryQuery: SELECT 1, 2, now()\n"))
        .hasMessageContaining("(line 8): environments[0].postgres.etlHistoryQuery: must use :since");
  }
}
