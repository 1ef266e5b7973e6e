package io.gimops.bot.testing;

import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.domain.Actor;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** A test class's sandbox with one leading bot in it, started once for the class. */
public abstract class OneBotInTheSandbox {

  /** An operator of the sandbox, as its configuration grants. */
  protected static final Actor OPERATOR = Actor.of("console-operator", "Olivia Operator");

  @TempDir protected static Path work;
  protected static SandboxBots sandbox;
  protected static Bot bot;

  @BeforeAll
  static void startTheSandbox() {
    sandbox = SandboxBots.start(work);
    bot = sandbox.bot("bot-a", SandboxWorld.Pace.TEST);
    SandboxBots.awaitLeading(bot);
  }

  @AfterAll
  static void stopTheSandbox() {
    sandbox.close();
  }
}
