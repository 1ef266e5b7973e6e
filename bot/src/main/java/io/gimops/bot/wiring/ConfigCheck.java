package io.gimops.bot.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What is checked before anything starts, beyond the file itself: that each environment's kube
 * context is in the kubeconfig, that helm and the charts directory are there, that the catalog's
 * sources can be read, the secret files ({@code KFile}) can be read, and Slack's and PostgreSQL's
 * settings from the environment. {@code gimops
 * check-config FILE} prints the same problems, or a summary when there are none.
 */
public final class ConfigCheck {

  private ConfigCheck() {}

  /** The outcome of {@code check-config}: the configuration and its catalog, or every problem. */
  public record Outcome(Optional<BotConfig> config, Optional<ReleaseCatalog> catalog,
      List<ConfigReader.ConfigProblem> problems) {}

  /** Reads and checks {@code yaml}, then what it points at on this machine; {@code env}: the process's variables. */
  public static Outcome check(String yaml, Map<String, String> env) {
    ConfigReader.Result r = ConfigReader.read(yaml);
    if (r.partial().isEmpty()) {
      return new Outcome(Optional.empty(), Optional.empty(), r.problems());
    }
    // What the machine says is added to what the file says, so that one run lists every mistake.
    BotConfig c = r.partial().get();
    Problems p = new Problems();
    p.attempt("kubeconfig", () -> {
      kubeContexts(c, env, p);
      return null;
    });
    p.attempt("helm", () -> {
      files(c, p);
      return null;
    });
    Optional<ReleaseCatalog> catalog = r.problems().isEmpty() ? Optional.of(CatalogSources.load(c, p))
        : Optional.empty();
    int beforeSecrets = p.list().size();
    SecretFiles.check(c, p);
    if (p.list().size() == beforeSecrets) {
      p.attempt("slack", () -> c.slackSettings(env));
    }
    for (int i = 0; i < c.environments().size(); i++) {
      BotConfig.Env e = c.environments().get(i);
      String at = "environments[" + i + "].postgres.passwordFrom";
      e.postgres().filter(pg -> pg.passwordFile().isEmpty()).ifPresent(pg -> p.attempt(at, () -> pg.check(env)));
    }
    Map<String, Integer> lines = ConfigReader.lines(yaml);
    List<ConfigReader.ConfigProblem> out = new ArrayList<>(r.problems());
    p.list().forEach(x -> out.add(new ConfigReader.ConfigProblem(x.path(), ConfigReader.lineOf(lines, x.path()),
        x.message())));
    return new Outcome(out.isEmpty() ? Optional.of(c) : Optional.empty(), catalog, out);
  }

  /**
   * Refuses a configuration whose contexts are not in its kubeconfig, or whose secret files cannot
   * be read, before {@link Bot} connects anywhere.
   */
  static void beforeStart(BotConfig c, Map<String, String> env) {
    Problems p = new Problems();
    kubeContexts(c, env, p);
    SecretFiles.check(c, p);
    p.throwIfAny();
  }

  /** {@code gimops check-config FILE}: 0 and a summary, or 1 and every problem. */
  public static int run(Path file, Map<String, String> env, PrintStream out) {
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (IOException e) {
      out.println("cannot read configuration " + file + ": " + e.getMessage());
      return 1;
    }
    Outcome o = check(yaml, env);
    if (!o.problems().isEmpty()) {
      out.println(ConfigReader.message("configuration " + file, o.problems()));
      return 1;
    }
    out.print(summary(file, o.config().get(), o.catalog().get()));
    return 0;
  }

  /** What the configuration sets up: environments with their services, and the catalog's sources. */
  static String summary(Path file, BotConfig c, ReleaseCatalog catalog) {
    StringBuilder b = new StringBuilder("configuration " + file + " is valid\n");
    List<Environment> envs = c.environmentModels();
    b.append(envs.size()).append(envs.size() == 1 ? " environment:\n" : " environments:\n");
    for (Environment e : envs) {
      b.append("  ").append(e.name()).append(e.production() ? " (production)" : "")
          .append(e.kubeContext().isBlank() ? "" : ", context " + e.kubeContext()).append('\n');
      for (ServiceSpec s : e.inCycleOrder()) {
        b.append("    ").append(s.kind().id()).append(": release ").append(s.releaseName()).append(" in namespace ")
            .append(s.namespace()).append(", timeout ").append(s.helmTimeout().map(io.gimops.policies.decision.PlanStep::helmDuration)
                .orElse("helm default")).append(s.extraCharts().isEmpty() ? "" : ", with " + s.extraCharts())
            .append(s.kind() == ServiceKind.GSP && !s.fullname().equals(s.releaseName()) ? ", fullname " + s.fullname() : "")
            .append('\n');
      }
      e.maintenanceWindows().forEach(w -> b.append("    ").append(w.denies() ? "no upgrades " : "upgrades in ")
          .append(w).append('\n'));
    }
    b.append("release catalog from ").append(String.join(", ", CatalogSources.describe(c))).append(":");
    for (ServiceKind k : ServiceKind.values()) {
      b.append(" ").append(k.id()).append(' ').append(catalog.releases(k).size());
    }
    return b.append(" releases\n").toString();
  }

  private static void kubeContexts(BotConfig c, Map<String, String> env, Problems p) {
    List<Integer> withContext = new ArrayList<>();
    for (int i = 0; i < c.environments().size(); i++) {
      if (c.environments().get(i).context().filter(x -> !x.isBlank()).isPresent()) {
        withContext.add(i);
      }
    }
    if (withContext.isEmpty()) {
      return;
    }
    List<Path> files = kubeconfigs(c, env);
    if (files.isEmpty()) {
      p.add(c.kubeconfig().isPresent() ? "kubeconfig" : "environments[" + withContext.get(0) + "].context",
          "no kubeconfig to find the contexts in: set kubeconfig: (or $KUBECONFIG) to the file that has them");
      return;
    }
    Set<String> contexts = new LinkedHashSet<>();
    for (Path f : files) {
      if (!Files.isReadable(f)) {
        if (c.kubeconfig().isPresent()) {
          p.add("kubeconfig", f + " does not exist or cannot be read");
          return;
        }
        continue;
      }
      try {
        JsonNode k = BotConfig.mapper().readTree(Files.readString(f));
        if (k != null) {
          k.path("contexts").forEach(x -> contexts.add(x.path("name").asText()));
        }
      } catch (IOException | RuntimeException e) {
        p.add("kubeconfig", f + " is not a kubeconfig this bot can read: " + ConfigProblems.firstLine(e.getMessage()));
        return;
      }
    }
    for (int i : withContext) {
      String context = c.environments().get(i).context().get();
      if (!contexts.contains(context)) {
        p.add("environments[" + i + "].context", "the context '" + context + "' is not in " + files
            + "; its contexts are " + contexts);
      }
    }
  }

  /** The kubeconfig the bot reads: the configured file, else {@code $KUBECONFIG}'s files, else ~/.kube/config. */
  private static List<Path> kubeconfigs(BotConfig c, Map<String, String> env) {
    if (c.kubeconfig().isPresent()) {
      return List.of(Path.of(c.kubeconfig().get()));
    }
    String list = env.get("KUBECONFIG");
    if (list != null && !list.isBlank()) {
      return java.util.Arrays.stream(list.split(File.pathSeparator)).filter(s -> !s.isBlank()).map(Path::of)
          .filter(Files::isReadable).toList();
    }
    Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".kube", "config");
    return Files.isReadable(home) ? List.of(home) : List.of();
  }

  private static void files(BotConfig c, Problems p) {
    Path helm = Path.of(c.helm().binary());
    if (!Files.isExecutable(helm)) {
      p.add("helm.binary", helm + " is not an executable file (the helm CLI, v3)");
    }
    c.helm().values().ifPresent(v -> {
      if (!Files.isDirectory(Path.of(v))) {
        p.add("helm.values", v + " is not a directory (where the <release>-values.yaml files are)");
      }
    });
    if (!CatalogSources.fromCharts(c) && !Files.isDirectory(Path.of(c.helm().charts()))) {
      p.add("helm.charts", c.helm().charts() + " is not a directory (the vendor's chart packages)");
    }
  }
}
