package io.gimops.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** The sandbox logs to a file, so that the console shows the conversation only. */
final class SandboxLogging {

  private SandboxLogging() {}

  static void toFile(Path file) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
      return;
    }
    ctx.reset();
    LevelChangePropagator jul = new LevelChangePropagator();
    jul.setContext(ctx);
    jul.setResetJUL(true);
    jul.start();
    ctx.addListener(jul);
    PatternLayoutEncoder e = new PatternLayoutEncoder();
    e.setContext(ctx);
    e.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{36} - %msg%n");
    e.start();
    FileAppender<ILoggingEvent> f = new FileAppender<>();
    f.setContext(ctx);
    f.setFile(file.toString());
    f.setAppend(true);
    f.setEncoder(e);
    f.start();
    ch.qos.logback.classic.Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(f);
    root.setLevel(Level.INFO);
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
