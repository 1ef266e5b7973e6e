package io.gimops.bot.sandbox;

import io.gimops.adapters.helm.HelmConfig;
import io.gimops.adapters.helm.HelmExecutor;
import io.gimops.adapters.helm.HelmResult;
import io.gimops.adapters.sandbox.SandboxControls;
import io.gimops.policies.decision.Plan;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.domain.Version;
import io.gimops.policies.rules.CycleOrder;
import io.gimops.sandbox.PinnedHelm;
import io.gimops.sandbox.api.EmbeddedApiServer;
import io.gimops.sandbox.charts.PackagedCharts;
import io.gimops.sandbox.charts.SampleCharts;
import io.gimops.sandbox.kubelet.Failure;
import io.gimops.sandbox.kubelet.SandboxController;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox's cluster: the embedded API server, the controller that plays the kubelet, the
 * vendor's sample charts packaged by the real helm, and GIM, GSP and GCA installed one release
 * behind the newest published, so {@code upgrade all} has work to do. The vendor's newest release
 * of each service (GIM's changes the schema) is held back until {@code sandbox release}
 * publishes it, so a newcomer can run a second cycle, and break it on purpose.
 * Nothing here runs in production.
 */
public final class SandboxWorld implements AutoCloseable, SandboxControls {

  public static final String ENVIRONMENT = "sandbox";
  public static final String CHANNEL = "console";

  private static final System.Logger LOG = System.getLogger(SandboxWorld.class.getName());

  /** The ways {@code sandbox break} can break a release, and what each injects. */
  private static final Map<String, Failure> WAYS = new LinkedHashMap<>();

  static {
    WAYS.put("image", Failure.IMAGE_MISSING);
    WAYS.put("crash", Failure.CRASH_LOOP);
    WAYS.put("pending", Failure.STUCK_PENDING);
    WAYS.put("migration", Failure.MIGRATION_FAILS);
    WAYS.put("migration-halfway", Failure.MIGRATION_STOPS_HALFWAY);
  }

  private final Path work;
  private final EmbeddedApiServer api;
  private final SandboxController controller;
  private final Optional<String> infoMart;
  private static final String INFO_MART_USER = "gimops";
  private final PackagedCharts charts;
  private volatile ReleaseCatalog catalog;

  private SandboxWorld(Path work, EmbeddedApiServer api, SandboxController controller, PackagedCharts charts,
      Optional<String> infoMart) {
    this.infoMart = infoMart;
    this.work = work;
    this.api = api;
    this.controller = controller;
    this.charts = charts;
    this.catalog = publishedCatalog(false);
  }

  /**
   * Starts the cluster and installs the services.
   *
   * @param work a directory for the packaged charts and helm's caches
   * @param readyDelay how long a new pod takes to turn Ready
   */
  public static SandboxWorld start(Path work, Duration readyDelay) {
    return start(work, readyDelay, Optional.empty());
  }

  /**
   * As {@link #start(Path, Duration)}, with a real PostgreSQL as GIM's Info Mart database: the
   * sandbox GIM records its job runs in its {@code CTL_ETL_HISTORY}, and the bot's configuration
   * names it ({@code environments[].postgres}), so verification reads the evidence there.
   *
   * @param infoMart a JDBC URL the user {@code gimops} may write to without a password
   */
  public static SandboxWorld start(Path work, Duration readyDelay, Optional<String> infoMart) {
    EmbeddedApiServer api = new EmbeddedApiServer().start();
    SandboxController controller = null;
    try {
      SandboxController.Builder cb = SandboxController.builder(api.newClient()).namespaces("gim", "gsp", "gca")
          .readyDelay(readyDelay).jobDuration(readyDelay);
      infoMart.ifPresent(url -> cb.infoMart(url, INFO_MART_USER));
      controller = cb.build().start();
      PackagedCharts charts = SampleCharts.packageAll(work.resolve("charts"));
      SandboxWorld world = new SandboxWorld(work, api, controller, charts, infoMart);
      world.installServices();
      world.awaitServicesReady(Duration.ofSeconds(60));
      return world;
    } catch (RuntimeException e) {
      if (controller != null) {
        controller.close();
      }
      api.close();
      throw e;
    }
  }

  /**
   * The release catalog of the sample charts: four releases each (GIM 100.0.117+3000 changes the
   * schema); without {@code withNewest}, the newest of each is not published yet.
   */
  public static ReleaseCatalog publishedCatalog(boolean withNewest) {
    List<Release> releases = new ArrayList<>();
    for (ServiceKind k : ServiceKind.values()) {
      List<Version> all = SampleCharts.versions(k.id());
      for (Version v : withNewest ? all : all.subList(0, all.size() - 1)) {
        Release r = Release.of(k, v.toString());
        releases.add(k == ServiceKind.GIM && SampleCharts.changesSchema(v) ? r.withSchemaChange() : r);
      }
    }
    return new ReleaseCatalog(releases);
  }

  /** Each service one release behind its newest published release. */
  public static Map<ServiceKind, Version> startingReleases() {
    Map<ServiceKind, Version> out = new EnumMap<>(ServiceKind.class);
    for (ServiceKind k : ServiceKind.values()) {
      List<Version> v = SampleCharts.versions(k.id());
      out.put(k, v.get(v.size() - 3));
    }
    return out;
  }

  /** Publishes each service's newest release (the vendor ships); returns what changed, for people. */
  public String publishNewest() {
    ReleaseCatalog before = catalog;
    catalog = publishedCatalog(true);
    List<String> added = new ArrayList<>();
    for (ServiceKind k : ServiceKind.values()) {
      Release newest = catalog.latest(k).orElseThrow();
      if (before.find(k, newest.version()).isEmpty()) {
        added.add(k.id() + " " + newest.version() + (newest.schemaChange() ? " (changes the database schema)" : ""));
      }
    }
    return added.isEmpty() ? "Sandbox: every release is already published."
        : "Sandbox: the vendor published " + String.join(", ", added) + ". `/gim status` shows what is behind.";
  }

  private void installServices() {
    Environment env = Environment.standard(ENVIRONMENT, EmbeddedApiServer.CONTEXT, false);
    Map<ServiceKind, ServiceState> none = new EnumMap<>(ServiceKind.class);
    Map<ServiceKind, CycleOrder.Target> targets = new EnumMap<>(ServiceKind.class);
    startingReleases().forEach((k, v) -> {
      none.put(k, ServiceState.notInstalled(k));
      targets.put(k, CycleOrder.Target.of(catalog.find(k, v).orElseThrow()));
    });
    Plan plan = CycleOrder.plan(env, new ClusterSnapshot(Instant.now(), none, Map.of(), Optional.empty()),
        catalog, targets);
    try (HelmExecutor helm = new HelmExecutor(helmConfig())) {
      for (PlanStep.HelmStep step : plan.stepsOf(PlanStep.HelmStep.class)) {
        HelmResult r = helm.run(step, line -> { });
        if (!r.succeeded()) {
          throw new IllegalStateException("the sandbox could not install " + step.describe() + ": " + r.message()
              + " " + r.output());
        }
      }
    }
  }

  /** Waits until a pod of each service runs Ready, as a cluster that has been up for a while. */
  private void awaitServicesReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      boolean all = true;
      for (ServiceKind k : ServiceKind.values()) {
        all &= api.client().pods().inNamespace(k.id()).withLabel("app.kubernetes.io/name", k.id()).list().getItems()
            .stream().anyMatch(p -> p.getStatus() != null && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
      }
      if (all) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the sandbox started", e);
      }
    }
    throw new IllegalStateException("the sandbox's services did not turn Ready within " + timeout.toSeconds() + " s");
  }

  private HelmConfig helmConfig() {
    return new HelmConfig(PinnedHelm.binary(), Optional.of(api.kubeconfig()), Optional.empty(), charts.dir(),
        charts.dir(), Duration.ofSeconds(30), List.of(),
        // helm's homes under the sandbox's work directory (as the bot keeps its own)
        Map.of("HELM_CACHE_HOME", work.resolve("helm/cache").toString(),
            "HELM_CONFIG_HOME", work.resolve("helm/config").toString(),
            "HELM_DATA_HOME", work.resolve("helm/data").toString()));
  }

  /**
   * How fast the sandbox's windows run: shorter than production so a newcomer sees a cycle in
   * about a minute ({@link #DEMO}), and shorter still in tests ({@link #TEST}).
   */
  public record Pace(String pendingThreshold, String verificationTimeout, String backlogWindow, String tick,
      String metricsInterval, String helmStartGrace, String settleBetweenSteps) {
    public static final Pace DEMO = new Pace("1m", "3m", "20s", "500ms", "1s", "5s", "0s");
    public static final Pace TEST = new Pace("30s", "60s", "4s", "200ms", "200ms", "3s", "0s");

    public Pace settling(String d) {
      return new Pace(pendingThreshold, verificationTimeout, backlogWindow, tick, metricsInterval, helmStartGrace, d);
    }
  }

  /** The bot's configuration for this sandbox at the demo's pace. */
  public String configYaml() {
    return configYaml(Pace.DEMO);
  }

  /**
   * The bot's configuration for this sandbox: its kubeconfig, the pinned helm, the sample
   * catalog, people for the console, simulated metrics and third parties, and the given pace.
   */
  public String configYaml(Pace pace) {
    StringBuilder y = new StringBuilder();
    y.append("replica: sandbox-bot\n");
    y.append("namespace: gimops\n");
    y.append("kubeconfig: ").append(quote(api.kubeconfig().toString())).append('\n');
    y.append("helm:\n");
    y.append("  binary: ").append(quote(PinnedHelm.binary().toString())).append('\n');
    y.append("  charts: ").append(quote(charts.dir().toString())).append('\n');
    y.append("  killMargin: 30s\n");
    y.append("environments:\n");
    y.append("  - name: ").append(ENVIRONMENT).append("\n    context: ").append(EmbeddedApiServer.CONTEXT)
        .append("\n    production: false\n    channels: [").append(CHANNEL).append("]\n");
    infoMart.ifPresent(url -> y.append("    postgres:\n      url: ").append(quote(url)).append("\n      user: ")
        .append(INFO_MART_USER).append('\n'));
    // The sample GCA chart labels its pods servicename/release, not app.kubernetes.io/instance.
    y.append("    signals:\n      gca:\n        podSelector: ").append(quote(io.gimops.sandbox.charts.SampleCharts.GCA_POD_SELECTOR)).append('\n');
    // The sandbox publishes its newest releases on "sandbox release": its catalog is configured,
    // not read from the charts directory, which holds every package from the start.
    y.append("catalogFrom:\n  charts: false\n");
    y.append("catalog:\n");
    for (ServiceKind k : ServiceKind.values()) {
      for (Release r : catalog.releases(k)) {
        y.append("  - {service: ").append(k.id()).append(", version: ").append(quote(r.version().toString()))
            .append(r.schemaChange() ? ", schemaChange: true" : "").append("}\n");
      }
    }
    y.append("access:\n  ").append(ENVIRONMENT).append(":\n    users:\n");
    y.append("      console-viewer: viewer\n      console-operator: operator\n");
    y.append("      console-admin: admin\n      console-admin2: admin\n");
    y.append("policy:\n  pendingThreshold: ").append(pace.pendingThreshold())
        .append("\n  verificationTimeout: ").append(pace.verificationTimeout())
        .append("\n  backlogWindow: ").append(pace.backlogWindow()).append("\n  backlogMinSamples: 5\n");
    y.append("orchestrator:\n  tick: ").append(pace.tick()).append("\n  helmStartGrace: ")
        .append(pace.helmStartGrace()).append("\n  settleBetweenSteps: ").append(pace.settleBetweenSteps()).append('\n');
    y.append("metrics: simulated\nmetricsInterval: ").append(pace.metricsInterval()).append('\n');
    y.append("thirdParty:\n  kafka: 3.7.0\n  postgresql: 16.2.0\n");
    // The management port on loopback, on a free port: several bots share the machine.
    y.append("management:\n  host: 127.0.0.1\n  port: 0\n");
    return y.toString();
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  public EmbeddedApiServer api() {
    return api;
  }

  public SandboxController controller() {
    return controller;
  }

  public PackagedCharts charts() {
    return charts;
  }

  public ReleaseCatalog catalog() {
    return catalog;
  }

  // ---- sandbox-only commands

  @Override
  public String publish() {
    return publishNewest();
  }

  @Override
  public String breakNext(ServiceKind service, String how) {
    Failure f = WAYS.get(how.toLowerCase(Locale.ROOT));
    if (f == null) {
      return "Break it how? Use one of " + String.join(", ", WAYS.keySet()) + ".";
    }
    if ((f == Failure.MIGRATION_FAILS || f == Failure.MIGRATION_STOPS_HALFWAY) && service != ServiceKind.GIM) {
      return "Only GIM migrates a database; break " + service.id() + " with image, crash or pending.";
    }
    Version next = catalog.latest(service).orElseThrow().version();
    controller.inject(service, next, f);
    LOG.log(System.Logger.Level.INFO, "sandbox: {0} {1} broken: {2}", service.id(), next, f);
    return "Sandbox: " + service.id() + " " + next + " is now broken (" + describe(f) + "). An upgrade of "
        + service.id() + " to it will fail verification; `sandbox fix " + service.id() + "` undoes this.";
  }

  @Override
  public String fix(ServiceKind service) {
    for (Version v : SampleCharts.versions(service.id())) {
      controller.clear(service, v);
    }
    return "Sandbox: every release of " + service.id() + " works again.";
  }

  @Override
  public List<String> ways() {
    return List.copyOf(WAYS.keySet());
  }

  private static String describe(Failure f) {
    switch (f) {
      case IMAGE_MISSING:
        return "its image cannot be pulled: ImagePullBackOff, no metrics";
      case CRASH_LOOP:
        return "its pods crash: CrashLoopBackOff";
      case STUCK_PENDING:
        return "its pods stay Pending";
      case MIGRATION_FAILS:
        return "its database migration job fails";
      case MIGRATION_STOPS_HALFWAY:
        return "its database migration stops halfway; restarting the GIM pod resumes it";
      default:
        return f.name();
    }
  }

  @Override
  public void close() {
    controller.close();
    api.close();
  }
}
