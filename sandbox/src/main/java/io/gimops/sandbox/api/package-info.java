/**
 * The embedded Kubernetes API server: the fabric8 mock server (CRUD mode) behind a Vert.x proxy
 * that closes the gaps between the mock and what the real helm CLI (client-go) and the fabric8
 * client expect of an API server. {@link io.gimops.sandbox.api.EmbeddedApiServer} is the only
 * public type; the rest is how the proxy works.
 */
package io.gimops.sandbox.api;
