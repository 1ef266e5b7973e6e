package io.gimops.bot.wiring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a configuration and says <em>everything</em> wrong with it at once, each mistake with its
 * line and key path and what to write instead: Jackson stops at the first, so the node at fault
 * is taken out of the tree and the rest read again, until it binds; then {@link ConfigProblems}'s
 * required keys and the rules' own checks ({@link EnvironmentModels}, {@link CatalogSources}, the
 * policy's settings) run over what was read. Nothing here reads a file or the network.
 */
public final class ConfigReader {

  private static final int MAX_ROUNDS = 200;

  private ConfigReader() {}

  /**
   * One mistake.
   *
   * @param line the line it is on (1-based), 0 when no line can be said
   */
  public record ConfigProblem(String path, int line, String message) {
    @Override
    public String toString() {
      return (line > 0 ? "line " + line + ": " : "") + (path.isEmpty() ? "" : path + ": ") + message;
    }
  }

  /**
   * The configuration when it has no problem, and every problem otherwise.
   *
   * @param partial what could be read, with its required keys, even when other keys have problems
   *     (so that {@link ConfigCheck} can say what is wrong on the machine in the same breath)
   */
  public record Result(Optional<BotConfig> config, List<ConfigProblem> problems, Optional<BotConfig> partial) {

    Result(Optional<BotConfig> config, List<ConfigProblem> problems) {
      this(config, problems, config);
    }
  }

  /** One message for all problems: one line for one, a list for more. */
  public static String message(String what, List<ConfigProblem> problems) {
    if (problems.size() == 1) {
      ConfigProblem p = problems.get(0);
      return what + " is not valid" + (p.line() > 0 ? " (line " + p.line() + ")" : "") + ": "
          + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message();
    }
    StringBuilder b = new StringBuilder(what + " is not valid: " + problems.size() + " problems");
    // In the order of the file; those without a line last.
    problems.stream().sorted(java.util.Comparator.comparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line()))
        .forEach(p -> b.append("\n  ").append(p));
    return b.toString();
  }

  public static Result read(String yaml) {
    JsonNode tree;
    try {
      tree = BotConfig.mapper().readTree(yaml);
    } catch (JsonProcessingException e) {
      ConfigProblems.Read r = ConfigProblems.read(e);
      return new Result(Optional.empty(), List.of(new ConfigProblem(r.path(), r.line(), r.problem())));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      return new Result(Optional.empty(), List.of(new ConfigProblem("", 0,
          "it is empty; it needs at least helm: and environments:")));
    }
    Map<String, Integer> lines = lines(yaml);
    List<ConfigProblem> out = new ArrayList<>();
    Set<String> reported = new LinkedHashSet<>();
    Set<String> misspelt = new LinkedHashSet<>();
    Map<String, List<Integer>> removedIndices = new HashMap<>();
    BotConfig config = null;
    for (int round = 0; round < MAX_ROUNDS && config == null; round++) {
      try {
        config = BotConfig.mapper().treeToValue(tree, BotConfig.class);
        if (config == null) {
          out.add(new ConfigProblem("", 0, "it is empty; it needs at least helm: and environments:"));
          return new Result(Optional.empty(), out);
        }
      } catch (JsonProcessingException | IllegalArgumentException e) {
        if (!(e instanceof JsonProcessingException j)) {
          out.add(new ConfigProblem("", 0, "this value does not fit here"));
          return new Result(Optional.empty(), out);
        }
        ConfigProblems.Read r = ConfigProblems.read(j);
        List<JsonMappingException.Reference> refs = r.refs();
        List<String> original = originalPath(refs, removedIndices);
        String full = String.join("", original).replaceFirst("^\\.", "");
        String shown = j instanceof UnrecognizedPropertyException
            ? String.join("", original.subList(0, Math.max(0, original.size() - 1))).replaceFirst("^\\.", "")
            : full;
        out.add(new ConfigProblem(shown, line(lines, original, r.line()), r.problem()));
        reported.add(full);
        if (j instanceof UnrecognizedPropertyException) {
          misspelt.add(shown);
        }
        if (refs.isEmpty() || !remove(tree, refs, original, removedIndices)) {
          return new Result(Optional.empty(), out);
        }
      }
    }
    if (config == null) {
      return new Result(Optional.empty(), out);
    }
    Problems p = new Problems();
    ConfigProblems.checked(config, p);
    boolean complete = p.isEmpty();
    // The rules' checks run over what is there, so a missing key does not hide a wrong one.
    semantic(config, p);
    for (Problems.Problem x : p.list()) {
      boolean under = reported.stream().anyMatch(r -> x.path().equals(r) || x.path().startsWith(r + ".")
          || x.path().startsWith(r + "["));
      // A key said missing where an unknown one stands is the same mistake (a misspelling): said once.
      int cut = Math.max(x.path().lastIndexOf('.'), 0);
      boolean sameTypo = x.message().startsWith("missing") && misspelt.contains(x.path().substring(0, cut));
      if (!under && !sameTypo) {
        out.add(new ConfigProblem(x.path(), lineOf(lines, x.path()), x.message()));
      }
    }
    return new Result(out.isEmpty() ? Optional.of(config) : Optional.empty(), out,
        complete ? Optional.of(config) : Optional.empty());
  }

  /** The rules' checks of what was read: each refusal is a problem at its key. */
  private static void semantic(BotConfig c, Problems p) {
    EnvironmentModels.all(c, p);
    CatalogSources.configured(c, p);
    CatalogSources.checkSources(c, p);
    int before = p.list().size();
    access(c, p);
    if (p.list().size() == before && c.environments().stream().allMatch(e -> e.name() != null)) {
      p.attempt("access", c::accessPolicy);
    }
    p.attempt("policy", c::policySettings);
    p.attempt("orchestrator", c::orchestratorSettings);
    p.attempt("thirdParty", c::assertedThirdParty);
    p.attempt("thirdPartyInterval", c::thirdPartyEvery);
    c.metricsInterval().ifPresent(d -> p.attempt("metricsInterval", () -> BotConfig.duration(d)));
    if (c.helm() != null) {
      c.helm().killMargin().ifPresent(d -> p.attempt("helm.killMargin", () -> BotConfig.duration(d)));
    }
    c.alerts().ifPresent(a -> p.attempt("alerts", a::intakeSettings));
    c.logging().ifPresent(l -> l.check(p));
  }

  /** Each grant names an environment and a role. */
  private static void access(BotConfig c, Problems p) {
    Set<String> envs = new LinkedHashSet<>();
    c.environments().forEach(e -> envs.add(e.name()));
    c.access().forEach((env, grants) -> {
      if (!envs.contains(env)) {
        p.add("access." + env, "there is no environment '" + env + "'; the environments are " + envs);
      }
      if (grants == null) {
        return;
      }
      grants.users().orElse(Map.of()).forEach((who, role) -> role(p, "access." + env + ".users." + who, role));
      grants.groups().orElse(Map.of()).forEach((who, role) -> role(p, "access." + env + ".groups." + who, role));
    });
  }

  private static void role(Problems p, String at, String role) {
    if (java.util.Arrays.stream(io.gimops.policies.domain.Role.values()).noneMatch(r -> r.id().equals(role))) {
      p.add(at, "'" + role + "' is not a role; use viewer, operator or admin");
    }
  }

  /** Each reference as text ({@code .name}, {@code [3]}), indices as they were in the file. */
  private static List<String> originalPath(List<JsonMappingException.Reference> refs,
      Map<String, List<Integer>> removedIndices) {
    List<String> out = new ArrayList<>();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getFieldName() != null) {
        out.add("." + ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        String array = String.join("", out).replaceFirst("^\\.", "");
        out.add("[" + originalIndex(removedIndices.getOrDefault(array, List.of()), ref.getIndex()) + "]");
      }
    }
    return out;
  }

  private static int originalIndex(List<Integer> removed, int index) {
    int orig = index;
    for (int r : removed.stream().sorted().toList()) {
      if (r <= orig) {
        orig++;
      }
    }
    return orig;
  }

  /** Takes the node at fault out of the tree; false when it cannot be found. */
  private static boolean remove(JsonNode tree, List<JsonMappingException.Reference> refs, List<String> original,
      Map<String, List<Integer>> removedIndices) {
    JsonNode parent = tree;
    for (int i = 0; i < refs.size() - 1 && parent != null; i++) {
      JsonMappingException.Reference ref = refs.get(i);
      parent = ref.getFieldName() != null ? parent.get(ref.getFieldName()) : parent.get(ref.getIndex());
    }
    JsonMappingException.Reference last = refs.get(refs.size() - 1);
    if (last.getFieldName() != null && parent instanceof ObjectNode o && o.has(last.getFieldName())) {
      o.remove(last.getFieldName());
      return true;
    }
    if (last.getFieldName() == null && last.getIndex() >= 0 && parent instanceof ArrayNode a && last.getIndex() < a.size()) {
      a.remove(last.getIndex());
      String array = String.join("", original.subList(0, original.size() - 1)).replaceFirst("^\\.", "");
      String idx = original.get(original.size() - 1);
      removedIndices.computeIfAbsent(array, k -> new ArrayList<>())
          .add(Integer.parseInt(idx.substring(1, idx.length() - 1)));
      return true;
    }
    return false;
  }

  private static int line(Map<String, Integer> lines, List<String> original, int parserLine) {
    if (parserLine > 0) {
      return parserLine;
    }
    for (int n = original.size(); n > 0; n--) {
      Integer l = lines.get(String.join("", original.subList(0, n)).replaceFirst("^\\.", ""));
      if (l != null) {
        return l;
      }
    }
    return 0;
  }

  /** The line of a key path, or of its nearest ancestor in the file. */
  static int lineOf(Map<String, Integer> lines, String path) {
    String p = path;
    while (!p.isEmpty()) {
      Integer l = lines.get(p);
      if (l != null) {
        return l;
      }
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut <= 0 ? "" : p.substring(0, cut);
    }
    return 0;
  }

  /** Every key path of the document and the line it starts on (SnakeYAML keeps the marks Jackson drops). */
  static Map<String, Integer> lines(String yaml) {
    Map<String, Integer> out = new HashMap<>();
    try {
      Node root = new org.yaml.snakeyaml.Yaml().compose(new StringReader(yaml));
      walk(root, "", out, 0);
    } catch (RuntimeException e) {
      // A document SnakeYAML will not compose has no lines to give; the problems still have paths.
    }
    return out;
  }

  private static void walk(Node node, String path, Map<String, Integer> out, int depth) {
    if (node == null || depth > 64 || out.size() > 100_000) {
      return;
    }
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k) {
          String p = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
          out.putIfAbsent(p, k.getStartMark().getLine() + 1);
          walk(t.getValueNode(), p, out, depth + 1);
        }
      }
    } else if (node instanceof SequenceNode s) {
      for (int i = 0; i < s.getValue().size(); i++) {
        Node item = s.getValue().get(i);
        String p = path + "[" + i + "]";
        out.putIfAbsent(p, item.getStartMark().getLine() + 1);
        walk(item, p, out, depth + 1);
      }
    }
  }
}
