package io.gimops.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Credentials never reach a finding, a log line or the audit trail through someone else's message. */
class RedactionTest {

  @Test
  void aPasswordInAJdbcUrlsQueryIsHiddenAndTheRestStays() {
    String message = "Connection to jdbc:postgresql://gim-db:5432/gim?user=gimops&password=s3cr%3Dt&ssl=true refused";
    assertThat(Redaction.redact(message))
        .isEqualTo("Connection to jdbc:postgresql://gim-db:5432/gim?user=gimops&password=***&ssl=true refused")
        .doesNotContain("s3cr");
  }

  @Test
  void userInfoInAUrlKeepsTheUserAndHidesThePassword() {
    assertThat(Redaction.redact("cannot reach postgres://gimops:hunter2@db:5432/gim"))
        .isEqualTo("cannot reach postgres://gimops:***@db:5432/gim");
  }

  @Test
  void quotedAndSpacedSecretsTokensAndAuthorizationHeadersAreHidden() {
    String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"ops\" password=\"p@ss word\";";
    assertThat(Redaction.redact(jaas)).contains("username=\"ops\"", "password=***").doesNotContain("p@ss");
    assertThat(Redaction.redact("sslpassword: hunter2, token=abc")).isEqualTo("sslpassword: ***, token=***");
    assertThat(Redaction.redact("Authorization: Bearer am-token-123 was refused"))
        .isEqualTo("Authorization: Bearer *** was refused");
    assertThat(Redaction.redact("Basic Z2ltOnB3")).isEqualTo("Basic ***");
    assertThat(Redaction.redact("tokens xoxb-1234-5678-abcdef and xapp-1-A0-99-ff"))
        .isEqualTo("tokens xoxb-*** and xapp-***");
  }

  @Test
  void textWithoutCredentialsIsLeftAsItIs() {
    String plain = "Connection to gim-db:5432 refused. Check that the hostname and port are correct (SQLSTATE 08001)";
    assertThat(Redaction.redact(plain)).isEqualTo(plain);
    assertThat(Redaction.redact(null)).isNull();
    assertThat(Redaction.redact("")).isEmpty();
  }
}
