package io.gimops.adapters.http;

import java.util.Map;
import java.util.Optional;

/**
 * A request the client got wrong: answered with its 4xx status and a JSON body
 * {@code {"error": message}}, and audited once as a rejection. The message is for whoever sent the
 * request: it says what is wrong and what to do, and never carries a class name, a stack trace or
 * a secret.
 *
 * <p>Any handler may throw it: a route's own, or a Bolt listener's (a malformed
 * {@code block_actions} or view submission): Bolt's {@code App.run} lets a listener's exception
 * through unchanged, and {@link HttpGuard#answer} finds it, also as the cause of another exception.
 * Anything else that escapes a handler is a bug: 500, a generic message, and a log line with the
 * stack trace.
 */
public final class ClientFault extends RuntimeException {

  private final int status;
  private final Map<String, String> headers;

  public ClientFault(int status, String message) {
    this(status, message, Map.of());
  }

  /** With headers for the answer (a 401's {@code WWW-Authenticate}). */
  public ClientFault(int status, String message, Map<String, String> headers) {
    // No stack trace: this is an answer, not a bug; it is thrown at every malformed request.
    super(message, null, false, false);
    if (status < 400 || status > 499) {
      throw new IllegalArgumentException("a client fault is a 4xx status, not " + status);
    }
    if (message == null || message.isBlank()) {
      throw new IllegalArgumentException("a client fault says what is wrong");
    }
    this.status = status;
    this.headers = Map.copyOf(headers);
  }

  /** 400: the request cannot be read or means nothing; {@code message} says what is wrong. */
  public static ClientFault badRequest(String message) {
    return new ClientFault(400, message);
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
    return headers;
  }

  /** The client fault {@code t} is or was caused by, if any. */
  public static Optional<ClientFault> in(Throwable t) {
    // Bounded: a cause chain can loop.
    Throwable c = t;
    for (int depth = 0; c != null && depth < 16; depth++, c = c.getCause()) {
      if (c instanceof ClientFault f) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}
