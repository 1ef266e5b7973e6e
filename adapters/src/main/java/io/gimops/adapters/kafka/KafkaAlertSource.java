package io.gimops.adapters.kafka;

import io.gimops.adapters.alerts.AlertWebhook;
import io.gimops.adapters.alerts.AlertmanagerNotification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Alerts from a Kafka topic, into the same path as the webhook: each record's value is an
 * Alertmanager notification (webhook version 4, the same JSON Alertmanager posts). A record that is
 * not one, or is larger than the webhook would take, is turned away with the reason, like a bad
 * webhook request. Offsets are committed after the notification is handed over; a redelivered
 * notification changes nothing, as alerts are deduplicated by fingerprint and status downstream.
 */
public final class KafkaAlertSource implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(KafkaAlertSource.class.getName());
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread poller;
  private final String topic;
  private final int maxBytes;
  private final Consumer<AlertmanagerNotification> intake;
  private final Consumer<AlertWebhook.Rejection> rejected;
  private volatile boolean closing;

  public KafkaAlertSource(KafkaConnection connection, String topic, String group, int maxBytes,
      Consumer<AlertmanagerNotification> intake, Consumer<AlertWebhook.Rejection> rejected) {
    this.topic = topic;
    this.maxBytes = maxBytes;
    this.intake = intake;
    this.rejected = rejected;
    Map<String, Object> own = new HashMap<>();
    own.put("group.id", group);
    own.put("enable.auto.commit", false);
    own.put("auto.offset.reset", "latest");
    own.put("max.poll.records", 100);
    this.consumer = new KafkaConsumer<>(connection.config("gimops-alerts", own), new StringDeserializer(),
        new ByteArrayDeserializer());
    this.consumer.subscribe(List.of(topic));
    this.poller = new Thread(this::pollLoop, "kafka-alerts");
    this.poller.setDaemon(true);
    this.poller.start();
  }

  private void pollLoop() {
    try {
      while (!closing) {
        var records = consumer.poll(Duration.ofMillis(500));
        for (ConsumerRecord<String, byte[]> r : records) {
          take(r);
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      }
    } catch (WakeupException e) {
      if (!closing) {
        LOG.log(System.Logger.Level.ERROR, "alerts from Kafka stopped unexpectedly", e);
      }
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "alerts from Kafka topic " + topic + " stopped: " + e.getMessage(), e);
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void take(ConsumerRecord<String, byte[]> r) {
    String where = "kafka:" + r.topic() + "/" + r.partition() + "@" + r.offset();
    if (r.value() == null) {
      rejected.accept(new AlertWebhook.Rejection(400, "an empty record is not an Alertmanager notification", where));
      return;
    }
    if (r.value().length > maxBytes) {
      rejected.accept(new AlertWebhook.Rejection(413, "the notification is " + r.value().length
          + " bytes, above the limit of " + maxBytes, where));
      return;
    }
    try {
      intake.accept(AlertmanagerNotification.parse(new String(r.value(), StandardCharsets.UTF_8)));
    } catch (AlertmanagerNotification.Invalid e) {
      rejected.accept(new AlertWebhook.Rejection(400, e.getMessage(), where));
    }
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      poller.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
