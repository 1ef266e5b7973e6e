package io.gimops.bot.wiring;

import static io.gimops.bot.testing.SandboxBots.accepted;
import static io.gimops.bot.testing.SandboxBots.awaitState;
import static io.gimops.bot.testing.SandboxBots.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.orchestrator.Request;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.OneBotInTheSandbox;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.ServiceKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The management port of a sandbox bot, over real HTTP: {@code /healthz} and {@code /readyz} once
 * it runs, and {@code /metrics} in Prometheus's text format, whose operation and helm counters an
 * upgrade moves.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ManagementPortTest extends OneBotInTheSandbox {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** A sample line of the text format: name, optional labels, a number. */
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})? "
          + "(-?[0-9.eE+-]+|NaN|\\+Inf|-Inf)( [0-9]+)?");

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bot.managementPort() + path))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void healthzAndReadyzAnswer200OnceTheBotRuns() throws Exception {
    HttpResponse<String> h = get("/healthz");
    assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
    assertThat(h.body()).contains("\"healthy\":true").contains("\"eventLoop0\":\"ok\"");
    HttpResponse<String> r = get("/readyz");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.body()).contains("\"observers\":\"ok\"").contains("\"leadership\":\"ok\"")
        .contains("\"ready\":true");
  }

  @Test
  @Order(2)
  void anUpgradeMovesTheOperationsAndHelmCounters() throws Exception {
    var o = bot.orchestrator();
    Operation op = accepted(join(o.submit(Request.of("m-1", OPERATOR, SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT,
        LifecycleRequest.Upgrade.toLatest(ServiceKind.GCA)))));
    join(o.confirm(op.id(), "m-2", OPERATOR, Confirmations.confirmedBy(OPERATOR)));
    Operation done = awaitState(o, op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(done.state()).as(done.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);

    HttpResponse<String> m = get("/metrics");
    assertThat(m.statusCode()).isEqualTo(200);
    assertThat(m.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    String text = m.body();
    assertThat(text).contains("gimops_operations_total{kind=\"upgrade\",outcome=\"succeeded\"} 1.0");
    assertThat(text).containsPattern("gimops_helm_call_seconds_count\\{release=\"gca\",result=\"succeeded\"\\} 1");
    assertThat(text).containsPattern("gimops_verification_seconds_count\\{result=\"succeeded\",service=\"gca\"\\} 1");
    assertThat(text).contains("gimops_leading 1.0").contains("jvm_memory_used_bytes");
    // Every line is a comment or a sample of the text format.
    assertThat(text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")))
        .isNotEmpty().allMatch(l -> SAMPLE.matcher(l).matches());
  }
}
