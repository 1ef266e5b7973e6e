package io.gimops.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PinnedHelmTest {

  @Test
  void theProjectFetchesThePinnedHelmV3() throws Exception {
    Process p = new ProcessBuilder(PinnedHelm.binary().toString(), "version", "--short")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isZero();
    assertThat(out).startsWith("v3.18.0");
  }
}
