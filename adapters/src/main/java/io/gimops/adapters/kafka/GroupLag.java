package io.gimops.adapters.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How far a consumer group is behind, computed from Kafka itself: committed offsets against end
 * offsets, and the timestamp of the oldest record not yet consumed. The same quantity as GIM's
 * {@code gim_kafka_timestamp_behind}, from the other side.
 *
 * @param at when it was measured
 */
public record GroupLag(String group, Instant at, List<Partition> partitions) {

  /**
   * One partition.
   *
   * @param committed the group's committed offset (empty: the group never committed here)
   * @param end the partition's end offset (the next offset to be written)
   * @param oldestUnconsumed the timestamp of the record at the committed offset, when there is lag
   */
  public record Partition(String topic, int partition, Optional<Long> committed, long end,
      Optional<Instant> oldestUnconsumed) {

    public long lag() {
      return committed.map(c -> Math.max(0, end - c)).orElse(0L);
    }
  }

  public GroupLag {
    partitions = List.copyOf(partitions);
  }

  public long totalLag() {
    return partitions.stream().mapToLong(Partition::lag).sum();
  }

  /** How old the oldest unconsumed record is; zero when nothing is waiting. */
  public Duration timestampBehind() {
    return partitions.stream()
        .filter(p -> p.lag() > 0)
        .flatMap(p -> p.oldestUnconsumed().stream())
        .min(Instant::compareTo)
        .map(oldest -> Duration.between(oldest, at))
        .filter(d -> !d.isNegative())
        .orElse(Duration.ZERO);
  }

  /** True when the group has committed no offset at all: it is unknown, not caught up. */
  public boolean neverCommitted() {
    return partitions.stream().allMatch(p -> p.committed().isEmpty());
  }
}
