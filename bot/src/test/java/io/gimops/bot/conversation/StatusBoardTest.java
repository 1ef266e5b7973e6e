package io.gimops.bot.conversation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.orchestrator.EnvironmentRuntime;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.domain.ServiceKind;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slack front end's status tables against the sandbox cluster: one table stands for a
 * second while nothing changes, and a change of the cluster shows at once.
 */
class StatusBoardTest {

  /** A clock the test moves. */
  static final class HandClock extends Clock {
    volatile Instant now = Instant.parse("2026-11-30T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aTableStandsForASecondAndAClusterChangeShowsAtOnce(@TempDir Path work) {
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      Bot bot = sandbox.bot("status-bot", SandboxWorld.Pace.TEST);
      SandboxBots.awaitLeading(bot);
      EnvironmentRuntime env = bot.orchestrator().environment(SandboxWorld.ENVIRONMENT).orElseThrow();
      // The sandbox settled (every pod ready, metrics seen), so that nothing but the test moves
      // what the tables are made of.
      await().atMost(SandboxBots.AWAIT).until(() -> java.util.Arrays.stream(ServiceKind.values())
          .map(k -> env.snapshot().service(k))
          .allMatch(s -> s.installed() && s.desiredReplicas() > 0 && s.readyReplicas() == s.desiredReplicas()
              && s.metrics() == io.gimops.policies.domain.MetricPresence.PRESENT));
      HandClock clock = new HandClock();
      StatusBoard board = new StatusBoard(bot.orchestrator(), clock);

      String first = board.status(env, List.of());
      assertThat(first).contains("gim ", "gsp ", "gca ");
      assertThat(board.status(env, List.of())).as("the same table within the second").isSameAs(first);
      String gspOnly = board.status(env, List.of(ServiceKind.GSP));
      assertThat(gspOnly).as("a filter is a table of its own").contains("gsp ").doesNotContain("gim ");

      clock.now = clock.now.plus(StatusBoard.FRESH);
      String later = board.status(env, List.of());
      assertThat(later).as("made again after a second").isNotSameAs(first).isEqualTo(first);

      // A change in the cluster: GCA scaled to nothing. The clock stands still, and yet the
      // next table shows it, as soon as the observer has seen it.
      long seen = env.observer().version();
      var deployments = sandbox.world().api().client().apps().deployments().inNamespace("gca");
      String name = deployments.list().getItems().get(0).getMetadata().getName();
      deployments.withName(name).scale(0);
      await().atMost(SandboxBots.AWAIT).until(() -> env.observer().version() != seen
          && env.snapshot().service(ServiceKind.GCA).desiredReplicas() == 0);
      assertThat(board.status(env, List.of())).contains("gca wants no replicas");
      assertThat(board.status(env, List.of(ServiceKind.GSP))).as("every table of the environment is made again")
          .isNotSameAs(gspOnly);
    }
  }
}
