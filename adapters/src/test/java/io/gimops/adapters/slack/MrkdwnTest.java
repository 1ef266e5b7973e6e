package io.gimops.adapters.slack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A stranger's text, escaped as Slack asks: shown as typed, never a ping, a mention or a disguised link. */
class MrkdwnTest {

  @Test
  void pingsMentionsAndLinksCannotForm() {
    String hostile = "<!channel> disk full: log in at <https://evil.example/login|Genesys SSO> <@U123> <#C42> <!here>";
    String safe = Mrkdwn.escape(hostile);
    assertThat(safe).doesNotContain("<", ">");
    assertThat(Mrkdwn.carriesMarkup(safe)).isFalse();
    assertThat(Mrkdwn.carriesMarkup(hostile)).isTrue();
    assertThat(safe).isEqualTo("&lt;!channel&gt; disk full: log in at &lt;https://evil.example/login|Genesys SSO&gt;"
        + " &lt;@U123&gt; &lt;#C42&gt; &lt;!here&gt;");
  }

  @Test
  void ampersandsAreEscapedFirstSoEntitiesShowAsTyped() {
    assertThat(Mrkdwn.escape("a &lt; b & c")).isEqualTo("a &amp;lt; b &amp; c");
    assertThat(Mrkdwn.escape("plain text, unchanged")).isEqualTo("plain text, unchanged");
    assertThat(Mrkdwn.escape(null)).isEmpty();
  }

  @Test
  void aCodeBlockCannotBeClosedFromInside() {
    String block = Mrkdwn.codeBlock("helm said ``` <!channel> ```");
    assertThat(block).startsWith("```").endsWith("```");
    assertThat(block.substring(3, block.length() - 3)).doesNotContain("`").doesNotContain("<");
  }
}
