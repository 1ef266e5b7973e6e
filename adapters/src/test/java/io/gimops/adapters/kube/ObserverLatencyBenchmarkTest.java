package io.gimops.adapters.kube;

import static io.gimops.adapters.testing.Workloads.imagePullFailure;
import static io.gimops.adapters.testing.Workloads.pod;
import static io.gimops.adapters.testing.Workloads.ready;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.gimops.adapters.testing.HelmRecords;
import io.gimops.adapters.testing.MockCluster;
import io.gimops.adapters.testing.Workloads;
import io.gimops.policies.domain.Environment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How long from a pod turning ImagePullBackOff in the API server to the observer's
 * {@link ClusterEvent.PodImagePullFailure}: the first leg of "a failing pod reaches the channel
 * within 1 s". Not a timed test: it prints figures. Run it on purpose:
 *
 * <pre>
 * mvn -B -o verify -pl adapters -am -Dbenchmarks.excluded= -Dgroups=benchmark \
 *     -Dtest=ObserverLatencyBenchmarkTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * <p>Each round makes the pod Ready (and waits for that event, which ends the failure episode),
 * then writes its status as ImagePullBackOff and times from just before the write to the
 * listener's call. The time therefore includes the write's own round trip, which is printed
 * beside it; a bare fabric8 watch on its own connection shows when the watch event itself
 * reached the JVM, so the last figure is the observer's own share (informer, recompute, diff).
 * API server and observer share one JVM and the loopback.
 */
@Tag("benchmark")
class ObserverLatencyBenchmarkTest {

  private static final int WARMUP = 30;
  private static final int ROUNDS = 300;

  private record Seen(ClusterEvent event, long nanos) {}

  @Test
  void imagePullBackOffToEvent() throws Exception {
    try (MockCluster cluster = new MockCluster()) {
      KubernetesClient world = cluster.newClient();
      installBackground(world);
      Pod p = world.resource(pod("gca", "gca-5c4b3a291-bench", "gca", "gca", "100.0.101+2400")).create();

      // A bare watch on its own connection: when the API server's watch event reaches this JVM.
      Map<String, CompletableFuture<Long>> watchArrival = new ConcurrentHashMap<>();
      KubernetesClient raw = cluster.newClient();
      Watch bare = raw.pods().inNamespace("gca").withName(p.getMetadata().getName()).watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, Pod pod) {
          long now = System.nanoTime();
          watchArrival.computeIfAbsent(pod.getMetadata().getResourceVersion(), k -> new CompletableFuture<>()).complete(now);
        }

        @Override
        public void onClose(WatcherException cause) {
        }
      });

      BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
      try (ClusterObserver observer = ClusterObserver.builder(cluster.newClient(),
          Environment.standard("bench", "kind-bench", false)).start()) {
        observer.subscribe(e -> seen.add(new Seen(e, System.nanoTime())));
        assertThat(observer.awaitHealthy(Duration.ofSeconds(30))).isTrue();

        List<Long> latencies = new ArrayList<>();
        List<Long> writes = new ArrayList<>();
        List<Long> overhead = new ArrayList<>();
        for (int round = 0; round < WARMUP + ROUNDS; round++) {
          p = world.resource(new PodBuilder(p).withStatus(ready(p)).build()).updateStatus();
          awaitEvent(seen, ClusterEvent.PodReady.class);

          Pod failing = new PodBuilder(p).withStatus(imagePullFailure(p, "ImagePullBackOff")).build();
          long before = System.nanoTime();
          p = world.resource(failing).updateStatus();
          long written = System.nanoTime();
          Seen s = awaitEvent(seen, ClusterEvent.PodImagePullFailure.class);
          if (round >= WARMUP) {
            latencies.add(s.nanos() - before);
            writes.add(written - before);
            long arrived = watchArrival.computeIfAbsent(p.getMetadata().getResourceVersion(), k -> new CompletableFuture<>())
                .get(10, TimeUnit.SECONDS);
            overhead.add(s.nanos() - arrived);
          }
        }
        print(latencies, writes, overhead);
      } finally {
        bare.close();
      }
    }
  }

  /** Three services with their releases and pods, so the observer works on a realistic view. */
  private static void installBackground(KubernetesClient world) {
    String[][] services = {{"gim", "100.0.116+2900", "1"}, {"gsp", "100.0.100+1400", "2"}, {"gca", "100.0.100+2300", "1"}};
    for (String[] s : services) {
      for (int rev = 1; rev <= 3; rev++) {
        world.resource(HelmRecords.revision(s[0], rev).in(s[0]).chart(s[0], s[1])
            .status(rev == 3 ? "deployed" : "superseded").secret()).create();
      }
      int replicas = Integer.parseInt(s[2]);
      world.resource(Workloads.deployment(s[0], s[0], s[0], s[1], replicas, replicas)).create();
      for (int i = 0; i < replicas; i++) {
        Pod p = world.resource(pod(s[0], s[0] + "-" + i, s[0], s[0], s[1])).create();
        world.resource(new PodBuilder(p).withStatus(ready(p)).build()).updateStatus();
      }
    }
  }

  private static Seen awaitEvent(BlockingQueue<Seen> seen, Class<? extends ClusterEvent> type) throws InterruptedException {
    while (true) {
      Seen s = seen.poll(10, TimeUnit.SECONDS);
      if (s == null) {
        throw new AssertionError("no " + type.getSimpleName() + " within 10 s");
      }
      if (type.isInstance(s.event())) {
        return s;
      }
    }
  }

  private static void print(List<Long> latencies, List<Long> writes, List<Long> overhead) {
    System.out.printf(Locale.ROOT, "%nObserver latency, pod status written as ImagePullBackOff -> PodImagePullFailure"
        + " event (%d rounds after %d warm-up, in-JVM mock API server):%n", latencies.size(), WARMUP);
    System.out.printf(Locale.ROOT, "  write to event: %s%n", figures(latencies));
    System.out.printf(Locale.ROOT, "  the status write's own round trip: %s%n", figures(writes));
    System.out.printf(Locale.ROOT, "  the same watch event at a bare fabric8 watch -> the observer's event: %s%n%n",
        figures(overhead));
  }

  private static String figures(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    double mean = sorted.stream().mapToLong(Long::longValue).average().orElse(0) / 1e6;
    return String.format(Locale.ROOT, "p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, mean %.2f ms",
        pct(sorted, 50), pct(sorted, 90), pct(sorted, 99), sorted.get(sorted.size() - 1) / 1e6, mean);
  }

  private static double pct(List<Long> sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, i)) / 1e6;
  }
}
