package io.gimops.bot.wiring;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What is wrong with a configuration, collected rather than thrown at the first: its author
 * fixes every mistake in one go. Each problem has its key path; {@link ConfigReader} adds lines.
 */
final class Problems {

  /** One mistake: the key path it is at ({@code environments[0].services.gim.helmTimeout}) and what to write. */
  record Problem(String path, String message) {}

  private final List<Problem> list = new ArrayList<>();

  void add(String path, String message) {
    list.add(new Problem(path, message));
  }

  /** The value, or empty with a problem at {@code path} when making it was refused. */
  <T> Optional<T> attempt(String path, Supplier<T> make) {
    try {
      return Optional.ofNullable(make.get());
    } catch (IllegalArgumentException e) {
      add(path, e.getMessage() == null ? "this value does not fit here" : e.getMessage());
      return Optional.empty();
    }
  }

  List<Problem> list() {
    return List.copyOf(list);
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** For a configuration that was already checked: any problem left is refused, all of them said. */
  void throwIfAny() {
    if (!list.isEmpty()) {
      throw new IllegalArgumentException(ConfigReader.message("configuration",
          list.stream().map(p -> new ConfigReader.ConfigProblem(p.path(), 0, p.message())).toList()));
    }
  }
}
