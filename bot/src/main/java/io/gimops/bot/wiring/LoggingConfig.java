package io.gimops.bot.wiring;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code logging:} how the bot logs (to stderr; the audit trail is separate). Applied at start,
 * before the bot connects anywhere, by {@link LogSetup}.
 *
 * @param format {@code text} (one line per record, the default) or {@code json} (one JSON object
 *     per line, for a log collector)
 * @param level the root level (default INFO)
 * @param levels levels per logger name, e.g. {@code io.fabric8: WARN}
 */
public record LoggingConfig(Optional<String> format, Optional<String> level, Optional<Map<String, String>> levels) {

  /** The levels logback knows, as the configuration writes them. */
  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  /** Text unless {@code json} is asked for. */
  public boolean json() {
    return format.map(f -> f.equals("json")).orElse(false);
  }

  public String rootLevel() {
    return level.map(l -> l.toUpperCase(Locale.ROOT)).orElse("INFO");
  }

  /** Each wrong value as a problem at its key. */
  void check(Problems p) {
    format.filter(f -> !f.equals("json") && !f.equals("text"))
        .ifPresent(f -> p.add("logging.format", "'" + f + "' is not a format; use json or text"));
    level.filter(l -> !LEVELS.contains(l.toUpperCase(Locale.ROOT)))
        .ifPresent(l -> p.add("logging.level", "'" + l + "' is not a level; use one of " + LEVELS));
    levels.orElse(Map.of()).forEach((logger, l) -> {
      if (l == null || !LEVELS.contains(l.toUpperCase(Locale.ROOT))) {
        p.add("logging.levels." + logger, "'" + l + "' is not a level; use one of " + LEVELS);
      }
    });
  }
}
