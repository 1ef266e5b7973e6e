package io.gimops.adapters.alerts;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One notification of Alertmanager's webhook, version "4": a group of alerts as Alertmanager
 * grouped them ({@code groupKey}), each with its fingerprint.
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

  public static AlertmanagerNotification parse(String body) throws Invalid {
    JsonObject j;
    try {
      j = new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw new Invalid("the body is not a JSON object: " + e.getMessage());
    }
    String version = j.getValue("version") == null ? "" : String.valueOf(j.getValue("version"));
    if (!version.equals("4")) {
      throw new Invalid("webhook version '" + version + "': gimops reads Alertmanager's webhook version 4");
    }
    JsonArray alerts = j.getJsonArray("alerts");
    if (alerts == null || alerts.isEmpty()) {
      throw new Invalid("the notification carries no alerts");
    }
    List<Alert> out = new ArrayList<>();
    for (int i = 0; i < alerts.size(); i++) {
      JsonObject a = alerts.getJsonObject(i);
      String fp = a.getString("fingerprint");
      String status = a.getString("status");
      if (fp == null || fp.isBlank() || !("firing".equals(status) || "resolved".equals(status))) {
        throw new Invalid("alert " + i + " has no fingerprint, or a status other than firing or resolved");
      }
      out.add(new Alert(status, strings(a.getJsonObject("labels")), strings(a.getJsonObject("annotations")),
          time(a.getString("startsAt")).orElse(Instant.EPOCH), time(a.getString("endsAt")), fp,
          a.getString("generatorURL", "")));
    }
    return new AlertmanagerNotification(version, j.getString("groupKey", ""), j.getString("status", ""),
        j.getString("receiver", ""), strings(j.getJsonObject("groupLabels")), strings(j.getJsonObject("commonLabels")),
        j.getString("externalURL", ""), out);
  }

  private static Map<String, String> strings(JsonObject o) {
    Map<String, String> m = new TreeMap<>();
    if (o != null) {
      o.forEach(e -> m.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return m;
  }

  private static Optional<Instant> time(String s) {
    if (s == null || s.isBlank() || s.startsWith("0001-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.parse(s));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
