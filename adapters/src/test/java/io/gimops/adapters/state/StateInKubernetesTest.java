package io.gimops.adapters.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.sandbox.api.EmbeddedApiServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The bot's own state against the sandbox's API server: leadership, rule 4's lock, the journal. */
class StateInKubernetesTest {

  static EmbeddedApiServer api;
  static KubernetesClient client;

  @BeforeAll
  static void start() {
    api = new EmbeddedApiServer().start();
    client = api.newClient();
  }

  @AfterAll
  static void stop() {
    client.close();
    api.close();
  }

  @Nested
  @DisplayName("rule 4's lock: one operation per environment, across replicas and restarts")
  class Lock {

    final OperationLock lock = new OperationLock(client, "gimops", Clock.systemUTC());

    @Test
    void rule4_theFirstOperationHoldsTheEnvironmentAndOthersAreToldWho() {
      assertThat(lock.acquire("prod", "op-aaa", "upgrade all to latest")).isInstanceOf(OperationLock.Result.Acquired.class);
      OperationLock.Result other = lock.acquire("prod", "op-bbb", "upgrade gsp to latest");
      assertThat(other).isInstanceOf(OperationLock.Result.HeldBy.class);
      assertThat(((OperationLock.Result.HeldBy) other).operationId()).isEqualTo("op-aaa");
      assertThat(((OperationLock.Result.HeldBy) other).summary()).isEqualTo("upgrade all to latest");
      // Taking it again (a resumed operation) is fine; another environment is independent.
      assertThat(lock.acquire("prod", "op-aaa", "upgrade all to latest")).isInstanceOf(OperationLock.Result.Acquired.class);
      assertThat(lock.acquire("staging", "op-bbb", "upgrade gsp")).isInstanceOf(OperationLock.Result.Acquired.class);
      // Only the holder releases it.
      assertThat(lock.release("prod", "op-bbb")).isFalse();
      assertThat(lock.holder("prod")).contains("op-aaa");
      assertThat(lock.release("prod", "op-aaa")).isTrue();
      assertThat(lock.holder("prod")).isEmpty();
      assertThat(lock.release("prod", "op-aaa")).isFalse();
      assertThat(lock.release("staging", "op-bbb")).isTrue();
    }

    @Test
    void rule4_twoReplicasRacingForTheSameEnvironmentNeverBothWin() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 20; round++) {
          String env = "race-" + round;
          int n = round;
          CountDownLatch go = new CountDownLatch(1);
          KubernetesClient other = api.newClient();
          OperationLock second = new OperationLock(other, "gimops", Clock.systemUTC());
          Callable<OperationLock.Result> a = () -> {
            go.await();
            return lock.acquire(env, "op-a" + n, "a");
          };
          Callable<OperationLock.Result> b = () -> {
            go.await();
            return second.acquire(env, "op-b" + n, "b");
          };
          Future<OperationLock.Result> fa = pool.submit(a);
          Future<OperationLock.Result> fb = pool.submit(b);
          go.countDown();
          List<OperationLock.Result> results = List.of(fa.get(), fb.get());
          assertThat(results).filteredOn(r -> r instanceof OperationLock.Result.Acquired).hasSize(1);
          other.close();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Nested
  @DisplayName("the journal: one ConfigMap per operation in the bot's namespace")
  class Journal {

    final JournalStore store = new JournalStore(client, "gimops");

    @Test
    void documentsRoundTripAreReplacedInPlaceAndListByLabel() {
      store.write("op-j1", "{\"v\":1}", Map.of("gimops.io/environment", "prod"));
      store.write("op-j2", "{\"v\":2}", Map.of("gimops.io/environment", "staging"));
      store.write("op-j1", "{\"v\":3}", Map.of("gimops.io/environment", "prod"));
      assertThat(store.read("op-j1").orElseThrow().document()).isEqualTo("{\"v\":3}");
      assertThat(store.list(Map.of("gimops.io/environment", "prod"))).extracting(JournalStore.Entry::id)
          .containsExactly("op-j1");
      assertThat(client.configMaps().inNamespace("gimops").withLabel(JournalStore.JOURNAL_LABEL).list().getItems())
          .extracting(c -> c.getMetadata().getName()).contains("gimops-op-op-j1", "gimops-op-op-j2")
          .doesNotHaveDuplicates();
      // The data is in the API server, not in this process.
      try (KubernetesClient fresh = api.newClient()) {
        assertThat(new JournalStore(fresh, "gimops").read("op-j2").orElseThrow().document()).isEqualTo("{\"v\":2}");
      }
      store.delete("op-j2");
      assertThat(store.read("op-j2")).isEmpty();
    }

    @Test
    void whatAConfigMapCannotHoldIsRefusedWithAClearMessage() {
      assertThatThrownBy(() -> store.write("op-big", "x".repeat(JournalStore.MAX_BYTES + 1), Map.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most");
      assertThatThrownBy(() -> store.write("Op/../x", "{}", Map.of()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a journal id");
      assertThat(store.read("op-big")).isEmpty();
    }
  }

  @Nested
  @DisplayName("leadership: one replica executes")
  class Leaders {

    final Leadership.Timing quick = new Leadership.Timing(Duration.ofSeconds(3), Duration.ofSeconds(2),
        Duration.ofMillis(500));

    record Heard(List<String> events) implements Leadership.Listener {
      @Override
      public void onStartedLeading() {
        events.add("started");
      }

      @Override
      public void onStoppedLeading() {
        events.add("stopped");
      }
    }

    @Test
    void oneLeadsAGracefulStopHandsOverAndACrashHandsOverWhenTheLeaseExpires() {
      Heard a = new Heard(new CopyOnWriteArrayList<>());
      Heard b = new Heard(new CopyOnWriteArrayList<>());
      Heard c = new Heard(new CopyOnWriteArrayList<>());
      Leadership la = Leadership.start(client, "gimops", "test-leader", "a", quick, a);
      await().atMost(Duration.ofSeconds(10)).until(la::isLeader);
      Leadership lb = Leadership.start(api.newClient(), "gimops", "test-leader", "b", quick, b);
      await().atMost(Duration.ofSeconds(5)).until(() -> lb.leader().isPresent());
      assertThat(lb.isLeader()).isFalse();
      assertThat(lb.leader()).contains("a");

      la.close();
      await().atMost(Duration.ofSeconds(5)).until(lb::isLeader);
      assertThat(a.events()).containsExactly("started", "stopped");

      Leadership lc = Leadership.start(api.newClient(), "gimops", "test-leader", "c", quick, c);
      long crashed = System.nanoTime();
      lb.abandon();
      await().atMost(Duration.ofSeconds(15)).until(lc::isLeader);
      System.out.println("a crashed leader was replaced after " + (System.nanoTime() - crashed) / 1_000_000
          + " ms (lease " + quick.leaseDuration().toMillis() + " ms)");
      assertThat(b.events()).containsExactly("started", "stopped");
      assertThat(c.events()).containsExactly("started");
      lc.close();
    }

    @Test
    void timingsThatCannotWorkAreRefused() {
      assertThatThrownBy(() -> new Leadership.Timing(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
