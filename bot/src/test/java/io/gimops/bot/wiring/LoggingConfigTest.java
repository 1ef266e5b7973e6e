package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.bot.sandbox.SandboxWorld;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code logging:} is read and checked like every other key: each wrong value at its key and line. */
class LoggingConfigTest {

  private static String base() {
    return "helm: {binary: /usr/local/bin/helm, charts: /charts}\nenvironments:\n  - name: " + SandboxWorld.ENVIRONMENT + "\n";
  }

  @Test
  void theKeys_areRead() {
    ConfigReader.Result r = ConfigReader.read(base()
        + "logging:\n  format: json\n  level: debug\n  levels:\n    io.fabric8: WARN\n");
    assertThat(r.problems()).isEmpty();
    LoggingConfig l = r.config().orElseThrow().logging().orElseThrow();
    assertThat(l.json()).isTrue();
    assertThat(l.rootLevel()).isEqualTo("DEBUG");
    assertThat(l.levels()).contains(Map.of("io.fabric8", "WARN"));
  }

  @Test
  void wrongValues_areSaidAtTheirKeysAndLines() {
    ConfigReader.Result r = ConfigReader.read(base()
        + "logging:\n  format: xml\n  level: LOUD\n  levels:\n    io.fabric8: QUIET\n  colour: true\n");
    assertThat(r.problems()).extracting(ConfigReader.ConfigProblem::toString)
        .anyMatch(p -> p.startsWith("line 5: logging.format: 'xml' is not a format; use json or text"))
        .anyMatch(p -> p.startsWith("line 6: logging.level: 'LOUD' is not a level"))
        .anyMatch(p -> p.contains("logging.levels.io.fabric8: 'QUIET' is not a level"))
        .anyMatch(p -> p.contains("line 9") && p.contains("colour"));
  }

  @Test
  void withoutTheSection_textAtInfo() {
    LoggingConfig l = new LoggingConfig(java.util.Optional.empty(), java.util.Optional.empty(),
        java.util.Optional.empty());
    assertThat(l.json()).isFalse();
    assertThat(l.rootLevel()).isEqualTo("INFO");
    assertThat(Path.of("README.md")).content().contains("| `logging.format` | `text` |");
  }
}
