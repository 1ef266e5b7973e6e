package io.gimops.bot.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the Linux scheduler says about some of this JVM's threads ({@code /proc/self/task/N/schedstat}:
 * CPU time, and time spent runnable but waiting for a core), for the threads whose name starts
 * with a prefix. A benchmark's diagnostic: how long a server's threads waited for a core while
 * requests waited for them. Empty where there is no {@code /proc}.
 */
final class Schedstat {

  /** Per thread id: nanoseconds {cpu, waiting for a core} so far, of the matching threads alive now. */
  static Map<String, long[]> of(String threadPrefix) {
    Map<String, long[]> threads = new HashMap<>();
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return threads;
    }
    // The kernel keeps 15 characters of a thread's name.
    String prefix = threadPrefix.substring(0, Math.min(15, threadPrefix.length()));
    try (Stream<Path> all = Files.list(tasks)) {
      all.forEach(t -> {
        try {
          if (Files.readString(t.resolve("comm")).trim().startsWith(prefix)) {
            String[] s = Files.readString(t.resolve("schedstat")).trim().split("\\s+");
            threads.put(t.getFileName().toString(), new long[] {Long.parseLong(s[0]), Long.parseLong(s[1])});
          }
        } catch (IOException gone) {
          // the thread ended meanwhile
        }
      });
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return threads;
  }

  /**
   * What the threads alive at {@code after} used since {@code before} (all of it, for a thread
   * that began meanwhile), the first {@code counters} counters; never less than nothing per thread (a counter read
   * as it ended). A thread that ended meanwhile is not counted, so for a pool whose threads come
   * and go the figures are lower bounds.
   */
  static <K> long[] since(Map<K, long[]> before, Map<K, long[]> after, int counters) {
    long[] sum = new long[counters];
    after.forEach((thread, now) -> {
      long[] was = before.getOrDefault(thread, new long[counters]);
      for (int i = 0; i < counters; i++) {
        sum[i] += Math.max(0, now[i] - was[i]);
      }
    });
    return sum;
  }

  private Schedstat() {}
}
