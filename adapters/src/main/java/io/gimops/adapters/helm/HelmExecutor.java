package io.gimops.adapters.helm;

import io.gimops.adapters.helm.HelmResult.Outcome;
import io.gimops.policies.decision.PlanStep;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs exactly the vendor's helm commands, as the policy engine planned them
 * ({@link PlanStep.HelmStep#helmArgs()}), with the real helm CLI.
 *
 * <ul>
 *   <li>An argument vector, never a shell: names were checked where they entered the domain, and
 *       the package and values file are resolved inside their configured directories here; a file
 *       that is missing (or a link that leaves its directory) stops the step before helm starts.
 *   <li>Output (stdout and stderr, merged in order) goes line by line to the caller as progress.
 *   <li>Helm runs past its own {@code --timeout} plus a margin only to be killed; {@link #close()}
 *       stops every running helm.
 *   <li>Exit codes and helm's well-known failures become a typed {@link HelmResult}.
 * </ul>
 *
 * <p>{@link #run} blocks for as long as helm runs: call it from a worker thread, never from an
 * event loop.
 */
public final class HelmExecutor implements AutoCloseable {

  private static final int KEPT_LINES = 200;
  private static final Duration TERM_GRACE = Duration.ofSeconds(10);

  private final HelmConfig config;
  private final ScheduledExecutorService watchdog;
  private final Set<Process> running = ConcurrentHashMap.newKeySet();
  private final AtomicLong started = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  public HelmExecutor(HelmConfig config) {
    this.config = config;
    this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "helm-watchdog");
      t.setDaemon(true);
      return t;
    });
  }

  /** How long past its own timeout helm may run before this executor kills it. */
  public Duration killMargin() {
    return config.killMargin();
  }

  /** How many helm processes this executor has started. */
  public long invocations() {
    return started.get();
  }

  /** Runs one step; blocks until helm ends, is killed, or the executor closes. */
  public HelmResult run(PlanStep.HelmStep step, Consumer<String> output) {
    long t0 = System.nanoTime();
    if (closed.get()) {
      return new HelmResult(Outcome.CANCELLED, -1, Duration.ZERO, List.of(),
          "the bot is shutting down: " + step.describe() + " was not started");
    }
    Optional<HelmResult> refused = resolveArgs(step, new ArrayList<>());
    if (refused.isPresent()) {
      return refused.get();
    }
    List<String> argv = argv(step);

    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().putAll(config.environment());
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      return new HelmResult(Outcome.COULD_NOT_START, -1, since(t0), List.of(),
          "could not start " + config.binary() + ": " + e.getMessage() + "; check the helm path in the configuration");
    }
    started.incrementAndGet();
    running.add(process);
    Duration deadline = step.effectiveTimeout().plus(config.killMargin());
    AtomicBoolean killed = new AtomicBoolean();
    ScheduledFuture<?> kill = watchdog.schedule(() -> {
      killed.set(true);
      stop(process);
    }, deadline.toMillis(), TimeUnit.MILLISECONDS);
    Deque<String> kept = new ArrayDeque<>();
    // Stopping helm closes its output stream under the reader: the outcome is decided after the
    // process ends, from why it ended, not from how reading stopped.
    Optional<IOException> lost = Optional.empty();
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        output.accept(line);
        kept.addLast(line);
        if (kept.size() > KEPT_LINES) {
          kept.removeFirst();
        }
      }
    } catch (IOException e) {
      lost = Optional.of(e);
    }
    try {
      int exit = process.waitFor();
      List<String> lines = List.copyOf(kept);
      if (killed.get()) {
        return new HelmResult(Outcome.KILLED, -1, since(t0), lines, "helm ran past its timeout of "
            + PlanStep.helmDuration(step.effectiveTimeout()) + " plus " + config.killMargin().toSeconds()
            + "s and was killed: the release may be left pending; check `/gim history`");
      }
      if (closed.get() && exit != 0) {
        return new HelmResult(Outcome.CANCELLED, -1, since(t0), lines, "the bot shut down while "
            + step.describe() + " ran; helm was stopped: check `/gim history` before retrying");
      }
      if (lost.isPresent()) {
        return new HelmResult(Outcome.FAILED, exit, since(t0), lines,
            "lost helm's output (" + lost.get().getMessage() + "); helm exited with " + exit + ": check `/gim history`");
      }
      return classify(exit, lines, step, since(t0));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      return new HelmResult(Outcome.CANCELLED, -1, since(t0), List.copyOf(kept),
          "interrupted while helm ran; helm was stopped");
    } finally {
      kill.cancel(false);
      running.remove(process);
    }
  }

  /**
   * Pre-flight: what is missing for a whole plan, before its first helm call. Every package and
   * values file of every helm upgrade must be a regular file inside its configured directory (a
   * name or link leading out of it counts as missing); one line per problem, empty when none. A
   * cycle that finds GCA's package missing must not find it after GIM and GSP were upgraded.
   */
  public List<String> missingFiles(List<? extends PlanStep> plan) {
    List<String> missing = new ArrayList<>();
    for (PlanStep step : plan) {
      if (step instanceof PlanStep.HelmUpgrade u) {
        if (inside(config.chartsDir(), u.packageFile()).isEmpty()) {
          missing.add("the package " + u.packageFile() + " (" + u.release() + ") is not in " + config.chartsDir());
        }
        u.valuesFile().filter(f -> inside(config.valuesDir(), f).isEmpty()).ifPresent(f ->
            missing.add("the values file " + f + " (" + u.release() + ") is not in " + config.valuesDir()));
      }
    }
    return missing.stream().distinct().toList();
  }

  /** The full argument vector for a step, as {@link #run} would start it (for tests and audit). */
  List<String> argv(PlanStep.HelmStep step) {
    List<String> argv = new ArrayList<>();
    argv.add(config.binary().toString());
    resolveArgs(step, argv).ifPresent(r -> {
      throw new IllegalArgumentException(r.message());
    });
    config.kubeconfig().ifPresent(k -> argv.addAll(List.of("--kubeconfig", k.toString())));
    config.kubeContext().ifPresent(c -> argv.addAll(List.of("--kube-context", c)));
    return argv;
  }

  /** The step's arguments with its package and values file resolved, or why helm must not start. */
  private Optional<HelmResult> resolveArgs(PlanStep.HelmStep step, List<String> argv) {
    List<String> args = step.helmArgs();
    if (step instanceof PlanStep.HelmUpgrade u) {
      Optional<Path> pkg = inside(config.chartsDir(), u.packageFile());
      if (pkg.isEmpty()) {
        return Optional.of(new HelmResult(Outcome.PACKAGE_NOT_FOUND, -1, Duration.ZERO, List.of(),
            "the package " + u.packageFile() + " is not in " + config.chartsDir()
                + ": make it available there (the vendor's preparatory step 2), then try again"));
      }
      Optional<Path> values = Optional.empty();
      if (u.valuesFile().isPresent()) {
        values = inside(config.valuesDir(), u.valuesFile().get());
        if (values.isEmpty()) {
          return Optional.of(new HelmResult(Outcome.VALUES_NOT_FOUND, -1, Duration.ZERO, List.of(),
              "the values file " + u.valuesFile().get() + " is not in " + config.valuesDir()
                  + ": put it there (the vendor's preparatory step 3), then try again"));
        }
      }
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (i == 3) {
          argv.add(pkg.get().toString());
        } else if (i > 0 && args.get(i - 1).equals("-f")) {
          argv.add(values.orElseThrow().toString());
        } else {
          argv.add(a);
        }
      }
      argv.addAll(config.extraUpgradeArgs());
    } else {
      argv.addAll(args);
    }
    return Optional.empty();
  }

  /** A regular file named {@code name} in {@code dir}, not a link that leads elsewhere. */
  private static Optional<Path> inside(Path dir, String name) {
    Path p = dir.resolve(name).normalize();
    try {
      if (!p.startsWith(dir) || !Files.isRegularFile(p)) {
        return Optional.empty();
      }
      Path real = p.toRealPath();
      return real.startsWith(dir.toRealPath()) && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)
          ? Optional.of(real) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static HelmResult classify(int exit, List<String> lines, PlanStep.HelmStep step, Duration took) {
    if (exit == 0) {
      return new HelmResult(Outcome.SUCCEEDED, 0, took, lines, step.describe() + " succeeded");
    }
    String all = String.join("\n", lines).toLowerCase(Locale.ROOT);
    String last = lines.isEmpty() ? "no output" : lines.get(lines.size() - 1);
    if (all.contains("another operation (install/upgrade/rollback) is in progress")) {
      return new HelmResult(Outcome.ANOTHER_OPERATION_IN_PROGRESS, exit, took, lines, "another helm"
          + " client is operating on this release (or one died mid-operation, leaving it pending):"
          + " check `/gim history`; a release stuck in pending-* is rolled back with `/gim rollback`");
    }
    if (all.contains("has no deployed releases")) {
      return new HelmResult(Outcome.NO_DEPLOYED_RELEASES, exit, took, lines, "the release has no"
          + " deployed revision: check `/gim history`; roll back to the last good revision first");
    }
    if (all.contains("release: not found")) {
      return new HelmResult(Outcome.RELEASE_NOT_FOUND, exit, took, lines,
          "helm found no such release: check `/gim status`");
    }
    if (all.contains("timed out waiting for the condition") || all.contains("context deadline exceeded")) {
      return new HelmResult(Outcome.TIMED_OUT, exit, took, lines, "helm timed out after "
          + PlanStep.helmDuration(step.effectiveTimeout()) + ": " + last);
    }
    return new HelmResult(Outcome.FAILED, exit, took, lines, "helm failed (exit " + exit + "): " + last);
  }

  private static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(TERM_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Duration since(long t0) {
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  /** Stops every running helm and refuses new ones. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      running.forEach(HelmExecutor::stop);
      watchdog.shutdownNow();
    }
  }
}
