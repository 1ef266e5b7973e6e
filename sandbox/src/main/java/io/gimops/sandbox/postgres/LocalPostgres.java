package io.gimops.sandbox.postgres;

import io.gimops.sandbox.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server (Debian's, found or fetched by {@code tools/fetch-postgresql.sh}) on a
 * loopback port with its data in a directory of the caller's, for tests. PostgreSQL refuses to run
 * as root, so as root the server runs as {@code nobody} (through util-linux's {@code setpriv}).
 * Trust authentication on loopback only, for the user {@link #USER}.
 */
public final class LocalPostgres implements AutoCloseable {

  public static final String USER = "gimops";
  private final Path work;
  private final int port;
  private final Path bin;
  private Process process;

  /** The cluster's own directory (data, socket): under {@code work}, or as root a directory {@code nobody} can reach. */
  private final Path home;

  private LocalPostgres(Path work, int port, Path bin) throws IOException {
    this.work = work;
    this.port = port;
    this.bin = bin;
    // As root, the server runs as nobody, who may not traverse the caller's (private) directory.
    this.home = root() ? Files.createTempDirectory("gimops-postgres-") : work;
  }

  /** Initialises a database cluster in {@code work} and starts the server; returns once it accepts connections. */
  public static LocalPostgres start(Path work) {
    Path bin = ProjectTools.fetch("fetch-postgresql.sh", "PostgreSQL from Debian's packages (apt-get)");
    try {
      Files.createDirectories(work);
      LocalPostgres pg = new LocalPostgres(work, ProjectTools.freePort(), bin);
      pg.asServerUser(pg.home);
      pg.run(List.of(bin.resolve("initdb").toString(), "-D", pg.data().toString(), "-U", USER, "--auth=trust",
          "--locale=C", "--encoding=UTF8", "--no-sync"), work.resolve("initdb.log"));
      pg.launch();
      return pg;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path data() {
    return home.resolve("data");
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private List<String> command(List<String> argv) {
    List<String> c = new ArrayList<>();
    if (root()) {
      c.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
    }
    c.addAll(argv);
    return c;
  }

  private void asServerUser(Path dir) throws IOException {
    if (root()) {
      run(List.of("chown", "-R", "nobody:nogroup", dir.toString()), null);
    }
  }

  private void run(List<String> argv, Path log) throws IOException {
    List<String> cmd = argv.get(0).equals("chown") ? argv : command(argv);
    ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true);
    if (log != null) {
      b.redirectOutput(log.toFile());
    } else {
      b.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    }
    Process p = b.start();
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed" + (log == null ? "" : "; see " + log));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private void launch() throws IOException {
    process = new ProcessBuilder(command(List.of(bin.resolve("postgres").toString(), "-D", data().toString(),
        "-c", "listen_addresses=127.0.0.1", "-p", Integer.toString(port), "-c", "unix_socket_directories=" + home,
        "-c", "fsync=off", "-c", "max_connections=20", "-c", "shared_buffers=16MB")))
        .redirectErrorStream(true).redirectOutput(work.resolve("postgres.log").toFile()).start();
    ProjectTools.awaitReady(process, this::ready, "postgres", work.resolve("postgres.log"));
  }

  /** The server says so in its log once startup (and any recovery) is over. */
  private boolean ready() {
    try {
      return Files.readString(work.resolve("postgres.log")).contains("database system is ready to accept connections");
    } catch (IOException e) {
      return false;
    }
  }

  /** {@code jdbc:postgresql://127.0.0.1:<port>/postgres} */
  public String jdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  /** Stops the server (fast shutdown: SIGINT); {@link #restart()} brings it back on the same port. */
  public void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  public void restart() {
    stop();
    try {
      launch();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stop();
    if (!home.equals(work)) {
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // a temporary directory left behind is not worth failing a test for
      }
    }
  }
}
