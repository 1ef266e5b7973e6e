package io.gimops.adapters.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.Gson;
import com.slack.api.app_backend.slash_commands.payload.SlashCommandPayload;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.util.SlackRequestParser;
import com.slack.api.util.json.GsonFactory;
import io.gimops.adapters.testing.FuzzChecks;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the slash-command form reader with any body. The form is decoded as Vert.x decodes it
 * (Netty's {@code HttpPostRequestDecoder}, UTF-8, into a case-insensitive {@code MultiMap}); a
 * body Netty refuses never reaches the reader and is skipped. Properties: {@link
 * SlashCommandForm#read} never throws; what it reads as a slash command has a command; and for a
 * body as Slack encodes it (every value percent-encoded) the payload is, field for field, the one
 * Bolt's own {@code SlackRequestParser} makes of the same body. Corpus:
 * {@code SlashCommandFormFuzzTestInputs/read}.
 */
class SlashCommandFormFuzzTest {

  static final SlackRequestParser BOLT = new SlackRequestParser(
      AppConfig.builder().singleTeamBotToken("xoxb-fuzz").signingSecret("fuzz").build());
  static final Gson GSON = GsonFactory.createSnakeCase();

  @FuzzTest(maxDuration = "5s")
  void read(byte[] input) {
    String body = new String(input, StandardCharsets.UTF_8);
    Optional<List<Map.Entry<String, String>>> decoded = decode(input);
    if (decoded.isEmpty()) {
      return;
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    decoded.get().forEach(e -> form.add(e.getKey(), e.getValue()));

    Optional<SlashCommandPayload> ours = SlashCommandForm.read(body, form);

    if (ours.isEmpty()) {
      return;
    }
    assertThat(ours.get().getCommand()).as("a slash command read from %s has a command", body).isNotNull();
    if (body.equals(slackEncoded(decoded.get()))) {
      var theirs = BOLT.parse(SlackRequestParser.HttpRequest.builder().requestUri("/slack/events")
          .queryString(Map.of()).headers(new RequestHeaders(Map.of("content-type",
              List.of("application/x-www-form-urlencoded")))).requestBody(body).remoteAddress("127.0.0.1").build());
      assertThat(theirs).as("Bolt reads %s as a slash command too", body).isInstanceOf(SlashCommandRequest.class);
      assertThat(GSON.toJson(ours.get())).as(body)
          .isEqualTo(GSON.toJson(((SlashCommandRequest) theirs).getPayload()));
    }
  }

  @Test
  void aBodyAtTheLimitIsReadInLinearTime() {
    StringBuilder b = new StringBuilder("command=%2Fgim&text=");
    while (b.length() < 64 * 1024 - 8) {
      b.append("status+");
    }
    String body = b.toString();
    List<Map.Entry<String, String>> decoded = decode(body.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    decoded.forEach(e -> form.add(e.getKey(), e.getValue()));
    FuzzChecks.fastestOfFive("reading a 64 KiB slash command", 50, () -> SlashCommandForm.read(body, form));
  }

  /** The fields as Vert.x would hand them over, or empty when Netty refuses the body. */
  static Optional<List<Map.Entry<String, String>>> decode(byte[] body) {
    FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/slack/events",
        Unpooled.wrappedBuffer(body));
    request.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded");
    HttpPostRequestDecoder decoder;
    try {
      // Vert.x's defaults: at most 256 fields, 1024 bytes buffered.
      decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), request, StandardCharsets.UTF_8, 256,
          1024);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    try {
      List<Map.Entry<String, String>> out = new ArrayList<>();
      for (InterfaceHttpData d : decoder.getBodyHttpDatas()) {
        if (d instanceof Attribute a) {
          out.add(Map.entry(a.getName(), a.getValue()));
        }
      }
      return Optional.of(out);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    } finally {
      decoder.destroy();
      request.release();
    }
  }

  /** The body as Slack sends these fields: names and values form-encoded, joined by {@code &}. */
  static String slackEncoded(List<Map.Entry<String, String>> fields) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, String> f : fields) {
      if (b.length() > 0) {
        b.append('&');
      }
      b.append(URLEncoder.encode(f.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(f.getValue(), StandardCharsets.UTF_8));
    }
    return b.toString();
  }
}
