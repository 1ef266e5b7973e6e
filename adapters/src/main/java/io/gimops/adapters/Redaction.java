package io.gimops.adapters;

import java.util.regex.Pattern;

/**
 * Credentials taken out of text someone else wrote (a driver's or a client's error message, a
 * URL from the configuration) before it reaches a finding, a log line or the audit trail: the
 * value of {@code password=}, {@code secret=}, {@code token=} and the like (in a query string,
 * a JAAS line or a property list), the password of {@code user:password@} in a URL, bearer and
 * basic credentials, and Slack tokens ({@code xoxb-}, {@code xoxp-}, {@code xapp-}...). What is
 * left says where and what failed, never with what secret.
 */
public final class Redaction {

  public static final String HIDDEN = "***";

  // key=value and key: value, with the value quoted or up to the next separator.
  private static final Pattern KEY_VALUE = Pattern.compile(
      "(?i)\\b((?:ssl)?password|passwd|pwd|secret|client_secret|token|access_token|api[_-]?key)(\\s*[=:]\\s*)"
          + "(\"[^\"]*\"|'[^']*'|[^&\\s;,\"']+)");
  private static final Pattern URL_USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^/@\\s:]*):([^/@\\s]*)@");
  private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)\\b(Bearer|Basic)\\s+[A-Za-z0-9._~+/=-]{4,}");
  private static final Pattern SLACK_TOKEN = Pattern.compile("\\b(xox[a-z]|xapp)-[A-Za-z0-9-]+");

  private Redaction() {}

  /** {@code text} with every credential it carries replaced by {@value #HIDDEN}; null stays null. */
  public static String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String out = URL_USER_INFO.matcher(text).replaceAll("$1$2:" + HIDDEN + "@");
    out = KEY_VALUE.matcher(out).replaceAll("$1$2" + HIDDEN);
    out = AUTH_SCHEME.matcher(out).replaceAll("$1 " + HIDDEN);
    return SLACK_TOKEN.matcher(out).replaceAll("$1-" + HIDDEN);
  }
}
