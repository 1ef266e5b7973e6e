package io.gimops.adapters.http;

import io.vertx.core.Future;
import java.util.concurrent.TimeUnit;

/**
 * Waits, off the event loops, for a server's start or stop (listen, deploy, close): the bot's HTTP
 * servers begin and end on its main thread, and a port that cannot be had is a start that fails.
 */
public final class Await {

  private Await() {}

  /** {@code f}'s result within 30 s; otherwise an exception saying what could not be done. */
  public static <T> T result(Future<T> f, String what) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted: " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
    }
  }
}
