package io.gimops.bot.journal;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.adapters.state.JournalStore;
import io.gimops.bot.operation.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The operation journal in Kubernetes: one ConfigMap per operation in the bot's namespace
 * ({@code kubectl get cm -l gimops.io/journal -n <ns>}), labelled with its environment and state.
 * A document that does not read is reported loudly and left in place for a person to look at;
 * it never stops the bot from resuming the others.
 */
public final class ConfigMapJournal implements OperationJournal {

  private static final System.Logger LOG = System.getLogger(ConfigMapJournal.class.getName());

  private final JournalStore store;

  public ConfigMapJournal(KubernetesClient client, String namespace) {
    this.store = new JournalStore(client, namespace);
  }

  @Override
  public void save(Operation op) {
    store.write(op.id(), OperationCodec.encode(op), Map.of(
        "gimops.io/environment", op.environment(),
        "gimops.io/state", op.state().id(),
        "gimops.io/ended", Boolean.toString(op.state().ended())));
  }

  @Override
  public void forget(String operationId) {
    store.delete(operationId);
  }

  @Override
  public List<Operation> load() {
    List<Operation> out = new ArrayList<>();
    for (JournalStore.Entry e : store.list()) {
      try {
        out.add(OperationCodec.decode(e.document()));
      } catch (IllegalArgumentException bad) {
        LOG.log(System.Logger.Level.ERROR, "journal entry " + e.id() + " does not read and is skipped; look at"
            + " ConfigMap " + JournalStore.PREFIX + e.id() + ": " + bad.getMessage());
      }
    }
    out.sort(Comparator.comparing(Operation::createdAt));
    return out;
  }
}
