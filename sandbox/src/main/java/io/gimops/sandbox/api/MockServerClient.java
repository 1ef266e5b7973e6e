package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.io.UncheckedIOException;

/** HTTP and WebSocket requests from the proxy to the fabric8 mock server behind it. */
final class MockServerClient {

  static final String CONTENT_TYPE = "Content-Type";
  private static final long IDLE_TIMEOUT_MILLIS = 30_000;

  /** An answer from the mock server. */
  record Answer(int status, Buffer body) {}

  private final HttpClientAgent http;
  private final WebSocketClient webSockets;
  private final String host;
  private final int port;
  private final ObjectMapper json;

  MockServerClient(HttpClientAgent http, WebSocketClient webSockets, String host, int port, ObjectMapper json) {
    this.http = http;
    this.webSockets = webSockets;
    this.host = host;
    this.port = port;
    this.json = json;
  }

  Future<Answer> send(HttpMethod method, String uri, String contentType, Buffer body) {
    RequestOptions options = new RequestOptions()
        .setMethod(method)
        .setHost(host)
        .setPort(port)
        .setURI(uri)
        .setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    return http.request(options).compose(request -> {
      if (contentType != null) {
        request.putHeader(CONTENT_TYPE, contentType);
      }
      return body == null || body.length() == 0 ? request.send() : request.send(body);
    }).compose(response -> response.body().map(b -> new Answer(response.statusCode(), b)));
  }

  Future<Answer> get(String uri) {
    return send(HttpMethod.GET, uri, null, null);
  }

  Future<Answer> delete(String uri) {
    return send(HttpMethod.DELETE, uri, null, null);
  }

  /** The mock's watches are WebSockets only. */
  Future<WebSocket> watch(String uri) {
    return webSockets.connect(new WebSocketConnectOptions().setHost(host).setPort(port).setURI(uri));
  }

  /** The mock's stored JSON; it wrote it itself, so a failure here is a bug, not a bad request. */
  JsonNode tree(Buffer body) {
    try {
      return json.readTree(body.getBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("the mock server answered with something that is not JSON", e);
    }
  }
}
