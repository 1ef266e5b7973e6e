package io.gimops.bot.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The usage text lives in one place, and the markdown copy for the README stays equal to it. */
class CommandReferenceTest {

  /** The README, from the bot module's directory (where surefire runs). */
  private static final Path README = Path.of("../README.md");
  private static final String START = "<!-- command-language:start";
  private static final String END = "<!-- command-language:end -->";

  @Test
  void theReadmesCommandLanguageSectionIsUpToDate() throws IOException {
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int start = readme.indexOf('\n', readme.indexOf(START)) + 1;
    int end = readme.indexOf(END);
    assertThat(readme.indexOf(START)).as("README has the command-language markers").isNotNegative();
    assertThat(end).isGreaterThan(start);
    String rendered = CommandReference.markdown();
    if (Boolean.getBoolean("gimops.writeDocs")) {
      Files.writeString(README, readme.substring(0, start) + rendered + readme.substring(end), StandardCharsets.UTF_8);
      readme = Files.readString(README, StandardCharsets.UTF_8);
      end = readme.indexOf(END);
    }
    assertThat(readme.substring(start, end))
        .as("README.md's command language is stale: run the bot tests with -Dgimops.writeDocs=true to rewrite it")
        .isEqualTo(rendered);
  }

  @Test
  void overviewAndMarkdownShowEveryUsageLineAndSummary() {
    for (Verb v : Verb.values()) {
      for (String line : v.usage()) {
        assertThat(CommandReference.overview()).contains("`/gim " + line + "`");
        assertThat(CommandReference.markdown()).contains("`/gim " + line.replace("|", "\\|") + "`");
      }
      assertThat(CommandReference.overview()).contains(v.summary());
      assertThat(CommandReference.markdown()).contains(v.summary());
    }
  }

  @Test
  void helpForOneCommandShowsItsUsageNotesAndArgumentForms() {
    String help = CommandReference.help(Verb.UPGRADE);
    assertThat(help)
        .startsWith(CommandReference.usage(Verb.UPGRADE))
        .contains(Verb.UPGRADE.notes().get(0))
        .contains("`version`: a release version")
        .contains("`FILE`:")
        .contains("`TAG`:")
        .contains("`ENV`:")
        .contains("`reason`:")
        .doesNotContain("`revision`:")
        .doesNotContain("`op-id`:");
    assertThat(CommandReference.help(Verb.CANCEL)).contains("`op-id`:").doesNotContain("`ENV`:");
  }

  @Test
  void everyExampleInTheUsageLinesParses() throws CommandParseException {
    // The usage lines with their placeholders filled in are commands the parser accepts.
    for (Verb v : Verb.values()) {
      for (String line : v.usage()) {
        String example =
            line.replace("[command]", "upgrade")
                .replace("<service>", "gsp")
                .replace("[service]", "gsp")
                .replace("[version|latest]", "100.0.116+2900")
                .replace("[revision]", "3")
                .replace("<version>", "100.0.115+2800")
                .replace("[--values FILE]", "--values gsp-values.yaml")
                .replace("[--image-tag TAG]", "--image-tag 100.0.116")
                .replace("[--env ENV]", "--env prod")
                .replace("[--to latest]", "--to latest")
                .replace("[--reinstall]", "--reinstall")
                .replace("[--override \"reason\"]", "--override \"checked with the vendor\"")
                .replace("<op-id>", "op-01hx3kq7");
        assertThat(example).doesNotContain("<").doesNotContain("[");
        assertThat(CommandParser.parse(example).verb()).as(example).isEqualTo(v);
      }
    }
  }
}
