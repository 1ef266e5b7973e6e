package io.gimops.bot.orchestrator;

import io.gimops.adapters.helm.HelmResult;
import io.gimops.adapters.helm.PendingRelease;
import io.gimops.adapters.helm.ReleaseHistory;
import io.gimops.adapters.helm.ReleaseRevision;
import io.gimops.adapters.kube.ConfigMapCleanup;
import io.gimops.adapters.kube.ExportViewsResult;
import io.gimops.adapters.kube.PodRestart;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.operation.StepRecord;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PlanStep;
import io.gimops.policies.domain.HelmStatus;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.EtlEvidence;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.rules.Verification;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Carries out one operation's plan on a worker thread, from wherever the journal says it got to.
 * This is the algorithm of a lifecycle operation, an upgrade cycle included:
 *
 * <ol>
 *   <li>The operation is {@code RUNNING} and holds its environment's lock (rule 4); the plan is
 *       the one the policy engine decided on, e.g. for {@code upgrade all}: helm upgrade GIM (and
 *       gim-monitoring), verify GIM, helm upgrade GSP, verify GSP, helm upgrade GCA (and
 *       gca-monitoring), verify GCA (rule 3).
 *   <li>Take the first step that is not done. Stop if this replica no longer leads (the new leader
 *       resumes from the journal). Stop as {@code CANCELLED} if a cancel was asked and either no
 *       step has started yet or the step before was a verification that passed: a cycle stops
 *       only after the current service verified.
 *   <li>A helm step: read the release's newest revision from Helm's history, journal the step as
 *       started with that revision, then run helm with the vendor's argv (rule 5's timeout).
 *       Success: journal the new revision. Failure: journal it, end {@code FAILED} and raise a
 *       rollback prompt naming the revision to return to. Never go on to the next service.
 *   <li>A step journaled as started but not as ended (the bot died) is reconciled with Helm's
 *       history before anything runs: a newer revision means the call happened (deployed: done;
 *       failed: failed; {@code pending-*}: wait for helm to finish until its timeout, then report
 *       the stuck release with its remedy); no newer revision after {@code helmStartGrace} means
 *       helm never reached the cluster, and only then is it run.
 *   <li>A verify step: the operation is {@code VERIFYING}; judge rule 8 on every cluster change
 *       and every tick (for GIM with the Info Mart's evidence, when a database is configured)
 *       until verified (journal, go on) or failed (journal, end {@code FAILED} with Roll back, and
 *       for GIM Restart pod). The windows count from when helm started and ended, as journaled,
 *       so a restart of the bot does not reset them.
 *   <li>GIM's migration stalled (rule 8's {@code STALLED}: GIM operates normally, its migration
 *       did not complete): raise a prompt, Restart the GIM pod first, Roll back second, and stay
 *       {@code VERIFYING} (journaled: waiting for a choice). The verification timeout does not
 *       run against a person deciding: a stalled migration is never failed by the deadline, since
 *       GIM works on a half-migrated database meanwhile. Restart: this operation, which holds the
 *       environment's lock (rule 4), restarts the pod itself (audited), and verification starts
 *       over with the restart as its action, so its windows (Pending, the deadline, the evidence
 *       {@code :since}) count from the restart. Roll back: the step ends failed and the rollback
 *       starts as the remedy of this operation. Dismiss: the step ends failed, nothing is rolled
 *       back, and the outcome says GIM runs on a half-migrated database.
 *   <li>Offer export views after a GIM upgrade that crossed a schema change (rule 11): a prompt,
 *       and the plan goes on.
 *   <li>ConfigMap cleanup, export views and a pod restart run through the cluster actions; one
 *       interrupted by a crash is rerun only where that is harmless (the cleanup), otherwise
 *       reported with the facts.
 *   <li>After a verified service, pause {@code settleBetweenSteps} if more follows.
 *   <li>The last word (the outcome) carries what the vendor's page says next: after a GIM upgrade
 *       whose migration ran, re-create custom database objects and permissions (preparatory step
 *       3); after a rollback that failed, contact Genesys Customer Care ({@link Reminders}).
 *   <li>All steps done: {@code SUCCEEDED}; the prompt this operation was chosen from closes (its
 *       other prompts stay open), and a rollback chosen from a failed operation's prompt marks that
 *       operation {@code ROLLED_BACK}. The lock is released when the operation ends.
 * </ol>
 */
final class OperationRun implements Runnable {

  private static final System.Logger LOG = System.getLogger(OperationRun.class.getName());

  private final Orchestrator orchestrator;
  private final EnvironmentRuntime env;
  private final OrchestratorSettings settings;
  private final Object wakeup = new Object();
  private volatile Operation op;

  OperationRun(Orchestrator orchestrator, EnvironmentRuntime env, Operation op) {
    this.orchestrator = orchestrator;
    this.env = env;
    this.settings = orchestrator.settings();
    this.op = op;
  }

  String id() {
    return op.id();
  }

  /** Wakes a waiting verification: the cluster changed, or a cancel came in. */
  void nudge() {
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
  }

  @Override
  public void run() {
    try {
      runSteps();
    } catch (Orchestrator.NotLeading e) {
      LOG.log(System.Logger.Level.INFO, "operation {0} paused: this replica no longer leads", op.id());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.log(System.Logger.Level.INFO, "operation {0} interrupted by shutdown; the journal resumes it", op.id());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "operation " + op.id() + " stopped on an unexpected error", e);
      try {
        fail(OptionalInt.empty(), List.of("the bot hit an unexpected error: " + e.getMessage()
            + "; check the cluster with `status` before acting again"), Optional.empty());
      } catch (RuntimeException again) {
        LOG.log(System.Logger.Level.ERROR, "cannot record the failure of " + op.id(), again);
      }
    } finally {
      Chosen untaken = choice.getAndSet(null);
      if (untaken != null) {
        untaken.taken().completeExceptionally(new IllegalStateException("operation " + op.id()
            + " ended before it could act on the choice (" + op.state().id() + ")"));
      }
      orchestrator.runEnded(this);
    }
  }

  private void runSteps() throws InterruptedException {
    boolean anyStarted = op.steps().stream().anyMatch(s -> s.status() != StepRecord.Status.PENDING);
    boolean afterVerify = false;
    for (OptionalInt next = op.currentStep(); next.isPresent(); next = op.currentStep()) {
      int i = next.getAsInt();
      StepRecord record = op.steps().get(i);
      orchestrator.checkLeading();
      if (record.status() == StepRecord.Status.PENDING && op.cancelledBy().isPresent()
          && (!anyStarted || afterVerify)) {
        cancel(i);
        return;
      }
      if (record.status() == StepRecord.Status.FAILED) {
        return;
      }
      anyStarted = true;
      PlanStep step = record.step();
      boolean ok;
      if (step instanceof PlanStep.HelmStep h) {
        ok = helmStep(i, h);
        afterVerify = false;
      } else if (step instanceof PlanStep.Verify v) {
        ok = verify(i, v);
        afterVerify = true;
      } else if (step instanceof PlanStep.OfferExportViews) {
        offerExportViews(i);
        ok = true;
      } else {
        ok = clusterAction(i, step);
        afterVerify = false;
      }
      if (!ok) {
        return;
      }
      if (step instanceof PlanStep.Verify && op.currentStep().isPresent()
          && !settings.settleBetweenSteps().isZero() && op.cancelledBy().isEmpty()) {
        pause(settings.settleBetweenSteps());
      }
    }
    succeed();
  }

  // ---- helm steps

  private boolean helmStep(int i, PlanStep.HelmStep step) throws InterruptedException {
    String ns = namespaceOf(step);
    String release = releaseOf(step);
    StepRecord record = op.steps().get(i);
    if (record.status() == StepRecord.Status.RUNNING) {
      Optional<Boolean> reconciled = reconcile(i, step, ns, release);
      if (reconciled.isPresent()) {
        return reconciled.get();
      }
    } else {
      ReleaseHistory before = env.releases().history(ns, release);
      Instant now = orchestrator.now();
      commit(op.moveToIfNeeded(OperationState.RUNNING, now).withStep(i,
          record.started(now, before.latestRevision(), before.version()), now),
          o -> List.of(new OperationEvent.StepStarted(o, i)));
    }
    orchestrator.checkLeading();
    HelmResult result = env.helm().run(step, line -> orchestrator.publish(new OperationEvent.OutputLine(op, i, line)));
    ReleaseHistory after = env.releases().history(ns, release);
    Instant now = orchestrator.now();
    if (result.succeeded()) {
      List<String> detail = List.of(result.message());
      commit(op.updateStep(i, s -> s.succeeded(now, after.latestRevision(), detail), now),
          o -> List.of(new OperationEvent.StepSucceeded(o, i, detail)));
      return true;
    }
    List<String> why = new ArrayList<>(List.of(result.message()));
    int from = Math.max(0, result.output().size() - 5);
    why.addAll(result.output().subList(from, result.output().size()));
    fail(OptionalInt.of(i), why, rollbackPrompt(step.service(), i, after));
    return false;
  }

  /**
   * A helm step the journal says started but not ended: find out from Helm's history what
   * happened. Empty: helm never reached the cluster, so run it now.
   */
  private Optional<Boolean> reconcile(int i, PlanStep.HelmStep step, String ns, String release)
      throws InterruptedException {
    StepRecord record = op.steps().get(i);
    Instant started = record.startedAt().orElseThrow();
    int before = record.revisionBefore().orElse(0);
    Instant graceEnds = started.plus(settings.helmStartGrace());
    Instant helmDeadline = started.plus(step.effectiveTimeout()).plus(env.helm().killMargin());
    while (true) {
      ReleaseHistory h = env.releases().history(ns, release);
      Instant now = orchestrator.now();
      if (step instanceof PlanStep.HelmUninstall) {
        if (!h.installed() || h.latestRevision().isEmpty()) {
          return Optional.of(stepDone(i, OptionalInt.empty(), "helm uninstall " + release
              + " had completed before the bot restarted"));
        }
        if (h.status() != HelmStatus.UNINSTALLING && !now.isBefore(graceEnds)) {
          return Optional.empty();
        }
      } else {
        int latest = h.latestRevision().orElse(0);
        if (latest > before) {
          Optional<ReleaseRevision> cur = h.current();
          HelmStatus status = h.status();
          if (status == HelmStatus.DEPLOYED) {
            return Optional.of(stepDone(i, OptionalInt.of(latest), "helm had made revision " + latest
                + " of " + release + " (deployed) before the bot restarted; it is not run again"));
          }
          if (status == HelmStatus.FAILED) {
            fail(OptionalInt.of(i), List.of("revision " + latest + " of " + release + " failed while the bot was"
                + " down: " + cur.map(ReleaseRevision::description).orElse("")), rollbackPrompt(step.service(), i, h));
            return Optional.of(false);
          }
          if (status.isPending() && now.isAfter(helmDeadline)) {
            PendingRelease p = h.pending().orElseThrow();
            stuck(i, p);
            return Optional.of(false);
          }
          if (!status.isPending()) {
            fail(OptionalInt.of(i), List.of("revision " + latest + " of " + release + " is "
                + status.helmName() + " after the restart; check it with `history`"), Optional.empty());
            return Optional.of(false);
          }
        } else if (!now.isBefore(graceEnds)) {
          orchestrator.publish(new OperationEvent.OutputLine(op, i, "the bot restarted before helm left a trace"
              + " in the history of " + release + "; running it now"));
          return Optional.empty();
        }
      }
      waitFor(settings.tick());
    }
  }

  private boolean stepDone(int i, OptionalInt revision, String what) {
    Instant now = orchestrator.now();
    commit(op.updateStep(i, s -> s.succeeded(now, revision, List.of(what)), now),
        o -> List.of(new OperationEvent.StepSucceeded(o, i, List.of(what))));
    return true;
  }

  private void stuck(int i, PendingRelease p) {
    List<Prompt.Choice> actions = new ArrayList<>();
    p.lastDeployed().ifPresent(r -> actions.add(Prompt.action("Roll back " + p.releaseName() + " to revision " + r,
        new LifecycleRequest.Rollback(op.steps().get(i).step().service(), OptionalInt.of(r)))));
    Prompt prompt = Prompt.of(Prompt.Kind.STUCK_RELEASE, p.releaseName() + " revision " + p.revision() + " is stuck in "
        + p.status().helmName() + ": " + p.remedy(), actions);
    fail(OptionalInt.of(i), List.of(prompt.message()), Optional.of(prompt));
  }

  // ---- verification

  private boolean verify(int i, PlanStep.Verify step) throws InterruptedException {
    Instant now = orchestrator.now();
    StepRecord record = op.steps().get(i);
    Optional<StepRecord> action = actionBefore(i, step.service());
    Instant actionStarted = action.flatMap(StepRecord::startedAt).orElse(now);
    Instant actionEnded = action.flatMap(StepRecord::endedAt).orElse(now);
    boolean schemaChange = step.service() == ServiceKind.GIM && action.isPresent()
        && orchestrator.catalog().crossedBy(ServiceKind.GIM, action.get().versionBefore(), step.expected())
            .stream().anyMatch(Release::schemaChange);
    Operation o0 = op.moveToIfNeeded(OperationState.VERIFYING, now);
    if (record.status() == StepRecord.Status.PENDING) {
      o0 = o0.withStep(i, record.started(now, OptionalInt.empty(), Optional.empty()), now);
      commit(o0, o -> List.of(new OperationEvent.StepStarted(o, i)));
    } else if (o0 != op) {
      commit(o0, o -> List.of());
    }
    List<String> lastUnmet = null;
    java.util.Set<String> replaced = new java.util.HashSet<>();
    Instant windowStarted = actionStarted;
    Instant windowEnded = actionEnded;
    Instant evidenceSince = actionEnded;
    while (true) {
      orchestrator.checkLeading();
      Optional<Chosen> chosen = takeChoice();
      if (chosen.isPresent()) {
        Optional<Restarted> restarted = actOnStall(i, step, action, chosen.get(), lastUnmet);
        if (restarted.isEmpty()) {
          return false;
        }
        windowStarted = restarted.get().started();
        windowEnded = restarted.get().ended();
        // The restart waits for the new pod's Ready, that is for its migration and transformation.
        evidenceSince = windowStarted;
        lastUnmet = null;
        evidence = null;
      }
      now = orchestrator.now();
      var snapshot = env.observer().snapshot();
      if (snapshot.unreliable().isPresent() && now.isBefore(windowEnded.plus(orchestrator.policy().verificationTimeout()))) {
        waitFor(settings.tick());
        continue;
      }
      ServiceState s = snapshot.service(step.service());
      if (action.map(a -> a.step() instanceof PlanStep.HelmRollback).orElse(false)
          || op.request() instanceof LifecycleRequest.Reinstall) {
        replaceStuckPods(i, s, step.expected(), replaced);
      }
      EtlEvidence db = step.service() == ServiceKind.GIM ? evidence(evidenceSince, now) : EtlEvidence.notConfigured();
      Verification.Result r = Verification.verify(s, step.expected(), schemaChange, windowStarted, windowEnded, now,
          orchestrator.policy(), db);
      if (r.status() == Verification.Status.VERIFIED) {
        Instant at = now;
        closeStallPrompt("GIM verified: its migration completed");
        Operation next = op.updateStep(i, st -> st.succeeded(at, OptionalInt.empty(), r.passed()), at);
        if (next.currentStep().isPresent()) {
          next = next.moveTo(OperationState.RUNNING, at);
        }
        commit(next, o -> List.of(new OperationEvent.StepSucceeded(o, i, r.passed())));
        return true;
      }
      if (r.status() == Verification.Status.FAILED) {
        Optional<Prompt> prompt = verificationPrompt(step.service(), action, r.remedies());
        closeStallPrompt("verification failed");
        fail(OptionalInt.of(i), r.unmet(), prompt);
        return false;
      }
      if (r.status() == Verification.Status.STALLED && !stallPromptOpen()) {
        Prompt prompt = stallPrompt(step.service(), action, r.unmet());
        List<String> detail = new ArrayList<>(r.unmet());
        detail.add(WAITING_FOR_A_CHOICE);
        lastUnmet = r.unmet();
        Instant at = now;
        commit(op.updateStep(i, st -> st.withDetail(detail), at).withPrompt(prompt, at),
            o -> List.of(new OperationEvent.VerificationProgress(o, i, r.passed(), detail),
                new OperationEvent.PromptRaised(o, prompt)));
      } else if (r.status() == Verification.Status.IN_PROGRESS && !r.unmet().equals(lastUnmet)) {
        lastUnmet = r.unmet();
        Instant at = now;
        Operation next = op.updateStep(i, st -> st.withDetail(r.unmet()), at);
        commit(next, o -> List.of(new OperationEvent.VerificationProgress(o, i, r.passed(), r.unmet())));
      }
      waitFor(settings.tick());
    }
  }

  // ---- GIM's stalled migration (rule 8's STALLED)

  static final String WAITING_FOR_A_CHOICE = "waiting for a choice: Restart the GIM pod (the migration resumes where"
      + " it left off) or Roll back";

  /** When the run's restart of the GIM pod began and ended: verification's new window. */
  private record Restarted(Instant started, Instant ended) {}

  /** A choice handed over by the orchestrator for this run's open stall prompt. */
  record Chosen(Prompt.Choice choice, io.gimops.policies.domain.Actor by,
      java.util.concurrent.CompletableFuture<Void> taken) {}

  private final java.util.concurrent.atomic.AtomicReference<Chosen> choice = new java.util.concurrent.atomic.AtomicReference<>();
  private EtlEvidence evidence;
  private Instant evidenceAt = Instant.EPOCH;

  /**
   * Hands a choice to the run; the future completes once the run has taken it (a restart has
   * begun) or, for Roll back and Dismiss, once the step has ended and the lock is released.
   */
  java.util.concurrent.CompletableFuture<Void> choose(Prompt.Choice c, io.gimops.policies.domain.Actor by) {
    Chosen chosen = new Chosen(c, by, new java.util.concurrent.CompletableFuture<>());
    if (!choice.compareAndSet(null, chosen)) {
      return java.util.concurrent.CompletableFuture.failedFuture(
          new IllegalStateException("operation " + op.id() + " is already acting on a choice"));
    }
    nudge();
    return chosen.taken();
  }

  private Optional<Chosen> takeChoice() {
    return Optional.ofNullable(choice.getAndSet(null));
  }

  private boolean stallPromptOpen() {
    return op.prompt(Prompt.Kind.MIGRATION_INCOMPLETE).isPresent();
  }

  /** Closes the stall prompt, if open, saying why (its buttons go). */
  private void closeStallPrompt(String how) {
    Optional<Prompt> open = op.prompt(Prompt.Kind.MIGRATION_INCOMPLETE);
    if (open.isPresent()) {
      Instant now = orchestrator.now();
      commit(op.withoutPrompt(Prompt.Kind.MIGRATION_INCOMPLETE, now),
          o -> List.of(new OperationEvent.PromptClosed(o, open.get(), how)));
    }
  }

  /** The Info Mart's evidence since {@code since}, read at most once a second (each read is a connection). */
  private EtlEvidence evidence(Instant since, Instant now) {
    if (evidence == null || !now.isBefore(evidenceAt.plusSeconds(1))) {
      evidence = env.infoMart().since(since);
      evidenceAt = now;
    }
    return evidence;
  }

  private Prompt stallPrompt(ServiceKind service, Optional<StepRecord> action, List<String> why) {
    List<Prompt.Choice> choices = new ArrayList<>();
    choices.add(Prompt.action("Restart the GIM pod (the migration resumes where it left off)",
        new LifecycleRequest.RestartGimPod()));
    action.filter(a -> a.step() instanceof PlanStep.HelmUpgrade).flatMap(a -> {
      OptionalInt back = a.revisionBefore();
      return back.isPresent() ? Optional.of(back.getAsInt()) : Optional.empty();
    }).ifPresent(back -> choices.add(Prompt.action("Roll back " + service.id() + " to revision " + back,
        new LifecycleRequest.Rollback(service, OptionalInt.of(back)))));
    return Prompt.of(Prompt.Kind.MIGRATION_INCOMPLETE, service.id() + " operates normally but its database migration"
        + " did not complete (rule 8): " + String.join("; ", why) + ". The operation waits for a choice.", choices);
  }

  /**
   * Carries out the choice made on the stall prompt. Restart: restarts the GIM pod (holding the
   * lock), audited; returns when it started and ended, the new verification window. Roll back or
   * Dismiss: ends the step failed and returns empty.
   */
  private Optional<Restarted> actOnStall(int i, PlanStep.Verify step, Optional<StepRecord> action, Chosen c,
      List<String> why) {
    List<String> stalled = why == null ? List.of("GIM's database migration did not complete") : why;
    Optional<LifecycleRequest> request = c.choice().request();
    if (request.isPresent() && request.get() instanceof LifecycleRequest.RestartGimPod) {
      closeStallPrompt("Restart the GIM pod, chosen by " + c.by().displayName());
      Instant started = orchestrator.now();
      commit(op.updateStep(i, st -> st.withDetail(List.of(
          "restarting the GIM pod, as " + c.by().displayName() + " chose; the migration resumes where it left off")),
          started),
          o -> List.of(new OperationEvent.OutputLine(o, i, "restarting the GIM pod (chosen by "
              + c.by().displayName() + ")")));
      c.taken().complete(null);
      PodRestart r = env.actions().restartGimPod(settings.actionTimeout());
      orchestrator.auditAction(op, "restart GIM pod (chosen by " + c.by().userId() + ")", r.message());
      orchestrator.publish(new OperationEvent.OutputLine(op, i, r.message()));
      if (!r.succeeded()) {
        fail(OptionalInt.of(i), List.of(r.message()), verificationPrompt(step.service(), action,
            List.of(Verification.Remedy.ROLL_BACK)));
        return Optional.empty();
      }
      return Optional.of(new Restarted(started, orchestrator.now()));
    }
    List<String> because = new ArrayList<>(stalled);
    because.add(request.isPresent() ? c.by().displayName() + " chose " + c.choice().label()
        : c.by().displayName() + " dismissed the choice: GIM runs on a half-migrated database; restarting the GIM"
            + " pod resumes the migration");
    closeStallPrompt(c.choice().label() + ", chosen by " + c.by().displayName());
    fail(OptionalInt.of(i), because, Optional.empty());
    c.taken().complete(null);
    return Optional.empty();
  }

  /**
   * After a rollback (by helm rollback or by re-installing an earlier package), a pod of the
   * release being left that is stuck failing is deleted once, so
   * its controller brings it back on the rolled-back revision (a StatefulSet waits for a broken
   * pod forever: Kubernetes' "forced rollback").
   */
  private void replaceStuckPods(int i, ServiceState s, io.gimops.policies.domain.Version expected,
      java.util.Set<String> replaced) {
    for (io.gimops.policies.domain.PodState p : s.pods()) {
      boolean old = p.version().filter(v -> !v.equals(expected)).isPresent();
      if (old && p.failingReason().isPresent() && replaced.add(p.name())) {
        String said = env.actions().replacePod(s.kind(), p.name());
        orchestrator.publish(new OperationEvent.OutputLine(op, i, said));
        orchestrator.auditAction(op, "replace pod", said);
      }
    }
  }

  /** The helm step that changed the service's own release most recently before step {@code i}. */
  private Optional<StepRecord> actionBefore(int i, ServiceKind service) {
    for (int j = i - 1; j >= 0; j--) {
      StepRecord r = op.steps().get(j);
      PlanStep s = r.step();
      if (s.service() == service && (s instanceof PlanStep.HelmRollback
          || (s instanceof PlanStep.HelmUpgrade u && u.isServiceChart()))) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private Optional<Prompt> verificationPrompt(ServiceKind service, Optional<StepRecord> action,
      List<Verification.Remedy> remedies) {
    List<Prompt.Choice> choices = new ArrayList<>();
    // A re-install of an earlier package is a rollback: going back from it to the broken
    // revision is no remedy, as after helm rollback.
    boolean wasUpgrade = action.map(a -> a.step() instanceof PlanStep.HelmUpgrade).orElse(false)
        && !(op.request() instanceof LifecycleRequest.Reinstall);
    OptionalInt back = action.map(StepRecord::revisionBefore).orElse(OptionalInt.empty());
    if (remedies.contains(Verification.Remedy.ROLL_BACK) && wasUpgrade && back.isPresent()) {
      choices.add(Prompt.action("Roll back " + service.id() + " to revision " + back.getAsInt(),
          new LifecycleRequest.Rollback(service, back)));
    }
    if (remedies.contains(Verification.Remedy.RESTART_POD)) {
      choices.add(Prompt.action("Restart the GIM pod (resumes an interrupted migration job)",
          new LifecycleRequest.RestartGimPod()));
    }
    if (choices.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(Prompt.of(Prompt.Kind.ROLLBACK, service.id() + " did not verify (rule 8).", choices));
  }

  /**
   * After helm failed at step {@code i}: roll the service back to the revision its own release had
   * before this operation changed it. For a failed extra chart ({@code gim-monitoring}) that is the
   * revision GIM's own release step journaled, never the extra chart's; if the service's own
   * release was not changed yet, there is nothing to roll back.
   */
  private Optional<Prompt> rollbackPrompt(ServiceKind service, int i, ReleaseHistory after) {
    StepRecord failed = op.steps().get(i);
    if (!(failed.step() instanceof PlanStep.HelmUpgrade) || op.request() instanceof LifecycleRequest.Reinstall) {
      return Optional.empty();
    }
    Optional<StepRecord> own = ownReleaseStep(i, service);
    if (own.isEmpty() || own.get().revisionBefore().isEmpty()) {
      return Optional.empty();
    }
    int back = own.get().revisionBefore().getAsInt();
    String ownRelease = releaseOf((PlanStep.HelmStep) own.get().step());
    List<Prompt.Choice> choices = new ArrayList<>(List.of(Prompt.action("Roll back " + service.id() + " to revision "
        + back, new LifecycleRequest.Rollback(service, OptionalInt.of(back)))));
    if (service == ServiceKind.GIM) {
      choices.add(Prompt.action("Restart the GIM pod (resumes an interrupted migration job)",
          new LifecycleRequest.RestartGimPod()));
    }
    String failedRelease = releaseOf((PlanStep.HelmStep) failed.step());
    return Optional.of(Prompt.of(Prompt.Kind.ROLLBACK, "helm failed for " + failedRelease
        + " (now " + after.status().helmName() + ")" + (failedRelease.equals(ownRelease) ? ""
            : "; " + ownRelease + " was upgraded from revision " + back) + "; the cycle stops here.", choices));
  }

  /** The step at or before {@code i} that upgraded the service's own release (not an extra chart). */
  private Optional<StepRecord> ownReleaseStep(int i, ServiceKind service) {
    for (int j = i; j >= 0; j--) {
      StepRecord r = op.steps().get(j);
      if (r.step() instanceof PlanStep.HelmUpgrade u && u.service() == service && u.isServiceChart()
          && r.status() != StepRecord.Status.PENDING) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  // ---- other steps

  private void offerExportViews(int i) {
    Instant now = orchestrator.now();
    Prompt prompt = Prompt.of(Prompt.Kind.EXPORT_VIEWS, "GIM's upgrade crossed a schema change: update the export"
        + " views (rule 11)?", List.of(Prompt.action("Update export views", new LifecycleRequest.UpdateExportViews())));
    Operation next = op.updateStep(i, s -> s.succeeded(now, OptionalInt.empty(), List.of("offered")), now)
        .withPrompt(prompt, now);
    commit(next, o -> List.of(new OperationEvent.PromptRaised(o, prompt)));
  }

  private boolean clusterAction(int i, PlanStep step) {
    Instant now = orchestrator.now();
    StepRecord record = op.steps().get(i);
    if (record.status() == StepRecord.Status.RUNNING && !(step instanceof PlanStep.DeleteConfigMaps)) {
      fail(OptionalInt.of(i), List.of("the bot restarted while this ran: " + step.describe()
          + "; its outcome is unknown. Check with `status`, then ask again if needed"), Optional.empty());
      return false;
    }
    commit(op.moveToIfNeeded(OperationState.RUNNING, now).withStep(i, record.started(now, OptionalInt.empty(),
        Optional.empty()), now), o -> List.of(new OperationEvent.StepStarted(o, i)));
    boolean ok;
    String message;
    if (step instanceof PlanStep.DeleteConfigMaps) {
      ConfigMapCleanup c = env.actions().deleteGspConfigMaps();
      ok = c.succeeded();
      message = c.message();
    } else if (step instanceof PlanStep.UpdateExportViews) {
      ExportViewsResult r = env.actions().updateExportViews(
          line -> orchestrator.publish(new OperationEvent.OutputLine(op, i, line.text())), settings.actionTimeout());
      ok = r.succeeded();
      message = r.message();
    } else if (step instanceof PlanStep.RestartPod) {
      PodRestart r = env.actions().restartGimPod(settings.actionTimeout());
      ok = r.succeeded();
      message = r.message();
    } else {
      throw new IllegalStateException("no way to run " + step.describe());
    }
    Instant at = orchestrator.now();
    if (ok) {
      commit(op.updateStep(i, s -> s.succeeded(at, OptionalInt.empty(), List.of(message)), at),
          o -> List.of(new OperationEvent.StepSucceeded(o, i, List.of(message))));
      return true;
    }
    fail(OptionalInt.of(i), List.of(message), Optional.empty());
    return false;
  }

  // ---- endings

  private void succeed() {
    Instant now = orchestrator.now();
    String text = op.summary() + ": done, " + op.steps().size() + " steps"
        + (op.cancelledBy().isPresent() ? " (the cancel came after the last step had started)" : "");
    if (op.request() instanceof LifecycleRequest.UpdateExportViews && !op.steps().isEmpty()) {
      // The result people read says what the command did and the vendor's next step (ClusterActions words it).
      text = op.summary() + ": " + String.join("; ", op.steps().get(op.steps().size() - 1).detail());
    }
    commit(op.withOutcome(Reminders.with(text, op, false), now).moveTo(OperationState.SUCCEEDED, now),
        o -> List.of(new OperationEvent.Finished(o)));
    op.remedyFor().ifPresent(original -> orchestrator.remedied(original, op));
  }

  private void cancel(int i) {
    Instant now = orchestrator.now();
    Operation next = op;
    for (int j = i; j < next.steps().size(); j++) {
      next = next.updateStep(j, s -> s.skipped("cancelled"), now);
    }
    String by = op.cancelledBy().map(a -> a.displayName()).orElse("someone");
    String text = i == 0 ? "cancelled by " + by + " before helm started"
        : "cancelled by " + by + " after " + op.steps().get(i - 1).step().service().id() + " verified; "
            + (op.steps().size() - i) + " steps not run";
    commit(next.withOutcome(text, now).moveTo(OperationState.CANCELLED, now), o -> List.of(new OperationEvent.Finished(o)));
  }

  private void fail(OptionalInt step, List<String> why, Optional<Prompt> prompt) {
    Instant now = orchestrator.now();
    Operation next = op;
    if (step.isPresent()) {
      next = next.updateStep(step.getAsInt(), s -> s.failed(now, why), now);
      for (int j = step.getAsInt() + 1; j < next.steps().size(); j++) {
        next = next.updateStep(j, s -> s.skipped("not run: an earlier step failed"), now);
      }
    }
    String where = step.isPresent() ? op.steps().get(step.getAsInt()).step().describe() : op.summary();
    next = next.withOutcome(Reminders.with("failed at: " + where + ": " + String.join("; ", why), next, true), now);
    if (prompt.isPresent()) {
      // Beside the prompts already open: an export-views offer stays answerable.
      next = next.withPrompt(prompt.get(), now);
    }
    next = next.moveTo(OperationState.FAILED, now);
    List<OperationEvent> events = new ArrayList<>();
    Operation failed = next;
    step.ifPresent(s -> events.add(new OperationEvent.StepFailed(failed, s, why)));
    prompt.ifPresent(p -> events.add(new OperationEvent.PromptRaised(failed, p)));
    events.add(new OperationEvent.Finished(failed));
    commit(next, o -> events);
  }

  // ---- plumbing

  private void commit(Operation next, java.util.function.Function<Operation, List<OperationEvent>> events) {
    op = orchestrator.commit(op, next, events.apply(next));
  }

  /** Takes the operation as the orchestrator now has it (a cancel may have come in). */
  void refresh(Operation latest) {
    op = latest;
  }

  private void waitFor(Duration d) throws InterruptedException {
    synchronized (wakeup) {
      wakeup.wait(Math.max(1, d.toMillis()));
    }
  }

  private void pause(Duration d) throws InterruptedException {
    Instant until = orchestrator.now().plus(d);
    while (orchestrator.now().isBefore(until) && op.cancelledBy().isEmpty()) {
      waitFor(Duration.ofMillis(Math.min(d.toMillis(), settings.tick().toMillis())));
    }
  }

  private String namespaceOf(PlanStep.HelmStep step) {
    if (step instanceof PlanStep.HelmUpgrade u) {
      return u.namespace();
    }
    if (step instanceof PlanStep.HelmRollback r) {
      return r.namespace();
    }
    return ((PlanStep.HelmUninstall) step).namespace();
  }

  private static String releaseOf(PlanStep.HelmStep step) {
    if (step instanceof PlanStep.HelmUpgrade u) {
      return u.release();
    }
    if (step instanceof PlanStep.HelmRollback r) {
      return r.release();
    }
    return ((PlanStep.HelmUninstall) step).release();
  }
}
