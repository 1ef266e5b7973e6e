package io.gimops.sandbox.prometheus;

import io.gimops.sandbox.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus (Debian's 2.42, fetched by {@code tools/fetch-prometheus.sh} into
 * {@code .tools/} on first use) on a loopback port, scraping the given jobs, for tests. Stop it
 * with {@link #close()}; {@link #stop()} stops it for a while, to test "Prometheus unreachable".
 */
public final class LocalPrometheus implements AutoCloseable {

  private final Path work;
  private final int port;
  private final Path config;
  private Process process;

  private LocalPrometheus(Path work, int port, Path config) {
    this.work = work;
    this.port = port;
    this.config = config;
  }

  /**
   * Starts Prometheus scraping each job's targets every {@code scrapeInterval}; returns once it
   * answers {@code /-/ready}.
   *
   * @param jobs job name -> {@code host:port} targets
   */
  public static LocalPrometheus start(Path work, Map<String, List<String>> jobs, Duration scrapeInterval) {
    return start(work, jobs, scrapeInterval, "", null);
  }

  /**
   * One scrape target with the labels Prometheus puts on its series, as service discovery would
   * (a PodMonitor's {@code namespace} and {@code pod}, a cluster label added by relabelling).
   */
  public record Target(String job, String address, Map<String, String> labels) {
    public Target {
      labels = Map.copyOf(labels);
    }
  }

  /** Starts Prometheus scraping each target, with its labels, every {@code scrapeInterval}. */
  public static LocalPrometheus start(Path work, List<Target> targets, Duration scrapeInterval) {
    return start(work, targets, scrapeInterval, "", null);
  }

  /**
   * As {@link #start(Path, Map, Duration)}, with alerting rules (the YAML of a rule file) sent to an Alertmanager at
   * {@code alertmanager} ({@code host:port}).
   */
  public static LocalPrometheus start(Path work, Map<String, List<String>> jobs, Duration scrapeInterval, String rules,
      String alertmanager) {
    List<Target> targets = new java.util.ArrayList<>();
    jobs.forEach((job, addresses) -> addresses.forEach(a -> targets.add(new Target(job, a, Map.of()))));
    return start(work, targets, scrapeInterval, rules, alertmanager);
  }

  private static LocalPrometheus start(Path work, List<Target> targets, Duration scrapeInterval, String rules,
      String alertmanager) {
    try {
      Files.createDirectories(work);
      StringBuilder y = new StringBuilder("global:\n  scrape_interval: " + scrapeInterval.toMillis() + "ms\n"
          + "  evaluation_interval: " + scrapeInterval.toMillis() + "ms\n");
      if (!rules.isBlank()) {
        Files.writeString(work.resolve("rules.yml"), rules);
        y.append("rule_files: ['").append(work.resolve("rules.yml")).append("']\n");
      }
      if (alertmanager != null) {
        y.append("alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['").append(alertmanager)
            .append("']\n");
      }
      y.append("scrape_configs:\n");
      Map<String, List<Target>> byJob = new java.util.LinkedHashMap<>();
      targets.forEach(t -> byJob.computeIfAbsent(t.job(), j -> new java.util.ArrayList<>()).add(t));
      byJob.forEach((job, ts) -> {
        y.append("  - job_name: ").append(job).append("\n    static_configs:\n");
        for (Target t : ts) {
          y.append("      - targets: ['").append(t.address()).append("']\n");
          if (!t.labels().isEmpty()) {
            y.append("        labels:\n");
            new java.util.TreeMap<>(t.labels()).forEach((k, v) -> y.append("          ").append(k).append(": '")
                .append(v.replace("'", "''")).append("'\n"));
          }
        }
      });
      Path config = work.resolve("prometheus.yml");
      Files.writeString(config, y.toString());
      LocalPrometheus p = new LocalPrometheus(work, ProjectTools.freePort(), config);
      p.launch();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void launch() {
    Path bin = binaries().resolve("prometheus");
    try {
      process = new ProcessBuilder(bin.toString(), "--config.file=" + config, "--storage.tsdb.path=" + work.resolve("data"),
          "--web.listen-address=127.0.0.1:" + port, "--web.external-url=http://127.0.0.1:" + port + "/")
          .redirectErrorStream(true).redirectOutput(work.resolve("prometheus.log").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + bin + ": " + e.getMessage(), e);
    }
    ProjectTools.awaitReady(process, this::ready, "prometheus", work.resolve("prometheus.log"));
  }

  private boolean ready() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(url() + "-/ready").toURL().openConnection();
      c.setConnectTimeout(500);
      c.setReadTimeout(500);
      return c.getResponseCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** The base URL, with a trailing slash: {@code http://127.0.0.1:<port>/}. */
  public String url() {
    return "http://127.0.0.1:" + port + "/";
  }

  /** Stops Prometheus (its data stays); {@link #restart()} brings it back on the same port. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public void restart() {
    stop();
    launch();
  }

  /** The directory holding {@code prometheus} and {@code prometheus-alertmanager}, fetched if needed. */
  public static synchronized Path binaries() {
    return ProjectTools.fetch("fetch-prometheus.sh", "Prometheus from Debian's packages (apt-get)");
  }

  @Override
  public void close() {
    stop();
  }
}
