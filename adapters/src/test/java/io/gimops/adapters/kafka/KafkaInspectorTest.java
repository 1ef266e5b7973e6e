package io.gimops.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.sandbox.kafka.LocalKafka;
import io.gimops.policies.domain.Reachability;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.policies.domain.Version;
import io.gimops.sandbox.ProjectTools;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** GIM's lag and timestamp behind, and rule 6's reachability, asked of a real KRaft broker. */
class KafkaInspectorTest {

  private static final Instant NOW = Instant.parse("2026-11-30T08:00:00Z");
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
    return new KafkaConnection(broker.bootstrapServers(), Map.of(), Duration.ofSeconds(10));
  }

  /** Writes {@code count} records per partition, record i stamped {@code NOW - 300 s + 10 s * i}. */
  private static void fill(String topic, int partitions, int count) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
    try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
        new StringSerializer(), new StringSerializer())) {
      for (int part = 0; part < partitions; part++) {
        for (int i = 0; i < count; i++) {
          long ts = NOW.minusSeconds(300).plusSeconds(10L * i).toEpochMilli();
          p.send(new ProducerRecord<>(topic, part, ts, "k" + i, "interaction " + i)).get(30, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static void commit(String group, Map<TopicPartition, Long> offsets) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<TopicPartition, OffsetAndMetadata> o = new java.util.HashMap<>();
      offsets.forEach((tp, off) -> o.put(tp, new OffsetAndMetadata(off)));
      admin.alterConsumerGroupOffsets(group, o).all().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void lagIsCommittedAgainstEndAndTimestampBehindIsTheOldestUnconsumedRecord() throws Exception {
    fill("gim-interactions", 2, 10);
    // Partition 0: consumed up to record 4 (records 4..9 wait; record 4 is stamped NOW-260s).
    // Partition 1: consumed up to record 8 (records 8, 9 wait; record 8 is stamped NOW-220s).
    commit("gim-etl", Map.of(new TopicPartition("gim-interactions", 0), 4L,
        new TopicPartition("gim-interactions", 1), 8L));
    try (KafkaInspector k = new KafkaInspector(connection(), Clock.fixed(NOW, ZoneOffset.UTC))) {
      GroupLag lag = k.lag("gim-etl");
      assertThat(lag.partitions()).extracting(GroupLag.Partition::lag).containsExactly(6L, 2L);
      assertThat(lag.partitions()).extracting(GroupLag.Partition::end).containsExactly(10L, 10L);
      assertThat(lag.totalLag()).isEqualTo(8);
      assertThat(lag.partitions().get(0).oldestUnconsumed()).contains(NOW.minusSeconds(260));
      assertThat(lag.partitions().get(1).oldestUnconsumed()).contains(NOW.minusSeconds(220));
      assertThat(lag.timestampBehind()).isEqualTo(Duration.ofSeconds(260));
      assertThat(lag.neverCommitted()).isFalse();

      // The group catches up: no lag, nothing behind.
      commit("gim-etl", Map.of(new TopicPartition("gim-interactions", 0), 10L,
          new TopicPartition("gim-interactions", 1), 10L));
      GroupLag caughtUp = k.lag("gim-etl");
      assertThat(caughtUp.totalLag()).isZero();
      assertThat(caughtUp.timestampBehind()).isEqualTo(Duration.ZERO);

      // A group that never committed is not "caught up": it has no partitions at all.
      GroupLag none = k.lag("no-such-group");
      assertThat(none.partitions()).isEmpty();
      assertThat(none.neverCommitted()).isTrue();
    }
  }

  @Test
  void reachableWithTheReleaseItsMetadataVersionComesFrom() {
    try (KafkaInspector k = new KafkaInspector(connection(), Clock.systemUTC())) {
      ThirdPartyState s = k.reachability();
      assertThat(s.dependency()).isEqualTo(ThirdParty.KAFKA);
      assertThat(s.reachability()).isEqualTo(Reachability.REACHABLE);
      // The test kit runs 4.1.1 at its latest production metadata.version, 4.1-IV1.
      assertThat(s.version()).contains(Version.parse("4.1"));
      assertThat(s.detail()).contains("1 broker(s)");
    }
  }

  @Test
  void nothingListeningIsUnreachableWithTheReasonWithinTheTimeout() {
    KafkaConnection nowhere = new KafkaConnection("127.0.0.1:" + ProjectTools.freePort(), Map.of(), Duration.ofSeconds(1));
    long t0 = System.nanoTime();
    try (KafkaInspector k = new KafkaInspector(nowhere, Clock.systemUTC())) {
      ThirdPartyState s = k.reachability();
      assertThat(s.reachability()).isEqualTo(Reachability.UNREACHABLE);
      assertThat(s.detail()).contains(nowhere.bootstrapServers());
      assertThat(s.version()).isEmpty();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void releaseOfAMetadataVersionLevel() {
    assertThat(KafkaInspector.release((short) 7)).isEqualTo("3.3");
    assertThat(KafkaInspector.release((short) 21)).isEqualTo("3.9");
    assertThat(KafkaInspector.release((short) 25)).isEqualTo("4.0");
    assertThat(KafkaInspector.release((short) 27)).isEqualTo("4.1");
    assertThat(KafkaInspector.release((short) 40)).isEqualTo("4.2");
  }
}
