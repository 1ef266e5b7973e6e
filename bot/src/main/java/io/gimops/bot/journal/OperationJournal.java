package io.gimops.bot.journal;

import io.gimops.bot.operation.Operation;
import java.util.List;

/**
 * Where operations are kept so that they survive the bot: written at every state change, read
 * back on start. Implementations block; the orchestrator calls them on workers.
 */
public interface OperationJournal {

  /** Stores the operation as it now is; returns only once it is durable. */
  void save(Operation op);

  /** Every journaled operation, ended or not, oldest first. */
  List<Operation> load();

  /** Removes an ended operation from the journal (retention). */
  void forget(String operationId);
}
