package io.gimops.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {

  @Test
  void transpositionIsOneEdit() {
    assertThat(DidYouMean.distance("upgarde", "upgrade")).isEqualTo(1);
    assertThat(DidYouMean.distance("gmi", "gim")).isEqualTo(1);
    assertThat(DidYouMean.distance("kitten", "sitting")).isEqualTo(3);
  }

  @Test
  void closestWinsAndTiesGoToTheFirstCandidate() {
    assertThat(DidYouMean.closest("gsa", List.of("gim", "gsp", "gca"))).contains("gsp");
    assertThat(DidYouMean.closest("--enb", List.of("--env", "--values"))).contains("--env");
  }

  @Test
  void nothingWhenNothingIsClose() {
    assertThat(DidYouMean.closest("x", List.of("gim", "gsp", "gca"))).isEmpty();
    assertThat(DidYouMean.closest("", List.of("gim"))).isEmpty();
    assertThat(DidYouMean.closest("zzzzzzzz", List.of("status", "upgrade"))).isEmpty();
  }
}
