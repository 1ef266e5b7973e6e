package io.gimops.bot.signals;

import static org.assertj.core.api.Assertions.assertThat;

import io.gimops.adapters.kafka.KafkaConnection;
import io.gimops.adapters.kafka.KafkaInspector;
import io.gimops.adapters.kube.MetricsSource;
import io.gimops.policies.domain.BacklogSample;
import io.gimops.policies.domain.MetricPresence;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.sandbox.kafka.LocalKafka;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** GIM's backlog from Kafka when Prometheus has none, against a real KRaft broker. */
class KafkaBacklogTest {

  /** Prometheus as it is when GIM's metric is absent: presence known, no backlog series. */
  private static final MetricsSource PROMETHEUS_WITHOUT_BACKLOG = new MetricsSource() {
    @Override
    public MetricPresence presence(ServiceKind service) {
      return MetricPresence.PRESENT;
    }
  };

  @Test
  void kafkaFillsInTheBacklogPrometheusCannotSayAndNeverMakesUpAZero() throws Exception {
    Instant now = Instant.now();
    try (LocalKafka kafka = LocalKafka.start()) {
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 10; i++) {
          p.send(new ProducerRecord<>("gim-in", 0, now.minusSeconds(100 - i).toEpochMilli(), "k", "v" + i))
              .get(30, TimeUnit.SECONDS);
        }
      }
      KafkaInspector inspector = new KafkaInspector(new KafkaConnection(kafka.bootstrapServers(), Map.of(),
          Duration.ofSeconds(5)), Clock.systemUTC());
      try (inspector; KafkaBacklog backlog = new KafkaBacklog(Optional.of(PROMETHEUS_WITHOUT_BACKLOG), inspector,
          "gim-etl", Clock.systemUTC(), Duration.ofHours(1), Duration.ofMinutes(10))) {
        // The group has not committed yet: unknown, not zero.
        backlog.sample();
        assertThat(backlog.backlog(ServiceKind.GIM)).isEmpty();
        assertThat(backlog.problem()).hasValueSatisfying(p -> assertThat(p).contains("committed no offset"));

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
          admin.alterConsumerGroupOffsets("gim-etl", Map.of(new TopicPartition("gim-in", 0), new OffsetAndMetadata(3)))
              .all().get(30, TimeUnit.SECONDS);
        }
        backlog.sample();
        List<BacklogSample> samples = backlog.backlog(ServiceKind.GIM);
        // Record 3 was written 97 s before "now": that is how far GIM is behind.
        assertThat(samples).singleElement().satisfies(s -> assertThat(s.secondsBehind()).isBetween(96.0, 160.0));
        assertThat(backlog.presence(ServiceKind.GIM)).isEqualTo(MetricPresence.PRESENT);
        assertThat(backlog.backlog(ServiceKind.GSP)).isEmpty();

        kafka.stop();
        backlog.sample();
        assertThat(backlog.backlog(ServiceKind.GIM)).as("Kafka away: no reading, the old one is not current").isEmpty();
        assertThat(backlog.problem()).hasValueSatisfying(p -> assertThat(p).contains(kafka.bootstrapServers()));
      }
    }
  }

  @Test
  void prometheusBacklogWinsWhenItHasOne() {
    List<BacklogSample> fromPrometheus = List.of(new BacklogSample(Instant.now(), 4.0));
    MetricsSource prometheus = new MetricsSource() {
      @Override
      public MetricPresence presence(ServiceKind service) {
        return MetricPresence.PRESENT;
      }

      @Override
      public List<BacklogSample> backlog(ServiceKind service) {
        return fromPrometheus;
      }
    };
    KafkaInspector nowhere = new KafkaInspector(new KafkaConnection("127.0.0.1:" + io.gimops.sandbox.ProjectTools.freePort(),
        Map.of(), Duration.ofSeconds(1)), Clock.systemUTC());
    try (nowhere; KafkaBacklog backlog = new KafkaBacklog(Optional.of(prometheus), nowhere, "gim-etl",
        Clock.systemUTC(), Duration.ofHours(1), Duration.ofMinutes(10))) {
      assertThat(backlog.backlog(ServiceKind.GIM)).isEqualTo(fromPrometheus);
    }
  }
}
