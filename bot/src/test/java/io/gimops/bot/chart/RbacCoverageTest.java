package io.gimops.bot.chart;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gimops.bot.chart.BotChart.Grant;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.orchestrator.Request;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.sandbox.api.ApiRequest;
import io.gimops.sandbox.api.EmbeddedApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Least privilege, checked both ways: every request the bot and the helm it runs make to the
 * sandbox's API server, from its start through an upgrade cycle, export views, a GIM restart, a
 * rollback, and an uninstall of GSP with its state ConfigMaps and its reinstall, is granted by the Roles the chart renders for the
 * same configuration; and every rule the chart grants was used (or is listed below with its
 * reason). The sandbox's own controller and this test's checks are told apart by their user agent
 * ({@link EmbeddedApiServer#SANDBOX_USER_AGENT}) and not counted.
 */
class RbacCoverageTest {

  /** An uninstall needs the admin role (rule 12); the sandbox's configuration grants it. */
  private static final Actor ADMIN = Actor.of("console-admin", "Ada Admin");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /** The bot's namespace in the sandbox's configuration, and the chart's release namespace. */
  private static final String OWN = "gimops";
  /**
   * Granted without being used here, and why. An exec's WebSocket upgrade is authorized as
   * {@code create} by current API servers and as {@code get} by older ones; both are granted so
   * export views work on either.
   */
  private static final Map<String, String> GRANTED_UNUSED = Map.of(
      "managed get pods/exec", "older API servers authorize an exec's WebSocket upgrade (a GET) as get",
      "own delete configmaps", "the journal forgets operations older than orchestrator.journalRetention (days),"
          + " which a test minutes long does not reach",
      "managed delete apps/deployments", "an uninstall of GIM or GCA (Deployments); this test uninstalls GSP"
          + " (a StatefulSet), and the vendor's charts' next release may drop a Deployment, which helm deletes",
      "managed create apps/deployments", "a reinstall of GIM or GCA, or a Deployment new in a vendor's release;"
          + " this test reinstalls GSP (a StatefulSet)");

  @TempDir static Path work;
  private static int keys;

  @Test
  void everyRequestOfTheBotAndItsHelmIsGrantedAndEveryGrantIsUsed() throws Exception {
    List<ApiRequest> requests;
    String configYaml;
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      EmbeddedApiServer api = sandbox.world().api();
      api.recordRequests();
      Bot bot = sandbox.bot("bot-a", SandboxWorld.Pace.TEST);
      SandboxBots.awaitLeading(bot);
      configYaml = sandbox.config("bot-a", SandboxWorld.Pace.TEST);
      Orchestrator o = bot.orchestrator();
      sandbox.world().publishNewest();
      o.updateCatalog(sandbox.world().catalog());
      run(o, new LifecycleRequest.UpgradeCycle());
      run(o, new LifecycleRequest.UpdateExportViews());
      run(o, new LifecycleRequest.RestartGimPod());
      run(o, new LifecycleRequest.Rollback(ServiceKind.GIM, OptionalInt.empty()));
      run(o, new LifecycleRequest.Uninstall(ServiceKind.GSP, true));
      // The reinstall: helm upgrade --install creates GSP's objects afresh.
      run(o, LifecycleRequest.Upgrade.toLatest(ServiceKind.GSP));
      requests = api.requests();
    }
    List<ApiRequest> ours = requests.stream().filter(r -> !r.bySandbox()).toList();
    assertThat(ours).as("the bot's and helm's requests were recorded").isNotEmpty();
    assertThat(ours).extracting(ApiRequest::userAgent).anyMatch(a -> a.startsWith("Helm/"))
        .anyMatch(a -> a.startsWith("fabric8"));

    List<Grant> grants = BotChart.grants(render(configYaml), OWN);
    Set<String> managed = grants.stream().map(Grant::namespace).filter(n -> !n.equals(OWN)).collect(Collectors.toSet());
    assertThat(managed).containsExactlyInAnyOrder("gim", "gsp", "gca");

    // Each request granted, in its namespace.
    Set<String> used = new TreeSet<>();
    List<String> refused = new ArrayList<>();
    for (ApiRequest r : ours) {
      String resource = r.resource() + (r.subresource().isEmpty() ? "" : "/" + r.subresource());
      Grant needed = new Grant(r.namespace(), r.group(), resource, r.verb());
      if (!grants.contains(needed)) {
        refused.add(needed + " (" + r.userAgent().split(" ")[0] + ")");
      }
      used.add((r.namespace().equals(OWN) ? "own " : "managed ") + needed.verb() + " "
          + (r.group().isEmpty() ? "" : r.group() + "/") + resource);
    }
    System.out.println("RBAC coverage: " + ours.size() + " requests of the bot and helm; distinct:\n  "
        + String.join("\n  ", used));
    assertThat(refused.stream().distinct().toList()).as("requests the chart's Roles do not grant").isEmpty();

    // Each rule used: the bot's namespace's Role there, the managed Role in some managed namespace.
    List<String> unused = new ArrayList<>();
    for (Grant g : grants) {
      String where = g.namespace().equals(OWN) ? "own " : "managed ";
      String rule = g.verb() + " " + (g.group().isEmpty() ? "" : g.group() + "/") + g.resource();
      if (!used.contains(where + rule) && !GRANTED_UNUSED.containsKey(where + rule)) {
        unused.add(where + rule);
      }
    }
    assertThat(unused.stream().distinct().sorted().toList()).as("granted but never used").isEmpty();
  }

  private static void run(Orchestrator o, LifecycleRequest r) {
    Operation op = accepted(join(o.submit(Request.of("rbac-" + (++keys), ADMIN, SandboxWorld.CHANNEL,
        SandboxWorld.ENVIRONMENT, r))));
    if (op.state() == OperationState.AWAITING_CONFIRMATION) {
      Confirmations given = Confirmations.confirmedBy(ADMIN);
      if (r instanceof LifecycleRequest.Uninstall u) {
        given = given.withTypedServiceName(u.service().id()); // rule 10: type the service's name
      }
      op = accepted(join(o.confirm(op.id(), "rbac-" + (++keys), ADMIN, given)));
    }
    String id = op.id();
    org.awaitility.Awaitility.await().atMost(SandboxBots.AWAIT).untilAsserted(() -> {
      Operation now = o.operation(id).orElseThrow();
      assertThat(now.state()).as(r.summary() + " " + now.outcome().orElse("") + " " + now.steps() + " "
          + now.pending()).isIn(OperationState.SUCCEEDED, OperationState.FAILED, OperationState.REFUSED,
          OperationState.CANCELLED);
    });
    Operation ended = o.operation(id).orElseThrow();
    assertThat(ended.state()).as(r.summary() + ": " + ended.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
  }

  /** The chart rendered with the sandbox bot's own configuration as its {@code config}. */
  private static List<com.fasterxml.jackson.databind.JsonNode> render(String configYaml) throws Exception {
    ObjectNode config = (ObjectNode) YAML.readTree(configYaml);
    config.remove("namespace"); // the chart's: the release namespace, gimops as in the sandbox
    config.remove("management"); // the chart's too: its port is the probes' and the Service's
    ObjectNode values = YAML.createObjectNode();
    values.set("config", config);
    Path file = work.resolve("sandbox-values.yaml");
    Files.writeString(file, YAML.writeValueAsString(values));
    return new BotChart(work.resolve("chart-helm")).template(OWN, List.of("-f", file.toString()));
  }
}
