package io.gimops.bot.alerts;

import io.gimops.adapters.alerts.AlertmanagerNotification;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.adapters.helm.ReleaseRevision;
import io.gimops.adapters.slack.Mrkdwn;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Alerts become messages in their environment's channel, on one thread of its own:
 *
 * <ol>
 *   <li>Every alert is audited when it first arrives and whenever its status changes; a
 *       notification Alertmanager repeats changes nothing (deduplicated by fingerprint and status).
 *   <li>Normally each group, as Alertmanager grouped them, gets one message, updated in place as it
 *       changes (a resolved alert updates the original message, it never posts a new one).
 *   <li>In an alert storm ({@link StormRule}: more new groups for a channel than its one post a
 *       second can show) the channel gets one storm summary instead, updated in place, with every
 *       group listed in its thread ({@link AlertStorm}); the group messages still waiting to be
 *       posted are withdrawn into it. When the storm ends, groups get their own message again.
 *   <li>When a firing alert concerns a service changed within {@code recentChange}, its message
 *       offers to roll it back, naming the revision to return to; in a storm too, at once, in a
 *       message of its own (once per storm for the same service and revision).
 *   <li>What is remembered is bounded ({@link AlertGroups}): resolved groups are forgotten after
 *       {@code retainResolved}, and beyond {@code maxGroups} the longest resolved go first.
 * </ol>
 *
 * <p>Everything an alert carries (names, labels, annotations) is escaped ({@link Mrkdwn}) before
 * it reaches a message: an alert cannot ping the channel, mention anyone or disguise a link.
 */
public final class AlertIntake implements Consumer<AlertmanagerNotification>, AutoCloseable {

  public static final String ROLLBACK_ACTION = "gimops.alert-rollback";
  private static final System.Logger LOG = System.getLogger(AlertIntake.class.getName());
  /** How long the summary's changes gather before they go to the poster (which coalesces them anyway). */
  private static final Duration SUMMARY_GATHER = Duration.ofMillis(200);

  /**
   * @param recentChange a service changed within this is offered a rollback when alerted on
   * @param retainResolved a group all of whose alerts resolved is forgotten this long after
   * @param maxGroups groups remembered at most (the longest resolved go first, then the oldest)
   * @param stormGroups with {@code stormWindow}: more new groups than this within it, and a channel storms
   */
  public record Settings(Duration recentChange, Duration retainResolved, int maxGroups, int stormGroups,
      Duration stormWindow) {
    public static final Settings DEFAULTS = new Settings(Duration.ofHours(2), Duration.ofHours(1), 2000, 5,
        Duration.ofSeconds(10));

    public Settings {
      if (maxGroups < 1 || stormGroups < 1 || retainResolved.isNegative() || stormWindow.isNegative() || stormWindow.isZero()) {
        throw new IllegalArgumentException("alerts: maxGroups and stormGroups must be at least 1, retainResolved"
            + " not negative and stormWindow positive");
      }
    }
  }

  private final Orchestrator orchestrator;
  private final SlackPoster poster;
  private final AuditSink audit;
  private final Clock clock;
  private final Settings settings;
  private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "alert-intake");
    t.setDaemon(true);
    return t;
  });
  private final AlertGroups<AlertGroup> groups;
  private final StormRule stormRule;
  /** The storm each storming channel is in. */
  private final Map<String, AlertStorm> storms = new HashMap<>();
  /** Storms still with something to send (the current ones, and ended ones finishing their thread). */
  private final Set<AlertStorm> open = new LinkedHashSet<>();

  public AlertIntake(Orchestrator orchestrator, SlackPoster poster, AuditSink audit, Clock clock, Duration recentChange) {
    this(orchestrator, poster, audit, clock, new Settings(recentChange, Settings.DEFAULTS.retainResolved(),
        Settings.DEFAULTS.maxGroups(), Settings.DEFAULTS.stormGroups(), Settings.DEFAULTS.stormWindow()));
  }

  public AlertIntake(Orchestrator orchestrator, SlackPoster poster, AuditSink audit, Clock clock, Settings settings) {
    this.orchestrator = orchestrator;
    this.poster = poster;
    this.audit = audit;
    this.clock = clock;
    this.settings = settings;
    this.groups = new AlertGroups<>(settings.maxGroups(), settings.retainResolved());
    this.stormRule = new StormRule(settings.stormGroups(), settings.stormWindow());
    thread.scheduleWithFixedDelay(() -> guarded(this::tick), 1, 1, TimeUnit.SECONDS);
  }

  /** Queues the notification; returns at once (the webhook answers Alertmanager meanwhile). */
  @Override
  public void accept(AlertmanagerNotification n) {
    thread.execute(() -> guarded(() -> handle(n)));
  }

  /** How many groups are remembered (for tests: bounded). */
  public int groupsRemembered() {
    try {
      return thread.submit(groups::size).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the alert intake did not answer: " + e.getMessage(), e);
    }
  }

  private void handle(AlertmanagerNotification n) {
    Instant now = clock.instant();
    String env = environmentOf(n);
    Optional<String> channel = orchestrator.access().of(env).flatMap(a -> a.channels().stream().sorted().findFirst());
    String key = n.groupKey().isEmpty() ? env + "/" + n.commonLabels() : n.groupKey();
    AlertGroup g = groups.get(key);
    boolean isNew = g == null;
    if (isNew) {
      g = new AlertGroup(key, env, channel.orElse(""), now);
      groups.add(key, g);
    }
    // Alertmanager repeats a group's alerts in every notification of the group: each alert is
    // audited when it first arrives and whenever its status changes, not at every repeat.
    boolean changed = false;
    boolean wasResolved = !isNew && g.resolved();
    for (AlertmanagerNotification.Alert a : n.alerts()) {
      AlertmanagerNotification.Alert before = g.alerts.put(a.fingerprint(), a);
      if (before == null || !before.status().equals(a.status())) {
        changed = true;
        audit.record(new AuditRecord(now, "alert", Optional.empty(), env, channel.orElse(""), "alertmanager",
            a.name() + " " + a.fingerprint(), a.status(), Optional.empty(), List.of("R9"),
            List.of(a.labels().toString(), a.annotations().getOrDefault("summary", ""))));
      }
    }
    groups.status(key, g.resolved(), now);
    forget(groups.sweep(now));
    if (!changed || g.channel.isEmpty()) {
      return;
    }
    if (isNew) {
      boolean storming = stormRule.newGroup(g.channel, now);
      if (storming && !storms.containsKey(g.channel)) {
        beginStorm(g.channel, now);
      } else if (!storming && storms.containsKey(g.channel)) {
        endStorm(g.channel, now);
      }
    }
    show(g, isNew || wasResolved != g.resolved());
  }

  /** Puts the group's new state where it is shown: its storm, its own message, or a new message. */
  private void show(AlertGroup g, boolean statusChanged) {
    if (g.storm != null) {
      if (statusChanged) {
        g.storm.changed(g);
      }
      g.storm.dirty = true;
      soon(g.storm);
      return;
    }
    List<ServiceKind> offered = offeredServices(g);
    if (g.message != null) {
      String text = summary(g);
      String blocks = blocks(g, offered);
      boolean last = g.resolved();
      g.message.thenAccept(ts -> poster.update(g.channel, ts, text, Optional.of(blocks), last,
          SlackPoster.Priority.LOW));
      return;
    }
    AlertStorm storm = storms.get(g.channel);
    if (storm != null) {
      // In a storm a rollback offer still gets its own message, once per service and revision.
      List<String> fresh = offered.stream().map(k -> offerKey(g.environment, k)).flatMap(Optional::stream)
          .filter(o -> !storm.offered.contains(o)).toList();
      if (fresh.isEmpty()) {
        storm.add(g);
        soon(storm);
        return;
      }
      storm.offered.addAll(fresh);
      storm.dirty = true;
      soon(storm);
    }
    postOwn(g, offered);
  }

  private void postOwn(AlertGroup g, List<ServiceKind> offered) {
    g.offersRollback = !offered.isEmpty();
    CompletableFuture<String> m = poster.post(g.channel, Optional.empty(), summary(g),
        Optional.of(blocks(g, offered)), g.offersRollback ? SlackPoster.Priority.NORMAL : SlackPoster.Priority.LOW);
    g.message = m;
    m.whenComplete((ts, err) -> {
      if (err != null && !(err instanceof CancellationException)) {
        later(() -> {
          if (g.message == m) {
            // Refused (the channel's queue was full) or failed: the group's next change posts again.
            g.message = null;
            LOG.log(System.Logger.Level.WARNING, "alert group " + g.key + " not posted to " + g.channel + ": "
                + err.getMessage() + "; it is in the audit trail, and its next change is posted again");
          }
        });
      }
    });
  }

  /**
   * A storm begins in the channel: its summary is posted (ahead of other alerts), and the group
   * messages still waiting for the channel are withdrawn and counted in it instead.
   */
  private void beginStorm(String channel, Instant now) {
    AlertStorm storm = new AlertStorm(channel, now, stormRule.describe());
    storms.put(channel, storm);
    open.add(storm);
    LOG.log(System.Logger.Level.INFO, "alert storm in " + channel + " (" + stormRule.describe()
        + "): one summary message instead of one message per group");
    postSummary(storm);
    for (AlertGroup g : groups.values()) {
      CompletableFuture<String> m = g.message;
      if (g.channel.equals(channel) && g.storm == null && m != null && !m.isDone() && !g.offersRollback) {
        poster.withdraw(m).thenAccept(withdrawn -> {
          if (withdrawn) {
            later(() -> {
              if (g.message == m) {
                g.message = null;
                show(g, true);
              }
            });
          }
        });
      }
    }
  }

  private void postSummary(AlertStorm storm) {
    storm.dirty = false;
    java.util.function.Supplier<SlackPoster.Content> render = () -> new SlackPoster.Content(storm.text(),
        Optional.of(storm.blocks()));
    SlackPoster.Content asked = render.get();
    // Rendered again when its turn comes (the posts ahead of it take seconds in a storm), on the
    // intake's thread, which alone reads the storm: so it counts every group that arrived meanwhile.
    CompletableFuture<String> m = poster.post(storm.channel, Optional.empty(), () -> {
      try {
        return thread.submit(render::get).get(250, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return asked;
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
        return asked;
      }
    }, SlackPoster.Priority.DIGEST);
    storm.summary = m;
    m.whenComplete((ts, err) -> later(() -> {
      if (err != null) {
        LOG.log(System.Logger.Level.WARNING, "the alert storm summary for " + storm.channel + " was not posted: "
            + err.getMessage() + "; trying again");
        storm.summary = null;
        return;
      }
      storm.summaryTs = ts;
      flush(storm);
    }));
  }

  /** The storm's changes go out shortly (gathered: a render counts every group). */
  private void soon(AlertStorm storm) {
    if (storm.summaryTs == null) {
      return;
    }
    if (!storm.dirty) {
      pump(storm);
      return;
    }
    open.add(storm);
    if (!storm.flushScheduled) {
      storm.flushScheduled = true;
      thread.schedule(() -> guarded(() -> flush(storm)), SUMMARY_GATHER.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void flush(AlertStorm storm) {
    storm.flushScheduled = false;
    if (storm.summaryTs == null) {
      return;
    }
    if (storm.dirty) {
      storm.dirty = false;
      poster.update(storm.channel, storm.summaryTs, storm.text(), Optional.of(storm.blocks()), false,
          SlackPoster.Priority.DIGEST);
    }
    pump(storm);
  }

  /**
   * One thread reply at a time, made when its turn comes: it takes everything that waited until
   * then (higher priorities may have held it for several post intervals).
   */
  private void pump(AlertStorm storm) {
    if (storm.summaryTs == null || storm.reply != null || !storm.hasWaitingLines()) {
      return;
    }
    AtomicReference<AlertStorm.Reply> made = new AtomicReference<>();
    CompletableFuture<String> m = poster.post(storm.channel, Optional.of(storm.summaryTs), () -> {
      AlertStorm.Reply r = storm.nextReply();
      made.set(r);
      return new SlackPoster.Content(r.text(), Optional.of(r.blocks()));
    }, SlackPoster.Priority.LOW);
    storm.reply = m;
    m.whenComplete((ts, err) -> later(() -> {
      storm.reply = null;
      if (err != null) {
        // The tick tries again: these lines go first.
        Optional.ofNullable(made.get()).ifPresent(storm::putBack);
        LOG.log(System.Logger.Level.WARNING, "an alert storm thread reply in " + storm.channel + " was not posted: "
            + err.getMessage() + "; trying again");
        return;
      }
      pump(storm);
    }));
  }

  /** Every second: storms that calmed end, what is due is forgotten, what failed is tried again. */
  private void tick() {
    Instant now = clock.instant();
    for (String channel : new ArrayList<>(storms.keySet())) {
      if (!stormRule.storming(channel, now)) {
        endStorm(channel, now);
      }
    }
    forget(groups.sweep(now));
    for (AlertStorm storm : new ArrayList<>(open)) {
      if (storm.summary == null) {
        postSummary(storm);
      } else {
        flush(storm);
      }
      if (storm.ended != null && !storm.dirty && storm.reply == null && !storm.hasWaitingLines()
          && storm.summaryTs != null) {
        open.remove(storm);
      }
    }
  }

  private void endStorm(String channel, Instant now) {
    AlertStorm storm = storms.remove(channel);
    storm.ended = now;
    storm.dirty = true;
    soon(storm);
    LOG.log(System.Logger.Level.INFO, "alert storm in " + channel + " over: " + storm.members.size()
        + " groups; one message per group again");
  }

  private void forget(List<AlertGroup> gone) {
    for (AlertGroup g : gone) {
      if (g.storm != null) {
        g.storm.forget(g);
      }
    }
  }

  private void later(Runnable r) {
    try {
      thread.execute(() -> guarded(r));
    } catch (RejectedExecutionException closed) {
      // closing: nothing more is shown
    }
  }

  private static void guarded(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "the alert intake hit an unexpected error; it keeps going", e);
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

  private static String summary(AlertGroup g) {
    long firing = g.firing();
    return (firing == 0 ? "RESOLVED: " : "FIRING (" + firing + "): ")
        + Mrkdwn.escape(String.join(", ", g.names().stream().map(AlertGroup::cut).toList())) + " in "
        + Mrkdwn.escape(g.environment);
  }

  private String blocks(AlertGroup g, List<ServiceKind> offered) {
    JsonArray blocks = new JsonArray();
    StringBuilder sb = new StringBuilder("*" + summary(g) + "*\n");
    for (AlertmanagerNotification.Alert a : g.alerts.values()) {
      sb.append(a.firing() ? ":red_circle: " : ":white_check_mark: ").append(Mrkdwn.escape(AlertGroup.cut(a.name())))
          .append(a.labels().containsKey("service") ? " (" + Mrkdwn.escape(AlertGroup.cut(a.labels().get("service"))) + ")"
              : "")
          .append(": ").append(Mrkdwn.escape(a.annotations().getOrDefault("summary",
              a.annotations().getOrDefault("description", ""))))
          .append(a.firing() ? "" : " (resolved)").append('\n');
    }
    blocks.add(section(sb.toString()));
    for (ServiceKind k : offered) {
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

  /** The firing services of the group that a rollback is offered for. */
  private List<ServiceKind> offeredServices(AlertGroup g) {
    return g.alerts.values().stream().filter(AlertmanagerNotification.Alert::firing)
        .map(a -> a.labels().getOrDefault("service", a.labels().getOrDefault("app", a.labels().getOrDefault("namespace", ""))))
        .map(ServiceKind::fromName).flatMap(Optional::stream).distinct()
        .filter(k -> rollbackOffer(g.environment, k).isPresent()).toList();
  }

  /** What a storm's summary says of an offer: the service and the revisions, once per storm. */
  private Optional<String> offerKey(String env, ServiceKind k) {
    return rollbackOffer(env, k).map(o -> k.id() + " in " + env + " to revision " + o.revision);
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
    if (cur.updated().isBefore(now.minus(settings.recentChange()))) {
      return Optional.empty();
    }
    // Versions come from the charts' metadata: someone else's words too.
    return h.revisions().stream().filter(r -> r.revision() < cur.revision())
        .filter(r -> r.status() == HelmStatus.DEPLOYED || r.status() == HelmStatus.SUPERSEDED)
        .reduce((a, b) -> b)
        .map(prev -> new Offer(k.id() + " changed " + Duration.between(cur.updated(), now).toMinutes() + " min ago"
            + " (revision " + cur.revision() + ", " + Mrkdwn.escape(cur.version().map(Object::toString).orElse("?"))
            + "): a likely cause. Roll back to revision " + prev.revision() + " ("
            + Mrkdwn.escape(prev.version().map(Object::toString).orElse("?")) + ")?", prev.revision()));
  }

  static JsonObject section(String text) {
    return new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text",
        text.length() > 2900 ? text.substring(0, 2900) + "…" : text));
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
