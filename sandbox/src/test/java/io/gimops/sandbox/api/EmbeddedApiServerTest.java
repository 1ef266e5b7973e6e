package io.gimops.sandbox.api;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The compatibility layer, seen from plain HTTP (as client-go sees it) and from the fabric8 client. */
class EmbeddedApiServerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static EmbeddedApiServer api;

  @BeforeAll
  static void start() {
    api = new EmbeddedApiServer().start();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  // --- gap 1: discovery ------------------------------------------------------------------------

  @Test
  void discoveryListsTheGroupsAndKindsHelmMapsCharsThrough() throws Exception {
    assertThat(get("/version").body().path("gitVersion").asText()).isEqualTo("v1.33.0");
    assertThat(get("/api").body().path("versions").toString()).isEqualTo("[\"v1\"]");
    assertThat(get("/apis").body().findValuesAsText("groupVersion")).contains("apps/v1", "batch/v1");
    assertThat(get("/api/v1").body().findValuesAsText("name")).contains("secrets", "configmaps", "pods", "namespaces");
    assertThat(get("/apis/apps/v1").body().findValuesAsText("name"))
        .contains("deployments", "deployments/status", "statefulsets", "replicasets");
    assertThat(get("/apis/batch/v1").body().findValuesAsText("kind")).contains("Job", "CronJob");
    assertThat(get("/apis/apps").body().path("preferredVersion").path("groupVersion").asText()).isEqualTo("apps/v1");
  }

  // --- gap 2: Content-Type, and Status bodies with the right reason ------------------------------

  @Test
  void everyAnswerIsJsonAndErrorsAreStatusesWithTheirReason() throws Exception {
    Reply missing = get("/api/v1/namespaces/default/secrets/nothing-here");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.contentType()).isEqualTo("application/json");
    assertThat(missing.body().path("kind").asText()).isEqualTo("Status");
    assertThat(missing.body().path("reason").asText()).isEqualTo("NotFound");
    assertThat(missing.body().path("message").asText()).isEqualTo("secrets \"nothing-here\" not found");

    String secret = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"twice\"}}";
    assertThat(send("POST", "/api/v1/namespaces/default/secrets", "application/json", secret.getBytes(UTF_8))
        .status()).isEqualTo(201);
    Reply again = send("POST", "/api/v1/namespaces/default/secrets", "application/json", secret.getBytes(UTF_8));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().path("reason").asText()).as("client-go's IsAlreadyExists reads it").isEqualTo("AlreadyExists");

    assertThat(api.client().secrets().inNamespace("default").withName("nothing-here").get()).isNull();
  }

  // --- gap 3: protobuf bodies --------------------------------------------------------------------

  @Test
  void aProtobufSecretIsStoredAsTheSecretItEncodes() throws Exception {
    ProtobufWriter secret = new ProtobufWriter()
        .message(1, new ProtobufWriter().string(1, "sh.helm.release.v1.pb.v1")
            .map(11, Map.of("owner", "helm".getBytes(UTF_8), "name", "pb".getBytes(UTF_8))))
        .map(2, Map.of("release", "H4sI".getBytes(UTF_8)))
        .map(4, Map.of("note", "plain".getBytes(UTF_8)))
        .string(3, "helm.sh/release.v1");

    Reply created = send("POST", "/api/v1/namespaces/protobuf/secrets", "application/vnd.kubernetes.protobuf",
        ProtobufWriter.envelope("v1", "Secret", secret));

    assertThat(created.status()).isEqualTo(201);
    var stored = api.client().secrets().inNamespace("protobuf").withName("sh.helm.release.v1.pb.v1").get();
    assertThat(stored.getMetadata().getLabels()).containsEntry("owner", "helm").containsEntry("name", "pb");
    assertThat(stored.getType()).isEqualTo("helm.sh/release.v1");
    assertThat(stored.getData()).containsEntry("release", "SDRzSQ==")
        .as("stringData is folded into data, as the API server does")
        .containsEntry("note", "cGxhaW4=");
    assertThat(stored.getStringData()).isNullOrEmpty();
  }

  @Test
  void aProtobufKindItCannotDecodeIsRefusedWithAMessage() throws Exception {
    Reply refused = send("POST", "/apis/apps/v1/namespaces/default/deployments",
        "application/vnd.kubernetes.protobuf", ProtobufWriter.envelope("apps/v1", "Deployment", new ProtobufWriter()));

    assertThat(refused.status()).isEqualTo(415);
    assertThat(refused.body().path("message").asText()).contains("send it as application/json");
  }

  // --- gap 4: list kinds -------------------------------------------------------------------------

  @Test
  void listsSayWhatTheyList() throws Exception {
    api.client().configMaps().inNamespace("lists").resource(configMap("one")).create();

    Reply list = get("/api/v1/namespaces/lists/configmaps");
    assertThat(list.contentType()).isEqualTo("application/json");
    assertThat(list.body().path("kind").asText()).isEqualTo("ConfigMapList");
    assertThat(list.body().path("apiVersion").asText()).isEqualTo("v1");
    assertThat(list.body().path("items")).hasSize(1);

    Reply empty = get("/apis/apps/v1/namespaces/lists/deployments");
    assertThat(empty.body().path("kind").asText()).isEqualTo("DeploymentList");
    assertThat(empty.body().path("apiVersion").asText()).isEqualTo("apps/v1");
  }

  // --- gap 5: strategic merge patch and merge patch ------------------------------------------------

  @Test
  void aStrategicMergePatchMergesContainersByName() throws Exception {
    api.client().apps().deployments().inNamespace("patch").resource(deployment("smp")).create();
    String patch = "{\"spec\":{\"template\":{\"spec\":{"
        + "\"$setElementOrder/containers\":[{\"name\":\"main\"},{\"name\":\"sidecar\"}],"
        + "\"containers\":[{\"name\":\"main\",\"image\":\"main:2\"}]}}}}";

    Reply patched = send("PATCH", "/apis/apps/v1/namespaces/patch/deployments/smp",
        "application/strategic-merge-patch+json", patch.getBytes(UTF_8));

    assertThat(patched.status()).isEqualTo(200);
    Deployment d = api.client().apps().deployments().inNamespace("patch").withName("smp").get();
    assertThat(d.getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName() + "=" + c.getImage())
        .containsExactly("main=main:2", "sidecar=side:1");
    assertThat(d.getMetadata().getGeneration()).isEqualTo(2L);
  }

  @Test
  void aMergePatchReplacesListsInsteadOfAppending() {
    api.client().apps().deployments().inNamespace("patch").resource(deployment("merge")).create();

    api.client().apps().deployments().inNamespace("patch").withName("merge").patch(
        PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"only\",\"image\":\"only:1\"}]}}}}");

    assertThat(api.client().apps().deployments().inNamespace("patch").withName("merge").get()
        .getSpec().getTemplate().getSpec().getContainers())
        .extracting(c -> c.getName())
        .containsExactly("only");
  }

  // --- what a real API server also does ------------------------------------------------------------

  @Test
  void statusIsASubresourceWritesToTheMainResourceLeaveItAlone() {
    var deployments = api.client().apps().deployments().inNamespace("status");
    deployments.resource(deployment("web")).create();
    Deployment withStatus = deployments.withName("web").get();
    withStatus.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
        .withReadyReplicas(1).withReplicas(1).build());
    deployments.resource(withStatus).updateStatus();

    Deployment current = deployments.withName("web").get();
    current.getMetadata().getLabels().put("touched", "yes");
    current.setStatus(null);
    deployments.resource(current).update();

    Deployment after = deployments.withName("web").get();
    assertThat(after.getMetadata().getLabels()).containsEntry("touched", "yes");
    assertThat(after.getStatus().getReadyReplicas()).isEqualTo(1);

    deployments.resource(new DeploymentBuilder(after).editStatus().withReadyReplicas(0).endStatus()
        .editMetadata().addToLabels("ignored", "yes").endMetadata().build()).patchStatus();
    Deployment patched = deployments.withName("web").get();
    assertThat(patched.getStatus().getReadyReplicas()).isZero();
    assertThat(patched.getMetadata().getLabels()).doesNotContainKey("ignored");
  }

  /** The garbage collector's part: a Deployment's ReplicaSets and pods go with it, unless orphaned. */
  @Test
  void deletingAnOwnerDeletesWhatItOwns() {
    KubernetesClient k = api.client();
    String ns = "owners";
    Deployment web = k.apps().deployments().inNamespace(ns).resource(deployment("web")).create();
    var rs = k.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName("web-1").addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
        .withName("web").withUid(web.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
        .build()).create();
    k.pods().inNamespace(ns).resource(new PodBuilder()
        .withNewMetadata().withName("web-1-a").addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet")
        .withName("web-1").withUid(rs.getMetadata().getUid()).withController(true).endOwnerReference().endMetadata()
        .build()).create();
    k.configMaps().inNamespace(ns).resource(configMap("unrelated")).create();

    k.apps().deployments().inNamespace(ns).withName("web").delete();

    assertThat(k.apps().replicaSets().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(k.pods().inNamespace(ns).list().getItems()).isEmpty();
    assertThat(k.configMaps().inNamespace(ns).withName("unrelated").get()).isNotNull();

    Deployment kept = k.apps().deployments().inNamespace(ns).resource(deployment("kept")).create();
    k.apps().replicaSets().inNamespace(ns).resource(new ReplicaSetBuilder()
        .withNewMetadata().withName("kept-1").addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment")
        .withName("kept").withUid(kept.getMetadata().getUid()).endOwnerReference().endMetadata()
        .build()).create();
    k.apps().deployments().inNamespace(ns).withName("kept").withPropagationPolicy(DeletionPropagation.ORPHAN).delete();
    assertThat(k.apps().replicaSets().inNamespace(ns).withName("kept-1").get()).isNotNull();
  }

  // --- watches -------------------------------------------------------------------------------------

  /** An informer through the server sees changes, and comes back by itself after an API server restart. */
  @Test
  void anInformerComesBackAfterTheWatchesDrop() {
    Set<String> seen = ConcurrentHashMap.newKeySet();
    SharedIndexInformer<ConfigMap> informer = api.client().configMaps().inNamespace("informed")
        .inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(ConfigMap cm) {
            seen.add(cm.getMetadata().getName());
          }

          @Override
          public void onUpdate(ConfigMap old, ConfigMap cm) {
            seen.add(cm.getMetadata().getName() + "=" + cm.getData().get("k"));
          }

          @Override
          public void onDelete(ConfigMap cm, boolean unknownFinalState) {
            seen.add("-" + cm.getMetadata().getName());
          }
        });
    try {
      var configMaps = api.client().configMaps().inNamespace("informed");
      configMaps.resource(configMap("before")).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("before"));

      assertThat(api.dropWatches()).isPositive();
      await().atMost(Duration.ofSeconds(10)).until(() -> api.openWatches() > 0);

      configMaps.resource(configMap("after")).create();
      configMaps.withName("before").edit(cm -> new ConfigMapBuilder(cm).addToData("k", "v2").build());
      configMaps.withName("after").delete();
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.containsAll(List.of("after", "before=v2", "-after")));
    } finally {
      informer.close();
    }
  }

  /** client-go watches with a long HTTP response, not a WebSocket; fabric8 does too when told to. */
  @Test
  void httpStreamingWatchesWorkAndComeBackToo() throws Exception {
    KubernetesClient httpOnly = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder(io.fabric8.kubernetes.client.Config.empty())
            .withMasterUrl(api.url().toString()).withOnlyHttpWatches(true).withWatchReconnectInterval(100).build())
        .withHttpClientFactory(new JdkHttpClientFactory())
        .build();
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    try (httpOnly) {
      Watch watch = httpOnly.configMaps().inNamespace("streamed").watch(new Watcher<>() {
        @Override
        public void eventReceived(Action action, ConfigMap cm) {
          events.add(action + " " + cm.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {
          events.add("closed " + cause);
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> api.openWatches() > 0);
      api.client().configMaps().inNamespace("streamed").resource(configMap("first")).create();
      assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED first");

      api.dropWatches();
      await().atMost(Duration.ofSeconds(10)).until(() -> api.openWatches() > 0);
      api.client().configMaps().inNamespace("streamed").resource(configMap("second")).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("ADDED second"));
      watch.close();
    }
  }

  /** The raw stream, as client-go reads it: one JSON event per line; it ends when the watches drop. */
  @Test
  void aRawWatchIsAStreamOfJsonLinesThatEndsWhenTheWatchesDrop() throws Exception {
    api.client().configMaps().inNamespace("raw").resource(configMap("existing")).create();
    HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(
            api.url().resolve("/api/v1/namespaces/raw/configmaps?watch=true&resourceVersion=0")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
      JsonNode event = JSON.readTree(lines.readLine());
      assertThat(event.path("type").asText()).isEqualTo("ADDED");
      assertThat(event.at("/object/metadata/name").asText()).isEqualTo("existing");

      api.dropWatches();
      assertThat(lines.readLine()).as("the stream ends").isNull();
    }
  }

  // --- the API --------------------------------------------------------------------------------------

  @Test
  void theKubeconfigPointsAtTheServerAndOnlyItsOwnerReadsIt() throws Exception {
    String kubeconfig = Files.readString(api.kubeconfig());

    assertThat(kubeconfig).contains("server: " + api.url(), "current-context: " + EmbeddedApiServer.CONTEXT);
    assertThat(java.nio.file.Files.getPosixFilePermissions(api.kubeconfig()))
        .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    assertThat(api.client().namespaces().list().getItems()).extracting(ns -> ns.getMetadata().getName())
        .contains("default", "kube-system");
  }

  @Test
  void aClosedServerSaysSoAndClosingTwiceIsFine() {
    EmbeddedApiServer other = new EmbeddedApiServer().start();
    URI url = other.url();
    other.close();
    other.close();

    assertThatThrownBy(other::client).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
    assertThatThrownBy(() -> HTTP.send(HttpRequest.newBuilder(url.resolve("/version")).build(),
        HttpResponse.BodyHandlers.discarding())).isInstanceOf(java.io.IOException.class);
  }

  // --- helpers --------------------------------------------------------------------------------------

  private record Reply(int status, String contentType, JsonNode body) {}

  private static Reply get(String path) throws Exception {
    return send("GET", path, null, null);
  }

  private static Reply send(String method, String path, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(api.url().resolve(path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), JSON.readTree(r.body()));
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", "v1").build();
  }

  private static Deployment deployment(String name) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
        .withNewSpec()
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate()
        .withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec()
        .addNewContainer().withName("main").withImage("main:1").endContainer()
        .addNewContainer().withName("sidecar").withImage("side:1").endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }
}
