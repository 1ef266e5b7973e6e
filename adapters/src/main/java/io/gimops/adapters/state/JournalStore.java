package io.gimops.adapters.state;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Durable documents in the bot's namespace, one ConfigMap each: {@code gimops-op-<id>} holding
 * the document under {@value #KEY}, labelled so that {@code kubectl get cm -l gimops.io/journal}
 * lists them. The bot journals its operations here; what the documents mean is the caller's.
 */
public final class JournalStore {

  public static final String KEY = "operation.json";
  public static final String JOURNAL_LABEL = "gimops.io/journal";
  public static final String PREFIX = "gimops-op-";
  /** A ConfigMap holds at most 1 MiB; leave room for metadata. */
  public static final int MAX_BYTES = 1000 * 1024;

  private static final Pattern ID = Pattern.compile("[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?");

  /** One stored document. */
  public record Entry(String id, String document, Map<String, String> labels, String resourceVersion) {}

  private final KubernetesClient client;
  private final String namespace;

  public JournalStore(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Stores {@code document} under {@code id}, replacing what was there. Returns once the API server has it. */
  public void write(String id, String document, Map<String, String> labels) {
    check(id);
    int size = document.getBytes(StandardCharsets.UTF_8).length;
    if (size > MAX_BYTES) {
      throw new IllegalArgumentException("journal entry " + id + " is " + size + " bytes; a ConfigMap holds at most "
          + MAX_BYTES + ": keep less in it");
    }
    Map<String, String> all = new HashMap<>(labels);
    all.put(JOURNAL_LABEL, "operation");
    all.put(OperationLock.MANAGED_BY, "gimops");
    ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(PREFIX + id).withNamespace(namespace)
        .withLabels(all).endMetadata().withData(Map.of(KEY, document)).build();
    try {
      try {
        client.configMaps().inNamespace(namespace).resource(cm).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        // Last writer wins: only the leading replica writes an operation, one change at a time.
        client.configMaps().inNamespace(namespace).resource(cm).update();
      }
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot write journal entry " + namespace + "/" + PREFIX + id + ": "
          + e.getMessage(), e);
    }
  }

  public Optional<Entry> read(String id) {
    check(id);
    try {
      return Optional.ofNullable(client.configMaps().inNamespace(namespace).withName(PREFIX + id).get())
          .flatMap(JournalStore::entry);
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot read journal entry " + namespace + "/" + PREFIX + id + ": "
          + e.getMessage(), e);
    }
  }

  /** Every entry, oldest first (by creation). */
  public List<Entry> list() {
    return list(Map.of());
  }

  /** The entries whose labels include {@code selector}, oldest first. */
  public List<Entry> list(Map<String, String> selector) {
    Map<String, String> labels = new HashMap<>(selector);
    labels.put(JOURNAL_LABEL, "operation");
    List<ConfigMap> items;
    try {
      items = new ArrayList<>(client.configMaps().inNamespace(namespace).withLabels(labels).list().getItems());
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot list the journal in namespace " + namespace + ": " + e.getMessage(), e);
    }
    items.sort(Comparator.comparing((ConfigMap c) -> Objects.toString(c.getMetadata().getCreationTimestamp(), ""))
        .thenComparing(c -> c.getMetadata().getName()));
    return items.stream().map(JournalStore::entry).flatMap(Optional::stream).toList();
  }

  public void delete(String id) {
    check(id);
    try {
      client.configMaps().inNamespace(namespace).withName(PREFIX + id).delete();
    } catch (KubernetesClientException e) {
      throw new IllegalStateException("cannot delete journal entry " + namespace + "/" + PREFIX + id + ": "
          + e.getMessage(), e);
    }
  }

  private static Optional<Entry> entry(ConfigMap c) {
    String name = c.getMetadata().getName();
    if (!name.startsWith(PREFIX) || c.getData() == null || !c.getData().containsKey(KEY)) {
      return Optional.empty();
    }
    return Optional.of(new Entry(name.substring(PREFIX.length()), c.getData().get(KEY),
        c.getMetadata().getLabels() == null ? Map.of() : Map.copyOf(c.getMetadata().getLabels()),
        Objects.toString(c.getMetadata().getResourceVersion(), "")));
  }

  private static void check(String id) {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("'" + id + "' is not a journal id: lower-case letters, digits and '-',"
          + " at most 42 characters");
    }
  }
}
