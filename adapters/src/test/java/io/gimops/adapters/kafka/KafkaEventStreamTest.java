package io.gimops.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.sandbox.kafka.LocalKafka;
import io.gimops.sandbox.ProjectTools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The audit and event stream against a real KRaft broker, stopped and restarted while events flow. */
class KafkaEventStreamTest {

  private static LocalKafka broker;

  @BeforeAll
  static void broker() throws Exception {
    broker = LocalKafka.start();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.close();
  }

  private static KafkaConnection connection() {
    return new KafkaConnection(broker.bootstrapServers(), Map.of(), Duration.ofSeconds(2));
  }

  /** Every record on the topic, read from the beginning until {@code expected} arrived or 60 s passed. */
  private static List<ConsumerRecord<String, String>> readAll(String topic, int expected) {
    List<ConsumerRecord<String, String>> all = new ArrayList<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
        "auto.offset.reset", "earliest", "group.id", "reader-" + topic, "isolation.level", "read_committed"),
        new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (all.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(all::add);
      }
      // A moment more: anything beyond the expected count would be a duplicate.
      c.poll(Duration.ofMillis(500)).forEach(all::add);
    }
    return all;
  }

  private static final class Recorder implements KafkaEventStream.Overflow {
    final List<String> said = new CopyOnWriteArrayList<>();

    @Override
    public void full(long lostSoFar, int capacity) {
      said.add("full " + lostSoFar + "/" + capacity);
    }

    @Override
    public void recovered(long lostWhileFull) {
      said.add("recovered " + lostWhileFull);
    }
  }

  @Test
  void everyRecordArrivesOnceKeyedByOperationAndInOrderPerKey() throws Exception {
    Recorder overflow = new Recorder();
    try (KafkaEventStream s = new KafkaEventStream(connection(), "gimops-audit", 1000, overflow)) {
      for (int i = 0; i < 300; i++) {
        assertThat(s.publish("op-" + (i % 3), "{\"seq\":" + i + "}")).isTrue();
      }
      assertThat(s.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(s.stats()).isEqualTo(new KafkaEventStream.Stats(300, 300, 0, 0, 0));
    }
    List<ConsumerRecord<String, String>> got = readAll("gimops-audit", 300);
    assertThat(got).hasSize(300);
    Map<String, List<Integer>> perKey = new HashMap<>();
    for (ConsumerRecord<String, String> r : got) {
      perKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(seq(r.value()));
    }
    assertThat(perKey).containsOnlyKeys("op-0", "op-1", "op-2");
    perKey.forEach((k, seqs) -> assertThat(seqs).isSorted().doesNotHaveDuplicates().hasSize(100));
    assertThat(overflow.said).isEmpty();
  }

  @Test
  void brokerStoppedAndRestartedWhileEventsFlowEveryEventDeliveredNoneTwice() throws Exception {
    Recorder overflow = new Recorder();
    int total = 600;
    try (KafkaEventStream s = new KafkaEventStream(connection(), "gimops-events", 10_000, overflow)) {
      for (int i = 0; i < total; i++) {
        if (i == 200) {
          broker.stop();
        }
        if (i == 400) {
          // Kafka has been away for a while; everything since is waiting in the buffer.
          assertThat(s.stats().pending()).isGreaterThan(0);
          broker.restart();
        }
        assertThat(s.publish("op-" + (i % 7), "{\"seq\":" + i + "}")).isTrue();
        // Pacing, not waiting: events keep arriving over the seconds the broker is away, as an
        // operation's would.
        Thread.sleep(i >= 200 && i < 400 ? 10 : 1);
      }
      assertThat(s.flush(Duration.ofSeconds(60))).as("delivered after the restart").isTrue();
      assertThat(s.stats().delivered()).isEqualTo(total);
      assertThat(s.stats().lost()).isZero();
    } finally {
      broker.restart();
    }
    List<ConsumerRecord<String, String>> got = readAll("gimops-events", total);
    List<Integer> seqs = got.stream().map(r -> seq(r.value())).toList();
    assertThat(seqs).doesNotHaveDuplicates().hasSize(total);
    Map<String, List<Integer>> perKey = new HashMap<>();
    got.forEach(r -> perKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(seq(r.value())));
    perKey.forEach((k, v) -> assertThat(v).as("order of " + k).isSorted());
    assertThat(overflow.said).isEmpty();
  }

  @Test
  void aFullBufferSaysSoLoudlyAndCountsWhatItLost() throws Exception {
    Recorder overflow = new Recorder();
    KafkaConnection nowhere = new KafkaConnection("127.0.0.1:" + ProjectTools.freePort(), Map.of(), Duration.ofSeconds(1));
    try (KafkaEventStream s = new KafkaEventStream(nowhere, "gimops-audit", 10, overflow)) {
      for (int i = 0; i < 15; i++) {
        assertThat(s.publish("op-1", "{\"seq\":" + i + "}")).isEqualTo(i < 10);
      }
      assertThat(s.stats().lost()).isEqualTo(5);
      assertThat(s.stats().pending()).isEqualTo(10);
      assertThat(s.stats().published()).isEqualTo(15);
      // Said once when it filled, not once per record lost.
      assertThat(overflow.said).containsExactly("full 1/10");
    }
  }

  @Test
  void whenKafkaReturnsTheBufferDrainsAndTheStreamSaysHowManyWereLost() throws Exception {
    Recorder overflow = new Recorder();
    try (KafkaEventStream s = new KafkaEventStream(connection(), "gimops-overflow", 20, overflow)) {
      assertThat(s.publish("op-0", "{\"seq\":0}")).isTrue();
      assertThat(s.flush(Duration.ofSeconds(30))).isTrue();
      broker.stop();
      for (int i = 1; i <= 25; i++) {
        s.publish("op-0", "{\"seq\":" + i + "}");
      }
      assertThat(overflow.said).containsExactly("full 1/20");
      broker.restart();
      assertThat(s.flush(Duration.ofSeconds(60))).isTrue();
      assertThat(s.publish("op-0", "{\"seq\":26}")).isTrue();
      assertThat(overflow.said).containsExactly("full 1/20", "recovered 5");
      assertThat(s.flush(Duration.ofSeconds(30))).isTrue();
      assertThat(s.stats()).isEqualTo(new KafkaEventStream.Stats(27, 22, 0, 5, 0));
    } finally {
      broker.restart();
    }
    List<Integer> seqs = readAll("gimops-overflow", 22).stream().map(r -> seq(r.value())).toList();
    // The first twenty kept while Kafka was away, in order; the five beyond the buffer were lost, said so.
    assertThat(seqs).containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(0, 26)
        .filter(i -> i <= 20 || i == 26).boxed().toList());
  }

  private static int seq(String json) {
    return Integer.parseInt(json.replaceAll("\\D", ""));
  }
}
