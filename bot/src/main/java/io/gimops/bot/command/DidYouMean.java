package io.gimops.bot.command;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the valid word a user most likely meant: {@code upgarde} -> {@code upgrade},
 * {@code gmi} -> {@code gim}, {@code --enb} -> {@code --env}. Distance is optimal string
 * alignment (Levenshtein plus adjacent transpositions, the commonest typo); a word that one is a
 * prefix of the other ({@code --environment}, {@code export}) counts as close too.
 */
final class DidYouMean {

  /** Longer input is not a typo of any of our short words; also bounds the work. */
  private static final int MAX_INPUT = 40;

  private DidYouMean() {}

  static Optional<String> closest(String input, Collection<String> candidates) {
    String core = core(input);
    if (core.isEmpty() || core.length() > MAX_INPUT) {
      return Optional.empty();
    }
    int threshold = core.length() <= 4 ? 1 : core.length() <= 8 ? 2 : 3;
    String best = null;
    int bestScore = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String c = core(candidate);
      int score = distance(core, c);
      if (score > threshold
          && Math.min(core.length(), c.length()) >= 3
          && (c.startsWith(core) || core.startsWith(c))) {
        score = threshold;
      }
      if (score <= threshold && score < bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Lowercase, without the leading dashes of a flag (so {@code -env} is close to --env). */
  private static String core(String word) {
    int i = 0;
    while (i < word.length() && isDash(word.charAt(i))) {
      i++;
    }
    return word.substring(i).toLowerCase(Locale.ROOT);
  }

  static boolean isDash(char c) {
    return c == '-' || (c >= '\u2010' && c <= '\u2015') || c == '\u2212';
  }

  /** Optimal string alignment distance. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
