package io.gimops.bot.wiring;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.gimops.bot.orchestrator.OrchestratorSettings;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.EnvironmentAccess;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.Role;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The bot's configuration, read from YAML ({@code deploy/} has an example). Durations are
 * ISO-8601 ({@code PT15M}) or a number with a unit ({@code 15m}, {@code 90s}).
 *
 * @param replica this replica's name (default: {@code $HOSTNAME})
 * @param namespace the bot's own namespace: its journal and its Leases live there
 * @param kubeconfig a kubeconfig file; empty: the usual (in-cluster, {@code $KUBECONFIG})
 * @param metrics {@code prometheus} (with {@code prometheusUrl}), or {@code simulated} in the sandbox
 * @param metricsInterval how often metrics are sampled or asked for (default 1s simulated, 15s Prometheus)
 * @param prometheusUrl Prometheus's base URL, with {@code metrics: prometheus}
 * @param slack the Slack app; each value may come from the environment instead (see {@link #slackSettings})
 * @param thirdParty versions to report for Kafka and PostgreSQL while no probe checks them
 *     (sandbox only: an honest "simulated" detail is attached)
 * @param catalogFrom where the release catalog comes from besides {@code catalog:} (default: the
 *     charts directory's packages)
 * @param logging the log format and levels (default: text, INFO); see {@link LoggingConfig}
 * @param management the management port ({@code /healthz}, {@code /readyz}, {@code /metrics}), apart from Slack's
 * @param shutdownGrace how long a stop waits for a running helm call (default 25s)
 */
public record BotConfig(
    Optional<String> replica,
    Optional<String> namespace,
    Optional<String> kubeconfig,
    Helm helm,
    List<Env> environments,
    List<CatalogEntry> catalog,
    Map<String, Grants> access,
    Optional<Policy> policy,
    Optional<Pacing> orchestrator,
    Optional<String> audit,
    Optional<String> metrics,
    Optional<String> metricsInterval,
    Optional<String> prometheusUrl,
    Map<String, String> thirdParty,
    Optional<Slack> slack,
    Optional<Alerts> alerts,
    Optional<Kafka> kafka,
    Optional<String> thirdPartyInterval,
    Optional<CatalogFrom> catalogFrom,
    Optional<LoggingConfig> logging,
    Optional<Management> management,
    Optional<String> shutdownGrace) {

  /**
   * The management port, apart from Slack's: {@code GET /healthz}, {@code /readyz}, {@code /metrics}.
   *
   * @param host where it listens (default 0.0.0.0; the sandbox uses 127.0.0.1)
   * @param port default 9090; 0 picks a free one (tests)
   * @param metricsBearerTokenFile when set, {@code /metrics} wants {@code Authorization: Bearer <the file's content>}
   */
  public record Management(Optional<String> host, Optional<Integer> port, Optional<String> metricsBearerTokenFile) {

    public String hostOrDefault() {
      return host == null ? "0.0.0.0" : host.orElse("0.0.0.0");
    }

    public int portOrDefault() {
      return port == null ? 9090 : port.orElse(9090);
    }
  }

  /** The management settings, or every default. */
  public Management managementOrDefaults() {
    return management == null ? new Management(Optional.empty(), Optional.empty(), Optional.empty())
        : management.orElse(new Management(Optional.empty(), Optional.empty(), Optional.empty()));
  }

  /**
   * How long a stop (SIGTERM) waits for a running helm call (default 25s). The pod's
   * {@code terminationGracePeriodSeconds} must be larger, by the time closing takes (about 5s):
   * past it the kubelet kills the JVM and the next leader resumes from the journal instead.
   */
  public Duration shutdownGraceOrDefault() {
    return shutdownGrace == null ? Duration.ofSeconds(25)
        : shutdownGrace.map(BotConfig::duration).orElse(Duration.ofSeconds(25));
  }

  /**
   * The bot's own Kafka: where audit records and lifecycle events go, and optionally where alerts
   * come from.
   *
   * @param properties further client properties (security.protocol, sasl.*, ssl.*)
   * @param timeout one request's time limit (default 5s)
   * @param eventsTopic every audit record and lifecycle event, as JSON keyed by operation id
   * @param bufferCapacity records kept while Kafka is away (default 10000); beyond, loud loss
   * @param alertsTopic Alertmanager notifications (webhook JSON) to take like the webhook's
   * @param alertsGroup the consumer group reading {@code alertsTopic} (default gimops-alerts)
   */
  public record Kafka(String bootstrapServers, Optional<Map<String, String>> properties, Optional<String> timeout,
      Optional<String> eventsTopic, Optional<Integer> bufferCapacity, Optional<String> alertsTopic,
      Optional<String> alertsGroup) {

    public io.gimops.adapters.kafka.KafkaConnection connection() {
      return kafkaConnection(bootstrapServers, properties, timeout);
    }
  }

  /**
   * An environment's Kafka, as GIM uses it: rule 6's reachability and version, and GIM's consumer
   * group, whose lag and timestamp behind are measured here when Prometheus has no backlog to say.
   */
  public record EnvKafka(String bootstrapServers, Optional<Map<String, String>> properties, Optional<String> timeout,
      Optional<String> gimConsumerGroup) {

    public io.gimops.adapters.kafka.KafkaConnection connection() {
      return kafkaConnection(bootstrapServers, properties, timeout);
    }
  }

  /**
   * An environment's PostgreSQL (GIM's Info Mart database), read-only: rule 6's reachability check,
   * and rule 8's migration and transformation evidence from GIM's ETL history.
   *
   * @param passwordFrom the name of an environment variable holding the password (never the password itself)
   * @param passwordFile or a file holding it (a mounted Secret; its content, trimmed)
   * @param etlHistoryQuery the read-only query for GIM's job runs since {@code :since} (when the
   *     step's helm call ended); its first three columns are job name, status and end time
   *     (default {@link io.gimops.adapters.postgres.EtlHistory#DEFAULT_QUERY}, on {@code CTL_ETL_HISTORY})
   */
  public record EnvPostgres(String url, String user, Optional<String> passwordFrom, Optional<String> timeout,
      Optional<String> etlHistoryQuery, Optional<String> passwordFile) {

    public EnvPostgres(String url, String user, Optional<String> passwordFrom, Optional<String> timeout) {
      this(url, user, passwordFrom, timeout, Optional.empty(), Optional.empty());
    }

    public EnvPostgres(String url, String user, Optional<String> passwordFrom, Optional<String> timeout,
        Optional<String> etlHistoryQuery) {
      this(url, user, passwordFrom, timeout, etlHistoryQuery, Optional.empty());
    }

    public io.gimops.adapters.postgres.PostgresReachability check(Map<String, String> variables) {
      return new io.gimops.adapters.postgres.PostgresReachability(url, user, password(variables),
          timeout.map(BotConfig::duration).orElse(Duration.ofSeconds(5)));
    }

    /** GIM's ETL history, read with {@code etlHistoryQuery}. */
    public io.gimops.adapters.postgres.EtlHistory etlHistory(Map<String, String> variables) {
      return new io.gimops.adapters.postgres.EtlHistory(url, user, password(variables),
          timeout.map(BotConfig::duration).orElse(Duration.ofSeconds(5)),
          etlHistoryQuery.orElse(io.gimops.adapters.postgres.EtlHistory.DEFAULT_QUERY));
    }

    private Optional<String> password(Map<String, String> variables) {
      if (passwordFile != null && passwordFile.isPresent()) {
        return Optional.of(SecretFiles.read(passwordFile.get(), "postgres.passwordFile"));
      }
      return passwordFrom.map(name -> Optional.ofNullable(variables.get(name))
          .orElseThrow(() -> new IllegalArgumentException("postgres.passwordFrom names " + name
              + ", which is not set in the environment")));
    }
  }

  private static io.gimops.adapters.kafka.KafkaConnection kafkaConnection(String bootstrapServers,
      Optional<Map<String, String>> properties, Optional<String> timeout) {
    return new io.gimops.adapters.kafka.KafkaConnection(bootstrapServers, properties.orElse(Map.of()),
        timeout.map(BotConfig::duration).orElse(Duration.ofSeconds(5)));
  }

  /** How often Kafka and PostgreSQL are checked for rule 6 (default 30s). */
  public Duration thirdPartyEvery() {
    return thirdPartyInterval.map(BotConfig::duration).orElse(Duration.ofSeconds(30));
  }

  /**
   * The Slack app.
   *
   * @param apiUrl the Web API base URL, for proxies and tests (default https://slack.com/api/)
   * @param host where the HTTP endpoint listens (default 0.0.0.0; the sandbox uses 127.0.0.1)
   * @param notificationsChannel where a summary of every finished operation goes
   * @param maxBodyBytes Slack's requests larger than this get 413 (default 64 KiB)
   * @param maxConcurrentBodyBytes request bodies read at once on the HTTP port, all routes
   *     together; past it new requests get 503 with Retry-After (default 16 MiB)
   * @param idleTimeout an HTTP connection silent this long is closed (default 30s)
   * @param readTimeout a connection's first request headers, and each body after its headers,
   *     must arrive within this (default 10s; Slack's own finish in milliseconds)
   * @param directMessagesMayRead whether people with a role may read (status, releases, history,
   *     plans, ops) in a direct message with the bot (default false: only in the environments' channels)
   * @param botTokenFile {@code signingSecretFile}, {@code appTokenFile}: the value from a file instead
   *     (a mounted Secret, trimmed); the environment variables still win over both
   */
  public record Slack(Optional<String> botToken, Optional<String> signingSecret, Optional<String> appToken,
      Optional<String> apiUrl, Optional<Integer> httpPort, Optional<String> host,
      Optional<String> notificationsChannel, Optional<Integer> maxBodyBytes, Optional<Long> maxConcurrentBodyBytes,
      Optional<String> idleTimeout, Optional<String> readTimeout, Optional<Boolean> directMessagesMayRead,
      Optional<String> botTokenFile, Optional<String> signingSecretFile, Optional<String> appTokenFile) {

    /** {@code botToken}, or {@code botTokenFile}'s content. */
    @Override
    public Optional<String> botToken() {
      return SecretFiles.value(botToken, botTokenFile, "slack.botTokenFile");
    }

    /** {@code signingSecret}, or {@code signingSecretFile}'s content. */
    @Override
    public Optional<String> signingSecret() {
      return SecretFiles.value(signingSecret, signingSecretFile, "slack.signingSecretFile");
    }

    /** {@code appToken}, or {@code appTokenFile}'s content. */
    @Override
    public Optional<String> appToken() {
      return SecretFiles.value(appToken, appTokenFile, "slack.appTokenFile");
    }

    Optional<String> botTokenInline() {
      return botToken;
    }

    Optional<String> signingSecretInline() {
      return signingSecret;
    }

    Optional<String> appTokenInline() {
      return appToken;
    }
  }

  /**
   * Alertmanager's webhook ({@code POST /alerts/alertmanager} on the bot's HTTP port).
   *
   * @param bearerToken what Alertmanager's {@code http_config.authorization} sends (or basic auth)
   * @param recentChange a service changed within this is offered a rollback when alerted on (default 2h)
   * @param retainResolved a group whose alerts all resolved is forgotten this long after (default 1h)
   * @param maxGroups alert groups remembered at most; beyond, the longest resolved, then the oldest, go (default 2000)
   * @param stormGroups with {@code stormWindow}: more new groups than this within it and the channel
   *     storms: one summary message instead of one per group (default 5 within 10s)
   * @param queuedPerChannel alert messages waiting for one channel beyond which more are refused,
   *     logged (operations' messages are never refused; default 100)
   * @param bearerTokenFile {@code basicPasswordFile}: the secret from a file instead (a mounted Secret, trimmed)
   */
  public record Alerts(Optional<String> bearerToken, Optional<String> basicUser, Optional<String> basicPassword,
      Optional<String> recentChange, Optional<Integer> maxBodyBytes, Optional<String> retainResolved,
      Optional<Integer> maxGroups, Optional<Integer> stormGroups, Optional<String> stormWindow,
      Optional<Integer> queuedPerChannel, Optional<String> bearerTokenFile, Optional<String> basicPasswordFile) {

    /** {@code bearerToken}, or {@code bearerTokenFile}'s content. */
    @Override
    public Optional<String> bearerToken() {
      return SecretFiles.value(bearerToken, bearerTokenFile, "alerts.bearerTokenFile");
    }

    /** {@code basicPassword}, or {@code basicPasswordFile}'s content. */
    @Override
    public Optional<String> basicPassword() {
      return SecretFiles.value(basicPassword, basicPasswordFile, "alerts.basicPasswordFile");
    }

    Optional<String> bearerTokenInline() {
      return bearerToken;
    }

    Optional<String> basicPasswordInline() {
      return basicPassword;
    }

    /** The intake's settings: these keys over the defaults. */
    public io.gimops.bot.alerts.AlertIntake.Settings intakeSettings() {
      var d = io.gimops.bot.alerts.AlertIntake.Settings.DEFAULTS;
      return new io.gimops.bot.alerts.AlertIntake.Settings(
          recentChange.map(BotConfig::duration).orElse(d.recentChange()),
          retainResolved.map(BotConfig::duration).orElse(d.retainResolved()), maxGroups.orElse(d.maxGroups()),
          stormGroups.orElse(d.stormGroups()), stormWindow.map(BotConfig::duration).orElse(d.stormWindow()));
    }
  }

  /** The Slack settings in force, after the environment's overrides; {@code http}: the HTTP port's bounds. */
  public record SlackSettings(String botToken, String signingSecret, Optional<String> appToken, String apiUrl,
      int httpPort, String host, Optional<String> notificationsChannel, int maxBodyBytes,
      io.gimops.adapters.http.HttpGuard.Limits http) {}

  /**
   * The Slack app's settings: the file's, overridden by {@code SLACK_BOT_TOKEN},
   * {@code SLACK_SIGNING_SECRET}, {@code SLACK_APP_TOKEN} (Socket Mode), {@code SLACK_API_URL} and
   * {@code GIMOPS_HTTP_PORT} (default 3000). Empty when no bot token is configured: no Slack.
   */
  public Optional<SlackSettings> slackSettings(Map<String, String> env) {
    Slack s = slack.orElse(new Slack(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));
    Optional<String> token = Optional.ofNullable(env.get("SLACK_BOT_TOKEN")).or(s::botToken).filter(t -> !t.isBlank());
    if (token.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> appToken = Optional.ofNullable(env.get("SLACK_APP_TOKEN")).or(s::appToken).filter(t -> !t.isBlank());
    Optional<String> secret = Optional.ofNullable(env.get("SLACK_SIGNING_SECRET")).or(s::signingSecret)
        .filter(t -> !t.isBlank());
    if (secret.isEmpty() && appToken.isEmpty()) {
      throw new IllegalArgumentException("Slack needs SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)");
    }
    String api = Optional.ofNullable(env.get("SLACK_API_URL")).or(s::apiUrl).orElse("https://slack.com/api/");
    int port;
    try {
      port = Optional.ofNullable(env.get("GIMOPS_HTTP_PORT")).map(Integer::parseInt).or(s::httpPort).orElse(3000);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("GIMOPS_HTTP_PORT is not a port number: " + env.get("GIMOPS_HTTP_PORT"));
    }
    int maxBody = s.maxBodyBytes().orElse(64 * 1024);
    if (maxBody <= 0) {
      throw new IllegalArgumentException("slack.maxBodyBytes must be positive, not " + maxBody);
    }
    io.gimops.adapters.http.HttpGuard.Limits http;
    try {
      http = new io.gimops.adapters.http.HttpGuard.Limits(
          s.maxConcurrentBodyBytes().orElse(io.gimops.adapters.http.HttpGuard.Limits.DEFAULT_CONCURRENT_BODY_BYTES),
          s.idleTimeout().map(BotConfig::duration).orElse(io.gimops.adapters.http.HttpGuard.Limits.DEFAULT_IDLE_TIMEOUT),
          s.readTimeout().map(BotConfig::duration).orElse(io.gimops.adapters.http.HttpGuard.Limits.DEFAULT_READ_TIMEOUT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("slack.maxConcurrentBodyBytes, idleTimeout or readTimeout: " + e.getMessage(), e);
    }
    if (maxBody > http.concurrentBodyBytes()) {
      throw new IllegalArgumentException("slack.maxBodyBytes (" + maxBody + ") is larger than"
          + " slack.maxConcurrentBodyBytes (" + http.concurrentBodyBytes() + "): no such request could ever be read");
    }
    return Optional.of(new SlackSettings(token.get(), secret.orElse(""), appToken, api.endsWith("/") ? api : api + "/",
        port, s.host().orElse("0.0.0.0"), s.notificationsChannel(), maxBody, http));
  }

  /**
   * Where helm and the vendor's packages are.
   *
   * @param home where helm keeps its cache, configuration and data (HELM_CACHE_HOME, HELM_CONFIG_HOME,
   *     HELM_DATA_HOME under it); default a directory under {@code java.io.tmpdir}, so that a
   *     read-only root filesystem with a writable /tmp works
   */
  public record Helm(String binary, String charts, Optional<String> values, Optional<String> killMargin,
      Optional<List<String>> extraUpgradeArgs, Optional<String> home) {}

  /**
   * One environment: a kube context with GIM, GSP and GCA.
   *
   * @param signals what verification reads there: pod selectors, queries, success conditions
   * @param services how each service is deployed there ({@link ServiceConfig}); default: the brief's
   * @param maintenance when upgrades may start there, and when not (default: any time)
   */
  public record Env(String name, Optional<String> context, Optional<Boolean> production,
      Optional<String> sharedNamespace, Optional<List<String>> channels, Optional<EnvKafka> kafka,
      Optional<EnvPostgres> postgres, Optional<SignalsConfig> signals, Optional<ServiceConfig.Services> services,
      Optional<MaintenanceConfig> maintenance) {

    /** The {@code signals} section, or every default. */
    public SignalsConfig signalsOrDefaults() {
      return signals == null ? SignalsConfig.DEFAULTS : signals.orElse(SignalsConfig.DEFAULTS);
    }
  }

  /**
   * A release in the catalog: {@code service}, {@code version}, whether it changes the schema, the
   * third-party versions it needs ({@code {kafka: "3.4", postgresql: "13"}}) and its release note.
   * An entry for a release found in the charts directory or the index overrides what they say.
   */
  public record CatalogEntry(String service, String version, Optional<Boolean> schemaChange,
      Optional<Map<String, String>> minimumVersions, Optional<String> releaseNotes) {}

  /** Who may do what in an environment: user ids and user groups by role. */
  public record Grants(Optional<Map<String, String>> users, Optional<Map<String, String>> groups) {}

  /** Overrides of the policy's thresholds. */
  public record Policy(Optional<String> pendingThreshold, Optional<String> verificationTimeout,
      Optional<String> backlogWindow, Optional<Integer> backlogMinSamples) {}

  /** How the orchestrator paces itself. */
  public record Pacing(Optional<String> tick, Optional<String> helmStartGrace, Optional<String> settleBetweenSteps,
      Optional<String> actionTimeout, Optional<String> journalRetention) {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Its helm section and environments are checked by {@link ConfigReader}, which knows their lines. */
  public BotConfig {
    environments = environments == null ? List.of() : List.copyOf(environments);
    catalog = catalog == null ? List.of() : List.copyOf(catalog);
    access = access == null ? Map.of() : Map.copyOf(access);
    thirdParty = thirdParty == null ? Map.of() : Map.copyOf(thirdParty);
  }

  /** Reads a configuration file; a mistake in it is reported with its line and what was expected. */
  public static BotConfig read(Path file) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read configuration " + file + ": " + e.getMessage(), e);
    }
    return parse(yaml, "configuration " + file);
  }

  public static BotConfig parse(String yaml) {
    return parse(yaml, "configuration");
  }

  private static BotConfig parse(String yaml, String what) {
    ConfigReader.Result r = ConfigReader.read(yaml);
    if (!r.problems().isEmpty()) {
      throw new IllegalArgumentException(ConfigReader.message(what, r.problems()));
    }
    return r.config().orElseThrow();
  }

  /** Reads a configuration and says everything wrong with it (empty: nothing), without throwing. */
  public static ConfigReader.Result check(String yaml) {
    return ConfigReader.read(yaml);
  }

  static ObjectMapper mapper() {
    return YAML;
  }

  public String replicaName() {
    return replica.or(() -> Optional.ofNullable(System.getenv("HOSTNAME"))).orElse("gimops");
  }

  public String botNamespace() {
    return namespace.orElse("gimops");
  }

  /** The environments as the rules see them: services, namespaces, timeouts, maintenance windows. */
  public List<Environment> environmentModels() {
    Problems p = new Problems();
    List<Environment> out = EnvironmentModels.all(this, p);
    p.throwIfAny();
    return out;
  }

  /**
   * The release catalog: the charts directory's packages (unless {@code catalogFrom.charts: false}),
   * the index's releases, then the {@code catalog:} entries over them. Reads files and the network.
   */
  public ReleaseCatalog releaseCatalog() {
    Problems p = new Problems();
    ReleaseCatalog c = CatalogSources.load(this, p);
    p.throwIfAny();
    return c;
  }

  /** The {@code catalog:} entries alone, as releases (no file or network read). */
  public List<Release> configuredReleases() {
    Problems p = new Problems();
    List<Release> out = CatalogSources.configured(this, p);
    p.throwIfAny();
    return out;
  }

  public AccessPolicy accessPolicy() {
    Map<String, EnvironmentAccess> envs = new LinkedHashMap<>();
    for (Env e : environments) {
      Grants g = access.getOrDefault(e.name(), new Grants(Optional.empty(), Optional.empty()));
      envs.put(e.name(), new EnvironmentAccess(new java.util.HashSet<>(e.channels().orElse(List.of())),
          roles(g.users().orElse(Map.of()), e.name()), roles(g.groups().orElse(Map.of()), e.name())));
    }
    return new AccessPolicy(envs, slack.flatMap(Slack::directMessagesMayRead).orElse(false));
  }

  private static Map<String, Role> roles(Map<String, String> byName, String env) {
    Map<String, Role> out = new HashMap<>();
    byName.forEach((who, role) -> out.put(who, java.util.Arrays.stream(Role.values())
        .filter(r -> r.id().equals(role)).findFirst().orElseThrow(() -> new IllegalArgumentException(
            "access." + env + ": '" + role + "' is not a role; use viewer, operator or admin"))));
    return out;
  }

  public PolicySettings policySettings() {
    PolicySettings d = PolicySettings.DEFAULTS;
    if (policy.isEmpty()) {
      return d;
    }
    Policy p = policy.get();
    PolicySettings.BacklogSettings b = d.backlog();
    b = new PolicySettings.BacklogSettings(p.backlogWindow().map(BotConfig::duration).orElse(b.window()),
        p.backlogMinSamples().orElse(b.minSamples()), b.minCoverage(), b.tolerance());
    return new PolicySettings(p.pendingThreshold().map(BotConfig::duration).orElse(d.pendingThreshold()), b,
        p.verificationTimeout().map(BotConfig::duration).orElse(d.verificationTimeout()),
        d.minimumOverrideReason(), d.secondApproverRole());
  }

  public OrchestratorSettings orchestratorSettings() {
    OrchestratorSettings d = OrchestratorSettings.DEFAULTS;
    if (orchestrator.isEmpty()) {
      return d;
    }
    Pacing p = orchestrator.get();
    return new OrchestratorSettings(p.tick().map(BotConfig::duration).orElse(d.tick()),
        p.helmStartGrace().map(BotConfig::duration).orElse(d.helmStartGrace()),
        p.settleBetweenSteps().map(BotConfig::duration).orElse(d.settleBetweenSteps()),
        p.actionTimeout().map(BotConfig::duration).orElse(d.actionTimeout()),
        p.journalRetention().map(BotConfig::duration).orElse(d.journalRetention()));
  }

  /** The third-party states the configuration asserts (sandbox); empty map: none. */
  public List<ThirdPartyState> assertedThirdParty() {
    List<ThirdPartyState> out = new ArrayList<>();
    thirdParty.forEach((name, version) -> {
      ThirdParty t = java.util.Arrays.stream(ThirdParty.values())
          .filter(x -> x.name().equalsIgnoreCase(name) || x.title().equalsIgnoreCase(name)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("thirdParty: '" + name + "' is neither kafka nor postgresql"));
      out.add(new ThirdPartyState(t, io.gimops.policies.domain.Reachability.REACHABLE,
          Optional.of(io.gimops.policies.domain.Version.parse(version)), "simulated by the sandbox"));
    });
    return out;
  }

  /** {@code 15m}, {@code 90s}, {@code 2h}, {@code 30d}, {@code 500ms}, or ISO-8601 {@code PT15M}. */
  public static Duration duration(String text) {
    String t = text.strip();
    try {
      if (t.startsWith("P") || t.startsWith("p")) {
        return Duration.parse(t);
      }
      if (t.endsWith("d")) {
        return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
      }
      if (t.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      switch (t.charAt(t.length() - 1)) {
        case 's':
          return Duration.ofSeconds(n);
        case 'm':
          return Duration.ofMinutes(n);
        case 'h':
          return Duration.ofHours(n);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException("'" + text + "' is not a duration: write 15m, 90s, 2h, 30d, 500ms or PT15M");
  }
}
