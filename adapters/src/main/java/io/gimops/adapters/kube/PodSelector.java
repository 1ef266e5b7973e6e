package io.gimops.adapters.kube;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which pods (and workloads) are a service's: a Kubernetes label selector, in the syntax
 * {@code kubectl -l} takes ({@code a=b}, {@code a==b}, {@code a!=b}, {@code a}, {@code !a},
 * {@code a in (x,y)}, {@code a notin (x,y)}, requirements joined by commas, all of which must hold).
 *
 * <p>By default a service's pods are those of its Helm release by the standard instance label,
 * {@code app.kubernetes.io/instance=<release>} (Helm's chart starter and most charts set it). A
 * chart that labels its pods otherwise is configured with its own selector.
 *
 * <p>Matching is done here, on the objects the informers hold, not by the API server: one informer
 * per namespace serves every service in it, whatever their selectors.
 */
public record PodSelector(String text, List<Requirement> requirements) {

  /** The standard instance label Helm charts set on what a release creates. */
  public static final String INSTANCE = "app.kubernetes.io/instance";

  /** One requirement of a selector. */
  public record Requirement(String key, Op op, Set<String> values) {
    public Requirement {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(op, "op");
      values = Set.copyOf(values);
    }

    boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (op) {
        case IN -> v != null && values.contains(v);
        case NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
      };
    }
  }

  /** How a requirement compares; {@code a=b} is {@code a in (b)} and {@code a!=b} is {@code a notin (b)}. */
  public enum Op { IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  public PodSelector {
    Objects.requireNonNull(text, "text");
    requirements = List.copyOf(requirements);
    if (requirements.isEmpty()) {
      throw new IllegalArgumentException("a pod selector needs at least one requirement; an empty one would select"
          + " every pod of the namespace");
    }
  }

  /** The default: the release's pods by {@code app.kubernetes.io/instance=<release>}. */
  public static PodSelector instance(String release) {
    return parse(INSTANCE + "=" + release);
  }

  /**
   * Reads a selector.
   *
   * @throws IllegalArgumentException saying what is wrong and what to write instead
   */
  public static PodSelector parse(String text) {
    String t = Objects.requireNonNull(text, "text").strip();
    List<Requirement> out = new ArrayList<>();
    for (String part : split(t)) {
      out.add(requirement(part.strip(), t));
    }
    return new PodSelector(t, out);
  }

  /** True when every requirement holds for these labels. */
  public boolean matches(Map<String, String> labels) {
    Map<String, String> l = labels == null ? Map.of() : labels;
    return requirements.stream().allMatch(r -> r.matches(l));
  }

  /** Whether this is the default selector of the release, which the API server can filter by label. */
  public boolean isInstanceOf(String release) {
    return requirements.size() == 1 && requirements.get(0).key().equals(INSTANCE)
        && requirements.get(0).op() == Op.IN && requirements.get(0).values().equals(Set.of(release));
  }

  @Override
  public String toString() {
    return text;
  }

  /** Splits at commas outside parentheses. */
  private static List<String> split(String t) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(t.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(t.substring(start));
    return parts;
  }

  private static Requirement requirement(String p, String whole) {
    if (p.isEmpty()) {
      throw bad(whole, "an empty requirement");
    }
    if (p.startsWith("!")) {
      return new Requirement(key(p.substring(1).strip(), whole), Op.DOES_NOT_EXIST, Set.of());
    }
    int ne = p.indexOf("!=");
    if (ne > 0) {
      return new Requirement(key(p.substring(0, ne).strip(), whole), Op.NOT_IN, Set.of(value(p.substring(ne + 2), whole)));
    }
    int eq = p.indexOf('=');
    if (eq > 0) {
      String v = p.startsWith("==", eq) ? p.substring(eq + 2) : p.substring(eq + 1);
      return new Requirement(key(p.substring(0, eq).strip(), whole), Op.IN, Set.of(value(v, whole)));
    }
    String[] words = p.split("\\s+", 2);
    if (words.length == 2) {
      String rest = words[1].strip();
      Op op = rest.startsWith("notin") ? Op.NOT_IN : rest.startsWith("in") ? Op.IN : null;
      if (op != null) {
        String list = rest.substring(op == Op.IN ? 2 : 5).strip();
        if (!list.startsWith("(") || !list.endsWith(")")) {
          throw bad(whole, "'" + p + "': write the values in parentheses, e.g. " + words[0] + " in (a,b)");
        }
        Set<String> values = new LinkedHashSet<>();
        for (String v : list.substring(1, list.length() - 1).split(",")) {
          values.add(value(v, whole));
        }
        return new Requirement(key(words[0], whole), op, values);
      }
      throw bad(whole, "'" + p + "' is not a requirement");
    }
    return new Requirement(key(p, whole), Op.EXISTS, Set.of());
  }

  private static String key(String k, String whole) {
    if (!k.matches("([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
      throw bad(whole, "'" + k + "' is not a label key");
    }
    return k;
  }

  private static String value(String v, String whole) {
    String s = v.strip();
    if (!s.matches("([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?")) {
      throw bad(whole, "'" + s + "' is not a label value");
    }
    return s;
  }

  private static IllegalArgumentException bad(String whole, String why) {
    return new IllegalArgumentException("pod selector '" + whole + "': " + why
        + "; write a label selector such as app.kubernetes.io/instance=gim or servicename=gca,release=gca");
  }
}
