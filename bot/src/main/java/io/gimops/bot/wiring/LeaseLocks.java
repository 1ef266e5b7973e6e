package io.gimops.bot.wiring;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gimops.adapters.state.OperationLock;
import io.gimops.bot.orchestrator.EnvironmentLocks;
import java.time.Clock;
import java.util.Optional;

/** Rule 4's lock as Leases in the bot's namespace ({@link OperationLock}). */
final class LeaseLocks implements EnvironmentLocks {

  private final OperationLock lock;

  LeaseLocks(KubernetesClient client, String namespace, Clock clock) {
    this.lock = new OperationLock(client, namespace, clock);
  }

  @Override
  public Optional<String> acquire(String environment, String operationId, String summary) {
    OperationLock.Result r = lock.acquire(environment, operationId, summary);
    return r instanceof OperationLock.Result.HeldBy h ? Optional.of(h.operationId()) : Optional.empty();
  }

  @Override
  public void release(String environment, String operationId) {
    lock.release(environment, operationId);
  }

  @Override
  public Optional<String> holder(String environment) {
    return lock.holder(environment);
  }
}
