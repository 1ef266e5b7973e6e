package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.app_backend.views.payload.ViewSubmissionPayload;
import com.slack.api.util.json.GsonFactory;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the interaction payloads a signed request may carry (block actions and view
 * submissions), decoded as Bolt decodes them (its Gson), then read by {@link Interactions} as
 * the front end reads every click and submission. Property: each reader returns what it reads or
 * throws {@link Interactions.Malformed} with a message for a person (the front end's 400);
 * nothing else escapes. JSON Bolt itself cannot decode is Bolt's to refuse (a 400 at the HTTP
 * door) and is skipped here. Corpus: {@code InteractionsFuzzTestInputs/read}.
 */
class InteractionsFuzzTest {

  private static final Gson BOLT = GsonFactory.createSnakeCase();

  @FuzzTest(maxDuration = "5s")
  void read(byte[] input) {
    String json = new String(input, StandardCharsets.UTF_8);
    BlockActionPayload click;
    ViewSubmissionPayload view;
    try {
      click = BOLT.fromJson(json, BlockActionPayload.class);
      view = BOLT.fromJson(json, ViewSubmissionPayload.class);
    } catch (JsonParseException | IllegalStateException | NumberFormatException | UnsupportedOperationException e) {
      return;
    }
    readOrRefuse(() -> Interactions.clicker(click));
    readOrRefuse(() -> Interactions.value(click));
    readOrRefuse(() -> Interactions.operationId(click));
    readOrRefuse(() -> Interactions.choice(click));
    readOrRefuse(() -> Interactions.alertRollback(click));
    readOrRefuse(() -> Interactions.submitter(view));
    readOrRefuse(() -> Interactions.modalOperation(view));
    readOrRefuse(() -> Interactions.typed(view, "name", "typed"));
  }

  private static void readOrRefuse(java.util.function.Supplier<Object> reader) {
    try {
      assertThat(reader.get()).isNotNull();
    } catch (Interactions.Malformed e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("Exception").doesNotContain("java.");
    }
  }
}
