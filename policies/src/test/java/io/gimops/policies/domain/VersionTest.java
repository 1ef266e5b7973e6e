package io.gimops.policies.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

  @Test
  void versionsOrderByTheirNumericPartsThenByBuild() {
    List<String> sorted = Stream.of("100.0.116+2900", "100.0.99+9999", "100.0.116+2901", "100.0.116",
            "100.0.100+1400", "99.9.9+1", "100.0.116+300")
        .map(Version::parse).sorted().map(Version::toString).toList();
    assertThat(sorted).containsExactly("99.9.9+1", "100.0.99+9999", "100.0.100+1400", "100.0.116",
        "100.0.116+300", "100.0.116+2900", "100.0.116+2901");
  }

  @Test
  void sameNumbersDifferentBuildsAreDifferentVersions() {
    Version a = Version.parse("100.0.116+2900");
    Version b = Version.parse("100.0.116+2901");
    assertThat(a).isNotEqualTo(b);
    assertThat(a.sameNumbersAs(b)).isTrue();
    assertThat(a.withoutBuild()).isEqualTo(b.withoutBuild()).hasToString("100.0.116");
    assertThat(b.isNewerThan(a)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "100", "100.0.116+2900", "1.2.3.4.5.6", "0.0.0+0"})
  void wellFormedVersionsRoundTrip(String s) {
    if (s.isEmpty()) {
      assertThat(Version.isValid(s)).isFalse();
    } else {
      assertThat(Version.parse(s)).hasToString(s);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v100.0.116", "100.0.116+", "100..116", "100.0.116+29a", "100.0.116-rc1",
      "100.0.116+2900;rm -rf /", "100.00.116", "1.2.3.4.5.6.7", "100.0.116 +2900", "１００.0.1", "+12",
      "100.0.116+2900+1", "-1.0.0"})
  void malformedVersionsAreRefusedWithTheExpectedForm(String s) {
    assertThatThrownBy(() -> Version.parse(s))
        .isInstanceOf(MalformedVersionException.class)
        .hasMessageContaining("is not a version")
        .hasMessageContaining("Expected <number>.<number>.<number>[+<build>], e.g. 100.0.116+2900");
  }

  @Test
  void theMessageSaysWhatIsWrong() {
    assertThatThrownBy(() -> Version.parse("100.0.x")).hasMessageStartingWith(
        "'100.0.x' is not a version: 'x' is not a number without leading zeros.");
    assertThatThrownBy(() -> Version.parse(null)).hasMessageContaining("it is empty");
    assertThatThrownBy(() -> Version.parse("1".repeat(70))).hasMessageContaining("longer than 64");
  }
}
