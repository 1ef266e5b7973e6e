package io.gimops.bot.orchestrator;

import io.gimops.adapters.helm.PendingRelease;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.adapters.kube.ClusterObserver;
import io.gimops.bot.audit.AuditRecord;
import io.gimops.bot.audit.AuditSink;
import io.gimops.bot.journal.OperationJournal;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.ActiveOperation;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.engine.PolicyEngine;
import io.gimops.policies.rules.UpgradeAlerts;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.MessageConsumer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The lifecycle orchestrator: takes requests from chat front ends, has the policy engine decide,
 * keeps each operation's state machine ({@link OperationState}) in the journal, runs plans on
 * workers ({@link OperationRun} holds the algorithm), and publishes progress on the event bus at
 * {@link #EVENTS}.
 *
 * <p>Every public method returns at once: blocking work (the journal, the lock, helm, fabric8)
 * runs on a worker pool, never on an event loop. Only the leading replica executes; a standby
 * answers that it is one. On {@link #lead()} the orchestrator reloads the journal and resumes
 * what was running.
 */
public final class Orchestrator implements AutoCloseable {

  /** The event-bus address of the progress stream; messages are {@link OperationEvent}s. */
  public static final String EVENTS = "gimops.operations";

  private static final System.Logger LOG = System.getLogger(Orchestrator.class.getName());
  private static final String CODEC = "gimops.operation-event";
  private static final int REMEMBERED_REFUSALS = 1000;
  private static final SecureRandom IDS = new SecureRandom();

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final PolicyEngine engine;
  private volatile ReleaseCatalog catalog;
  private final AccessPolicy access;
  private final AccessGate gate;
  private final Map<String, EnvironmentRuntime> environments;
  private final OperationJournal journal;
  private final EnvironmentLocks locks;
  private final AuditSink audit;
  private final Clock clock;
  private final OrchestratorSettings settings;
  private final String replica;

  /** Guarded by this; written only through {@link #remember}. */
  private final Map<String, Operation> operations = new LinkedHashMap<>();
  /**
   * The same, for readers that must not wait for this lock (a commit holds it while the journal
   * retries against an absent API server): Slack's handlers on an event loop.
   */
  private final Map<String, Operation> readable = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, String> byKey = new HashMap<>();
  private final Map<String, Submission.Refused> refusedByKey = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Submission.Refused> e) {
      return size() > REMEMBERED_REFUSALS;
    }
  };
  private final Map<String, OperationRun> runs = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> alerted = new ConcurrentHashMap<>();
  private final List<ClusterObserver.Subscription> subscriptions = new ArrayList<>();
  private volatile boolean leading;
  private volatile boolean closed;
  private final long alertTimer;

  private Orchestrator(Builder b) {
    this.vertx = Objects.requireNonNull(b.vertx, "vertx");
    this.engine = new PolicyEngine(b.policy, b.clock);
    this.catalog = Objects.requireNonNull(b.catalog, "catalog");
    this.access = Objects.requireNonNull(b.access, "access");
    this.gate = new AccessGate(access, Objects.requireNonNull(b.audit, "audit"), b.clock);
    this.environments = Map.copyOf(b.environments);
    this.journal = Objects.requireNonNull(b.journal, "journal");
    this.locks = Objects.requireNonNull(b.locks, "locks");
    this.audit = Objects.requireNonNull(b.audit, "audit");
    this.clock = b.clock;
    this.settings = b.settings;
    this.replica = b.replica;
    // Operations wait on helm and on verification for minutes: an unordered pool with no
    // blocked-thread warnings; one thread per running operation plus room for requests.
    this.workers = vertx.createSharedWorkerExecutor("gimops-operations-" + replica,
        Math.max(4, 2 * environments.size() + 2), 24, TimeUnit.HOURS);
    try {
      vertx.eventBus().registerCodec(new EventCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // a second orchestrator on the same Vert.x (tests run two replicas in one JVM)
    }
    for (EnvironmentRuntime env : environments.values()) {
      subscriptions.add(env.observer().subscribe(event -> nudge(env.name())));
    }
    this.alertTimer = vertx.setPeriodic(settings.tick().toMillis(), id -> {
      if (leading && !runs.isEmpty()) {
        workers.executeBlocking(this::scanAlerts, false);
      }
    });
  }

  public static Builder builder(Vertx vertx) {
    return new Builder(vertx);
  }

  // ---- front-end API: each returns at once

  /** Decides on a request; an operation is created unless refused. A repeated key finds the first answer. */
  public Future<Submission> submit(Request r) {
    return blocking(() -> submitNow(r));
  }

  /**
   * Confirms an operation waiting for it (the checklist, the typed service name, a second
   * approver), from the operation's own channel. See {@link #confirm(String, String, Actor,
   * String, Confirmations)}.
   */
  public Future<Submission> confirm(String operationId, String key, Actor by, Confirmations given) {
    return blocking(() -> confirmNow(operationId, key, by, Optional.empty(), given));
  }

  /**
   * Confirms an operation waiting for it. Rule 12 first: whoever confirms must be allowed the
   * operation's action in {@code channel}; if not, they are told why and the operation still waits
   * for someone who may (their refused click is not remembered under {@code key}). Then the engine
   * decides again on the cluster as it is now; allowed, it starts.
   */
  public Future<Submission> confirm(String operationId, String key, Actor by, String channel, Confirmations given) {
    return blocking(() -> confirmNow(operationId, key, by, Optional.of(channel), given));
  }

  /** Answers the operation's latest prompt from its own channel; see {@link #choose(String, Optional, String, String, Actor, Optional)}. */
  public Future<Submission> choose(String operationId, String choiceId, String key, Actor by) {
    return choose(operationId, Optional.empty(), choiceId, key, by, Optional.empty());
  }

  /** Answers the operation's latest prompt; see {@link #choose(String, Optional, String, String, Actor, Optional)}. */
  public Future<Submission> choose(String operationId, String choiceId, String key, Actor by, String channel) {
    return choose(operationId, Optional.empty(), choiceId, key, by, Optional.of(channel));
  }

  /**
   * Answers one of an operation's open prompts: a Roll back, Restart pod or Update export views
   * starts a new operation; Dismiss closes that prompt alone. Rule 12 first, for the chosen action
   * (dismissing needs what the operation needed); a refused click changes nothing and blocks
   * nobody else's.
   *
   * @param prompt which open prompt; empty: the one raised last
   * @param channel where the answer came from; empty: the operation's own channel
   */
  public Future<Submission> choose(String operationId, Optional<Prompt.Kind> prompt, String choiceId, String key,
      Actor by, Optional<String> channel) {
    return blocking(() -> chooseNow(operationId, prompt, choiceId, key, by, channel));
  }

  /** Cancels from the operation's own channel; see {@link #cancel(String, Actor, String)}. */
  public Future<Submission> cancel(String operationId, Actor by) {
    return blocking(() -> cancelNow(operationId, by, Optional.empty()));
  }

  /**
   * Cancels: before helm starts the operation ends at once; in a cycle it stops after the current
   * service verifies. Rule 12: cancelling needs the operator role in the operation's environment,
   * asked from one of its channels.
   */
  public Future<Submission> cancel(String operationId, Actor by, String channel) {
    return blocking(() -> cancelNow(operationId, by, Optional.of(channel)));
  }

  /**
   * Journals that a front end posted something about an operation (its confirmation, progress
   * message or final report: {@link Operation#posted}), so that after a restart or on another
   * replica the story goes on in the same messages and ends once. Publishes nothing.
   */
  public Future<Void> notePosted(String operationId, String kind, String where) {
    return blocking(() -> {
      synchronized (this) {
        Operation op = operations.get(operationId);
        if (op != null && !where.equals(op.posted().get(kind))) {
          commit(op, op.withPosted(kind, where, now()), List.of());
        }
      }
      return null;
    });
  }

  /** Rule 12 for reads (status, releases, history, ops, plan); answers at once, audited either way. */
  public AccessGate gate() {
    return gate;
  }

  /** Decides without creating anything, for {@code plan}; audited like any decision. */
  public Future<Decision> preview(Request r) {
    return blocking(() -> {
      EnvironmentRuntime env = environment(r.environment()).orElseThrow(() ->
          new IllegalArgumentException(unknownEnvironment(r.environment())));
      Decision d = decide(r.request(), r.actor(), r.channel(), env, r.overrideReason(), r.confirmations());
      auditDecision(d, Optional.empty(), r.channel(), "plan " + r.request().summary());
      return d;
    });
  }

  /** An operation as last committed; never waits. */
  public Optional<Operation> operation(String id) {
    return Optional.ofNullable(readable.get(id));
  }

  /** Every operation known, oldest first; never waits. */
  public List<Operation> operations() {
    return order.stream().map(readable::get).toList();
  }

  /** Keeps an operation's latest state and shows it to readers; under this lock. */
  private void remember(Operation op) {
    operations.put(op.id(), op);
    expose(op);
  }

  /** Shows readers an operation's state (once it is journaled and audited); under this lock. */
  private void expose(Operation op) {
    if (readable.put(op.id(), op) == null) {
      order.add(op.id());
    }
  }

  public ClusterSnapshot snapshot(String environment) {
    return environment(environment).orElseThrow(() -> new IllegalArgumentException(unknownEnvironment(environment)))
        .snapshot();
  }

  public Optional<EnvironmentRuntime> environment(String name) {
    return Optional.ofNullable(environments.get(name));
  }

  public Collection<EnvironmentRuntime> environments() {
    return environments.values();
  }

  public ReleaseCatalog catalog() {
    return catalog;
  }

  /** A new release catalog (the vendor published releases); decisions from now on use it. */
  public void updateCatalog(ReleaseCatalog c) {
    this.catalog = Objects.requireNonNull(c, "catalog");
  }

  public PolicySettings policy() {
    return engine.settings();
  }

  public AccessPolicy access() {
    return access;
  }

  public boolean isLeading() {
    return leading;
  }

  public String replica() {
    return replica;
  }

  /** Subscribes to the progress stream; events arrive in order, on the subscriber's context. */
  public MessageConsumer<OperationEvent> subscribe(Handler<OperationEvent> handler) {
    return vertx.eventBus().<OperationEvent>localConsumer(EVENTS, m -> handler.handle(m.body()));
  }

  // ---- leadership

  /**
   * This replica leads: reload the journal, release locks no live operation holds, report
   * releases stuck in {@code pending-*}, and resume what was running.
   */
  public Future<Void> lead() {
    return blocking(() -> {
      leading = true;
      recover();
      return null;
    });
  }

  /** Another replica leads now: start nothing more. Running steps stop at their next safe point. */
  public void standDown() {
    leading = false;
    runs.values().forEach(OperationRun::nudge);
  }

  // ---- the state of operations

  private Submission submitNow(Request r) {
    synchronized (this) {
      Optional<Submission> seen = seen(r.key());
      if (seen.isPresent()) {
        return seen.get();
      }
      if (!leading) {
        return refuseKey(r.key(), standbyMessage());
      }
      Optional<EnvironmentRuntime> env = environment(r.environment());
      if (env.isEmpty()) {
        return refuseKey(r.key(), unknownEnvironment(r.environment()));
      }
      Decision d = decide(r.request(), r.actor(), r.channel(), env.get(), r.overrideReason(), r.confirmations());
      if (d.isRefused()) {
        auditDecision(d, Optional.empty(), r.channel(), r.request().summary());
        Submission.Refused refused = new Submission.Refused(refusal(d), Optional.of(d));
        refusedByKey.put(r.key(), refused);
        return refused;
      }
      Instant now = now();
      String id = newId();
      auditDecision(d, Optional.of(id), r.channel(), r.request().summary());
      Operation op = new Operation(id, r.key(), r.environment(), r.channel(), r.actor(), r.request(),
          OperationState.REQUESTED, d.override(), List.of(), List.of(), r.confirmations(), List.of(),
          now, now, Optional.empty(), Optional.empty(), List.of(), remedyFor(r.key()));
      remember(op);
      byKey.put(r.key(), id);
      op = commit(op, op.decided(d.findings(), d.plan().steps(), d.pending(), r.confirmations(), now)
          .moveTo(OperationState.DECIDED, now), List.of());
      if (d.outcome() == Decision.Outcome.NEEDS_CONFIRMATION) {
        op = commit(op, op.withOutcome("waiting for confirmation", now)
            .moveTo(OperationState.AWAITING_CONFIRMATION, now), List.of());
        publish(new OperationEvent.AwaitingConfirmation(op));
        return new Submission.Accepted(op, false);
      }
      return begin(op);
    }
  }

  private Submission confirmNow(String id, String key, Actor by, Optional<String> channel, Confirmations given) {
    synchronized (this) {
      Optional<Submission> seen = seen(key);
      if (seen.isPresent()) {
        return seen.get();
      }
      Operation op = operations.get(id);
      if (op == null) {
        return refuseKey(key, "There is no operation " + id + ": `ops` lists the operations.");
      }
      if (!leading) {
        return refuseKey(key, standbyMessage());
      }
      boolean approving = given.confirmedBy().isEmpty() && given.secondApprover().isPresent();
      Finding door = gate.act(by, channel.orElse(op.channel()), op.environment(), op.request().action(),
          Optional.of(id), (approving ? "approve " : "confirm ") + op.summary());
      if (door.refuses()) {
        return new Submission.Refused("Not " + (approving ? "approved" : "confirmed") + " (rule 12): "
            + door.message() + ". " + id + " is unchanged"
            + (op.state() == OperationState.AWAITING_CONFIRMATION ? " and waits for someone who may." : "."),
            Optional.empty());
      }
      if (op.state() != OperationState.AWAITING_CONFIRMATION) {
        byKey.put(key, id);
        return new Submission.Accepted(op, true);
      }
      EnvironmentRuntime env = environments.get(op.environment());
      Confirmations before = op.confirmations();
      Confirmations c = new Confirmations(given.confirmedBy().or(before::confirmedBy),
          given.typedServiceName().or(before::typedServiceName), given.secondApprover().or(before::secondApprover));
      Decision d = decide(op.request(), op.requestedBy(), op.channel(), env, op.overrideReason(), c);
      auditDecision(d, Optional.of(id), op.channel(), by, "confirm " + op.summary() + " (by " + by.userId() + ")");
      if (d.isRefused() && !decide(op.request(), op.requestedBy(), op.channel(), env, op.overrideReason(), before)
          .isRefused()) {
        // What this click gave is refused (the requester approving their own uninstall, a mistyped
        // name), not the operation: tell whoever clicked, and keep waiting for a confirmation that counts.
        return new Submission.Refused("Not " + (approving ? "approved" : "confirmed") + ": " + refused(d)
            + "\n" + id + " still waits for confirmation.", Optional.of(d));
      }
      Instant now = now();
      byKey.put(key, id);
      if (d.isRefused()) {
        Operation refused = op.decided(d.findings(), op.plan(), d.pending(), c, now)
            .withOutcome(refusal(d), now).moveTo(OperationState.REFUSED, now);
        refused = commit(op, refused, List.of());
        publish(new OperationEvent.Finished(refused));
        return new Submission.Refused(refusal(d), Optional.of(d));
      }
      op = commit(op, op.decided(d.findings(), d.plan().steps(), d.pending(), c, now),
          List.of());
      if (d.outcome() == Decision.Outcome.NEEDS_CONFIRMATION) {
        publish(new OperationEvent.AwaitingConfirmation(op));
        return new Submission.Accepted(op, false);
      }
      return begin(op);
    }
  }

  private Submission chooseNow(String id, Optional<Prompt.Kind> which, String choiceId, String key, Actor by,
      Optional<String> channel) {
    Operation op;
    Prompt.Choice choice;
    java.util.concurrent.CompletableFuture<Void> live = null;
    synchronized (this) {
      Optional<Submission> seen = seen(key);
      if (seen.isPresent()) {
        return seen.get();
      }
      op = operations.get(id);
      if (op == null || op.prompts().isEmpty()) {
        return refuseKey(key, "Operation " + id + " has no open question.");
      }
      Optional<Prompt> asked = which.isPresent() ? op.prompt(which.get()) : op.latestPrompt();
      if (asked.isEmpty()) {
        return refuseKey(key, "Operation " + id + " has no open " + which.get().id() + " question; it asks "
            + op.prompts().stream().map(Prompt::id).toList() + ".");
      }
      Prompt prompt = asked.get();
      Optional<Prompt.Choice> c = prompt.choice(choiceId);
      if (c.isEmpty()) {
        return refuseKey(key, "The " + prompt.id() + " question of " + id + " offers choices "
            + prompt.choices().stream().map(Prompt.Choice::id).toList() + ", not " + choiceId + ".");
      }
      choice = c.get();
      Finding door = gate.act(by, channel.orElse(op.channel()), op.environment(),
          choice.request().map(LifecycleRequest::action).orElse(op.request().action()), Optional.of(id),
          "choose " + choice.label() + " for " + op.summary());
      if (door.refuses()) {
        return new Submission.Refused("Not chosen (rule 12): " + door.message() + ". The question of " + id
            + " stays open.", Optional.empty());
      }
      Instant now = now();
      audit.record(new AuditRecord(now, "choice", Optional.of(id), op.environment(), op.channel(), by.userId(),
          op.summary(), prompt.id() + ": " + choice.label(), Optional.empty(), List.of(), List.of()));
      OperationRun run = runs.get(id);
      if (run != null && !op.state().ended() && prompt.kind() == Prompt.Kind.MIGRATION_INCOMPLETE) {
        live = run.choose(choice, by);
      } else if (choice.request().isEmpty()) {
        Operation dismissed = commit(op, op.withoutPrompt(prompt.kind(), now), List.of());
        publish(new OperationEvent.PromptClosed(dismissed, prompt, "dismissed by " + by.displayName()));
        byKey.put(key, id);
        return new Submission.Accepted(dismissed, false);
      }
    }
    if (live != null) {
      // A live operation's stalled verification acts on the choice itself (it holds the lock):
      // a restart goes on inside it; Roll back ends its step, then the rollback remedies it.
      try {
        live.get(settings.actionTimeout().toMillis() + 30_000, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        return new Submission.Refused("Not chosen: " + e.getCause().getMessage(), Optional.empty());
      } catch (java.util.concurrent.TimeoutException e) {
        return new Submission.Refused("Operation " + id + " did not take the choice in time; `ops` shows where it"
            + " stands.", Optional.empty());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return new Submission.Refused("Interrupted while operation " + id + " took the choice.", Optional.empty());
      }
      boolean remedies = choice.request().filter(r -> !(r instanceof LifecycleRequest.RestartGimPod)).isPresent();
      if (!remedies) {
        synchronized (this) {
          byKey.put(key, id);
        }
        return new Submission.Accepted(operations.get(id), false);
      }
    }
    // The chosen action is a request of its own, confirmed by the choice; it remedies this one.
    Request remedy = new Request(key, by, channel.orElse(op.channel()), op.environment(), choice.request().get(),
        Optional.empty(), Confirmations.confirmedBy(by));
    synchronized (this) {
      pendingRemedies.put(key, id);
    }
    return submitNow(remedy);
  }

  private final Map<String, String> pendingRemedies = new HashMap<>();

  private Optional<String> remedyFor(String key) {
    return Optional.ofNullable(pendingRemedies.remove(key));
  }

  private Submission cancelNow(String id, Actor by, Optional<String> channel) {
    synchronized (this) {
      Operation op = operations.get(id);
      if (op == null) {
        return new Submission.Refused("There is no operation " + id + ": `ops` lists the operations.", Optional.empty());
      }
      Finding door = gate.act(by, channel.orElse(op.channel()), op.environment(),
          io.gimops.policies.decision.Action.CANCEL, Optional.of(id), "cancel " + op.summary());
      if (door.refuses()) {
        return new Submission.Refused("Not cancelled (rule 12): " + door.message() + ". " + id + " goes on.",
            Optional.empty());
      }
      if (op.state().ended()) {
        return new Submission.Refused("Operation " + id + " has already ended (" + op.state().id() + ").",
            Optional.empty());
      }
      Instant now = now();
      if (op.state() == OperationState.AWAITING_CONFIRMATION || op.state() == OperationState.DECIDED) {
        Operation cancelled = commit(op, op.withCancelRequest(by, now)
            .withOutcome("cancelled by " + by.displayName() + " before it started", now)
            .moveTo(OperationState.CANCELLED, now), List.of());
        publish(new OperationEvent.Finished(cancelled));
        return new Submission.Accepted(cancelled, false);
      }
      Operation asked = commit(op, op.withCancelRequest(by, now).withOutcome("cancel asked by " + by.displayName()
          + ": stops before helm starts again, after the current service verifies", now), List.of());
      OperationRun run = runs.get(id);
      if (run != null) {
        run.refresh(asked);
        run.nudge();
      }
      return new Submission.Accepted(asked, false);
    }
  }

  /**
   * Takes the environment's lock and starts the plan; refuses (rule 4) when another operation holds
   * it. The decision just made includes the pre-flight ({@link #preflight}).
   */
  private Submission begin(Operation op) {
    Instant now = now();
    Optional<String> holder = locks.acquire(op.environment(), op.id(), op.summary());
    if (holder.isPresent() && !holder.get().equals(op.id())) {
      String why = "Rule 4 (one operation at a time): operation " + holder.get()
          + Optional.ofNullable(operations.get(holder.get())).map(o -> " (" + o.summary() + ", by "
              + o.requestedBy().displayName() + ")").orElse("") + " is running in " + op.environment()
          + ". Wait for it to end, or cancel it.";
      Operation refused = commit(op, op.withOutcome(why, now).moveTo(OperationState.REFUSED, now), List.of());
      publish(new OperationEvent.Finished(refused));
      return new Submission.Refused(why, Optional.empty());
    }
    Operation running = commit(op, op.withOutcome("running", now).moveTo(OperationState.RUNNING, now), List.of());
    publish(new OperationEvent.Started(running));
    launch(running);
    return new Submission.Accepted(running, false);
  }

  private void launch(Operation op) {
    OperationRun run = new OperationRun(this, environments.get(op.environment()), op);
    if (runs.putIfAbsent(op.id(), run) != null) {
      return;
    }
    workers.executeBlocking(() -> {
      run.run();
      return null;
    }, false);
  }

  void runEnded(OperationRun run) {
    runs.remove(run.id(), run);
    alerted.remove(run.id());
  }

  /**
   * Records a new state of an operation: journal first (retrying while the API server is away),
   * then audit, then the events. A cancel that came in meanwhile is kept. Ending releases the lock.
   */
  synchronized Operation commit(Operation before, Operation next, List<OperationEvent> events) {
    Operation current = operations.getOrDefault(next.id(), before);
    if (current.cancelledBy().isPresent() && next.cancelledBy().isEmpty()) {
      next = next.withCancelRequest(current.cancelledBy().get(), next.updatedAt());
    }
    next = next.keepingPosted(current);
    saveDurably(next);
    operations.put(next.id(), next);
    if (before.state() != next.state() || current.state() != next.state()) {
      audit.record(new AuditRecord(next.updatedAt(), "state", Optional.of(next.id()), next.environment(),
          next.channel(), causedBy(current, next).userId(), next.summary(), next.state().id(),
          Optional.of(current.state().id()), List.of(), next.outcome().stream().toList()));
    }
    if (next.state().ended() && !current.state().ended()) {
      try {
        locks.release(next.environment(), next.id());
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot release the lock of " + next.environment() + " held by "
            + next.id() + "; the next leader releases it: " + e.getMessage());
      }
    }
    // Readers see the new state after the journal and the audit trail have it, and before its
    // events go out (a subscriber reading the operation sees what the event says).
    expose(next);
    for (OperationEvent e : events) {
      publish(e);
    }
    return next;
  }

  /**
   * Who moved an operation to its new state, for the audit trail: whoever cancelled it, whoever
   * confirmed or approved it last, else the requester (the steps of a run act on their behalf).
   */
  private static Actor causedBy(Operation current, Operation next) {
    if (next.state() == OperationState.CANCELLED && next.cancelledBy().isPresent()) {
      return next.cancelledBy().get();
    }
    if (current.state() == OperationState.AWAITING_CONFIRMATION) {
      Confirmations c = next.confirmations();
      if (c.secondApprover().isPresent() && !c.secondApprover().equals(current.confirmations().secondApprover())) {
        return c.secondApprover().get();
      }
      if (c.confirmedBy().isPresent()) {
        return c.confirmedBy().get();
      }
    }
    return next.requestedBy();
  }

  private void saveDurably(Operation op) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 30; attempt++) {
      try {
        journal.save(op);
        return;
      } catch (RuntimeException e) {
        last = e;
        LOG.log(System.Logger.Level.WARNING, "cannot journal " + op.id() + " (attempt " + (attempt + 1) + "): "
            + e.getMessage());
        try {
          Thread.sleep(1000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    throw new IllegalStateException("the journal cannot be written; operation " + op.id()
        + " stops here and resumes when the bot restarts: " + (last == null ? "" : last.getMessage()), last);
  }

  /** Audits something the bot did to the cluster besides the plan's steps. */
  void auditAction(Operation op, String what, String result) {
    audit.record(new AuditRecord(now(), "action", Optional.of(op.id()), op.environment(), op.channel(), replica,
        op.summary(), what, Optional.empty(), List.of(), List.of(result)));
  }

  /**
   * {@code remedy}, chosen from a prompt of {@code originalId}, succeeded: the prompt it was chosen
   * from closes (the others stay open: export views offered before GSP failed are still to
   * answer), and a rollback of a failed operation marks it {@code ROLLED_BACK}.
   */
  void remedied(String originalId, Operation remedy) {
    synchronized (this) {
      Operation original = operations.get(originalId);
      if (original == null) {
        return;
      }
      Instant now = now();
      Optional<LifecycleRequest> done = Optional.of(remedy.request());
      List<Prompt> answered = original.prompts().stream()
          .filter(p -> p.choices().stream().anyMatch(c -> c.request().equals(done))).toList();
      boolean rolledBack = (remedy.request() instanceof LifecycleRequest.Rollback
          || remedy.request() instanceof LifecycleRequest.Reinstall) && original.state() == OperationState.FAILED;
      Operation next = original;
      for (Prompt p : answered) {
        next = next.withoutPrompt(p.kind(), now);
      }
      if (rolledBack) {
        // The failure's own questions are answered by the rollback; an export-views offer is not.
        List<Prompt> failure = next.prompts().stream().filter(p -> p.kind() != Prompt.Kind.EXPORT_VIEWS).toList();
        answered = java.util.stream.Stream.concat(answered.stream(), failure.stream()).distinct().toList();
        for (Prompt p : failure) {
          next = next.withoutPrompt(p.kind(), now);
        }
        next = next.withOutcome(original.outcome().orElse("") + "; rolled back by " + remedy.id() + " ("
            + remedy.summary() + ")", now).moveTo(OperationState.ROLLED_BACK, now);
      }
      if (next == original) {
        return;
      }
      String how = "done by " + remedy.id() + " (" + remedy.summary() + ")";
      List<OperationEvent> events = new ArrayList<>();
      for (Prompt p : answered) {
        events.add(new OperationEvent.PromptClosed(next, p, how));
      }
      if (rolledBack) {
        events.add(new OperationEvent.Finished(next));
      }
      commit(original, next, events);
    }
  }

  // ---- recovery

  private void recover() {
    List<Operation> journaled = new ArrayList<>();
    Instant keepFrom = now().minus(settings.journalRetention());
    for (Operation op : journal.load()) {
      if (op.state().ended() && op.updatedAt().isBefore(keepFrom)) {
        journal.forget(op.id());
      } else {
        journaled.add(op);
      }
    }
    List<Operation> resume = new ArrayList<>();
    synchronized (this) {
      for (Operation op : journaled) {
        Operation mine = operations.get(op.id());
        if (mine != null && !mine.updatedAt().isBefore(op.updatedAt())) {
          continue;
        }
        remember(op);
        byKey.put(op.key(), op.id());
      }
      for (Operation op : operations.values()) {
        if (op.state().executing() && !runs.containsKey(op.id())) {
          resume.add(op);
        } else if (op.state().ended()) {
          // Its story may not have ended in chat (the bot died between the end and the report).
          publish(new OperationEvent.Recovered(op));
        }
      }
    }
    for (EnvironmentRuntime env : environments.values()) {
      releaseStaleLock(env.name());
      reportStuckReleases(env, resume);
    }
    for (Operation op : resume) {
      Optional<String> holder = locks.acquire(op.environment(), op.id(), op.summary());
      if (holder.isPresent() && !holder.get().equals(op.id())) {
        synchronized (this) {
          Instant now = now();
          Operation current = operations.get(op.id());
          List<OperationEvent> none = List.of();
          Operation failed = commit(current, current.withOutcome("the bot restarted and found operation "
              + holder.get() + " holding " + op.environment() + "'s lock; this one stops here. Check with `status`.",
              now).moveTo(OperationState.FAILED, now), none);
          publish(new OperationEvent.Finished(failed));
        }
        continue;
      }
      publish(new OperationEvent.Notice(op.environment(), "Resuming operation " + op.id() + " (" + op.summary()
          + ") after a restart, from step " + (op.currentStep().orElse(op.steps().size()) + 1) + " of "
          + op.steps().size() + "."));
      audit.record(new AuditRecord(now(), "resume", Optional.of(op.id()), op.environment(), op.channel(), replica,
          op.summary(), op.state().id(), Optional.empty(), List.of(), List.of("resumed by replica " + replica)));
      launch(op);
    }
  }

  private void releaseStaleLock(String env) {
    Optional<String> holder = locks.holder(env);
    if (holder.isEmpty()) {
      return;
    }
    Operation op;
    synchronized (this) {
      op = operations.get(holder.get());
    }
    if (op == null || op.state().ended()) {
      locks.release(env, holder.get());
      String why = "Released " + env + "'s lock, held by " + holder.get()
          + (op == null ? ", which the journal does not know" : ", which had already ended (" + op.state().id() + ")");
      audit.record(new AuditRecord(now(), "notice", Optional.of(holder.get()), env, "", replica, "lock", "released",
          Optional.empty(), List.of("R4"), List.of(why)));
      publish(new OperationEvent.Notice(env, why));
    }
  }

  private void reportStuckReleases(EnvironmentRuntime env, List<Operation> resuming) {
    Set<String> resumingIn = new HashSet<>();
    resuming.forEach(o -> resumingIn.add(o.environment()));
    for (Map.Entry<ServiceKind, ReleaseHistory> e : env.observer().releases().entrySet()) {
      Optional<PendingRelease> p = e.getValue().pending();
      if (p.isPresent() && !resumingIn.contains(env.name())) {
        String text = e.getKey().id() + " in " + env.name() + " is stuck in " + p.get().status().helmName()
            + " (revision " + p.get().revision() + "): " + p.get().remedy();
        audit.record(new AuditRecord(now(), "notice", Optional.empty(), env.name(), "", replica, "stuck release",
            p.get().status().helmName(), Optional.empty(), List.of(), List.of(text)));
        publish(new OperationEvent.Notice(env.name(), text));
      }
    }
  }

  // ---- rule 9: alerts while an upgrade runs

  private Void scanAlerts() {
    Instant now = now();
    for (OperationRun run : runs.values()) {
      Operation op = operation(run.id()).orElse(null);
      if (op == null || !op.state().executing()
          || op.request().action() != io.gimops.policies.decision.Action.UPGRADE) {
        continue;
      }
      Set<ServiceKind> upgrading = new HashSet<>();
      op.plan().forEach(s -> upgrading.add(s.service()));
      ClusterSnapshot snap = environments.get(op.environment()).observer().snapshot();
      Set<String> seen = alerted.computeIfAbsent(op.id(), k -> ConcurrentHashMap.newKeySet());
      for (UpgradeAlerts.Alert a : UpgradeAlerts.scan(snap, upgrading, op.createdAt(), now, policy())) {
        if (seen.add(a.kind() + "/" + a.subject())) {
          audit.record(new AuditRecord(now, "alert", Optional.of(op.id()), op.environment(), op.channel(),
              replica, op.summary(), a.kind().name().toLowerCase(java.util.Locale.ROOT), Optional.empty(),
              List.of("R9"), List.of(a.message())));
          publish(new OperationEvent.AlertRaised(op, a));
        }
      }
    }
    return null;
  }

  // ---- helpers

  private Decision decide(LifecycleRequest request, Actor actor, String channel, EnvironmentRuntime env,
      Optional<String> override, Confirmations c) {
    List<ActiveOperation> active;
    synchronized (this) {
      active = operations.values().stream().filter(o -> o.state().executing())
          .map(o -> new ActiveOperation(o.id(), o.environment(), o.summary(), o.requestedBy(), o.createdAt()))
          .toList();
    }
    return preflight(engine.decide(new DecisionInput(request, actor, channel, env.environment(), env.snapshot(),
        catalog, access, active, override, c)), env);
  }

  /**
   * Pre-flight, part of every decision (a plan, a request, its confirmation): a plan whose package
   * or values file is missing from its directory is refused with the list, by rule 7 (the vendor's
   * preparatory steps 2 and 3: the package and the values file are available), before anyone
   * confirms and long before the first helm call. The engine is pure; the files are the bot's to see.
   */
  private static Decision preflight(Decision d, EnvironmentRuntime env) {
    if (d.plan().isEmpty()) {
      return d;
    }
    List<String> missing = env.helm().missingFiles(d.plan().steps());
    if (missing.isEmpty()) {
      return d;
    }
    List<Finding> findings = new ArrayList<>(d.findings());
    for (String m : missing) {
      findings.add(Finding.fail(io.gimops.policies.decision.Rule.R7_PREPARATION, "pre-flight: " + m
          + "; nothing runs until every package and values file of the plan is there"));
    }
    return new Decision(Decision.Outcome.REFUSED, d.request(), d.environment(), d.actor(), findings, d.plan(),
        List.of(), d.override(), d.confirmedBy(), d.secondApprover(), d.decidedAt());
  }

  private void auditDecision(Decision d, Optional<String> opId, String channel, String what) {
    auditDecision(d, opId, channel, d.actor(), what);
  }

  /** @param by who acted: the requester, or whoever confirmed on their behalf */
  private void auditDecision(Decision d, Optional<String> opId, String channel, Actor by, String what) {
    List<Finding> telling = d.isRefused() ? d.refusals() : d.findings();
    audit.record(new AuditRecord(d.decidedAt(), "decision", opId, d.environment(), channel, by.userId(),
        what, d.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        Optional.empty(), telling.stream().map(f -> f.rule().label()).distinct().toList(),
        telling.stream().map(Finding::toString).toList()));
  }

  private static String refusal(Decision d) {
    return "Refused: " + refused(d);
  }

  /** What was refused, where, and each rule's reason. */
  private static String refused(Decision d) {
    StringBuilder sb = new StringBuilder(d.request().summary()).append(" in ").append(d.environment()).append('.');
    for (Finding f : d.refusals()) {
      sb.append("\n  ").append(f.rule().label()).append(": ").append(f.message());
    }
    return sb.toString();
  }

  private Optional<Submission> seen(String key) {
    String id = byKey.get(key);
    if (id != null) {
      return Optional.of(new Submission.Accepted(operations.get(id), true));
    }
    return Optional.ofNullable(refusedByKey.get(key));
  }

  private Submission refuseKey(String key, String message) {
    Submission.Refused r = new Submission.Refused(message, Optional.empty());
    refusedByKey.put(key, r);
    return r;
  }

  private String standbyMessage() {
    return "This bot replica (" + replica + ") is a standby; the leading replica runs operations. Try again in"
        + " a few seconds.";
  }

  private String unknownEnvironment(String name) {
    return "There is no environment '" + name + "': use one of " + environments.keySet().stream().sorted().toList() + ".";
  }

  void checkLeading() {
    if (!leading || closed) {
      throw new NotLeading();
    }
  }

  /** Thrown inside a run when this replica stopped leading: the run stops, the journal keeps its place. */
  static final class NotLeading extends RuntimeException {
    NotLeading() {
      super("not leading", null, false, false);
    }
  }

  private void nudge(String environment) {
    for (OperationRun run : runs.values()) {
      run.nudge();
    }
  }

  /**
   * Something people should know that belongs to no operation: front ends show it in the
   * environment's channel ({@code environment} empty: the notifications channel).
   */
  public void notice(String environment, String message) {
    publish(new OperationEvent.Notice(environment, message));
  }

  void publish(OperationEvent e) {
    vertx.eventBus().publish(EVENTS, e, new DeliveryOptions().setCodecName(CODEC));
  }

  Instant now() {
    return clock.instant();
  }

  OrchestratorSettings settings() {
    return settings;
  }

  private static String newId() {
    // short enough to type in a console, random enough not to collide across replicas
    String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
    StringBuilder sb = new StringBuilder("op-");
    for (int i = 0; i < 6; i++) {
      sb.append(alphabet.charAt(IDS.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private <T> Future<T> blocking(Callable<T> work) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the orchestrator has shut down"));
    }
    return workers.executeBlocking(work, false);
  }

  /**
   * Stops leading and waits until every running operation has reached a safe point (a helm call
   * or cluster action it started has returned), so that a graceful stop never interrupts helm.
   *
   * @return true when every run stopped in time
   */
  public boolean drain(java.time.Duration timeout) throws InterruptedException {
    standDown();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!runs.isEmpty() && System.nanoTime() < deadline) {
      runs.values().forEach(OperationRun::nudge);
      Thread.sleep(50);
    }
    return runs.isEmpty();
  }

  /** Stops starting anything; running helm processes are left to the HelmExecutor's owner. */
  @Override
  public void close() {
    closed = true;
    leading = false;
    vertx.cancelTimer(alertTimer);
    subscriptions.forEach(s -> {
      try {
        s.close();
      } catch (Exception e) {
        LOG.log(System.Logger.Level.DEBUG, "closing a subscription", e);
      }
    });
    runs.values().forEach(OperationRun::nudge);
    workers.close();
    gate.close();
  }

  /** Passes events through the local event bus as they are. */
  private static final class EventCodec implements MessageCodec<OperationEvent, OperationEvent> {
    @Override
    public void encodeToWire(Buffer buffer, OperationEvent e) {
      throw new UnsupportedOperationException("operation events stay in this process");
    }

    @Override
    public OperationEvent decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("operation events stay in this process");
    }

    @Override
    public OperationEvent transform(OperationEvent e) {
      return e;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }

  /** Assembles an orchestrator. */
  public static final class Builder {
    private final Vertx vertx;
    private PolicySettings policy = PolicySettings.DEFAULTS;
    private ReleaseCatalog catalog;
    private AccessPolicy access;
    private final Map<String, EnvironmentRuntime> environments = new LinkedHashMap<>();
    private OperationJournal journal;
    private EnvironmentLocks locks;
    private AuditSink audit;
    private Clock clock = Clock.systemUTC();
    private OrchestratorSettings settings = OrchestratorSettings.DEFAULTS;
    private String replica = "gimops";

    private Builder(Vertx vertx) {
      this.vertx = vertx;
    }

    public Builder policy(PolicySettings p) {
      this.policy = p;
      return this;
    }

    public Builder catalog(ReleaseCatalog c) {
      this.catalog = c;
      return this;
    }

    public Builder access(AccessPolicy a) {
      this.access = a;
      return this;
    }

    public Builder environment(EnvironmentRuntime env) {
      environments.put(env.name(), env);
      return this;
    }

    public Builder journal(OperationJournal j) {
      this.journal = j;
      return this;
    }

    public Builder locks(EnvironmentLocks l) {
      this.locks = l;
      return this;
    }

    public Builder audit(AuditSink a) {
      this.audit = a;
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public Builder settings(OrchestratorSettings s) {
      this.settings = s;
      return this;
    }

    /** This replica's name, in the audit trail and in answers from a standby. */
    public Builder replica(String name) {
      this.replica = name;
      return this;
    }

    public Orchestrator build() {
      if (environments.isEmpty()) {
        throw new IllegalStateException("the orchestrator needs at least one environment");
      }
      return new Orchestrator(this);
    }
  }
}
