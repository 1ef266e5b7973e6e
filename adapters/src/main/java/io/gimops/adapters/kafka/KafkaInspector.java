package io.gimops.adapters.kafka;

import io.gimops.policies.domain.Reachability;
import io.gimops.policies.domain.ThirdParty;
import io.gimops.policies.domain.ThirdPartyState;
import io.gimops.policies.domain.Version;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Asks Kafka directly: how far a consumer group is behind (GIM's lag and timestamp behind, a
 * second source when Prometheus is missing), and whether the cluster answers, at which version
 * (rule 6). Every call blocks for at most about the connection's timeout: call it from a worker,
 * never from an event loop. Thread-safe.
 */
public final class KafkaInspector implements AutoCloseable {

  private final KafkaConnection connection;
  private final Clock clock;
  private final Admin admin;
  private KafkaConsumer<byte[], byte[]> reader;

  public KafkaInspector(KafkaConnection connection, Clock clock) {
    this.connection = connection;
    this.clock = clock;
    this.admin = Admin.create(connection.config("gimops-inspector", Map.of()));
  }

  /** Rule 6: reachable with the cluster's version, or unreachable saying why. Never throws. */
  public ThirdPartyState reachability() {
    try {
      DescribeClusterResult cluster = admin.describeCluster();
      List<Node> nodes = new ArrayList<>(get(cluster.nodes()));
      String id = get(cluster.clusterId());
      if (nodes.isEmpty()) {
        return ThirdPartyState.unreachable(ThirdParty.KAFKA, "cluster " + id + " has no live broker");
      }
      Optional<String> version = version(get(admin.describeFeatures().featureMetadata()));
      return version
          .map(v -> new ThirdPartyState(ThirdParty.KAFKA, Reachability.REACHABLE,
              Optional.of(Version.parse(v)),
              nodes.size() + " broker(s), cluster " + id + ", metadata.version of release " + v))
          .orElseGet(() -> new ThirdPartyState(ThirdParty.KAFKA, Reachability.REACHABLE,
              Optional.empty(), nodes.size() + " broker(s), cluster " + id + "; its version is not reported"));
    } catch (KafkaUnavailable e) {
      return ThirdPartyState.unreachable(ThirdParty.KAFKA, e.getMessage());
    }
  }

  /**
   * The Kafka release the cluster runs at, as far as its finalized {@code metadata.version}
   * feature tells (KRaft): the release that introduced that level. Brokers may run newer software
   * than the level finalized, never older, so this is a floor: what rule 6's minimum versions need.
   */
  static Optional<String> version(FeatureMetadata features) {
    FinalizedVersionRange mv = features.finalizedFeatures().get("metadata.version");
    return mv == null ? Optional.empty() : Optional.of(release(mv.maxVersionLevel()));
  }

  /** The first {@code metadata.version} level of each release, from Kafka's own MetadataVersion. */
  private static final int[][] FIRST_LEVEL = {
      {3, 3, 1}, {3, 4, 8}, {3, 5, 9}, {3, 6, 12}, {3, 7, 15}, {3, 8, 20}, {3, 9, 21}, {4, 0, 22}, {4, 1, 26},
      {4, 2, 28}};

  static String release(short level) {
    int[] found = FIRST_LEVEL[0];
    for (int[] r : FIRST_LEVEL) {
      if (level >= r[2]) {
        found = r;
      }
    }
    return found[0] + "." + found[1];
  }

  /**
   * The group's lag on every partition it has committed on: committed against end offsets, and
   * the timestamp of the first record not yet consumed (read with a group-less consumer, so the
   * group itself is never disturbed).
   *
   * @throws KafkaUnavailable when Kafka does not answer within the connection's timeout
   */
  public synchronized GroupLag lag(String group) throws KafkaUnavailable {
    Map<TopicPartition, OffsetAndMetadata> committed =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Instant at = clock.instant();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = get(admin.listOffsets(latest).all());
    Map<TopicPartition, Long> behind = new HashMap<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
      if (e.getValue() != null && ends.get(e.getKey()).offset() > e.getValue().offset()) {
        behind.put(e.getKey(), e.getValue().offset());
      }
    }
    Map<TopicPartition, Instant> oldest = timestampsAt(behind);
    List<GroupLag.Partition> partitions = new ArrayList<>();
    for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
      TopicPartition tp = e.getKey();
      partitions.add(new GroupLag.Partition(tp.topic(), tp.partition(),
          Optional.ofNullable(e.getValue()).map(OffsetAndMetadata::offset), ends.get(tp).offset(),
          Optional.ofNullable(oldest.get(tp))));
    }
    partitions.sort((a, b) -> a.topic().equals(b.topic())
        ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
    return new GroupLag(group, at, partitions);
  }

  /** The timestamp of the first record at or after each offset (compaction may have removed the exact one). */
  private Map<TopicPartition, Instant> timestampsAt(Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, Instant> found = new HashMap<>();
    if (offsets.isEmpty()) {
      return found;
    }
    KafkaConsumer<byte[], byte[]> c = reader();
    c.assign(offsets.keySet());
    offsets.forEach(c::seek);
    long deadline = System.nanoTime() + connection.timeout().toNanos();
    while (found.size() < offsets.size() && System.nanoTime() < deadline) {
      ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
      for (TopicPartition tp : records.partitions()) {
        for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
          found.putIfAbsent(tp, Instant.ofEpochMilli(r.timestamp()));
          c.pause(List.of(tp));
          break;
        }
      }
    }
    c.unsubscribe();
    return found;
  }

  private KafkaConsumer<byte[], byte[]> reader() {
    if (reader == null) {
      Map<String, Object> own = new HashMap<>();
      own.put("enable.auto.commit", false);
      own.put("max.poll.records", 50);
      own.put("auto.offset.reset", "earliest");
      reader = new KafkaConsumer<>(connection.config("gimops-lag-reader", own),
          new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
    return reader;
  }

  private <T> T get(org.apache.kafka.common.KafkaFuture<T> f) throws KafkaUnavailable {
    try {
      return f.get(connection.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaUnavailable("interrupted while asking Kafka", e);
    } catch (TimeoutException e) {
      throw new KafkaUnavailable("Kafka at " + connection.bootstrapServers() + " did not answer within "
          + connection.timeout().toSeconds() + " s", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new KafkaUnavailable("Kafka at " + connection.bootstrapServers() + ": " + cause.getMessage(), cause);
    }
  }

  @Override
  public synchronized void close() {
    admin.close(Duration.ofSeconds(2));
    if (reader != null) {
      reader.close(Duration.ofSeconds(2));
    }
  }

  /** Kafka did not answer, or refused: the reason is in the message. */
  public static final class KafkaUnavailable extends Exception {
    KafkaUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
