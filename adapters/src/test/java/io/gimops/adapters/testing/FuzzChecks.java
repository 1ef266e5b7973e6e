package io.gimops.adapters.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every fuzz target's refusal must look like: a message for a person. A Java class name in
 * it (say {@code java.lang.ClassCastException} or {@code io.vertx.core.json.JsonObject}) means a
 * library's exception text leaked through instead of the component saying what is wrong; it is
 * a finding unless the input itself contained that text (messages may quote what they refuse).
 */
public final class FuzzChecks {

  private static final Pattern CLASS_NAME = Pattern.compile(
      "\\b(?:java|javax|jdk|sun|com|org|io|net)\\.[a-z0-9_]+\\.[A-Za-z0-9_.$]+"
          + "|\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b|\\$[A-Z][A-Za-z0-9]+\\b");

  private FuzzChecks() {}

  /** Fails (an AssertionError, a finding for Jazzer) unless {@code message} is a human message about {@code input}. */
  public static void humanMessage(String message, String input) {
    if (message == null || message.isBlank()) {
      throw new AssertionError("a refusal without a message for input " + abbreviate(input));
    }
    Matcher m = CLASS_NAME.matcher(message);
    while (m.find()) {
      if (!input.contains(m.group())) {
        throw new AssertionError("a refusal names a Java class (" + m.group() + "): " + message);
      }
    }
  }

  /**
   * Fails unless {@code work} ran within {@code limitMillis} in the fastest of five runs: a parser
   * that is super-linear on inputs near its size limit shows in the fastest run too, while one
   * descheduled run on a busy machine does not fail the build.
   */
  public static long fastestOfFive(String what, long limitMillis, Runnable work) {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      work.run();
      best = Math.min(best, System.nanoTime() - t0);
    }
    if (best > limitMillis * 1_000_000) {
      throw new AssertionError(what + " took " + best / 1_000_000 + " ms at best (limit " + limitMillis + " ms)");
    }
    return best;
  }

  private static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }
}
