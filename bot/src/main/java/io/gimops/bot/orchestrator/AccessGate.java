package io.gimops.bot.orchestrator;

import io.gimops.bot.audit.AuditRecord;
import io.gimops.bot.audit.AuditSink;
import io.gimops.policies.decision.Action;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.rules.AccessControl;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Rule 12 at every door that is not a lifecycle request itself: reads ({@code status},
 * {@code releases}, {@code history}, {@code ops}, {@code plan}), cancelling, confirming,
 * approving, answering a prompt, opening the uninstall dialog. Each is decided with the identity of
 * whoever acted (from the signed payload) and the channel they acted in, and audited, allowed or
 * refused, with that person as the actor. A refusal changes nothing.
 *
 * <p>A read is answered on an event loop, so its audit record is written from a thread of this
 * gate's own; a door passed inside the orchestrator is audited on the caller's (worker) thread, in
 * order with what follows from it.
 */
public final class AccessGate implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(AccessGate.class.getName());

  private final AccessPolicy access;
  private final AuditSink audit;
  private final Clock clock;
  private final ExecutorService auditThread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "access-audit");
    t.setDaemon(true);
    return t;
  });

  AccessGate(AccessPolicy access, AuditSink audit, Clock clock) {
    this.access = access;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * A door a front end decides at once: a read (a role, viewer or above, in {@code environment},
   * from one of its channels or, when the policy allows it, a direct message), or a dialog that
   * leads to an action (opening the uninstall dialog: the action's role, from one of the
   * environment's channels). Never waits; audited off the caller's thread.
   *
   * @param what the command as typed, for the audit trail
   */
  public Finding admit(Actor by, String channel, boolean directMessage, String environment, Action action,
      String what) {
    Finding f = action.minimumRole() == io.gimops.policies.domain.Role.VIEWER
        ? AccessControl.checkRead(access, by, channel, directMessage, environment, action)
        : AccessControl.check(access, by, channel, environment, action);
    AuditRecord r = record(f, Optional.empty(), environment, channel, by, what);
    auditThread.execute(() -> {
      try {
        audit.record(r);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "cannot audit a read by " + by.userId() + ": " + e.getMessage(), e);
      }
    });
    return f;
  }

  /** An action on an operation (cancel, confirm, approve, choose); audited on the caller's thread. */
  Finding act(Actor by, String channel, String environment, Action action, Optional<String> operation, String what) {
    Finding f = AccessControl.check(access, by, channel, environment, action);
    audit.record(record(f, operation, environment, channel, by, what));
    return f;
  }

  private AuditRecord record(Finding f, Optional<String> operation, String env, String channel, Actor by,
      String what) {
    return new AuditRecord(clock.instant(), "access", operation, env, channel, by.userId(), what,
        f.refuses() ? "refused" : "allowed", Optional.empty(), List.of(f.rule().label()), List.of(f.message()));
  }

  @Override
  public void close() {
    auditThread.shutdown();
  }
}
