package io.gimops.bot.wiring;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Map;
import java.util.Optional;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Applies {@code logging:} programmatically, so the one configuration file is all an operator
 * writes: every record (the bot's System.Logger/java.util.logging ones bridged by jul-to-slf4j,
 * and fabric8's, Kafka's and Bolt's SLF4J ones) goes to logback, then to stderr as one line of
 * text or one JSON object per record. stdout stays the console's (and the audit's, when it has no
 * file). Levels set in logback are propagated to java.util.logging, so a record below its level
 * is dropped before the bridge formats it.
 */
public final class LogSetup {

  /** One line per record: time, level, thread, logger, message; a stack trace follows on its own lines. */
  static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{36} - %msg%n";

  private LogSetup() {}

  /** Replaces whatever logback configured itself with (its logback.xml) by the configuration's. */
  public static void apply(Optional<LoggingConfig> config) {
    LoggingConfig c = config.orElse(new LoggingConfig(Optional.empty(), Optional.empty(), Optional.empty()));
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return; // another binding (a test's): leave it alone
    }
    ctx.reset();
    LevelChangePropagator jul = new LevelChangePropagator();
    jul.setContext(ctx);
    jul.setResetJUL(true);
    jul.start();
    ctx.addListener(jul);

    Encoder<ILoggingEvent> encoder;
    if (c.json()) {
      LogstashEncoder e = new LogstashEncoder();
      e.setContext(ctx);
      e.start();
      encoder = e;
    } else {
      PatternLayoutEncoder e = new PatternLayoutEncoder();
      e.setContext(ctx);
      e.setPattern(TEXT_PATTERN);
      e.start();
      encoder = e;
    }
    ConsoleAppender<ILoggingEvent> err = new ConsoleAppender<>();
    err.setContext(ctx);
    err.setName("stderr");
    err.setTarget("System.err");
    err.setEncoder(encoder);
    err.start();

    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(err);
    root.setLevel(Level.toLevel(c.rootLevel(), Level.INFO));
    for (Map.Entry<String, String> l : c.levels().orElse(Map.of()).entrySet()) {
      ctx.getLogger(l.getKey()).setLevel(Level.toLevel(l.getValue(), Level.INFO));
    }
    bridgeJul();
  }

  /** java.util.logging (System.Logger's default backend) to SLF4J: its own handlers removed. */
  static void bridgeJul() {
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
