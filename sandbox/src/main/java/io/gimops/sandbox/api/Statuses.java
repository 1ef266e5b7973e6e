package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpMethod;

/**
 * The API server's {@code Status} answers. client-go decides what an error is by its reason
 * ({@code IsNotFound}, {@code IsAlreadyExists}, {@code IsConflict}), and the mock gives every
 * error the reason "Invalid", or no body at all.
 */
final class Statuses {

  private Statuses() {}

  /** A Failure status; {@code p} (nullable) fills in the details. */
  static ObjectNode failure(int code, String reason, String message, ApiPath p) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    if (!message.isEmpty()) {
      s.put("message", message);
    }
    if (!reason.isEmpty()) {
      s.put("reason", reason);
    }
    if (p != null) {
      ObjectNode details = s.putObject("details");
      if (!p.name().isEmpty()) {
        details.put("name", p.name());
      }
      if (!p.group().isEmpty()) {
        details.put("group", p.group());
      }
      details.put("kind", p.plural());
    }
    s.put("code", code);
    return s;
  }

  /** The failure status the API server gives for {@code code}, worded as it words it. */
  static ObjectNode failure(int code, HttpMethod method, ApiPath p) {
    String reason = reason(code, method);
    return failure(code, reason, message(code, reason, p), p);
  }

  static ObjectNode success(int code) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Success");
    s.put("code", code);
    return s;
  }

  static String reason(int code, HttpMethod method) {
    return switch (code) {
      case 400 -> "BadRequest";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 405 -> "MethodNotAllowed";
      case 409 -> method == HttpMethod.POST ? "AlreadyExists" : "Conflict";
      case 410 -> "Expired";
      case 415 -> "UnsupportedMediaType";
      case 422 -> "Invalid";
      default -> "InternalError";
    };
  }

  /** The API server's wording, e.g. {@code deployments.apps "gim" not found}. */
  static String message(int code, String reason, ApiPath p) {
    if (p == null) {
      return reason;
    }
    String resource = p.group().isEmpty() ? p.plural() : p.plural() + "." + p.group();
    if (reason.equals("NotFound")) {
      return p.isCollection() ? "the server could not find the requested resource"
          : resource + " \"" + p.name() + "\" not found";
    }
    return resource + ": " + reason + " (" + code + ")";
  }
}
