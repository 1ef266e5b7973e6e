package io.gimops.adapters.slack;

/**
 * Text someone else wrote (a user, an alert, helm, Kubernetes), made safe to put into a Slack
 * message as the bot's own. Slack reads {@code <...>} as markup: {@code <!channel>},
 * {@code <!here>} and {@code <!everyone>} ping everyone, {@code <@U123>} and {@code <#C123>}
 * mention, {@code <https://evil|Genesys SSO>} is a link whose text hides where it goes. Slack's
 * rule is to escape {@code &}, {@code <} and {@code >} as HTML entities; with no literal
 * {@code <} left, none of that markup can form. Whatever the text says is then shown, not done.
 *
 * <p>Every place that puts a stranger's text into a message goes through here (the
 * message-injection tests look at every Web API call the bot makes).
 */
public final class Mrkdwn {

  private Mrkdwn() {}

  /** Escaped for a mrkdwn text object or a message's {@code text}: shown as typed, never markup. */
  public static String escape(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    StringBuilder sb = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String entity = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        default -> null;
      };
      if (entity != null) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        sb.append(entity);
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? text : sb.toString();
  }

  /**
   * Escaped for the inside of a code block ({@code ```...```}): as {@link #escape}, and a run of
   * backticks cannot close the block early (each is replaced by a modifier letter that looks
   * like one).
   */
  public static String inCode(String text) {
    return escape(text).replace('`', '\u02CB');
  }

  /** A code block around a stranger's text. */
  public static String codeBlock(String text) {
    return "```" + inCode(text) + "```";
  }

  /** Whether a text still carries markup that would ping, mention or link (the tests' check). */
  public static boolean carriesMarkup(String text) {
    return text != null && java.util.regex.Pattern.compile("<(!|@|#|https?:|mailto:)").matcher(text).find();
  }
}
