package io.gimops.policies.domain;

import java.time.Instant;
import java.util.Objects;

/** One reading of GIM's {@code gim_kafka_timestamp_behind} metric: seconds of data latency. */
public record BacklogSample(Instant at, double secondsBehind) {

  public BacklogSample {
    Objects.requireNonNull(at, "at");
  }
}
