package io.gimops.sandbox.kafka;

import kafka.server.BrokerServer;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (KRaft, one controller and one broker) in the test JVM, on loopback. The
 * test kit keeps the broker's port across {@link #stop()} and {@link #restart()}, so clients see
 * what a broker restart looks like: connections refused, then the same address back.
 */
public final class LocalKafka implements AutoCloseable {

  private static final int BROKER = 0;
  private final KafkaClusterTestKit cluster;
  private boolean running;

  private LocalKafka(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static LocalKafka start() throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
        .setCombined(false)
        .setNumControllerNodes(1)
        .setNumBrokerNodes(1)
        .setBrokerListenerName(new ListenerName("EXTERNAL"))
        .build();
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("group.initial.rebalance.delay.ms", "0")
        .setConfigProp("offsets.topic.replication.factor", "1")
        .setConfigProp("transaction.state.log.replication.factor", "1")
        .setConfigProp("num.partitions", "1")
        .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    LocalKafka b = new LocalKafka(cluster);
    b.running = true;
    return b;
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Stops the broker process's server (the controller stays up); clients see connections refused. */
  public synchronized void stop() {
    if (running) {
      BrokerServer broker = cluster.brokers().get(BROKER);
      broker.shutdown();
      broker.awaitShutdown();
      running = false;
    }
  }

  /** Starts the stopped broker again on the same port, with its log intact. */
  public synchronized void restart() throws Exception {
    if (!running) {
      cluster.brokers().get(BROKER).startup();
      cluster.waitForReadyBrokers();
      running = true;
    }
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
