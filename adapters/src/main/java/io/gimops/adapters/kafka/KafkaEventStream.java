package io.gimops.adapters.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Audit records and lifecycle events out to a Kafka topic: JSON values keyed by operation id (so
 * one operation's events stay in order on one partition), through an idempotent producer with
 * {@code acks=all}.
 *
 * <p>While Kafka is down, records wait in a bounded local buffer and are delivered when it returns:
 * the producer retries on its own, for as long as it takes, with the same sequence numbers, so a
 * broker that comes back never receives a record twice. {@link #publish} never blocks its caller.
 * When the buffer is full, a record cannot be kept and the stream says so loudly: a counter
 * ({@link #stats()}), a log line and the {@link Overflow} listener (the bot tells the channel),
 * once when the buffer fills and once when it has room again, with the number lost meanwhile.
 * Nothing is dropped silently.
 */
public final class KafkaEventStream implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(KafkaEventStream.class.getName());

  /** Told when records cannot be kept, and when the stream recovers. */
  public interface Overflow {
    void full(long lostSoFar, int capacity);

    void recovered(long lostWhileFull);
  }

  /** What happened to the records given to {@link #publish}. */
  public record Stats(long published, long delivered, long pending, long lost, long failed) {}

  private record Item(String key, String value) {}

  private final String topic;
  private final int capacity;
  private final Overflow overflow;
  private final Semaphore room;
  private final BlockingQueue<Item> queue = new LinkedBlockingQueue<>();
  private final KafkaProducer<String, String> producer;
  private final Thread sender;
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicBoolean full = new AtomicBoolean();
  private final AtomicLong lostAtFull = new AtomicLong();
  private final Duration closeWait;
  private volatile boolean closing;
  private volatile boolean abandoned;
  /** Set by the producer's callback, on the sender thread, when it did not take the record. */
  private boolean notTaken;

  public KafkaEventStream(KafkaConnection connection, String topic, int capacity, Overflow overflow) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the event buffer needs room for at least one record");
    }
    this.topic = Objects.requireNonNull(topic, "topic");
    this.capacity = capacity;
    this.overflow = Objects.requireNonNull(overflow, "overflow");
    this.room = new Semaphore(capacity);
    this.closeWait = connection.timeout();
    Map<String, Object> own = new HashMap<>();
    own.put("acks", "all");
    own.put("enable.idempotence", true);
    own.put("max.in.flight.requests.per.connection", 5);
    own.put("retries", Integer.MAX_VALUE);
    // Retry inside the producer for as long as Kafka is away (about 24 days): a record handed to
    // it is delivered exactly once per producer, in order; our buffer bounds how many wait.
    own.put("delivery.timeout.ms", Integer.MAX_VALUE);
    own.put("linger.ms", 5);
    // send() waits for metadata at most this long; the sender thread then tries the same record again.
    own.put("max.block.ms", (int) Math.min(Integer.MAX_VALUE, connection.timeout().toMillis()));
    this.producer = new KafkaProducer<>(connection.config("gimops-events", own), new StringSerializer(),
        new StringSerializer());
    this.sender = new Thread(this::sendLoop, "kafka-events");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  /**
   * Queues one record for the topic. Returns at once: true when it is kept (it will be delivered),
   * false when the buffer is full and it was lost (reported).
   */
  public boolean publish(String key, String json) {
    Objects.requireNonNull(json, "json");
    if (closing) {
      throw new IllegalStateException("the event stream is closed");
    }
    published.incrementAndGet();
    if (!room.tryAcquire()) {
      long n = lost.incrementAndGet();
      if (full.compareAndSet(false, true)) {
        lostAtFull.set(n - 1);
        LOG.log(System.Logger.Level.ERROR, "the Kafka event buffer is full ({0} records waiting for topic {1}): "
            + "records are being lost until Kafka takes them; the local audit file still has every audit record",
            capacity, topic);
        overflow.full(n, capacity);
      }
      return false;
    }
    if (full.get() && full.compareAndSet(true, false)) {
      long meanwhile = lost.get() - lostAtFull.get();
      LOG.log(System.Logger.Level.WARNING, "the Kafka event buffer has room again; {0} records were lost while it was full",
          meanwhile);
      overflow.recovered(meanwhile);
    }
    queue.add(new Item(key, json));
    return true;
  }

  public Stats stats() {
    return new Stats(published.get(), delivered.get(), capacity - room.availablePermits(), lost.get(), failed.get());
  }

  public String topic() {
    return topic;
  }

  private void sendLoop() {
    while (!abandoned) {
      Item item;
      try {
        item = queue.poll(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (item != null) {
        send(item);
      } else if (closing) {
        return;
      }
    }
  }

  /**
   * Hands one record to the producer. While Kafka is away and the topic's metadata unknown, the
   * producer fails the record at once, on this thread, without having taken it: then the same
   * record is tried again, so order per key holds and nothing is sent twice. Any other failure is
   * final (the producer retries transient ones itself, without end).
   */
  private void send(Item item) {
    while (!abandoned) {
      notTaken = false;
      try {
        producer.send(new ProducerRecord<>(topic, item.key(), item.value()), (meta, error) -> {
          if (error instanceof TimeoutException && Thread.currentThread() == sender) {
            notTaken = true;
            return;
          }
          room.release();
          if (error == null) {
            delivered.incrementAndGet();
          } else {
            failed.incrementAndGet();
            LOG.log(System.Logger.Level.ERROR, "Kafka refused an event for good (" + error.getMessage()
                + "); it stays in the local audit file", error);
          }
        });
      } catch (TimeoutException e) {
        notTaken = true;
      } catch (RuntimeException e) {
        room.release();
        failed.incrementAndGet();
        LOG.log(System.Logger.Level.ERROR, "cannot hand an event to Kafka: " + e.getMessage(), e);
        return;
      }
      if (!notTaken) {
        return;
      }
    }
  }

  /**
   * Waits until every record kept so far is delivered, or the time is up.
   *
   * @return true when nothing is pending
   */
  public boolean flush(Duration atMost) throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (System.nanoTime() < deadline) {
      if (room.availablePermits() == capacity) {
        return true;
      }
      Thread.sleep(20);
    }
    return room.availablePermits() == capacity;
  }

  /**
   * Delivers what it can within the connection's timeout, then closes; says how many records were
   * left undelivered (they remain in the local audit file).
   */
  @Override
  public void close() {
    closing = true;
    try {
      flush(closeWait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    abandoned = true;
    long pending = capacity - room.availablePermits();
    if (pending > 0) {
      LOG.log(System.Logger.Level.ERROR, "closing with {0} events not delivered to Kafka topic {1}; "
          + "the local audit file has every audit record", pending, topic);
    }
    try {
      sender.join(closeWait.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(1));
  }
}
