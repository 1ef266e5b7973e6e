package io.gimops.adapters.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.adapters.alerts.AlertWebhook;
import io.gimops.adapters.alerts.AlertmanagerNotification;
import io.gimops.sandbox.kafka.LocalKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Alerts from a Kafka topic take the webhook's path: parsed the same, refused the same. */
class KafkaAlertSourceTest {

  private static final String NOTIFICATION = """
      {"version":"4","groupKey":"{}:{alertname=\\"GimBacklogGrowing\\"}","status":"firing","receiver":"gimops",
       "groupLabels":{"alertname":"GimBacklogGrowing"},"commonLabels":{"environment":"prod","service":"gim"},
       "externalURL":"http://am","alerts":[{"status":"firing","labels":{"alertname":"GimBacklogGrowing",
       "environment":"prod","service":"gim"},"annotations":{"summary":"backlog growing"},
       "startsAt":"2026-11-30T07:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"a1b2","generatorURL":""}]}
      """;

  @Test
  void notificationsOnTheTopicReachTheIntakeAndBadRecordsAreTurnedAwayWithTheReason() throws Exception {
    List<AlertmanagerNotification> taken = new CopyOnWriteArrayList<>();
    List<AlertWebhook.Rejection> refused = new CopyOnWriteArrayList<>();
    try (LocalKafka broker = LocalKafka.start();
        KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
      p.send(new ProducerRecord<>("alerts", "warm-up", "x")).get(30, TimeUnit.SECONDS);
      KafkaConnection c = new KafkaConnection(broker.bootstrapServers(), Map.of(), Duration.ofSeconds(5));
      try (KafkaAlertSource source = new KafkaAlertSource(c, "alerts", "gimops-alerts", 4096, taken::add, refused::add)) {
        // The source starts at the end of the topic: what came before it is not replayed. Until
        // it reads, send a record it refuses; once one is refused, it is reading.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
          p.send(new ProducerRecord<>("alerts", "warm-up", "{}")).get(10, TimeUnit.SECONDS);
          return !refused.isEmpty();
        });
        assertThat(taken).isEmpty();
        p.send(new ProducerRecord<>("alerts", "k", NOTIFICATION)).get(30, TimeUnit.SECONDS);
        p.send(new ProducerRecord<>("alerts", "k", "{\"version\":\"3\",\"alerts\":[]}")).get(30, TimeUnit.SECONDS);
        p.send(new ProducerRecord<>("alerts", "k", "x".repeat(5000))).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> taken.size() == 1 && refused.size() >= 2
            && refused.get(refused.size() - 1).status() == 413);
      }
    }
    refused.removeIf(r -> r.reason().contains("version ''"));
    AlertmanagerNotification n = taken.get(0);
    assertThat(n.alerts()).singleElement().satisfies(a -> {
      assertThat(a.fingerprint()).isEqualTo("a1b2");
      assertThat(a.labels()).containsEntry("service", "gim");
    });
    assertThat(refused.get(0).status()).isEqualTo(400);
    assertThat(refused.get(0).reason()).contains("version 4");
    assertThat(refused.get(0).remoteAddress()).startsWith("kafka:alerts/0@");
    assertThat(refused.get(1).status()).isEqualTo(413);
    assertThat(refused.get(1).reason()).contains("above the limit of 4096");
  }
}
