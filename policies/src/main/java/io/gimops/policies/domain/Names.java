package io.gimops.policies.domain;

import java.util.regex.Pattern;

/**
 * The grammar of names that reach helm and the Kubernetes API as arguments. Checked where a name
 * enters the domain, so a bad one never gets as far as a process.
 */
public final class Names {

  /** A Helm release or chart name (DNS-1123 label, helm's 53-character limit). */
  private static final Pattern RELEASE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?");
  /** A Kubernetes namespace (DNS-1123 label). */
  private static final Pattern NAMESPACE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  /** A values file name: a bare file name, no directories, ending in .yaml or .yml. */
  private static final Pattern VALUES_FILE =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*\\.ya?ml");
  /** A container image tag (Docker's grammar: no ',', '=' or '/'). */
  private static final Pattern IMAGE_TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
  /** An environment name as configured and typed after --env. */
  private static final Pattern ENVIRONMENT = Pattern.compile("[a-z]([a-z0-9-]{0,30}[a-z0-9])?");

  private Names() {}

  public static String release(String name) {
    return check(RELEASE, name, "Helm release or chart name",
        "lower-case letters, digits and '-', at most 53 characters, e.g. gim-monitoring");
  }

  public static String namespace(String name) {
    return check(NAMESPACE, name, "namespace",
        "lower-case letters, digits and '-', at most 63 characters, e.g. gim");
  }

  public static String valuesFile(String name) {
    if (name != null && name.length() > 100) {
      throw new IllegalArgumentException("values file name is longer than 100 characters");
    }
    return check(VALUES_FILE, name, "values file name",
        "a bare file name ending in .yaml or .yml, without directories, e.g. gim-values.yaml");
  }

  public static String imageTag(String tag) {
    return check(IMAGE_TAG, tag, "image tag",
        "letters, digits, '_', '.' and '-', at most 128 characters, e.g. 100.0.116.2900");
  }

  public static String environment(String name) {
    return check(ENVIRONMENT, name, "environment name",
        "lower-case letters, digits and '-', starting with a letter, e.g. prod");
  }

  public static boolean isImageTag(String tag) {
    return tag != null && IMAGE_TAG.matcher(tag).matches();
  }

  public static boolean isValuesFile(String name) {
    return name != null && name.length() <= 100 && VALUES_FILE.matcher(name).matches();
  }

  public static boolean isEnvironment(String name) {
    return name != null && ENVIRONMENT.matcher(name).matches();
  }

  private static String check(Pattern p, String value, String what, String expected) {
    if (value == null || !p.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a valid " + what + ": expected " + expected + ".");
    }
    return value;
  }
}
