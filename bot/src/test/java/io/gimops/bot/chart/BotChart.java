package io.gimops.bot.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gimops.sandbox.PinnedHelm;
import io.gimops.sandbox.ProjectTools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bot's own chart, {@code deploy/helm/gimops}, driven with the pinned helm CLI: lint, template
 * and install, and the rendered objects parsed back.
 */
final class BotChart {

  static final Path DIR = ProjectTools.projectRoot().resolve("deploy/helm/gimops");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** What helm printed and how it ended. */
  record Run(int exit, String output) {}

  private final Path home;

  /** @param home a directory for helm's cache, config and data */
  BotChart(Path home) {
    this.home = home;
  }

  /** The value sets under {@code ci/}, each a file passed with {@code -f}. */
  static Path values(String name) {
    return DIR.resolve("ci").resolve(name + "-values.yaml");
  }

  Run helm(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(PinnedHelm.binary().toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(Map.of("HELM_CACHE_HOME", home.resolve("cache").toString(),
        "HELM_CONFIG_HOME", home.resolve("config").toString(), "HELM_DATA_HOME", home.resolve("data").toString()));
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("helm " + args + " did not end");
      }
      return new Run(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code helm template gimops <chart> -n <namespace> [-f values] ...extra}, which must succeed. */
  List<JsonNode> template(String namespace, List<String> extra) {
    List<String> args = new ArrayList<>(List.of("template", "gimops", DIR.toString(), "-n", namespace));
    args.addAll(extra);
    Run r = helm(args);
    if (r.exit() != 0) {
      throw new AssertionError("helm template failed: " + r.output());
    }
    return parse(r.output());
  }

  static List<JsonNode> parse(String yaml) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (JsonNode n : YAML.readValues(YAML.createParser(yaml), JsonNode.class).readAll()) {
        if (n != null && n.isObject()) {
          out.add(n);
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  static JsonNode one(List<JsonNode> objects, String kind) {
    List<JsonNode> all = ofKind(objects, kind);
    if (all.size() != 1) {
      throw new AssertionError("expected one " + kind + ", found " + all.size());
    }
    return all.get(0);
  }

  /** The bot's configuration the chart renders into its ConfigMap. */
  static String configYaml(List<JsonNode> objects) {
    return one(objects, "ConfigMap").path("data").path("gimops.yaml").asText();
  }

  /**
   * One RBAC rule flattened: a verb on a resource (with subresource, {@code pods/exec}) of a group,
   * in a namespace.
   */
  record Grant(String namespace, String group, String resource, String verb) {
    @Override
    public String toString() {
      return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + " in " + namespace;
    }
  }

  /** Every (namespace, group, resource, verb) the rendered Roles grant; a wildcard fails. */
  static List<Grant> grants(List<JsonNode> objects, String releaseNamespace) {
    List<Grant> out = new ArrayList<>();
    for (JsonNode role : ofKind(objects, "Role")) {
      String ns = role.path("metadata").path("namespace").asText(releaseNamespace);
      for (JsonNode rule : role.path("rules")) {
        for (JsonNode g : rule.path("apiGroups")) {
          for (JsonNode r : rule.path("resources")) {
            for (JsonNode v : rule.path("verbs")) {
              if (g.asText().contains("*") || r.asText().contains("*") || v.asText().contains("*")) {
                throw new AssertionError("a wildcard in " + role.path("metadata").path("name").asText() + ": " + rule);
              }
              out.add(new Grant(ns, g.asText(), r.asText(), v.asText()));
            }
          }
        }
      }
    }
    return out;
  }
}
