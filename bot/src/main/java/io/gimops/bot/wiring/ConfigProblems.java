package io.gimops.bot.wiring;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What is wrong with a configuration, said as its author would look for it: the key path
 * ({@code environments[0].kafka.bootstrapServers}), the line, and what belongs there, never a Java
 * type name. {@link BotConfig}'s refusal stays an {@link IllegalArgumentException}; this class
 * only words Jackson's problems for {@link ConfigReader}, and checks the keys a record cannot do
 * without (BotConfigFuzzTest found each one missing as a NullPointerException later, at start).
 */
final class ConfigProblems {

  private static final Pattern FOUND = Pattern.compile("from (\\w+) (?:value|token)");
  private static final Pattern YAML_EVENT =
      Pattern.compile("<?org\\.yaml\\.snakeyaml\\.events\\.(\\w+)Event(?:\\(anchor=([^),]*)[^>]*\\)?)?>?");
  private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:java|javax|com|org|io)\\.[a-z0-9_]+\\.\\w+");

  private ConfigProblems() {}

  /**
   * One thing Jackson could not read: where (the references to the node, as a key path, and the
   * line when the parser knew it) and what is wrong, in the author's words.
   *
   * @param refs the path to the node at fault ({@link ConfigReader} removes it to read on)
   * @param line 0 when unknown
   */
  record Read(List<JsonMappingException.Reference> refs, String path, int line, String problem) {}

  /** What Jackson could not read, in the author's words. */
  static Read read(JsonProcessingException e) {
    int line = e.getLocation() == null || e.getLocation() == JsonLocation.NA ? 0 : e.getLocation().getLineNr();
    List<JsonMappingException.Reference> refs = e instanceof JsonMappingException m ? m.getPath() : List.of();
    String path = path(refs);
    String at = path;
    String problem;
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds() == null ? List.of() : u.getKnownPropertyIds();
      Optional<String> near = known.stream().map(String::valueOf)
          .filter(k -> distance(k.toLowerCase(java.util.Locale.ROOT),
              String.valueOf(u.getPropertyName()).toLowerCase(java.util.Locale.ROOT)) <= 2)
          .findFirst();
      problem = "'" + u.getPropertyName() + "' is not a key here"
          + near.map(k -> " (did you mean '" + k + "'?)").orElse("")
          + (known.isEmpty() ? "" : "; the keys here are " + known.stream().map(String::valueOf)
              .collect(Collectors.toCollection(TreeSet::new)));
      // The path ends with the unknown key itself: say where it stands.
      at = refs.isEmpty() ? "" : path(refs.subList(0, refs.size() - 1));
    } else if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause();
      problem = cause instanceof IllegalArgumentException && cause.getMessage() != null
          ? cause.getMessage()
          : "an entry is empty (a ~, or nothing after a colon or a dash): give it a value or remove it";
    } else if (e instanceof InvalidFormatException f) {
      problem = "'" + f.getValue() + "' is not " + expected(f.getTargetType());
    } else if (e instanceof MismatchedInputException m) {
      Matcher found = FOUND.matcher(String.valueOf(m.getOriginalMessage()));
      problem = (m.getTargetType() == null ? "this value does not fit here" : "expected " + expected(m.getTargetType()))
          + (found.find() ? ", found " + found(found.group(1)) : "");
      if (path.isEmpty() && m.getTargetType() == BotConfig.class) {
        problem = "the configuration must be a mapping of keys to values (helm:, environments:, ...)"
            + (found.find(0) ? ", found " + found(found.group(1)) : "");
      }
    } else if (e instanceof StreamConstraintsException) {
      problem = "it is nested or sized far beyond any configuration";
    } else if (e instanceof JsonParseException) {
      problem = "it is not valid YAML: " + yamlProblem(e);
    } else {
      problem = "this value does not fit here";
    }
    return new Read(refs, at, line, problem);
  }

  /** The keys a configuration cannot do without, checked once it is read. */
  static void checked(BotConfig c, Problems p) {
    if (c.helm() == null) {
      p.add("helm", "the configuration needs a helm section (binary: the helm CLI, charts: the directory of the"
          + " vendor's chart packages)");
    } else {
      required(p, c.helm().binary(), "helm.binary", "the helm CLI to run");
      required(p, c.helm().charts(), "helm.charts", "the directory of the vendor's chart packages");
    }
    if (c.environments().isEmpty()) {
      p.add("environments", "the configuration names no environment; add one: environments: [{name: prod, context:"
          + " prod-cluster}]");
    }
    for (int i = 0; i < c.environments().size(); i++) {
      BotConfig.Env e = c.environments().get(i);
      String at = "environments[" + i + "]";
      required(p, e.name(), at + ".name", "the environment's name, as commands give it with --env");
      e.kafka().ifPresent(k -> {
        required(p, k.bootstrapServers(), at + ".kafka.bootstrapServers", "host:port of GIM's Kafka");
        valued(p, k.properties(), at + ".kafka.properties");
      });
      e.postgres().ifPresent(pg -> {
        required(p, pg.url(), at + ".postgres.url", "the JDBC URL of the Info Mart database");
        required(p, pg.user(), at + ".postgres.user", "a read-only database user");
        pg.etlHistoryQuery().filter(q -> !q.contains(":since")).ifPresent(q -> p.add(at + ".postgres.etlHistoryQuery",
            "must use :since (when the step's helm call ended), e.g. " + io.gimops.adapters.postgres.EtlHistory.DEFAULT_QUERY));
      });
    }
    for (int i = 0; i < c.catalog().size(); i++) {
      BotConfig.CatalogEntry r = c.catalog().get(i);
      required(p, r.service(), "catalog[" + i + "].service", "gim, gsp or gca");
      required(p, r.version(), "catalog[" + i + "].version", "the release's version, e.g. 100.0.116+2900");
    }
    c.kafka().ifPresent(k -> {
      required(p, k.bootstrapServers(), "kafka.bootstrapServers", "host:port of the bot's Kafka");
      valued(p, k.properties(), "kafka.properties");
    });
  }

  private static void required(Problems p, String value, String key, String what) {
    if (value == null || value.isBlank()) {
      p.add(key, "missing (" + what + ")");
    }
  }

  /**
   * Client properties each need a value: in YAML's flow style {@code {security.protocol:SASL_SSL}}
   * (no space after the colon) is one key with no value, which the Kafka client would not survive.
   */
  private static void valued(Problems p, Optional<Map<String, String>> properties, String key) {
    properties.ifPresent(m -> m.forEach((name, value) -> {
      if (name == null || value == null) {
        p.add(key, "'" + name + "' has no value (in {a: b} a space must follow the colon)");
      }
    }));
  }

  /** Levenshtein distance, for "did you mean" (keys are short). */
  static int distance(String a, String b) {
    if (Math.abs(a.length() - b.length()) > 2 || a.length() > 64 || b.length() > 64) {
      return Integer.MAX_VALUE;
    }
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String expected(Class<?> type) {
    if (type == String.class || type == Optional.class) {
      return "text";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping of keys to values";
    }
    return "a value of another kind";
  }

  private static String found(String token) {
    return switch (token) {
      case "Object" -> "a mapping";
      case "Array" -> "a list";
      case "String" -> "text";
      case "Integer", "Float", "Number" -> "a number";
      case "Boolean" -> "true or false";
      case "Null" -> "nothing";
      default -> "something else";
    };
  }

  /**
   * SnakeYAML's own problem ("found character '\t' that cannot start any token") says more than
   * its context; Jackson's YAML parser names SnakeYAML's event classes where it expected a key
   * ("got this instead: <org.yaml.snakeyaml.events.AliasEvent(anchor=x)>"): said in YAML's words.
   */
  private static String yamlProblem(JsonProcessingException e) {
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException y && y.getProblem() != null) {
      return firstLine(y.getProblem());
    }
    String m = firstLine(e.getOriginalMessage());
    Matcher event = YAML_EVENT.matcher(m);
    if (event.find()) {
      String found = switch (event.group(1)) {
        case "Alias" -> "an alias (*" + event.group(2) + ")";
        case "MappingStart" -> "a mapping";
        case "SequenceStart" -> "a list";
        case "Scalar" -> "a value";
        default -> "something else";
      };
      String expected = m.substring(0, event.start()).replace("(Scalar value in YAML)", "")
          .replace("got this instead:", "").replace("Expected a field name", "expected a key")
          .replaceAll("[\\s,]+$", "");
      return expected + ", found " + found;
    }
    return CLASS_NAME.matcher(m).find() ? "it cannot be read here" : m;
  }

  /** The first line of a library's message, for a problem said in one line. */
  static String firstLine(String s) {
    if (s == null) {
      return "unreadable";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).strip();
  }
}
