package io.gimops.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The embedded API server records requests as RBAC authorizes them, only once asked to, and tells
 * its own clients (user agent {@value EmbeddedApiServer#SANDBOX_USER_AGENT}) from others.
 */
class RequestRecordingTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void recordsVerbResourceAndNamespaceOfOtherClientsOnlyAfterRecordRequests() throws Exception {
    try (EmbeddedApiServer api = new EmbeddedApiServer().start()) {
      send(api, "GET", "/api/v1/namespaces/gim/configmaps", null);
      assertThat(api.requests()).as("nothing recorded before recordRequests()").isEmpty();

      api.recordRequests();
      String cm = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\",\"namespace\":\"gim\"}}";
      assertThat(send(api, "POST", "/api/v1/namespaces/gim/configmaps", cm)).isEqualTo(201);
      send(api, "GET", "/api/v1/namespaces/gim/configmaps/a", null);
      send(api, "GET", "/api/v1/namespaces/gim/configmaps", null);
      send(api, "PATCH", "/api/v1/namespaces/gim/configmaps/a", "{\"data\":{\"k\":\"v\"}}");
      send(api, "DELETE", "/api/v1/namespaces/gim/configmaps/a", null);
      send(api, "GET", "/apis/apps/v1/namespaces/gsp/statefulsets/gsp/status", null);
      send(api, "GET", "/version", null);
      api.client().pods().inNamespace("gim").list();

      List<ApiRequest> all = api.requests();
      assertThat(all.stream().filter(r -> !r.bySandbox()).map(ApiRequest::toString).toList()).containsExactly(
          "create configmaps in gim", "get configmaps in gim", "list configmaps in gim", "patch configmaps in gim",
          "delete configmaps in gim", "get apps/statefulsets/status in gsp");
      assertThat(all.stream().filter(ApiRequest::bySandbox).map(ApiRequest::toString).toList())
          .containsExactly("list pods in gim");
      assertThat(all.get(0).userAgent()).isEqualTo("recording-test/1");
    }
  }

  private static int send(EmbeddedApiServer api, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + path)).header("User-Agent", "recording-test/1");
    if (body != null) {
      b.header("Content-Type", method.equals("PATCH") ? "application/merge-patch+json" : "application/json");
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
