package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the embedded API server says it serves. The mock server's discovery is empty, and client-go
 * (helm's RESTMapper) maps every kind of a chart through discovery before it sends anything, so
 * the API groups and resources the charts, helm and the sandbox controller use are listed here.
 * A kind not listed cannot be installed by helm; add a row.
 */
final class Discovery {

  /** The Kubernetes version the server reports; charts may check {@code .Capabilities.KubeVersion}. */
  static final String KUBE_MAJOR = "1";
  static final String KUBE_MINOR = "33";

  /** One API resource, as in an APIResourceList. */
  record Resource(
      String group,
      String version,
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> subresources) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    boolean hasStatus() {
      return subresources.contains("status");
    }
  }

  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  private static final List<String> SUBRESOURCE_VERBS = List.of("get", "patch", "update");

  static final List<Resource> RESOURCES = List.of(
      ns("", "v1", "configmaps", "ConfigMap", "cm"),
      ns("", "v1", "endpoints", "Endpoints", "ep"),
      ns("", "v1", "events", "Event", "ev"),
      ns("", "v1", "limitranges", "LimitRange", "limits"),
      cluster("", "v1", "namespaces", "Namespace", List.of("ns"), List.of("status", "finalize")),
      cluster("", "v1", "nodes", "Node", List.of("no"), List.of("status")),
      ns("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", List.of("pvc"), List.of("status")),
      cluster("", "v1", "persistentvolumes", "PersistentVolume", List.of("pv"), List.of("status")),
      ns("", "v1", "pods", "Pod", List.of("po"), List.of("status", "log", "exec", "eviction")),
      ns("", "v1", "podtemplates", "PodTemplate"),
      ns("", "v1", "replicationcontrollers", "ReplicationController", List.of("rc"), List.of("status", "scale")),
      ns("", "v1", "resourcequotas", "ResourceQuota", List.of("quota"), List.of("status")),
      ns("", "v1", "secrets", "Secret"),
      ns("", "v1", "serviceaccounts", "ServiceAccount", "sa"),
      ns("", "v1", "services", "Service", List.of("svc"), List.of("status")),
      ns("apps", "v1", "controllerrevisions", "ControllerRevision"),
      ns("apps", "v1", "daemonsets", "DaemonSet", List.of("ds"), List.of("status")),
      ns("apps", "v1", "deployments", "Deployment", List.of("deploy"), List.of("status", "scale")),
      ns("apps", "v1", "replicasets", "ReplicaSet", List.of("rs"), List.of("status", "scale")),
      ns("apps", "v1", "statefulsets", "StatefulSet", List.of("sts"), List.of("status", "scale")),
      ns("batch", "v1", "cronjobs", "CronJob", List.of("cj"), List.of("status")),
      ns("batch", "v1", "jobs", "Job", List.of(), List.of("status")),
      ns("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", List.of("hpa"), List.of("status")),
      ns("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", List.of("pdb"), List.of("status")),
      ns("networking.k8s.io", "v1", "ingresses", "Ingress", List.of("ing"), List.of("status")),
      ns("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", "netpol"),
      cluster("networking.k8s.io", "v1", "ingressclasses", "IngressClass", List.of(), List.of()),
      ns("rbac.authorization.k8s.io", "v1", "roles", "Role"),
      ns("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding"),
      cluster("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", List.of(), List.of()),
      cluster("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", List.of(), List.of()),
      ns("coordination.k8s.io", "v1", "leases", "Lease"),
      ns("events.k8s.io", "v1", "events", "Event", "ev"),
      cluster("storage.k8s.io", "v1", "storageclasses", "StorageClass", List.of("sc"), List.of()),
      cluster("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", List.of("pc"), List.of()),
      cluster("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition",
          List.of("crd", "crds"), List.of("status")));

  private final ObjectMapper json;

  Discovery(ObjectMapper json) {
    this.json = json;
  }

  static Optional<Resource> find(String group, String version, String plural) {
    return RESOURCES.stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version) && r.plural().equals(plural))
        .findFirst();
  }

  static Optional<Resource> find(ApiPath p) {
    return find(p.group(), p.version(), p.plural());
  }

  /**
   * The discovery document for a GET of {@code path}, or empty if the path is not a discovery
   * path this server answers itself.
   */
  Optional<ObjectNode> document(String path, String serverAddress) {
    String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (p.equals("/version")) {
      return Optional.of(version());
    }
    if (p.equals("/api")) {
      return Optional.of(apiVersions(serverAddress));
    }
    if (p.equals("/apis")) {
      return Optional.of(groups());
    }
    if (p.equals("/api/v1")) {
      return resources("", "v1");
    }
    if (p.startsWith("/apis/")) {
      String[] s = p.substring("/apis/".length()).split("/");
      if (s.length == 1) {
        return group(s[0]);
      }
      if (s.length == 2) {
        return resources(s[0], s[1]);
      }
    }
    return Optional.empty();
  }

  ObjectNode version() {
    ObjectNode v = json.createObjectNode();
    v.put("major", KUBE_MAJOR);
    v.put("minor", KUBE_MINOR);
    v.put("gitVersion", "v" + KUBE_MAJOR + "." + KUBE_MINOR + ".0");
    v.put("gitCommit", "0000000000000000000000000000000000000000");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "2025-04-23T00:00:00Z");
    v.put("goVersion", "go1.24.2");
    v.put("compiler", "gc");
    v.put("platform", "linux/amd64");
    return v;
  }

  private ObjectNode apiVersions(String serverAddress) {
    ObjectNode v = json.createObjectNode();
    v.put("kind", "APIVersions");
    v.putArray("versions").add("v1");
    ObjectNode cidr = v.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return v;
  }

  private ObjectNode groups() {
    ObjectNode list = json.createObjectNode();
    list.put("kind", "APIGroupList");
    list.put("apiVersion", "v1");
    ArrayNode groups = list.putArray("groups");
    groupVersions().forEach((group, version) -> groups.add(groupNode(group, version)));
    return list;
  }

  private Optional<ObjectNode> group(String group) {
    String version = groupVersions().get(group);
    if (version == null) {
      return Optional.empty();
    }
    ObjectNode g = groupNode(group, version);
    g.put("kind", "APIGroup");
    g.put("apiVersion", "v1");
    return Optional.of(g);
  }

  private ObjectNode groupNode(String group, String version) {
    ObjectNode g = json.createObjectNode();
    g.put("name", group);
    ObjectNode gv = json.createObjectNode();
    gv.put("groupVersion", group + "/" + version);
    gv.put("version", version);
    g.putArray("versions").add(gv);
    g.set("preferredVersion", gv.deepCopy());
    return g;
  }

  /** The named groups in table order, each with its one version. */
  private static Map<String, String> groupVersions() {
    Map<String, String> groups = new LinkedHashMap<>();
    RESOURCES.stream().filter(r -> !r.group().isEmpty()).forEach(r -> groups.putIfAbsent(r.group(), r.version()));
    return groups;
  }

  private Optional<ObjectNode> resources(String group, String version) {
    List<Resource> rs = RESOURCES.stream()
        .filter(r -> r.group().equals(group) && r.version().equals(version))
        .toList();
    if (rs.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode list = json.createObjectNode();
    list.put("kind", "APIResourceList");
    list.put("apiVersion", "v1");
    list.put("groupVersion", rs.get(0).groupVersion());
    ArrayNode items = list.putArray("resources");
    for (Resource r : rs) {
      ObjectNode n = items.addObject();
      n.put("name", r.plural());
      n.put("singularName", r.kind().toLowerCase(java.util.Locale.ROOT));
      n.put("namespaced", r.namespaced());
      n.put("kind", r.kind());
      ArrayNode verbs = n.putArray("verbs");
      VERBS.forEach(verbs::add);
      if (!r.shortNames().isEmpty()) {
        ArrayNode shortNames = n.putArray("shortNames");
        r.shortNames().forEach(shortNames::add);
      }
      for (String sub : r.subresources()) {
        ObjectNode s = items.addObject();
        s.put("name", r.plural() + "/" + sub);
        s.put("singularName", "");
        s.put("namespaced", r.namespaced());
        s.put("kind", r.kind());
        ArrayNode subVerbs = s.putArray("verbs");
        SUBRESOURCE_VERBS.forEach(subVerbs::add);
      }
    }
    return Optional.of(list);
  }

  private static Resource ns(String group, String version, String plural, String kind, String... shortNames) {
    return new Resource(group, version, plural, kind, true, List.of(shortNames), List.of());
  }

  private static Resource ns(
      String group, String version, String plural, String kind, List<String> shortNames, List<String> subs) {
    return new Resource(group, version, plural, kind, true, shortNames, subs);
  }

  private static Resource cluster(
      String group, String version, String plural, String kind, List<String> shortNames, List<String> subs) {
    return new Resource(group, version, plural, kind, false, shortNames, subs);
  }
}
