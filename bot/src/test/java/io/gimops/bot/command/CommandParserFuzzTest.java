package io.gimops.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the {@code /gim} command language with any text a user can type (and some no keyboard
 * makes). Property: {@link CommandParser#parse} returns a {@link Command} or throws its checked
 * {@link CommandParseException} with a problem and a usage for the user; nothing else escapes.
 * Inputs run up to four times the length limit, so the refusal of long input is fuzzed too.
 * Corpus: {@code CommandParserFuzzTestInputs/parse}.
 */
class CommandParserFuzzTest {

  @FuzzTest(maxDuration = "5s")
  void parse(byte[] input) {
    String text = new String(input, StandardCharsets.UTF_8);
    if (text.length() > 4 * Grammar.MAX_INPUT_LENGTH) {
      return;
    }
    try {
      assertThat(CommandParser.parse(text)).isNotNull();
    } catch (CommandParseException e) {
      assertThat(e.problem()).isNotBlank();
      assertThat(e.usage()).isNotBlank();
      assertThat(e.userMessage()).startsWith(e.problem());
    }
  }

  /** Worst cases at the limit: each is refused or parsed in linear time. */
  @Test
  void inputNearTheLimitIsParsedInLinearTime() {
    int n = Grammar.MAX_INPUT_LENGTH;
    String[] worst = {
        "\"".repeat(n),
        "upgrade gim --override \"" + "a\" \"".repeat((n - 30) / 4),
        "status " + "a ".repeat((n - 7) / 2),
        "upgrade gim " + "-".repeat(n - 12),
        "upgrade gim --values " + "a".repeat(n - 21),
        "upgarde" + "e".repeat(n - 7),
        "plan upgrade all --to " + "9".repeat(n - 22),
        " ".repeat(n),
        "\u3000".repeat(n),
        "status " + "\u2014".repeat(n - 7),
        "x".repeat(100 * n),
    };
    for (String w : worst) {
      long best = Long.MAX_VALUE;
      for (int i = 0; i < 5; i++) {
        long t0 = System.nanoTime();
        try {
          CommandParser.parse(w);
        } catch (CommandParseException e) {
          assertThat(e.problem()).isNotBlank();
        }
        best = Math.min(best, System.nanoTime() - t0);
      }
      assertThat(best / 1_000_000).as("ms to parse %s...", w.substring(0, 30)).isLessThan(50);
    }
  }
}
