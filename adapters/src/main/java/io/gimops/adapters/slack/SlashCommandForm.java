package io.gimops.adapters.slack;

import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * A slash command read from the form Vert.x has already decoded. Bolt's {@code
 * SlackRequestParser} decodes the raw body again for each thing it looks for (a JSON payload, a
 * command, then the command's fields), compiling a regular expression for every field each time:
 * a third of what acknowledging {@code /gim status} allocated, and a fifth of its CPU
 * (SlackAckBenchmarkTest, profiled). Read here, the payload is the one Bolt's parser makes of
 * the same body as Slack sends it (every {@code &} and {@code =} in a value percent-encoded),
 * field for field: SlackHttpServerDispatchTest compares the two.
 */
final class SlashCommandForm {

  /** The form fields Bolt's parser reads into a slash command's payload (others it ignores). */
  private static final Map<String, BiConsumer<SlashCommandPayload, String>> FIELDS = Map.ofEntries(
      Map.entry("token", SlashCommandPayload::setToken),
      Map.entry("api_app_id", SlashCommandPayload::setApiAppId),
      Map.entry("team_id", SlashCommandPayload::setTeamId),
      Map.entry("team_domain", SlashCommandPayload::setTeamDomain),
      Map.entry("enterprise_id", SlashCommandPayload::setEnterpriseId),
      Map.entry("enterprise_name", SlashCommandPayload::setEnterpriseName),
      Map.entry("channel_id", SlashCommandPayload::setChannelId),
      Map.entry("channel_name", SlashCommandPayload::setChannelName),
      Map.entry("user_id", SlashCommandPayload::setUserId),
      Map.entry("user_name", SlashCommandPayload::setUserName),
      Map.entry("command", SlashCommandPayload::setCommand),
      Map.entry("text", SlashCommandPayload::setText),
      Map.entry("response_url", SlashCommandPayload::setResponseUrl),
      Map.entry("trigger_id", SlashCommandPayload::setTriggerId),
      Map.entry("is_enterprise_install",
          (p, v) -> p.setEnterpriseInstall(v.strip().toLowerCase(java.util.Locale.ROOT).equals("true"))));

  private SlashCommandForm() {}

  /**
   * The slash command in {@code form}, when the body is plainly one: a form (not JSON) with a
   * command and no interactivity {@code payload}. Otherwise empty, and Bolt's parser decides what
   * the body is.
   */
  static Optional<SlashCommandPayload> read(String body, MultiMap form) {
    if (form.isEmpty() || !present(form.get("command")) || form.contains("payload")) {
      return Optional.empty();
    }
    String trimmed = body.strip();
    if (trimmed.isEmpty() || trimmed.charAt(0) == '{' || trimmed.charAt(0) == '[') {
      return Optional.empty();
    }
    SlashCommandPayload p = new SlashCommandPayload();
    for (Map.Entry<String, String> field : form) {
      BiConsumer<SlashCommandPayload, String> set = FIELDS.get(field.getKey());
      // As Bolt's parser: an empty value is no value; a field given twice, the last one counts.
      if (set != null && present(field.getValue())) {
        set.accept(p, field.getValue());
      }
    }
    // Vert.x's form is case-insensitive, Bolt's field names are not: COMMAND=/gim is no slash
    // command to Bolt, so none here either (SlashCommandFormFuzzTest found the difference).
    return p.getCommand() == null ? Optional.empty() : Optional.of(p);
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }
}
