package io.gimops.sandbox.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiPathTest {

  @Test
  void parsesCoreGroupObjectPaths() {
    ApiPath p = ApiPath.parse("/api/v1/namespaces/gim/secrets/sh.helm.release.v1.gim.v1").orElseThrow();

    assertThat(p).isEqualTo(new ApiPath("", "v1", "gim", "secrets", "sh.helm.release.v1.gim.v1", "", false));
    assertThat(p.groupVersion()).isEqualTo("v1");
    assertThat(p.objectPath()).isEqualTo("/api/v1/namespaces/gim/secrets/sh.helm.release.v1.gim.v1");
  }

  @Test
  void parsesNamedGroupsSubresourcesAndCollections() {
    ApiPath status = ApiPath.parse("/apis/apps/v1/namespaces/gim/deployments/gim/status").orElseThrow();
    assertThat(status.isStatus()).isTrue();
    assertThat(status.groupVersion()).isEqualTo("apps/v1");
    assertThat(status.objectPath()).isEqualTo("/apis/apps/v1/namespaces/gim/deployments/gim");
    assertThat(status.statusPath()).isEqualTo("/apis/apps/v1/namespaces/gim/deployments/gim/status");

    ApiPath all = ApiPath.parse("/api/v1/secrets").orElseThrow();
    assertThat(all.isCollection()).isTrue();
    assertThat(all.namespace()).isEmpty();
  }

  @Test
  void aNamespaceIsAClusterScopedObject() {
    ApiPath ns = ApiPath.parse("/api/v1/namespaces/gim").orElseThrow();

    assertThat(ns.plural()).isEqualTo("namespaces");
    assertThat(ns.name()).isEqualTo("gim");
    assertThat(ns.namespace()).isEmpty();
  }

  @Test
  void recognisesTheLegacyWatchPrefix() {
    ApiPath p = ApiPath.parse("/api/v1/watch/namespaces/gim/pods").orElseThrow();

    assertThat(p.legacyWatch()).isTrue();
    assertThat(p.plural()).isEqualTo("pods");
    assertThat(p.objectPath()).isEqualTo("/api/v1/namespaces/gim/pods");
  }

  @Test
  void discoveryAndOtherPathsAreNoResource() {
    assertThat(ApiPath.parse("/api")).isEmpty();
    assertThat(ApiPath.parse("/api/v1")).isEmpty();
    assertThat(ApiPath.parse("/apis/apps/v1")).isEmpty();
    assertThat(ApiPath.parse("/version")).isEmpty();
    assertThat(ApiPath.parse("/openapi/v2")).isEmpty();
  }
}
