package io.gimops.bot.wiring;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import io.gimops.adapters.alerts.AlertWebhook;
import io.gimops.adapters.kafka.KafkaAlertSource;
import io.gimops.adapters.slack.SlackHttpServer;
import io.gimops.bot.alerts.AlertIntake;
import io.gimops.adapters.slack.SlackPoster;
import io.gimops.adapters.slack.SlackSignature;
import io.gimops.adapters.slack.SlackUserGroups;
import io.gimops.bot.audit.AuditRecord;
import io.gimops.bot.audit.AuditSink;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.slack.SlackFrontEnd;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The Slack side of the bot: a Bolt app with the conversation's handlers, served over HTTP on a
 * Vert.x router (when a signing secret is set) and over Socket Mode (when an app-level token is
 * set, so no public URL is needed), and the rate-limited poster for everything the bot says
 * unasked. Socket Mode is held by the leading replica only ({@link LeaderSocketMode}): the bot
 * calls {@link #leadershipChanged()} when its leadership changes.
 */
public final class SlackWiring implements AutoCloseable {

  private final App app;
  private final SlackPoster poster;
  private final SlackFrontEnd frontEnd;
  private final Optional<SlackHttpServer> http;
  private final Optional<LeaderSocketMode> socketMode;

  private final SlackUserGroups groups;

  private final Optional<AlertIntake> intake;
  private final Optional<KafkaAlertSource> fromKafka;

  private SlackWiring(App app, SlackPoster poster, SlackFrontEnd frontEnd, Optional<SlackHttpServer> http,
      Optional<LeaderSocketMode> socketMode, SlackUserGroups groups, Optional<AlertIntake> intake,
      Optional<KafkaAlertSource> fromKafka) {
    this.fromKafka = fromKafka;
    this.groups = groups;
    this.intake = intake;
    this.app = app;
    this.poster = poster;
    this.frontEnd = frontEnd;
    this.http = http;
    this.socketMode = socketMode;
  }

  static SlackWiring start(Vertx vertx, Orchestrator orchestrator, BotConfig.SlackSettings s,
      Optional<BotConfig.Alerts> alerts, Optional<BotConfig.Kafka> kafka, AuditSink audit, Clock clock,
      Optional<io.gimops.bot.signals.EventStream> events, java.util.function.BooleanSupplier leading) {
    SlackConfig slackConfig = new SlackConfig();
    slackConfig.setMethodsEndpointUrlPrefix(s.apiUrl());
    Slack slack = Slack.getInstance(slackConfig);
    // Token and secret are set here, never read by Bolt from the environment behind our back.
    io.gimops.adapters.slack.VerifiedApp app = new io.gimops.adapters.slack.VerifiedApp(AppConfig.builder().slack(slack).singleTeamBotToken(s.botToken())
        .signingSecret(s.signingSecret().isEmpty() ? "socket-mode-only" : s.signingSecret()).build());
    SlackPoster poster = new SlackPoster(slack.methods(s.botToken()), clock, SlackPoster.Limits.SLACK
        .withQueuedPerChannel(alerts.flatMap(BotConfig.Alerts::queuedPerChannel).orElse(SlackPoster.Limits.SLACK
            .queuedPerChannel())));
    SlackUserGroups groups = new SlackUserGroups(slack.methods(s.botToken()), java.time.Duration.ofMinutes(5));
    SlackFrontEnd frontEnd = new SlackFrontEnd(app, orchestrator, poster, s.notificationsChannel(), clock,
        groups::groupsOf, audit::record);
    Optional<SlackHttpServer> http = Optional.empty();
    Optional<LeaderSocketMode> socket = Optional.empty();
    Optional<AlertIntake> intake = Optional.empty();
    Optional<KafkaAlertSource> fromKafka = Optional.empty();
    try {
      if (!s.signingSecret().isEmpty() || alerts.isPresent()) {
        java.util.function.BiConsumer<io.vertx.ext.web.Router, io.gimops.adapters.http.HttpGuard> more = (r, g) -> { };
        if (alerts.isPresent()) {
          BotConfig.Alerts a = alerts.get();
          intake = Optional.of(new AlertIntake(orchestrator, poster, audit, clock, a.intakeSettings()));
          AlertIntake in = intake.get();
          int maxBody = a.maxBodyBytes().orElse(1024 * 1024);
          if (maxBody <= 0 || maxBody > s.http().concurrentBodyBytes()) {
            throw new IllegalArgumentException("alerts.maxBodyBytes must be positive and within"
                + " slack.maxConcurrentBodyBytes (" + s.http().concurrentBodyBytes() + "), not " + maxBody);
          }
          java.util.function.Consumer<AlertWebhook.Rejection> refused = rej -> audit.record(new AuditRecord(
              clock.instant(), "rejected", Optional.empty(), "", "", rej.remoteAddress(), "POST " + AlertWebhook.PATH,
              Integer.toString(rej.status()), Optional.empty(), List.of(), List.of(rej.reason())));
          more = (r, g) -> AlertWebhook.route(r, g, new AlertWebhook.Credentials(a.bearerToken(), a.basicUser(),
              a.basicPassword()), maxBody, in, refused);
          if (kafka.isPresent() && kafka.get().alertsTopic().isPresent()) {
            BotConfig.Kafka k = kafka.get();
            fromKafka = Optional.of(new KafkaAlertSource(k.connection(), k.alertsTopic().get(),
                k.alertsGroup().orElse("gimops-alerts"), maxBody, in, refused));
          }
        }
        boolean slackHttp = !s.signingSecret().isEmpty();
        http = Optional.of(SlackHttpServer.start(vertx, slackHttp ? app : null,
            slackHttp ? new SlackSignature(s.signingSecret(), clock) : null, s.host(),
            s.httpPort(), s.http(), s.maxBodyBytes(), SlackHttpServer.DEFAULT_WORKERS, r -> audit.record(new AuditRecord(clock.instant(), "rejected",
                Optional.empty(), "", "", r.remoteAddress(), "POST " + r.path(), Integer.toString(r.status()),
                Optional.empty(), List.of(), List.of(r.reason()))), more));
      }
      if (s.appToken().isPresent()) {
        LeaderSocketMode sm = new LeaderSocketMode(s.appToken().get(), app, leading);
        socket = Optional.of(sm);
        sm.followNow();
      }
    } catch (Exception e) {
      socket.ifPresent(LeaderSocketMode::close);
      fromKafka.ifPresent(KafkaAlertSource::close);
      http.ifPresent(SlackHttpServer::close);
      frontEnd.close();
      poster.close();
      groups.close();
      throw new IllegalStateException("cannot start the Slack front end: " + e.getMessage(), e);
    }
    return new SlackWiring(app, poster, frontEnd, http, socket, groups, intake, fromKafka);
  }

  /** The HTTP endpoint's port, when serving over HTTP. */
  public Optional<Integer> httpPort() {
    return http.map(SlackHttpServer::port);
  }

  /** Whether this replica holds an open Socket Mode connection. */
  public boolean socketModeConnected() {
    return socketMode.map(LeaderSocketMode::connected).orElse(false);
  }

  /**
   * The replica's leadership changed: in Socket Mode it connects when it leads and disconnects
   * when it does not (soon, on the Socket Mode thread; never blocks). Over HTTP nothing changes.
   */
  public void leadershipChanged() {
    socketMode.ifPresent(LeaderSocketMode::follow);
  }

  public SlackPoster poster() {
    return poster;
  }

  public App app() {
    return app;
  }

  /** The alert intake, when alerts are configured. */
  public Optional<AlertIntake> alertIntake() {
    return intake;
  }

  @Override
  public void close() {
    socketMode.ifPresent(LeaderSocketMode::close);
    fromKafka.ifPresent(KafkaAlertSource::close);
    http.ifPresent(SlackHttpServer::close);
    intake.ifPresent(AlertIntake::close);
    frontEnd.close();
    poster.close();
    groups.close();
  }
}
