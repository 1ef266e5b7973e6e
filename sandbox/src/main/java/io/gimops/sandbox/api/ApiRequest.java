package io.gimops.sandbox.api;

import io.vertx.core.http.HttpMethod;

/**
 * One request to the embedded API server, in the terms Kubernetes RBAC authorizes it by: the verb
 * ({@code get list watch create update patch delete deletecollection}), the API group, the
 * resource and subresource, and the namespace. The RBAC coverage test compares these with what a
 * chart's Roles grant, so the verbs are the authorizer's, not HTTP's.
 *
 * @param group the API group, empty for the core group
 * @param subresource empty, or e.g. {@code status}, {@code exec}
 * @param namespace empty for cluster-scoped requests
 * @param name empty for collections
 * @param userAgent the client's {@code User-Agent}: tells the sandbox's own clients
 *     ({@link EmbeddedApiServer#SANDBOX_USER_AGENT}) from the bot's and helm's
 */
public record ApiRequest(String verb, String group, String resource, String subresource, String namespace,
    String name, String userAgent) {

  /** Whether one of the sandbox's own clients (its controller, the test's checks) made it. */
  public boolean bySandbox() {
    return userAgent.startsWith(EmbeddedApiServer.SANDBOX_USER_AGENT);
  }

  /** {@code verb group/resource[/subresource] in namespace}, for messages. */
  @Override
  public String toString() {
    return verb + " " + (group.isEmpty() ? "" : group + "/") + resource + (subresource.isEmpty() ? "" : "/" + subresource)
        + (namespace.isEmpty() ? " (cluster)" : " in " + namespace);
  }

  /**
   * The authorizer's verb for an HTTP request. An exec's WebSocket upgrade is a GET, which newer
   * API servers authorize as {@code create} on {@code pods/exec} (as they always did the POST form);
   * older ones asked {@code get}. It is recorded as {@code create}.
   */
  static ApiRequest of(HttpMethod method, ApiPath p, boolean watch, String userAgent) {
    String verb;
    if (PodExec.isExec(p)) {
      verb = "create";
    } else if (watch) {
      verb = "watch";
    } else if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
      verb = p.isCollection() ? "list" : "get";
    } else if (method == HttpMethod.POST) {
      verb = "create";
    } else if (method == HttpMethod.PUT) {
      verb = "update";
    } else if (method == HttpMethod.PATCH) {
      verb = "patch";
    } else if (method == HttpMethod.DELETE) {
      verb = p.isCollection() ? "deletecollection" : "delete";
    } else {
      verb = method.name().toLowerCase(java.util.Locale.ROOT);
    }
    return new ApiRequest(verb, p.group(), p.plural(), p.subresource(), p.namespace(), p.name(),
        userAgent == null ? "" : userAgent);
  }
}
