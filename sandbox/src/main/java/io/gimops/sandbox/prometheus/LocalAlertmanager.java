package io.gimops.sandbox.prometheus;

import io.gimops.sandbox.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real Alertmanager (Debian's 0.25) on a loopback port, for tests: one route, grouping by
 * alert name and environment within a second, to one webhook receiver that authenticates with a
 * bearer token, as a production Alertmanager would call the bot. Gossip is switched off.
 */
public final class LocalAlertmanager implements AutoCloseable {

  private final Process process;
  private final int port;

  private LocalAlertmanager(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static LocalAlertmanager start(Path work, String webhookUrl, String bearerToken) {
    try {
      Files.createDirectories(work);
      int port = ProjectTools.freePort();
      Path config = work.resolve("alertmanager.yml");
      Files.writeString(config, String.join("\n",
          "route:",
          "  receiver: gimops",
          "  group_by: [alertname, environment]",
          "  group_wait: 1s",
          "  group_interval: 1s",
          "  repeat_interval: 1h",
          "receivers:",
          "  - name: gimops",
          "    webhook_configs:",
          "      - url: '" + webhookUrl + "'",
          "        send_resolved: true",
          "        http_config:",
          "          authorization:",
          "            type: Bearer",
          "            credentials: '" + bearerToken + "'",
          ""));
      Path bin = LocalPrometheus.binaries().resolve("prometheus-alertmanager");
      Process p = new ProcessBuilder(bin.toString(), "--config.file=" + config, "--storage.path=" + work.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=",
          "--web.external-url=http://127.0.0.1:" + port + "/")
          .redirectErrorStream(true).redirectOutput(work.resolve("alertmanager.log").toFile()).start();
      LocalAlertmanager am = new LocalAlertmanager(p, port);
      try {
        ProjectTools.awaitReady(p, am::ready, "alertmanager", work.resolve("alertmanager.log"));
      } catch (IllegalStateException e) {
        am.close();
        throw e;
      }
      return am;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean ready() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/-/ready").toURL()
          .openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code 127.0.0.1:<port>}, as Prometheus's alerting configuration names it. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
