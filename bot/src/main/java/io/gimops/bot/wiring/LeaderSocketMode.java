package io.gimops.bot.wiring;

import com.slack.api.bolt.App;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.socket_mode.SocketModeClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Socket Mode held by the leading replica only. Slack hands each envelope of an app to one of its
 * open connections; if every replica connected, about half of the commands and clicks would reach
 * a standby and be answered "try again". So a replica connects when it gains the lead and
 * disconnects when it loses it, and Slack's envelopes all reach the replica that acts.
 *
 * <p>Every change runs on this class's own thread ({@link #follow}): it reads whether the replica
 * leads <em>now</em> and connects or disconnects to match, so calls may come from any thread, in
 * any number, and a missed or reordered leadership callback cannot leave a standby connected. A
 * failed connection (Slack unreachable, {@code apps.connections.open} refused) is tried again
 * every {@link #RETRY} while the replica leads; once connected, Bolt's client reconnects by itself
 * (Slack's {@code disconnect} envelopes, a dropped socket) until this class stands it down.
 *
 * <p>The hand-over window. When the lead is lost, the connection closes at once (no draining),
 * so Slack sends the next envelopes to the new leader's connection, or holds them until it
 * connects. An envelope already being handled on the old leader is finished there: the
 * orchestrator, no longer leading, refuses to start it and the requester is told "this replica is
 * a standby; try again"; its acknowledgement is sent if the socket is still open. If the socket is
 * already closed the envelope stays unacknowledged, and Slack redelivers an unacknowledged Events
 * API envelope on another connection (a mention is recognised by its event id, so it never acts
 * twice), while a slash command or click ends as a timeout on the user's side. Acknowledging on a
 * standby rather than holding the connection open to drain was chosen so that a replica that is
 * not leading never receives new envelopes; the few in flight at the moment of hand-over get an
 * answer that says what to do.
 *
 * <p>Over HTTP nothing changes: Slack's requests reach whichever replica the Service picks, and a
 * standby's answer stays "try again".
 */
final class LeaderSocketMode implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(LeaderSocketMode.class.getName());

  /** How long a leader waits before trying a failed connection again. */
  static final Duration RETRY = Duration.ofSeconds(5);

  private final String appToken;
  private final App app;
  private final BooleanSupplier leading;
  private final ScheduledExecutorService thread;
  private SocketModeApp socket;
  private volatile boolean connected;
  private boolean retrying;
  private volatile boolean closed;

  LeaderSocketMode(String appToken, App app, BooleanSupplier leading) {
    this.appToken = appToken;
    this.app = app;
    this.leading = leading;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "socket-mode-leash");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects or disconnects to match leadership now, and waits for it: the first call, at start,
   * so that a replica that leads from the start is connected (or has said why not) when the bot
   * has started, and one that does not lead has not connected.
   */
  void followNow() {
    try {
      thread.submit(this::apply).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "Socket Mode did not settle: " + e.getMessage());
    }
  }

  /** Connects or disconnects to match leadership, soon, on this class's thread. */
  void follow() {
    if (!closed) {
      thread.execute(this::apply);
    }
  }

  /** Whether this replica holds an open Socket Mode connection. */
  boolean connected() {
    SocketModeApp s = socket;
    return connected && s != null && s.getClient() != null && s.getClient().verifyConnection();
  }

  private void apply() {
    boolean want = !closed && leading.getAsBoolean();
    if (want && !connected) {
      connect();
    } else if (!want && connected) {
      disconnect();
    }
  }

  private void connect() {
    try {
      if (socket == null) {
        socket = new SocketModeApp(appToken, SocketModeClient.Backend.JavaWebSocket, app);
      }
      SocketModeClient client = socket.getClient();
      if (client == null) {
        socket.startAsync();
      } else {
        client.setAutoReconnectOnCloseEnabled(true);
        client.connectToNewEndpoint();
        client.setAutoReconnectEnabled(true);
      }
      connected = true;
      LOG.log(System.Logger.Level.INFO, "leading: Socket Mode connected");
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "leading, but cannot connect Socket Mode (tried again in "
          + RETRY.toSeconds() + " s): " + e.getMessage());
      if (!retrying && !closed) {
        retrying = true;
        thread.schedule(() -> {
          retrying = false;
          apply();
        }, RETRY.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Stops Bolt's client from reconnecting, then closes the socket; the client is kept for the next lead. */
  private void disconnect() {
    connected = false;
    SocketModeClient client = socket == null ? null : socket.getClient();
    if (client == null) {
      return;
    }
    try {
      client.setAutoReconnectEnabled(false);
      client.setAutoReconnectOnCloseEnabled(false);
      client.disconnect();
      LOG.log(System.Logger.Level.INFO, "not leading: Socket Mode disconnected");
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "disconnecting Socket Mode: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      thread.submit(() -> {
        disconnect();
        if (socket != null) {
          try {
            socket.close();
          } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "closing Socket Mode: " + e.getMessage());
          }
        }
      }).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "closing Socket Mode: " + e.getMessage());
    }
    thread.shutdownNow();
  }
}
