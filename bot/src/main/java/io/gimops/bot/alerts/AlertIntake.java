package io.gimops.bot.alerts;

import io.gimops.adapters.alerts.AlertmanagerNotification;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.adapters.helm.ReleaseRevision;
import io.gimops.adapters.slack.SlackPoster;
import io.gimops.bot.audit.AuditRecord;
import io.gimops.bot.audit.AuditSink;
import io.gimops.bot.orchestrator.EnvironmentRuntime;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.ServiceKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Alerts become messages in their environment's channel: one message per group, as Alertmanager
 * grouped them, updated in place as the group changes (a resolved alert updates the original
 * message, it never posts a new one). A notification repeated by Alertmanager changes nothing
 * (deduplicated by fingerprint and status). When a firing alert concerns a service changed within
 * {@code recentChange}, the message offers to roll it back, naming the revision to return to.
 * Every alert is audited when it arrives and when its status changes.
 */
public final class AlertIntake implements Consumer<AlertmanagerNotification>, AutoCloseable {

  public static final String ROLLBACK_ACTION = "gimops.alert-rollback";

  private final Orchestrator orchestrator;
  private final SlackPoster poster;
  private final AuditSink audit;
  private final Clock clock;
  private final Duration recentChange;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "alert-intake");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, Group> groups = new LinkedHashMap<>();

  private static final class Group {
    final String environment;
    final String channel;
    final Map<String, AlertmanagerNotification.Alert> alerts = new LinkedHashMap<>();
    CompletableFuture<String> message;

    Group(String environment, String channel) {
      this.environment = environment;
      this.channel = channel;
    }
  }

  public AlertIntake(Orchestrator orchestrator, SlackPoster poster, AuditSink audit, Clock clock, Duration recentChange) {
    this.orchestrator = orchestrator;
    this.poster = poster;
    this.audit = audit;
    this.clock = clock;
    this.recentChange = recentChange;
  }

  /** Queues the notification; returns at once (the webhook answers Alertmanager meanwhile). */
  @Override
  public void accept(AlertmanagerNotification n) {
    thread.execute(() -> handle(n));
  }

  private void handle(AlertmanagerNotification n) {
    String env = environmentOf(n);
    Optional<String> channel = orchestrator.access().of(env).flatMap(a -> a.channels().stream().sorted().findFirst());
    String key = n.groupKey().isEmpty() ? env + "/" + n.commonLabels() : n.groupKey();
    Group g = groups.computeIfAbsent(key, k -> new Group(env, channel.orElse("")));
    // Alertmanager repeats a group's alerts in every notification of the group: each alert is
    // audited when it first arrives and whenever its status changes, not at every repeat.
    boolean changed = false;
    for (AlertmanagerNotification.Alert a : n.alerts()) {
      AlertmanagerNotification.Alert before = g.alerts.put(a.fingerprint(), a);
      if (before == null || !before.status().equals(a.status())) {
        changed = true;
        audit.record(new AuditRecord(clock.instant(), "alert", Optional.empty(), env, channel.orElse(""), "alertmanager",
            a.name() + " " + a.fingerprint(), a.status(), Optional.empty(), List.of("R9"),
            List.of(a.labels().toString(), a.annotations().getOrDefault("summary", ""))));
      }
    }
    if (!changed || channel.isEmpty()) {
      return;
    }
    String text = summary(g);
    String blocks = blocks(g);
    if (g.message == null) {
      g.message = poster.post(g.channel, Optional.empty(), text, Optional.of(blocks));
    } else {
      boolean allResolved = g.alerts.values().stream().noneMatch(AlertmanagerNotification.Alert::firing);
      g.message.thenAccept(ts -> poster.update(g.channel, ts, text, Optional.of(blocks), allResolved));
    }
  }

  private String environmentOf(AlertmanagerNotification n) {
    for (String label : List.of("environment", "env")) {
      String v = n.commonLabels().get(label);
      if (v != null && orchestrator.environment(v).isPresent()) {
        return v;
      }
    }
    return orchestrator.environments().size() == 1 ? orchestrator.environments().iterator().next().name() : "";
  }

  private static String summary(Group g) {
    long firing = g.alerts.values().stream().filter(AlertmanagerNotification.Alert::firing).count();
    return (firing == 0 ? "RESOLVED: " : "FIRING (" + firing + "): ") + String.join(", ",
        g.alerts.values().stream().map(AlertmanagerNotification.Alert::name).distinct().toList()) + " in " + g.environment;
  }

  private String blocks(Group g) {
    JsonArray blocks = new JsonArray();
    StringBuilder sb = new StringBuilder("*" + summary(g) + "*\n");
    for (AlertmanagerNotification.Alert a : g.alerts.values()) {
      sb.append(a.firing() ? ":red_circle: " : ":white_check_mark: ").append(a.name())
          .append(a.labels().containsKey("service") ? " (" + a.labels().get("service") + ")" : "")
          .append(": ").append(a.annotations().getOrDefault("summary", a.annotations().getOrDefault("description", "")))
          .append(a.firing() ? "" : " (resolved)").append('\n');
    }
    blocks.add(section(sb.toString()));
    for (ServiceKind k : servicesFiring(g)) {
      rollbackOffer(g.environment, k).ifPresent(offer -> {
        blocks.add(section(offer.text));
        blocks.add(new JsonObject().put("type", "actions").put("elements", new JsonArray().add(new JsonObject()
            .put("type", "button").put("action_id", ROLLBACK_ACTION).put("style", "danger")
            .put("value", g.environment + "|" + k.id() + "|" + offer.revision)
            .put("text", new JsonObject().put("type", "plain_text").put("text", "Roll back " + k.id() + " to revision "
                + offer.revision)))));
      });
    }
    return blocks.encode();
  }

  private static List<ServiceKind> servicesFiring(Group g) {
    return g.alerts.values().stream().filter(AlertmanagerNotification.Alert::firing)
        .map(a -> a.labels().getOrDefault("service", a.labels().getOrDefault("app", a.labels().getOrDefault("namespace", ""))))
        .map(ServiceKind::fromName).flatMap(Optional::stream).distinct().toList();
  }

  private record Offer(String text, int revision) {}

  /** A rollback offer when the service changed recently and has a deployed revision to return to. */
  private Optional<Offer> rollbackOffer(String env, ServiceKind k) {
    Optional<EnvironmentRuntime> rt = orchestrator.environment(env);
    if (rt.isEmpty()) {
      return Optional.empty();
    }
    ReleaseHistory h = rt.get().observer().releases().get(k);
    if (h == null || h.current().isEmpty()) {
      return Optional.empty();
    }
    ReleaseRevision cur = h.current().get();
    Instant now = clock.instant();
    if (cur.updated().isBefore(now.minus(recentChange))) {
      return Optional.empty();
    }
    return h.revisions().stream().filter(r -> r.revision() < cur.revision())
        .filter(r -> r.status() == HelmStatus.DEPLOYED || r.status() == HelmStatus.SUPERSEDED)
        .reduce((a, b) -> b)
        .map(prev -> new Offer(k.id() + " changed " + Duration.between(cur.updated(), now).toMinutes() + " min ago"
            + " (revision " + cur.revision() + ", " + cur.version().map(Object::toString).orElse("?")
            + "): a likely cause. Roll back to revision " + prev.revision() + " ("
            + prev.version().map(Object::toString).orElse("?") + ")?", prev.revision()));
  }

  private static JsonObject section(String text) {
    return new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text",
        text.length() > 2900 ? text.substring(0, 2900) + "…" : text));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
