package io.gimops.bot.command;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/** The constructor checks and text helpers the {@link Command} records share. */
final class Checks {

  private Checks() {}

  static void env(Optional<String> env) {
    check(env, "env", Grammar::envProblem);
  }

  static void check(
      Optional<String> value, String name, Function<String, Optional<String>> problem) {
    Objects.requireNonNull(value, name);
    value.flatMap(problem).ifPresent(Checks::illegal);
  }

  static void illegal(String problem) {
    throw new IllegalArgumentException(problem);
  }

  static String envText(Optional<String> env) {
    return env.map(e -> " --env " + e).orElse("");
  }

  static String overrideText(Optional<String> reason) {
    return reason.map(r -> " --override \"" + r + "\"").orElse("");
  }
}
