package io.gimops.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two patch types the mock server gets wrong: JSON merge patch (RFC 7386; the mock appends
 * list items instead of replacing the list) and strategic merge patch (the mock answers 415), which
 * helm 3 sends for every built-in kind on upgrade and rollback (a three-way patch of the old
 * manifest, the new manifest and the live object).
 *
 * <p>Strategic merge patch is a merge patch in which lists of objects that carry a patch merge key
 * (containers by {@code name}, container ports by {@code containerPort}, ...) are merged item by
 * item, and which may carry directives: {@code $patch: replace|delete|merge},
 * {@code $retainKeys}, {@code $setElementOrder/<list>} and {@code $deleteFromPrimitiveList/<list>}.
 * The merge keys come from the Kubernetes API types by field name, which is unambiguous for the
 * kinds helm charts render here; a list without a known key is replaced, as the API server does for
 * lists without a patch strategy.
 */
final class Patches {

  /** Lists merged by a key field, from the {@code patchMergeKey} tags of the k8s.io/api types. */
  private static final Map<String, List<String>> MERGE_KEYS = Map.ofEntries(
      Map.entry("containers", List.of("name")),
      Map.entry("initContainers", List.of("name")),
      Map.entry("ephemeralContainers", List.of("name")),
      Map.entry("env", List.of("name")),
      // container ports merge by containerPort, service ports by port
      Map.entry("ports", List.of("containerPort", "port")),
      Map.entry("volumeMounts", List.of("mountPath")),
      Map.entry("volumeDevices", List.of("devicePath")),
      Map.entry("volumes", List.of("name")),
      Map.entry("imagePullSecrets", List.of("name")),
      Map.entry("hostAliases", List.of("ip")),
      Map.entry("topologySpreadConstraints", List.of("topologyKey")),
      Map.entry("ownerReferences", List.of("uid")),
      Map.entry("conditions", List.of("type")),
      Map.entry("resourceClaims", List.of("name")));

  /** Lists of scalars merged as sets (patchStrategy "merge" without a key). */
  private static final Set<String> MERGED_SCALAR_LISTS = Set.of("finalizers");

  private static final String DIRECTIVE = "$patch";
  private static final String RETAIN_KEYS = "$retainKeys";
  private static final String ORDER_PREFIX = "$setElementOrder/";
  private static final String DELETE_PRIMITIVE_PREFIX = "$deleteFromPrimitiveList/";

  private Patches() {}

  /** RFC 7386 JSON merge patch: objects merge, {@code null} deletes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject()
        ? ((ObjectNode) target).deepCopy()
        : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }

  /** Kubernetes strategic merge patch of an object. */
  static JsonNode strategicMergePatch(JsonNode target, JsonNode patch) {
    JsonNode result = strategicObject(target, patch);
    return result == null ? JsonNodeFactory.instance.objectNode() : result;
  }

  /** Merges {@code patch} into {@code target}; null means the object is deleted. */
  private static JsonNode strategicObject(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    String directive = patch.path(DIRECTIVE).asText("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace")) {
      ObjectNode replaced = ((ObjectNode) patch).deepCopy();
      replaced.remove(DIRECTIVE);
      return replaced;
    }
    ObjectNode result = target != null && target.isObject()
        ? ((ObjectNode) target).deepCopy()
        : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String key = e.getKey();
      JsonNode value = e.getValue();
      if (key.equals(DIRECTIVE) || key.equals(RETAIN_KEYS) || key.startsWith(ORDER_PREFIX)) {
        continue;
      }
      if (key.startsWith(DELETE_PRIMITIVE_PREFIX)) {
        String list = key.substring(DELETE_PRIMITIVE_PREFIX.length());
        if (result.path(list).isArray()) {
          result.set(list, withoutValues((ArrayNode) result.get(list), value));
        }
        continue;
      }
      if (value.isNull()) {
        result.remove(key);
      } else if (value.isObject()) {
        JsonNode merged = strategicObject(result.get(key), value);
        if (merged == null) {
          result.remove(key);
        } else {
          result.set(key, merged);
        }
      } else if (value.isArray()) {
        result.set(key, strategicList(key, result.get(key), (ArrayNode) value));
      } else {
        result.set(key, value.deepCopy());
      }
    }
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getKey().startsWith(ORDER_PREFIX)) {
        String list = e.getKey().substring(ORDER_PREFIX.length());
        if (result.path(list).isArray() && e.getValue().isArray()) {
          result.set(list, ordered(list, (ArrayNode) result.get(list), (ArrayNode) e.getValue()));
        }
      }
    }
    if (patch.path(RETAIN_KEYS).isArray()) {
      Set<String> retain = new HashSet<>();
      patch.get(RETAIN_KEYS).forEach(k -> retain.add(k.asText()));
      result.retain(retain);
    }
    return result;
  }

  private static JsonNode strategicList(String field, JsonNode target, ArrayNode patch) {
    ArrayNode current = target != null && target.isArray()
        ? ((ArrayNode) target).deepCopy()
        : JsonNodeFactory.instance.arrayNode();
    for (JsonNode item : patch) {
      if (item.isObject() && item.path(DIRECTIVE).asText("").equals("replace") && item.size() == 1) {
        // {"$patch": "replace"} as an item: the rest of the patch list replaces the list
        ArrayNode rest = JsonNodeFactory.instance.arrayNode();
        patch.forEach(i -> {
          if (i != item) {
            rest.add(i.deepCopy());
          }
        });
        return rest;
      }
    }
    if (MERGED_SCALAR_LISTS.contains(field)) {
      for (JsonNode item : patch) {
        if (!contains(current, item)) {
          current.add(item.deepCopy());
        }
      }
      return current;
    }
    String mergeKey = mergeKey(field, patch);
    if (mergeKey == null) {
        return patch.deepCopy();
    }
    for (JsonNode item : patch) {
      JsonNode id = item.get(mergeKey);
      int at = indexOf(current, mergeKey, id);
      boolean delete = item.path(DIRECTIVE).asText("").equals("delete");
      if (delete) {
        if (at >= 0) {
          current.remove(at);
        }
      } else if (at >= 0) {
        JsonNode merged = strategicObject(current.get(at), item);
        if (merged == null) {
          current.remove(at);
        } else {
          current.set(at, merged);
        }
      } else {
        JsonNode added = strategicObject(null, item);
        if (added != null) {
          current.add(added);
        }
      }
    }
    return current;
  }

  /** The merge key of a list field, if its items are objects carrying one. */
  private static String mergeKey(String field, ArrayNode patch) {
    List<String> candidates = MERGE_KEYS.get(field);
    if (candidates == null) {
      return null;
    }
    for (String key : candidates) {
      boolean all = patch.size() > 0;
      for (JsonNode item : patch) {
        all &= item.isObject() && item.has(key);
      }
      if (all) {
        return key;
      }
    }
    return null;
  }

  /** Reorders {@code list} as {@code order} says; items it does not name keep their place at the end. */
  private static ArrayNode ordered(String field, ArrayNode list, ArrayNode order) {
    List<JsonNode> remaining = new ArrayList<>();
    list.forEach(remaining::add);
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    String key = MERGED_SCALAR_LISTS.contains(field) ? null : mergeKey(field, order);
    for (JsonNode o : order) {
      for (Iterator<JsonNode> it = remaining.iterator(); it.hasNext(); ) {
        JsonNode item = it.next();
        boolean same = key == null ? item.equals(o) : item.path(key).equals(o.path(key));
        if (same) {
          result.add(item);
          it.remove();
          break;
        }
      }
    }
    remaining.forEach(result::add);
    return result;
  }

  private static int indexOf(ArrayNode list, String key, JsonNode id) {
    for (int i = 0; i < list.size(); i++) {
      if (id != null && id.equals(list.get(i).get(key))) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(ArrayNode list, JsonNode value) {
    for (JsonNode n : list) {
      if (n.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static ArrayNode withoutValues(ArrayNode list, JsonNode values) {
    ArrayNode result = JsonNodeFactory.instance.arrayNode();
    for (JsonNode n : list) {
      if (!values.isArray() || !contains((ArrayNode) values, n)) {
        result.add(n);
      }
    }
    return result;
  }
}
