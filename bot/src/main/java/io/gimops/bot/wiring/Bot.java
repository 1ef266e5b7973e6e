package io.gimops.bot.wiring;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gimops.adapters.helm.HelmConfig;
import io.gimops.adapters.helm.HelmExecutor;
import io.gimops.adapters.helm.HelmReleases;
import io.gimops.adapters.kube.ClusterActions;
import io.gimops.adapters.kube.ClusterObserver;
import io.gimops.adapters.kube.MetricsSource;
import io.gimops.bot.audit.AuditSink;
import io.gimops.bot.audit.JsonLinesAudit;
import io.gimops.bot.journal.ConfigMapJournal;
import io.gimops.adapters.state.Leadership;
import io.gimops.bot.orchestrator.EnvironmentRuntime;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.orchestrator.ThirdPartyProbe;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.adapters.kafka.KafkaEventStream;
import io.gimops.adapters.kafka.KafkaInspector;
import io.gimops.bot.signals.EventStream;
import io.gimops.bot.signals.KafkaBacklog;
import io.gimops.bot.signals.ThirdPartyChecks;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The bot assembled from its configuration: Vert.x, one fabric8 client, observer, helm executor
 * and cluster actions per environment, the journal and the locks in the bot's namespace, the
 * audit trail, leader election, and the orchestrator. {@link #start} returns once the bot is
 * ready: its observers have synced and it knows whether it leads.
 */
public final class Bot implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(Bot.class.getName());

  private final BotConfig config;
  private final Vertx vertx;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Orchestrator orchestrator;
  private final Leadership leadership;
  private final Duration startup;
  private AuditSink audit;
  private Optional<EventStream> events = Optional.empty();
  private volatile Optional<SlackWiring> slack = Optional.empty();
  private final StringBuilder phases = new StringBuilder();
  private final BotMetrics metrics = new BotMetrics();
  private final ManagementServer management;
  // What /readyz says, set as start goes on (the management port answers from the start).
  private final java.util.concurrent.atomic.AtomicBoolean synced = new java.util.concurrent.atomic.AtomicBoolean();
  private final java.util.concurrent.atomic.AtomicReference<Leadership> elected =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }

  private Bot(BotConfig config, Path work, Clock clock, Optional<OutputStream> auditOut, Map<String, String> variables) {
    long t0 = System.nanoTime();
    // A context missing from the kubeconfig is said now, with its key, not as a connection failure later.
    ConfigCheck.beforeStart(config, variables);
    this.config = config;
    // Small: the bot's work is waiting on helm and the API server, not computing. One event loop
    // per core: Slack's requests are read on them, and buttons answered (SlackHttpServer.LOOPS).
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(io.gimops.adapters.slack.SlackHttpServer.LOOPS)
        .setWorkerPoolSize(4)
        .setInternalBlockingPoolSize(2));
    try {
      this.management = management(config);
      this.audit = audit(config, auditOut);
      java.util.concurrent.atomic.AtomicReference<Orchestrator> late = new java.util.concurrent.atomic.AtomicReference<>();
      if (config.kafka().isPresent() && config.kafka().get().eventsTopic().isPresent()) {
        BotConfig.Kafka k = config.kafka().get();
        int capacity = k.bufferCapacity().orElse(10_000);
        EventStream events = new EventStream(this.audit, new KafkaEventStream(k.connection(), k.eventsTopic().get(),
            capacity, new KafkaEventStream.Overflow() {
              @Override
              public void full(long lostSoFar, int cap) {
                Optional.ofNullable(late.get()).ifPresent(o -> o.notice("", "The Kafka audit stream's buffer is full ("
                    + cap + " records waiting for " + k.eventsTopic().get() + "): records are being lost from the stream"
                    + " until Kafka takes them again. The local audit trail still has every record."));
              }

              @Override
              public void recovered(long lostWhileFull) {
                Optional.ofNullable(late.get()).ifPresent(o -> o.notice("", "The Kafka audit stream is flowing again; "
                    + lostWhileFull + " records were lost from the stream while its buffer was full (they are in the"
                    + " local audit trail)."));
              }
            }));
        resources.add(events);
        metrics.events(events);
        this.events = Optional.of(events);
        this.audit = events;
      }
      KubernetesClient home = client(config, Optional.empty());
      resources.add(home);
      Orchestrator.Builder b = Orchestrator.builder(vertx)
          .policy(config.policySettings())
          .catalog(config.releaseCatalog())
          .access(config.accessPolicy())
          .settings(config.orchestratorSettings())
          .clock(clock)
          .replica(config.replicaName())
          .journal(new ConfigMapJournal(home, config.botNamespace()))
          .locks(new LeaseLocks(home, config.botNamespace(), clock))
          .audit(audit);
      List<ClusterObserver> observers = new ArrayList<>();
      for (Environment env : config.environmentModels()) {
        KubernetesClient client = client(config, Optional.of(env.kubeContext()).filter(c -> !c.isBlank()));
        resources.add(client);
        BotConfig.Env envConfig = config.environments().stream().filter(e -> e.name().equals(env.name())).findFirst()
            .orElseThrow();
        SignalsConfig signals = envConfig.signalsOrDefaults();
        Optional<MetricsSource> metrics = metrics(config, client, env, clock, signals);
        Map<ThirdParty, java.util.function.Supplier<ThirdPartyState>> checks = new java.util.EnumMap<>(ThirdParty.class);
        if (envConfig.kafka().isPresent()) {
          BotConfig.EnvKafka ek = envConfig.kafka().get();
          KafkaInspector inspector = new KafkaInspector(ek.connection(), clock);
          resources.add(inspector);
          checks.put(ThirdParty.KAFKA, inspector::reachability);
          if (ek.gimConsumerGroup().isPresent()) {
            KafkaBacklog backlog = new KafkaBacklog(metrics, inspector, ek.gimConsumerGroup().get(), clock,
                config.metricsInterval().map(BotConfig::duration).orElse(Duration.ofSeconds(15)),
                config.policySettings().backlog().window());
            resources.add(backlog);
            metrics = Optional.of(backlog);
          }
        }
        io.gimops.bot.orchestrator.InfoMartEvidence infoMart = io.gimops.bot.orchestrator.InfoMartEvidence.NONE;
        if (envConfig.postgres().isPresent()) {
          checks.put(ThirdParty.POSTGRESQL, envConfig.postgres().get().check(variables)::check);
          infoMart = envConfig.postgres().get().etlHistory(variables)::read;
        }
        Map<ServiceKind, io.gimops.adapters.kube.PodSelector> selectors = signals.podSelectors(env);
        ClusterObserver.Builder ob = ClusterObserver.builder(client, env).clock(clock).podSelectors(selectors);
        metrics.ifPresent(ob::metrics);
        ClusterObserver observer = ob.start();
        resources.add(observer);
        observers.add(observer);
        HelmExecutor helm = new HelmExecutor(helmConfig(config, env, work));
        resources.add(helm);
        ThirdPartyProbe thirdParty;
        List<ThirdPartyState> asserted = config.assertedThirdParty();
        if (!checks.isEmpty()) {
          ThirdPartyChecks probe = new ThirdPartyChecks(env.name(), checks, config.thirdPartyEvery());
          resources.add(probe);
          // What is checked is reported as checked; the asserted versions stand for the rest.
          List<ThirdPartyState> unchecked = asserted.stream().filter(t -> !checks.containsKey(t.dependency())).toList();
          thirdParty = unchecked.isEmpty() ? probe : () -> {
            List<ThirdPartyState> all = new ArrayList<>(probe.states());
            all.addAll(unchecked);
            return all;
          };
        } else {
          thirdParty = asserted.isEmpty() ? ThirdPartyProbe.NONE : () -> asserted;
        }
        b.environment(new EnvironmentRuntime(env, observer, helm, new ClusterActions(client, env, selectors),
            new HelmReleases(client), thirdParty, infoMart));
      }
      phases.append("wired ").append(ms(t0)).append(" ms");
      for (ClusterObserver o : observers) {
        if (!o.awaitHealthy(Duration.ofSeconds(30))) {
          throw new IllegalStateException("cannot see environment " + o.environment().name() + ": "
              + o.unhealthyReason().orElse("its watches did not start") + ". Check the kubeconfig and context.");
        }
      }
      phases.append(", observers synced ").append(ms(t0)).append(" ms");
      synced.set(true);
      this.orchestrator = b.build();
      resources.add(0, orchestrator);
      metrics.follow(orchestrator);
      metrics.leadership(orchestrator::isLeading);
      late.set(orchestrator);
      events.ifPresent(e -> e.follow(orchestrator));
      this.leadership = Leadership.start(home, config.botNamespace(), "gimops-leader", config.replicaName(),
          Leadership.Timing.DEFAULTS, new Leadership.Listener() {
            @Override
            public void onStartedLeading() {
              orchestrator.lead().onFailure(e -> LOG.log(System.Logger.Level.ERROR, "cannot take the lead", e))
                  .onComplete(r -> Bot.this.slack.ifPresent(SlackWiring::leadershipChanged));
            }

            @Override
            public void onStoppedLeading() {
              orchestrator.standDown();
              Bot.this.slack.ifPresent(SlackWiring::leadershipChanged);
            }

            @Override
            public void onNewLeader(String identity) {
              if (identity != null) {
                LOG.log(System.Logger.Level.INFO, "the leader is now {0}", identity);
              }
            }
          });
      resources.add(1, leadership);
      elected.set(leadership);
      Optional<BotConfig.SlackSettings> slack = config.slackSettings(variables);
      if (slack.isPresent()) {
        this.slack = Optional.of(SlackWiring.start(vertx, orchestrator, slack.get(), config.alerts(), config.kafka(),
            audit, clock, events, orchestrator::isLeading));
        resources.add(0, this.slack.get());
        metrics.slack(this.slack.get().poster());
        // The lead may have been taken while Slack was starting, before the callbacks could see it.
        this.slack.get().leadershipChanged();
      } else {
        this.slack = Optional.empty();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly();
      throw new IllegalStateException("interrupted while starting", e);
    } catch (RuntimeException e) {
      closeQuietly();
      throw e;
    }
    this.startup = Duration.ofNanos(System.nanoTime() - t0);
    LOG.log(System.Logger.Level.INFO, "bot started in {0} ms ({1})", startup.toMillis(), phases);
  }

  /**
   * Starts the bot.
   *
   * @param work a directory for helm's caches
   * @param auditOut where the audit trail goes when the configuration names no file (stdout)
   */
  public static Bot start(BotConfig config, Path work, Clock clock, Optional<OutputStream> auditOut) {
    return new Bot(config, work, clock, auditOut, System.getenv());
  }

  /** As {@link #start(BotConfig, Path, Clock, Optional)}, with the Slack variables taken from {@code env}. */
  public static Bot start(BotConfig config, Path work, Clock clock, Optional<OutputStream> auditOut,
      Map<String, String> env) {
    return new Bot(config, work, clock, auditOut, env);
  }

  /**
   * The management port ({@code management.host}, {@code management.port}), started first so that
   * {@code /readyz} says 503 while the observers sync and the election runs.
   */
  private ManagementServer management(BotConfig config) {
    BotConfig.Management m = config.managementOrDefaults();
    Optional<String> token = m.metricsBearerTokenFile()
        .map(f -> SecretFiles.read(f, "management.metricsBearerTokenFile"));
    Map<String, ManagementServer.Check> ready = new java.util.LinkedHashMap<>();
    // Bot.start runs only on a configuration ConfigReader found valid.
    ready.put("configuration", Optional::empty);
    ready.put("observers", () -> synced.get() ? Optional.empty()
        : Optional.of("the environments' watches have not synced yet"));
    ready.put("leadership", () -> Optional.ofNullable(elected.get())
        .filter(l -> orchestrator != null && (orchestrator.isLeading() || l.leader().isPresent()))
        .map(l -> Optional.<String>empty()).orElse(Optional.of("not known yet who leads")));
    ready.put("stopping", () -> stopping.get() ? Optional.of("shutting down") : Optional.empty());
    ManagementServer s = ManagementServer.start(vertx, m.hostOrDefault(), m.portOrDefault(),
        io.gimops.adapters.slack.SlackHttpServer.LOOPS, ready, metrics.registry(), token);
    resources.add(s);
    resources.add(metrics);
    return s;
  }

  /** The management port's actual port (useful when configured as 0). */
  public int managementPort() {
    return management.port();
  }

  /** The audit and event stream to Kafka, when configured. */
  public Optional<EventStream> events() {
    return events;
  }

  /** The Slack front end, when a bot token is configured. */
  public Optional<SlackWiring> slack() {
    return slack;
  }

  public Orchestrator orchestrator() {
    return orchestrator;
  }

  public Vertx vertx() {
    return vertx;
  }

  public BotConfig config() {
    return config;
  }

  public boolean isLeading() {
    return orchestrator.isLeading();
  }

  /** The replica that leads, as last heard (this one or another). */
  public Optional<String> leader() {
    return leadership.leader();
  }

  /** Waits until this replica knows who leads (itself or another), at most {@code timeout}. */
  public boolean awaitElection(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isLeading() && leader().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return isLeading() || leader().isPresent();
  }

  /** How long {@link #start} took. */
  public Duration startup() {
    return startup;
  }

  /** A crash, for tests of failover: stop renewing leadership without handing it over. */
  public void abandonLeadership() {
    leadership.abandon();
    orchestrator.standDown();
  }

  private static KubernetesClient client(BotConfig config, Optional<String> context) {
    Config c;
    if (config.kubeconfig().isPresent()) {
      Path file = Path.of(config.kubeconfig().get());
      try {
        c = Config.fromKubeconfig(context.orElse(null), Files.readString(file), file.toString());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read kubeconfig " + file + ": " + e.getMessage(), e);
      }
    } else {
      c = Config.autoConfigure(context.orElse(null));
    }
    return new KubernetesClientBuilder().withConfig(c).build();
  }

  private static HelmConfig helmConfig(BotConfig config, Environment env, Path work) {
    BotConfig.Helm h = config.helm();
    return new HelmConfig(Path.of(h.binary()), config.kubeconfig().map(Path::of),
        Optional.of(env.kubeContext()).filter(c -> !c.isBlank()), Path.of(h.charts()),
        Path.of(h.values().orElse(h.charts())), h.killMargin().map(BotConfig::duration).orElse(Duration.ofSeconds(30)),
        h.extraUpgradeArgs().orElse(List.of()), helmHomes(h.home().map(Path::of).orElse(work)));
  }

  /** Helm's cache, config and data directories under {@code work}. */
  public static java.util.Map<String, String> helmHomes(Path work) {
    return java.util.Map.of("HELM_CACHE_HOME", work.resolve("helm/cache").toString(),
        "HELM_CONFIG_HOME", work.resolve("helm/config").toString(),
        "HELM_DATA_HOME", work.resolve("helm/data").toString());
  }

  private Optional<MetricsSource> metrics(BotConfig config, KubernetesClient client, Environment env, Clock clock,
      SignalsConfig signals) {
    if (config.metrics().isEmpty()) {
      return Optional.empty();
    }
    if (config.metrics().get().equals("prometheus")) {
      String url = config.prometheusUrl().orElseThrow(() -> new IllegalArgumentException(
          "metrics: prometheus needs prometheusUrl, e.g. http://prometheus.monitoring:9090/"));
      Duration every = config.metricsInterval().map(BotConfig::duration).orElse(Duration.ofSeconds(15));
      io.gimops.adapters.metrics.PrometheusMetrics m = new io.gimops.adapters.metrics.PrometheusMetrics(vertx,
          new io.gimops.adapters.metrics.PrometheusClient(vertx, java.net.URI.create(url.endsWith("/") ? url : url + "/"),
              Duration.ofSeconds(5), 2),
          signals.queries(env), clock, every,
          config.policySettings().backlog().window());
      resources.add(m);
      return Optional.of(m);
    }
    // Any other source (the sandbox's "simulated") comes from a provider on the classpath; the
    // shipped artifact has none, so there it is refused as unknown.
    for (io.gimops.adapters.kube.MetricsSourceProvider p
        : java.util.ServiceLoader.load(io.gimops.adapters.kube.MetricsSourceProvider.class)) {
      if (p.name().equals(config.metrics().get())) {
        Set<String> namespaces = new HashSet<>();
        for (ServiceKind k : ServiceKind.values()) {
          env.service(k).map(ServiceSpec::namespace).ifPresent(namespaces::add);
        }
        MetricsSource m = p.start(client, namespaces, clock,
            config.metricsInterval().map(BotConfig::duration).orElse(Duration.ofSeconds(1)));
        if (m instanceof AutoCloseable c) {
          resources.add(c);
        }
        return Optional.of(m);
      }
    }
    throw new IllegalArgumentException("metrics: '" + config.metrics().get() + "' is not known: use prometheus"
        + " (with prometheusUrl); simulated exists only in the sandbox");
  }

  /**
   * The audit trail: {@code audit: stdout} (the default, where a container's logs are collected),
   * {@code stderr}, or a file appended to. {@code fallback} replaces stdout when no key is given.
   */
  private static AuditSink audit(BotConfig config, Optional<OutputStream> fallback) {
    if (config.audit().filter(a -> a.equals("stdout")).isPresent()) {
      return new JsonLinesAudit(new java.io.FileOutputStream(java.io.FileDescriptor.out));
    }
    if (config.audit().filter(a -> a.equals("stderr")).isPresent()) {
      return new JsonLinesAudit(new java.io.FileOutputStream(java.io.FileDescriptor.err));
    }
    if (config.audit().isPresent()) {
      Path file = Path.of(config.audit().get());
      try {
        if (file.getParent() != null) {
          Files.createDirectories(file.getParent());
        }
        return new JsonLinesAudit(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open the audit trail " + file + ": " + e.getMessage(), e);
      }
    }
    return new JsonLinesAudit(fallback.orElse(System.out));
  }

  private void closeQuietly() {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
      }
    }
    vertx.close();
  }

  /**
   * Graceful stop: start nothing more, let a running helm call finish (up to {@code drain}), hand
   * leadership over so a standby resumes at once from the journal, then close.
   */
  public void stop(Duration drain) {
    stopping.set(true);
    LOG.log(System.Logger.Level.INFO, "stopping: nothing new starts; running operations have {0} s",
        drain.toSeconds());
    try {
      if (!orchestrator.drain(drain)) {
        LOG.log(System.Logger.Level.WARNING, "operations still running after " + drain.toSeconds()
            + " s; helm is stopped and records its release failed");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly();
    LOG.log(System.Logger.Level.INFO, "stopped (leader Lease released if this replica held it)");
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(60));
  }
}
