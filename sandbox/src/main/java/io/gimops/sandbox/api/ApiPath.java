package io.gimops.sandbox.api;

import java.util.Arrays;
import java.util.Optional;

/**
 * A Kubernetes REST path taken apart: {@code /api/v1/namespaces/gim/secrets/sh.helm.release.v1.gim.v1}
 * or {@code /apis/apps/v1/namespaces/gim/deployments/gim/status}. The old {@code /watch/} prefix
 * is recognised and reported as {@link #legacyWatch()}.
 *
 * @param group the API group, empty for the core group
 * @param namespace empty for cluster-wide paths
 * @param name empty for collections
 * @param subresource empty, or e.g. {@code status}
 */
record ApiPath(
    String group,
    String version,
    String namespace,
    String plural,
    String name,
    String subresource,
    boolean legacyWatch) {

  /** Parses the path part of a URI (no query), or empty if it names no resource. */
  static Optional<ApiPath> parse(String path) {
    String[] s = Arrays.stream(path.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
    int i;
    String group;
    if (s.length >= 3 && s[0].equals("api")) {
      group = "";
      i = 1;
    } else if (s.length >= 4 && s[0].equals("apis")) {
      group = s[1];
      i = 2;
    } else {
      return Optional.empty();
    }
    String version = s[i++];
    boolean watch = false;
    if (i < s.length && s[i].equals("watch")) {
      watch = true;
      i++;
    }
    String namespace = "";
    if (s.length - i >= 3 && s[i].equals("namespaces")) {
      namespace = s[i + 1];
      i += 2;
    }
    if (i >= s.length) {
      return Optional.empty();
    }
    String plural = s[i++];
    String name = i < s.length ? s[i++] : "";
    String sub = i < s.length ? String.join("/", Arrays.copyOfRange(s, i, s.length)) : "";
    return Optional.of(new ApiPath(group, version, namespace, plural, name, sub, watch));
  }

  String groupVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  boolean isCollection() {
    return name.isEmpty();
  }

  boolean isStatus() {
    return subresource.equals("status");
  }

  /** The object's own path, without any subresource or watch prefix. */
  String objectPath() {
    StringBuilder b = new StringBuilder(group.isEmpty() ? "/api/" : "/apis/" + group + "/");
    b.append(version);
    if (!namespace.isEmpty()) {
      b.append("/namespaces/").append(namespace);
    }
    b.append('/').append(plural);
    if (!name.isEmpty()) {
      b.append('/').append(name);
    }
    return b.toString();
  }

  /** The path of the object's {@code status} subresource. */
  String statusPath() {
    return objectPath() + "/status";
  }
}
