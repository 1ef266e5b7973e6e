package io.gimops.bot.alerts;

import io.gimops.adapters.alerts.AlertmanagerNotification.Alert;
import io.gimops.adapters.slack.Mrkdwn;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One Alertmanager group as the bot keeps it: its alerts by fingerprint, and where it is shown,
 * either its own message or an alert storm's summary. Read and changed on the intake's thread only.
 */
final class AlertGroup {

  final String key;
  final String environment;
  final String channel;
  final Instant arrived;
  final Map<String, Alert> alerts = new LinkedHashMap<>();
  /** Its own message, once asked for (empty while it is shown in a storm instead). */
  CompletableFuture<String> message;
  /** Whether its own message offers a rollback (it is never withdrawn into a storm then). */
  boolean offersRollback;
  /** The storm whose summary shows it, if any. */
  AlertStorm storm;

  AlertGroup(String key, String environment, String channel, Instant arrived) {
    this.key = key;
    this.environment = environment;
    this.channel = channel;
    this.arrived = arrived;
  }

  long firing() {
    return alerts.values().stream().filter(Alert::firing).count();
  }

  boolean resolved() {
    return firing() == 0;
  }

  List<String> names() {
    return alerts.values().stream().map(Alert::name).distinct().toList();
  }

  /** The service its alerts name (label service, app or namespace), or "" when none does. */
  String service() {
    return firstLabel("service", "app", "namespace");
  }

  /** Its alerts' severity label, or "" when they have none. */
  String severity() {
    return firstLabel("severity");
  }

  private String firstLabel(String... labels) {
    for (Alert a : alerts.values()) {
      for (String l : labels) {
        String v = a.labels().get(l);
        if (v != null && !v.isBlank()) {
          return v;
        }
      }
    }
    return "";
  }

  /**
   * The group in one line of mrkdwn, every stranger's word escaped: status, alert names,
   * service and severity, how many fire, the first alert's summary.
   */
  String line() {
    long firing = firing();
    List<String> names = names().stream().map(AlertGroup::cut).toList();
    StringBuilder sb = new StringBuilder(firing == 0 ? ":white_check_mark: " : ":red_circle: ")
        .append('*').append(Mrkdwn.escape(String.join(", ", names.size() > 3 ? names.subList(0, 3) : names)))
        .append(names.size() > 3 ? ", …" : "").append('*');
    String service = service();
    String severity = severity();
    if (!service.isEmpty() || !severity.isEmpty()) {
      sb.append(" (").append(Mrkdwn.escape(service.isEmpty() ? cut(severity)
          : severity.isEmpty() ? cut(service) : cut(service) + ", " + cut(severity))).append(')');
    }
    sb.append(firing == 0 ? ": resolved" : ": " + firing + " of " + alerts.size() + " firing");
    String summary = alerts.values().stream().map(a -> a.annotations().getOrDefault("summary",
        a.annotations().getOrDefault("description", ""))).filter(s -> !s.isBlank()).findFirst().orElse("");
    if (!summary.isEmpty()) {
      sb.append(" — ").append(Mrkdwn.escape(summary.length() > 100 ? summary.substring(0, 100) + "…" : summary));
    }
    return sb.toString();
  }

  /** Label values are anyone's and of any length. */
  static String cut(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
