package io.gimops.bot.signals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.orchestrator.Request;
import io.gimops.bot.orchestrator.Submission;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.Reachability;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.sandbox.kafka.LocalKafka;
import io.gimops.sandbox.postgres.LocalPostgres;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot wired to a real Kafka (in-process KRaft) and a real PostgreSQL (Debian's): rule 6 sees
 * both for real, refuses while PostgreSQL is down and says why, and every audit record and
 * lifecycle event of an upgrade reaches the events topic, keyed by its operation. The sandbox's GIM
 * writes its job history into that PostgreSQL, as the real one writes the Info Mart's, so rule 8
 * reads GIM's transformation from CTL_ETL_HISTORY too.
 */
class SignalsWiringTest {

  static final Actor OPERATOR = Actor.of("console-operator", "Olivia Operator");

  @Test
  void ruleSixChecksKafkaAndPostgresForRealAndTheAuditTrailFlowsToKafka(@TempDir Path work) throws Exception {
    try (LocalKafka kafka = LocalKafka.start(); LocalPostgres pg = LocalPostgres.start(work.resolve("pg"));
        SandboxBots sandbox = SandboxBots.withInfoMart(work.resolve("sandbox"), pg.jdbcUrl())) {
      String env = "    kafka:\n      bootstrapServers: '" + kafka.bootstrapServers() + "'\n      timeout: 2s\n"
          + "      gimConsumerGroup: gim-etl\n"
          + "    postgres:\n      url: '" + pg.jdbcUrl() + "'\n      user: " + LocalPostgres.USER + "\n      timeout: 2s\n";
      String more = "kafka:\n  bootstrapServers: '" + kafka.bootstrapServers() + "'\n  eventsTopic: gimops-events\n"
          + "thirdPartyInterval: 1s\n";
      String yaml = sandbox.config("signals-bot", SandboxWorld.Pace.TEST)
          .replace("    channels: [" + SandboxWorld.CHANNEL + "]\n", "    channels: [" + SandboxWorld.CHANNEL + "]\n" + env);
      Bot bot = sandbox.botFromYaml("signals-bot", yaml + more);
      SandboxBots.awaitLeading(bot);
      var o = bot.orchestrator();
      var probe = o.environment(SandboxWorld.ENVIRONMENT).orElseThrow().thirdParty();

      // Rule 6 for real: both reachable, with the versions they report.
      await().atMost(Duration.ofSeconds(30)).until(() -> probe.states().stream()
          .allMatch(s -> s.reachability() == Reachability.REACHABLE));
      ThirdPartyState k = state(probe.states(), ThirdParty.KAFKA);
      assertThat(k.version().orElseThrow().toString()).isEqualTo("4.1");
      assertThat(state(probe.states(), ThirdParty.POSTGRESQL).version().orElseThrow().toString()).startsWith("15.");

      Operation up = ((Submission.Accepted) SandboxBots.join(o.submit(Request.of("r-1", OPERATOR,
          SandboxWorld.CHANNEL, SandboxWorld.ENVIRONMENT, LifecycleRequest.Upgrade.toLatest(ServiceKind.GIM)))))
          .operation();
      SandboxBots.join(o.confirm(up.id(), "r-2", OPERATOR, Confirmations.confirmedBy(OPERATOR)));
      Operation upgraded = SandboxBots.awaitState(o, up.id(), OperationState.SUCCEEDED, OperationState.FAILED);
      assertThat(upgraded.state()).as(upgraded.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
      assertThat(upgraded.steps()).anySatisfy(st -> assertThat(String.join(" ", st.detail()))
          .contains("Job_TransformGIM completed"));

      // PostgreSQL goes down: within a check or two, rule 6 refuses and says why.
      pg.stop();
      await().atMost(Duration.ofSeconds(15)).until(() ->
          state(probe.states(), ThirdParty.POSTGRESQL).reachability() == Reachability.UNREACHABLE);
      Submission refused = SandboxBots.join(o.submit(Request.of("r-3", OPERATOR, SandboxWorld.CHANNEL,
          SandboxWorld.ENVIRONMENT, new LifecycleRequest.Rollback(ServiceKind.GIM, java.util.OptionalInt.empty()))));
      assertThat(refused).isInstanceOf(Submission.Refused.class);
      assertThat(((Submission.Refused) refused).message())
          .contains("PostgreSQL is unreachable").contains(pg.jdbcUrl()).contains("rollback will not work");
      pg.restart();
      await().atMost(Duration.ofSeconds(15)).until(() ->
          state(probe.states(), ThirdParty.POSTGRESQL).reachability() == Reachability.REACHABLE);

      // Everything the operation went through is on the topic, keyed by its id, in order.
      assertThat(bot.events().orElseThrow().stats().lost()).isZero();
      List<JsonObject> story = new ArrayList<>();
      try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
          "auto.offset.reset", "earliest", "group.id", "test-reader"), new StringDeserializer(), new StringDeserializer())) {
        c.subscribe(List.of("gimops-events"));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
          for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
            if (up.id().equals(r.key())) {
              story.add(new JsonObject(r.value()));
            }
          }
          return story.stream().anyMatch(j -> "Finished".equals(j.getString("event")));
        });
      }
      List<String> events = story.stream().filter(j -> j.getString("type").equals("event"))
          .map(j -> j.getString("event")).toList();
      assertThat(events).containsSubsequence("AwaitingConfirmation", "Started", "StepStarted", "StepSucceeded", "Finished");
      List<String> audited = story.stream().filter(j -> j.getString("type").equals("audit"))
          .map(j -> j.getJsonObject("record").getString("kind") + ":" + j.getJsonObject("record").getString("outcome"))
          .toList();
      assertThat(audited).isNotEmpty().anyMatch(a -> a.startsWith("decision:")).anyMatch(a -> a.equals("state:succeeded"));
      JsonObject finished = story.stream().filter(j -> "Finished".equals(j.getString("event"))).findFirst().orElseThrow();
      assertThat(finished.getString("state")).isEqualTo("SUCCEEDED");
      assertThat(finished.getString("environment")).isEqualTo(SandboxWorld.ENVIRONMENT);
    }
  }

  private static ThirdPartyState state(List<ThirdPartyState> states, ThirdParty t) {
    return states.stream().filter(s -> s.dependency() == t).findFirst().orElseThrow();
  }
}
