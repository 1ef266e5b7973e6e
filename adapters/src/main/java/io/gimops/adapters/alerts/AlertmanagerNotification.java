package io.gimops.adapters.alerts;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One notification of Alertmanager's webhook, version "4": a group of alerts as Alertmanager
 * grouped them ({@code groupKey}), each with its fingerprint.
 *
 * <p>Whatever the body holds, {@link #parse} returns a notification or throws {@link Invalid}
 * naming the key that is wrong ({@code alerts[2].labels}) and what was expected there: the body
 * comes from the network (the webhook, a Kafka topic), and the sender deserves a 400 that says
 * what to fix, never a 500 (AlertmanagerNotificationFuzzTest).
 */
public record AlertmanagerNotification(String version, String groupKey, String status, String receiver,
    Map<String, String> groupLabels, Map<String, String> commonLabels, String externalUrl, List<Alert> alerts) {

  /** One alert; {@code fingerprint} identifies it across notifications. */
  public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, Instant startsAt,
      Optional<Instant> endsAt, String fingerprint, String generatorUrl) {
    public boolean firing() {
      return "firing".equals(status);
    }

    public String name() {
      return labels.getOrDefault("alertname", "alert");
    }
  }

  /** A notification that cannot be read; the message says what is wrong, for a 400. */
  public static final class Invalid extends Exception {
    public Invalid(String message) {
      super(message, null, false, false);
    }
  }

  // Trailing text after the object is refused, as Vert.x's own decoder refused it.
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private static final String WHAT_IS_SENT = "Alertmanager posts a JSON object (webhook version 4)";

  public static AlertmanagerNotification parse(String body) throws Invalid {
    if (body == null || body.isBlank()) {
      throw new Invalid("the body is empty: " + WHAT_IS_SENT);
    }
    JsonNode j = json(body);
    if (!j.isObject()) {
      throw new Invalid("the body is " + kind(j) + ", not an object: " + WHAT_IS_SENT);
    }
    JsonNode v = j.path("version");
    String version = v.isTextual() || v.isNumber() ? v.asText() : "";
    if (!version.equals("4")) {
      throw new Invalid("webhook version '" + (v.isMissingNode() ? "" : v.isValueNode() ? v.asText() : kind(v))
          + "': gimops reads Alertmanager's webhook version 4");
    }
    JsonNode alerts = j.path("alerts");
    if (alerts.isMissingNode() || alerts.isNull() || (alerts.isArray() && alerts.isEmpty())) {
      throw new Invalid("the notification carries no alerts (key alerts)");
    }
    if (!alerts.isArray()) {
      throw new Invalid("alerts is " + kind(alerts) + ", not a list of alerts");
    }
    List<Alert> out = new ArrayList<>(alerts.size());
    for (int i = 0; i < alerts.size(); i++) {
      String at = "alerts[" + i + "]";
      JsonNode a = alerts.get(i);
      if (!a.isObject()) {
        throw new Invalid(at + " is " + kind(a) + ", not an alert object");
      }
      String fp = string(a, "fingerprint", at).orElse("");
      String status = string(a, "status", at).orElse("");
      if (fp.isBlank()) {
        throw new Invalid(at + ".fingerprint is missing or empty: each alert needs Alertmanager's fingerprint");
      }
      if (!("firing".equals(status) || "resolved".equals(status))) {
        throw new Invalid(at + ".status is '" + status + "': expected firing or resolved");
      }
      out.add(new Alert(status, strings(a, "labels", at), strings(a, "annotations", at),
          time(string(a, "startsAt", at)).orElse(Instant.EPOCH), time(string(a, "endsAt", at)), fp,
          string(a, "generatorURL", at).orElse("")));
    }
    return new AlertmanagerNotification(version, string(j, "groupKey", "").orElse(""),
        string(j, "status", "").orElse(""), string(j, "receiver", "").orElse(""), strings(j, "groupLabels", ""),
        strings(j, "commonLabels", ""), string(j, "externalURL", "").orElse(""), out);
  }

  private static JsonNode json(String body) throws Invalid {
    try {
      JsonNode j = JSON.readTree(body);
      if (j == null || j.isMissingNode()) {
        throw new Invalid("the body is empty: " + WHAT_IS_SENT);
      }
      return j;
    } catch (StreamConstraintsException e) {
      throw new Invalid("the body is nested or sized beyond any Alertmanager notification (" + where(e) + ")");
    } catch (JsonProcessingException e) {
      throw new Invalid("the body is not valid JSON (" + where(e) + "): " + WHAT_IS_SENT);
    }
  }

  private static String where(JsonProcessingException e) {
    JsonLocation l = e.getLocation();
    return l == null ? "at an unknown place" : "line " + l.getLineNr() + ", column " + l.getColumnNr();
  }

  /** A string field; absent or null is empty, anything but a string is refused. */
  private static Optional<String> string(JsonNode o, String key, String at) throws Invalid {
    JsonNode v = o.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return Optional.empty();
    }
    if (!v.isTextual()) {
      throw new Invalid(path(at, key) + " is " + kind(v) + ", not a string");
    }
    return Optional.of(v.textValue());
  }

  /** Labels or annotations: an object of names to strings (numbers and booleans read as text). */
  private static Map<String, String> strings(JsonNode o, String key, String at) throws Invalid {
    JsonNode v = o.path(key);
    Map<String, String> m = new TreeMap<>();
    if (v.isMissingNode() || v.isNull()) {
      return m;
    }
    if (!v.isObject()) {
      throw new Invalid(path(at, key) + " is " + kind(v) + ", not an object of names to values");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode x = e.getValue();
      if (!(x.isTextual() || x.isNumber() || x.isBoolean())) {
        throw new Invalid(path(at, key) + "." + e.getKey() + " is " + kind(x) + ", not a string");
      }
      m.put(e.getKey(), x.asText());
    }
    return m;
  }

  private static String path(String at, String key) {
    return at.isEmpty() ? key : at + "." + key;
  }

  /** What a JSON value is, in JSON's words. */
  private static String kind(JsonNode v) {
    return switch (v.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "not a JSON value";
    };
  }

  private static Optional<Instant> time(Optional<String> text) {
    String s = text.orElse("");
    if (s.isBlank() || s.startsWith("0001-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(s));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
