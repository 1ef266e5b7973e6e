package io.gimops.bot.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
import io.gimops.adapters.slack.Mrkdwn;
import io.gimops.adapters.slack.SlackPoster;
import io.gimops.bot.command.Command;
import io.gimops.bot.command.CommandParseException;
import io.gimops.bot.command.CommandParser;
import io.gimops.bot.command.CommandReference;
import io.gimops.bot.conversation.Requests;
import io.gimops.bot.conversation.TextViews;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.orchestrator.EnvironmentRuntime;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.orchestrator.Request;
import io.gimops.bot.orchestrator.Submission;
import io.gimops.policies.decision.Action;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * The Slack conversation on a Bolt app: {@code /gim} commands, the Confirm / Cancel buttons of a
 * confirmation, the buttons of a prompt, and the one progress message per operation (updated in
 * place, details in its thread, a summary to the notifications channel at the end).
 *
 * <p>Every handler acknowledges at once: it only reads memory (the cluster snapshot, the
 * operations, the user groups) and computes. Buttons and view submissions run on the HTTP
 * server's event loop ({@link io.gimops.adapters.slack.VerifiedApp}). Anything that waits (the
 * orchestrator's decision, Web API calls, writing the audit trail) continues on this class's own
 * thread, the orchestrator's workers or the {@link SlackPoster}'s, never on the request's.
 *
 * <p>Every door is a decision (rule 12): each read, click and submission is checked with the
 * identity from the signed payload and the channel it came from, and audited; a refusal is told
 * to that person only and changes nothing. A malformed payload gets a 400 that says what is wrong
 * ({@link Interactions}). Every text the bot did not write itself (what users typed, the
 * engine's findings that quote it, helm's and Kubernetes' words) is escaped ({@link Mrkdwn}).
 */
public final class SlackFrontEnd implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SlackFrontEnd.class.getName());

  private final Orchestrator orchestrator;
  private final java.util.function.Function<String, java.util.Set<String>> groupsOf;
  private final SlackPoster poster;
  private final Optional<String> notifications;
  private final Clock clock;
  /** Status tables: a burst of {@code /gim status} in a busy channel renders one a second. */
  private final io.gimops.bot.conversation.StatusBoard statusBoard;
  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "slack-front-end");
    t.setDaemon(true);
    return t;
  });
  /** Hands work to this class's own thread; what comes after {@link #close} is dropped. */
  private final java.util.concurrent.Executor later = task -> {
    try {
      thread.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      LOG.log(System.Logger.Level.DEBUG, "the Slack front end has closed; dropped a late task");
    }
  };
  private final Map<String, java.util.concurrent.CompletableFuture<String>> progressMessages = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.CompletableFuture<String>> confirmationMessages = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.CompletableFuture<String>> promptMessages = new ConcurrentHashMap<>();
  private final MessageConsumer<OperationEvent> subscription;
  private static final int OUTPUT_LINES = 30;
  /** What the journal records as posted ({@link Operation#posted}). */
  static final String CONFIRMATION = "slack.confirmation";
  static final String CONFIRMATION_CLOSED = "slack.confirmation.closed";
  static final String PROGRESS = "slack.progress";
  static final String FINAL = "slack.final.";
  /** A prompt's message, by the prompt's id: {@code slack.prompt.rollback}. */
  static final String PROMPT = "slack.prompt.";
  /** Final reports this process has posted or is posting, before the journal has them. */
  private final java.util.Set<String> finalReports = ConcurrentHashMap.newKeySet();
  private final java.util.function.Consumer<io.gimops.bot.audit.AuditRecord> audit;
  /** Event ids handled lately (the last 10,000), so that Slack's retries of them do nothing. */
  private final Map<String, Boolean> seenEvents = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > 10_000;
        }
      });
  private final Map<String, java.util.Deque<String>> output = new ConcurrentHashMap<>();

  /**
   * @param notifications where a summary of each finished operation goes
   */
  public SlackFrontEnd(App app, Orchestrator orchestrator, SlackPoster poster, Optional<String> notifications,
      Clock clock) {
    this(app, orchestrator, poster, notifications, clock, user -> java.util.Set.of(), record -> { });
  }

  /**
   * @param groupsOf the Slack user groups a user belongs to (roles may be granted to groups)
   * @param audit where what the front end alone decides goes (a Slack retry recognised)
   */
  public SlackFrontEnd(App app, Orchestrator orchestrator, SlackPoster poster, Optional<String> notifications,
      Clock clock, java.util.function.Function<String, java.util.Set<String>> groupsOf,
      java.util.function.Consumer<io.gimops.bot.audit.AuditRecord> audit) {
    this.audit = audit;
    this.groupsOf = groupsOf;
    this.orchestrator = orchestrator;
    this.poster = poster;
    this.notifications = notifications;
    this.clock = clock;
    this.statusBoard = new io.gimops.bot.conversation.StatusBoard(orchestrator, clock);
    // Before any handler: a signed payload the router itself could not dispatch (no action, no view) is a 400.
    app.use((req, resp, chain) -> {
      if (req instanceof BlockActionRequest b && (b.getPayload() == null || b.getPayload().getActions() == null
          || b.getPayload().getActions().isEmpty() || b.getPayload().getActions().get(0) == null
          || b.getPayload().getActions().get(0).getActionId() == null)) {
        throw malformed("the payload carries no action (actions[0].action_id)");
      }
      if (req instanceof com.slack.api.bolt.request.builtin.ViewSubmissionRequest v && (v.getPayload() == null
          || v.getPayload().getView() == null || v.getPayload().getView().getCallbackId() == null)) {
        throw malformed("the submission carries no view (view.callback_id)");
      }
      return chain.next(req);
    });
    app.command("/gim", this::command);
    app.event(com.slack.api.model.event.AppMentionEvent.class, this::mention);
    app.blockAction(SlackBlocks.CONFIRM, this::confirm);
    app.blockAction(SlackBlocks.CANCEL, this::cancel);
    app.blockAction(SlackBlocks.CONFIRM_TYPED, this::openUninstallModal);
    app.blockAction(SlackBlocks.APPROVE, this::approve);
    app.viewSubmission(SlackBlocks.UNINSTALL_MODAL, this::uninstallTyped);
    app.blockAction(io.gimops.bot.alerts.AlertIntake.ROLLBACK_ACTION, this::alertRollback);
    app.blockAction(Pattern.compile(Pattern.quote(SlackBlocks.CHOOSE) + "\\..+"), this::choose);
    this.subscription = orchestrator.subscribe(this::onEvent);
  }

  // ---- /gim

  /** One answer to a command: its text, and whether only the requester sees it. */
  private record Answer(String text, boolean ephemeral) {
    static Answer toRequester(String text) {
      return new Answer(text, true);
    }

    static Answer toChannel(String text) {
      return new Answer(text, false);
    }
  }

  private Response command(SlashCommandRequest req, SlashCommandContext ctx) {
    var p = req.getPayload();
    Optional<String> retry = Optional.ofNullable(
        req.getHeaders().getFirstValue(io.gimops.adapters.slack.SlackHttpServer.RETRY_HEADER));
    retry.ifPresent(n -> audit(retryRecord(p.getUserId(), p.getChannelId(), "/gim " + p.getText(),
        "slack-" + p.getTriggerId(), n, "")));
    // The trigger id is unique per invocation: a retried delivery maps to the same operation.
    Answer now = handle(actor(p.getUserId(), p.getUserName()), p.getChannelId(), p.getText(), "slack-" + p.getTriggerId(),
        followUp -> respond(ctx, followUp.text(), followUp.ephemeral()));
    return now.ephemeral() ? ephemeral(ctx, now.text()) : inChannel(ctx, now.text());
  }

  /**
   * The Events API: {@code @gimops upgrade gim} in a channel is {@code /gim upgrade gim}, answered in
   * the mention's thread (errors meant for the requester only, as ephemeral messages). Slack
   * retries an event it thinks was not acknowledged, with {@code X-Slack-Retry-Num}: a retry of an
   * event already handled is recognised by its event id, audited, and does nothing again.
   */
  private Response mention(com.slack.api.app_backend.events.payload.EventsApiPayload<
      com.slack.api.model.event.AppMentionEvent> payload, com.slack.api.bolt.context.builtin.EventContext ctx) {
    var e = payload.getEvent();
    String eventId = payload.getEventId() == null ? e.getChannel() + "/" + e.getTs() : payload.getEventId();
    String text = e.getText() == null ? "" : e.getText().replaceFirst("^\\s*<@[A-Z0-9]+(\\|[^>]*)?>\\s*", "")
        .replaceFirst("^/gim\\b\\s*", "");
    if (ctx.getRetryNum() != null) {
      boolean seen = seenEvents.containsKey(eventId);
      audit(retryRecord(e.getUser(), e.getChannel(), "@mention " + text, "slack-event-" + eventId,
          ctx.getRetryNum().toString(), ctx.getRetryReason() == null ? "" : ctx.getRetryReason()));
      if (seen) {
        return ctx.ack();
      }
    }
    if (seenEvents.putIfAbsent(eventId, Boolean.TRUE) != null) {
      return ctx.ack();
    }
    String channel = e.getChannel();
    String thread = e.getThreadTs() != null ? e.getThreadTs() : e.getTs();
    String user = e.getUser();
    java.util.function.Consumer<Answer> reply = a -> later.execute(() -> {
      if (a.ephemeral()) {
        try {
          var r = ctx.client().chatPostEphemeral(m -> m.channel(channel).user(user).threadTs(thread).text(a.text()));
          if (!r.isOk()) {
            LOG.log(System.Logger.Level.WARNING, "cannot answer a mention privately: " + r.getError());
          }
        } catch (Exception ex) {
          LOG.log(System.Logger.Level.WARNING, "cannot answer a mention privately: " + ex.getMessage());
        }
      } else {
        poster.post(channel, Optional.of(thread), a.text(), Optional.empty());
      }
    });
    reply.accept(handle(actor(user, null), channel, text, "slack-event-" + eventId, reply));
    return ctx.ack();
  }

  /** Audited on this class's thread: writing the trail is I/O, and the request's thread is a loop. */
  private void audit(io.gimops.bot.audit.AuditRecord record) {
    later.execute(() -> audit.accept(record));
  }

  private io.gimops.bot.audit.AuditRecord retryRecord(String user, String channel, String request, String key,
      String retryNum, String reason) {
    return new io.gimops.bot.audit.AuditRecord(clock.instant(), "retry", Optional.empty(),
        orchestrator.access().homeEnvironmentOf(channel).orElse(""), channel, user == null ? "" : user, request,
        "recognised", Optional.empty(), java.util.List.of("R12"), java.util.List.of("Slack's retry " + retryNum
            + (reason.isBlank() ? "" : " (" + reason + ")") + " of " + key
            + ": the first delivery's result stands; nothing runs twice"));
  }

  /**
   * One command, from a slash command or a mention: the answer to give at once, and {@code followUp}
   * for what comes when the orchestrator has decided.
   */
  private Answer handle(Actor actor, String channel, String rawText, String key, java.util.function.Consumer<Answer> followUp) {
    Command command;
    try {
      command = CommandParser.parse(rawText == null ? "" : rawText);
    } catch (CommandParseException e) {
      return Answer.toRequester(Mrkdwn.escape(e.userMessage()));
    }
    if (command instanceof Command.Help h) {
      return Answer.toRequester(Mrkdwn.codeBlock(h.topic().map(CommandReference::help)
          .orElseGet(CommandReference::overview)));
    }
    Optional<String> env = command.env().or(() -> orchestrator.access().homeEnvironmentOf(channel));
    if (env.isEmpty()) {
      return Answer.toRequester("This channel is not mapped to an environment: add `--env <name>` or run /gim from an"
          + " environment's channel (rule 12).");
    }
    Optional<EnvironmentRuntime> runtime = orchestrator.environment(env.get());
    if (runtime.isEmpty()) {
      return Answer.toRequester("There is no environment " + Mrkdwn.escape(env.get()) + ".");
    }
    Optional<Action> reading = Requests.read(command);
    if (reading.isPresent()) {
      Finding door = orchestrator.gate().admit(actor, channel, isDirectMessage(channel), env.get(), reading.get(),
          "/gim " + rawText);
      if (door.refuses()) {
        return Answer.toRequester("Not answered (rule 12): " + Mrkdwn.escape(door.message()) + ".");
      }
    }
    if (command instanceof Command.Status s) {
      String table = Mrkdwn.codeBlock(statusBoard.status(runtime.get(), s.service().stream().toList()));
      // The table goes to the channel only from the environment's own channel, never into a DM or elsewhere.
      return orchestrator.access().of(env.get()).map(a -> a.allowsChannel(channel)).orElse(false)
          ? Answer.toChannel(table) : Answer.toRequester(table);
    }
    if (command instanceof Command.Releases r) {
      return Answer.toRequester(Mrkdwn.codeBlock(TextViews.releases(r.service(), orchestrator.catalog(),
          runtime.get().snapshot())));
    }
    if (command instanceof Command.History h) {
      return Answer.toRequester(Mrkdwn.codeBlock(TextViews.history(h.service(), runtime.get().snapshot())));
    }
    if (command instanceof Command.Ops) {
      return Answer.toRequester(Mrkdwn.codeBlock(TextViews.operations(orchestrator.operations().stream()
          .filter(o -> o.environment().equals(env.get())).toList())));
    }
    if (command instanceof Command.Cancel c) {
      respondWhenDone(followUp, orchestrator.cancel(c.opId(), actor, channel));
      return Answer.toRequester("Cancelling " + c.opId() + "…");
    }
    LifecycleRequest lifecycle = Requests.lifecycle(command).orElseThrow();
    Request request = Request.of(key, actor, channel, env.get(), lifecycle).withOverride(command.overrideReason());
    if (command instanceof Command.Plan) {
      orchestrator.preview(request).onComplete(r -> later.execute(() -> followUp.accept(Answer.toRequester(r.succeeded()
          ? Mrkdwn.codeBlock(TextViews.decision(r.result(), true)) : "Cannot plan: " + Mrkdwn.escape(r.cause().getMessage())))));
      return Answer.toRequester("Planning `" + Mrkdwn.inCode(lifecycle.summary()) + "`…");
    }
    respondWhenDone(followUp, orchestrator.submit(request));
    return Answer.toRequester("Deciding on `" + Mrkdwn.inCode(lifecycle.summary()) + "` in " + env.get() + "…");
  }

  /** Slack's direct-message channels have ids starting with D. */
  static boolean isDirectMessage(String channel) {
    return channel != null && channel.startsWith("D");
  }

  /** What the orchestrator answered: a refusal to the requester only; a confirmation to the channel. */
  private void respondWhenDone(java.util.function.Consumer<Answer> answer, Future<Submission> f) {
    f.onComplete(r -> later.execute(() -> {
      if (r.failed()) {
        answer.accept(Answer.toRequester("Something went wrong: " + Mrkdwn.escape(r.cause().getMessage())));
        return;
      }
      Submission s = r.result();
      if (s instanceof Submission.Refused refused) {
        answer.accept(Answer.toRequester(Mrkdwn.escape(refused.message())));
        return;
      }
      Submission.Accepted a = (Submission.Accepted) s;
      Operation op = a.operation();
      if (a.repeated()) {
        answer.accept(Answer.toRequester(op.id() + " already exists for this request (" + op.state().id()
            + "); nothing new happened."));
      } else if (op.state() == OperationState.AWAITING_CONFIRMATION) {
        var posted = poster.post(op.channel(), Optional.empty(),
            op.id() + ": " + Mrkdwn.escape(op.summary()) + " waits for confirmation",
            Optional.of(SlackBlocks.confirmation(op)));
        confirmationMessages.put(op.id(), posted);
        posted.thenAccept(ts -> orchestrator.notePosted(op.id(), CONFIRMATION, op.channel() + " " + ts));
      } else {
        answer.accept(Answer.toRequester(op.id() + ": " + op.state().id() + " " + Mrkdwn.escape(op.outcome().orElse(""))));
      }
    }));
  }

  // ---- buttons

  private Response confirm(BlockActionRequest req, ActionContext ctx) {
    return click(req, ctx, (by, channel) -> {
      String opId = Interactions.operationId(req.getPayload());
      // One key per operation and person: a double click confirms once; a refused click is not
      // remembered, so it never stands in the way of someone who may confirm.
      orchestrator.confirm(opId, "slack-confirm-" + opId + "-" + by.userId(), by, channel, Confirmations.confirmedBy(by))
          .onComplete(r -> later.execute(() -> afterConfirm(text -> respond(ctx, text), opId, by,
              r.succeeded() ? r.result() : null, r.failed() ? r.cause() : null)));
    });
  }

  /**
   * Rule 10: a button cannot confirm an uninstall; it opens a modal where the name is typed. Only
   * for someone who may uninstall (rule 12): anyone else is told so and no dialog opens.
   */
  private Response openUninstallModal(BlockActionRequest req, ActionContext ctx) {
    return click(req, ctx, (by, channel) -> {
      String opId = Interactions.operationId(req.getPayload());
      String trigger = req.getPayload().getTriggerId();
      Optional<Operation> op = orchestrator.operation(opId);
      if (op.isEmpty() || !(op.get().request() instanceof LifecycleRequest.Uninstall u)) {
        later.execute(() -> respond(ctx, "There is no uninstall " + opId + " waiting for confirmation."));
        return;
      }
      Finding door = orchestrator.gate().admit(by, channel, false, op.get().environment(), Action.UNINSTALL,
          "open the uninstall dialog of " + opId);
      if (door.refuses()) {
        later.execute(() -> respond(ctx, "Not opened (rule 12): " + Mrkdwn.escape(door.message()) + "."));
        return;
      }
      later.execute(() -> {
        try {
          var r = ctx.client().viewsOpen(v -> v.triggerId(trigger)
              .viewAsString(SlackBlocks.uninstallModal(op.get(), u.service().id())));
          if (!r.isOk()) {
            respond(ctx, "Cannot open the confirmation dialog: " + Mrkdwn.escape(r.getError()));
          }
        } catch (Exception e) {
          respond(ctx, "Cannot open the confirmation dialog: " + Mrkdwn.escape(e.getMessage()));
        }
      });
    });
  }

  private Response uninstallTyped(com.slack.api.bolt.request.builtin.ViewSubmissionRequest req,
      com.slack.api.bolt.context.builtin.ViewSubmissionContext ctx) {
    var payload = req.getPayload();
    String userId;
    String opId;
    Optional<String> typed;
    try {
      userId = Interactions.submitter(payload);
      opId = Interactions.modalOperation(payload);
      typed = Interactions.typed(payload, "name", "typed");
    } catch (Interactions.Malformed e) {
      throw malformed(e.getMessage());
    }
    Optional<Operation> op = orchestrator.operation(opId);
    if (op.isEmpty() || !(op.get().request() instanceof LifecycleRequest.Uninstall u)) {
      return ctx.ackWithErrors(Map.of("name", "This operation no longer waits for confirmation."));
    }
    Actor by = actor(userId, payload.getUser().getUsername());
    // The dialog was opened from the operation's confirmation, in its channel.
    Finding door = orchestrator.gate().admit(by, op.get().channel(), false, op.get().environment(), Action.UNINSTALL,
        "submit the uninstall dialog of " + opId);
    if (door.refuses()) {
      return ctx.ackWithErrors(Map.of("name", "Not allowed (rule 12): " + door.message()));
    }
    if (typed.isEmpty() || !typed.get().strip().equals(u.service().id())) {
      return ctx.ackWithErrors(Map.of("name", "Type " + u.service().id() + " exactly to uninstall it."));
    }
    String channel = op.get().channel();
    orchestrator.confirm(opId, "slack-confirm-" + opId + "-" + by.userId(), by, channel,
        Confirmations.confirmedBy(by).withTypedServiceName(typed.get().strip()))
        .onComplete(r -> later.execute(() -> afterConfirm(text -> tell(ctx.client(), channel, by.userId(), text), opId, by,
            r.succeeded() ? r.result() : null, r.failed() ? r.cause() : null)));
    return ctx.ack();
  }

  /**
   * Roll back, offered on an alert: a request, not a command. It is decided like {@code /gim
   * rollback} (rules 1, 6, 12) and, allowed, asks for confirmation in the channel with the plan
   * and the checklist; the engine decides again when someone confirms. One key per offer and
   * person: a double click asks once.
   */
  private Response alertRollback(BlockActionRequest req, ActionContext ctx) {
    return click(req, ctx, (by, channel) -> {
      Interactions.AlertRollback offer = Interactions.alertRollback(req.getPayload());
      Request r = Request.of("alert-rollback-" + offer.environment() + "-" + offer.service().id() + "-"
          + offer.revision() + "-" + by.userId(), by, channel, offer.environment(),
          new LifecycleRequest.Rollback(offer.service(), java.util.OptionalInt.of(offer.revision())));
      respondWhenDone(a -> respond(ctx, a.text()), orchestrator.submit(r));
    });
  }

  /** Rule 10: in production a second admin approves an uninstall. */
  private Response approve(BlockActionRequest req, ActionContext ctx) {
    return click(req, ctx, (by, channel) -> {
      String opId = Interactions.operationId(req.getPayload());
      orchestrator.confirm(opId, "slack-approve-" + opId + "-" + by.userId(), by, channel,
          Confirmations.NONE.withSecondApprover(by))
          .onComplete(r -> later.execute(() -> afterConfirm(text -> respond(ctx, text), opId, by,
              r.succeeded() ? r.result() : null, r.failed() ? r.cause() : null)));
    });
  }

  private void afterConfirm(java.util.function.Consumer<String> toClicker, String opId, Actor by, Submission s,
      Throwable failure) {
    if (s == null) {
      toClicker.accept("Something went wrong: " + Mrkdwn.escape(failure == null ? "no answer" : failure.getMessage()));
      return;
    }
    if (s instanceof Submission.Refused refused) {
      toClicker.accept(Mrkdwn.escape(refused.message()));
      return;
    }
    if (s instanceof Submission.Accepted a && a.repeated()) {
      toClicker.accept(opId + " was already confirmed (" + a.operation().state().id() + ").");
      return;
    }
    if (a(s).state() == OperationState.AWAITING_CONFIRMATION) {
      // Confirmed, and still waiting (for a second approver): show who, keep the buttons that remain.
      Optional.ofNullable(confirmationMessages.get(opId)).ifPresent(m -> m.thenAccept(ts -> poster.update(
          a(s).channel(), ts, opId + " confirmed; waiting for approval", Optional.of(SlackBlocks.confirmation(a(s))),
          false)));
      return;
    }
    // Confirmed: the confirmation's final state says by whom (and is no longer closed when the operation ends).
    orchestrator.notePosted(opId, CONFIRMATION_CLOSED, "confirmed");
    Optional.ofNullable(confirmationMessages.remove(opId)).ifPresent(m -> m.thenAccept(ts -> poster.update(
        a(s).channel(), ts, opId + " confirmed by " + Mrkdwn.escape(by.displayName()),
        Optional.of(new io.vertx.core.json.JsonArray().add(SlackBlocks.section("*" + opId + "*: "
            + Mrkdwn.escape(a(s).summary()) + ": confirmed by " + SlackBlocks.mention(by.userId()))).encode()), true)));
  }

  private static Operation a(Submission s) {
    return ((Submission.Accepted) s).operation();
  }

  private Response cancel(BlockActionRequest req, ActionContext ctx) {
    return click(req, ctx, (by, channel) -> {
      String opId = Interactions.operationId(req.getPayload());
      // Cancelled before it started, the operation ends and its confirmation is closed (closeConfirmation).
      orchestrator.cancel(opId, by, channel).onComplete(r -> later.execute(() -> {
        if (r.succeeded() && r.result() instanceof Submission.Accepted a) {
          if (!a.operation().state().ended()) {
            respond(ctx, Mrkdwn.escape(opId + ": " + a.operation().outcome().orElse("cancel asked")));
          }
        } else if (r.succeeded()) {
          respond(ctx, Mrkdwn.escape(((Submission.Refused) r.result()).message()));
        } else {
          respond(ctx, "Something went wrong: " + Mrkdwn.escape(r.cause().getMessage()));
        }
      }));
    });
  }

  private Response choose(BlockActionRequest req, ActionContext ctx) {
    return click(req, ctx, (by, channel) -> {
      Interactions.Choice c = Interactions.choice(req.getPayload());
      // One key per prompt: whichever of its buttons is clicked first, and however often, acts once
      // (another prompt of the same operation has its own). A click refused by rule 12 is not
      // remembered under it.
      String key = "slack-choose-" + c.operationId() + c.prompt().map(k -> "-" + k.id()).orElse("");
      orchestrator.choose(c.operationId(), c.prompt(), c.choiceId(), key, by, Optional.of(channel))
          .onComplete(r -> later.execute(() -> {
            if (r.failed()) {
              respond(ctx, "Something went wrong: " + Mrkdwn.escape(r.cause().getMessage()));
            } else if (r.result() instanceof Submission.Refused refused) {
              respond(ctx, Mrkdwn.escape(refused.message()));
            } else if (((Submission.Accepted) r.result()).repeated()) {
              respond(ctx, "That prompt was already answered.");
            }
          }));
    });
  }

  /** What a click does, once its payload has been read: who clicked, in which channel. */
  @FunctionalInterface
  private interface ClickHandler {
    void handle(Actor by, String channel);
  }

  /**
   * Every button goes through here: the clicking user and channel from the signed payload (a
   * click outside any channel counts as from the operation's own channel only where the
   * orchestrator says so: here it has none, and rule 12 refuses), a client fault (400) for a
   * payload the bot's buttons could not have produced, an acknowledgement otherwise.
   */
  private Response click(BlockActionRequest req, ActionContext ctx, ClickHandler handler) {
    try {
      Interactions.Clicker clicker = Interactions.clicker(req.getPayload());
      handler.handle(actor(clicker.userId(), clicker.userName()), clicker.channel().orElse(""));
    } catch (Interactions.Malformed e) {
      throw malformed(e.getMessage());
    }
    return ctx.ack();
  }

  /**
   * A signed payload the bot could not have produced: a client fault, which the HTTP door answers
   * 400 with what is wrong and audits once (HttpGuard.answer, the one place for that).
   */
  private static io.gimops.adapters.http.ClientFault malformed(String why) {
    return io.gimops.adapters.http.ClientFault.badRequest("malformed interaction payload: " + why);
  }

  /** A message only {@code user} sees, in a channel (an ephemeral message). */
  private static void tell(com.slack.api.methods.MethodsClient client, String channel, String user, String text) {
    try {
      var r = client.chatPostEphemeral(m -> m.channel(channel).user(user).text(text));
      if (!r.isOk()) {
        LOG.log(System.Logger.Level.WARNING, "cannot tell " + user + " privately: " + r.getError());
      }
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "cannot tell " + user + " privately: " + e.getMessage());
    }
  }

  /** A Slack user as the policies see them: their id, a name, and their user groups (rule 12). */
  private Actor actor(String userId, String name) {
    return new Actor(userId, name == null ? userId : name, groupsOf.apply(userId));
  }

  // ---- progress

  private void onEvent(OperationEvent e) {
    if (e instanceof OperationEvent.Notice n) {
      Optional<String> channel = n.environment().isEmpty() ? notifications
          : orchestrator.access().of(n.environment())
              .flatMap(a -> a.channels().stream().filter(this::isSlackChannel).sorted().findFirst())
              .or(() -> notifications);
      channel.ifPresent(c -> poster.post(c, Optional.empty(), ":warning: " + Mrkdwn.escape(n.message()),
          Optional.empty()));
      return;
    }
    if (e.operation().isEmpty()) {
      return;
    }
    Operation op = e.operation().get();
    if (!isSlackChannel(op.channel())) {
      return;
    }
    if (e instanceof OperationEvent.Started) {
      progressMessages.computeIfAbsent(op.id(), id -> {
        var posted = poster.post(op.channel(), Optional.empty(), SlackBlocks.progressText(op),
            Optional.of(SlackBlocks.progress(op)));
        posted.thenAccept(ts -> orchestrator.notePosted(op.id(), PROGRESS, op.channel() + " " + ts));
        return posted;
      });
    } else if (e instanceof OperationEvent.StepStarted || e instanceof OperationEvent.VerificationProgress) {
      update(op, false);
    } else if (e instanceof OperationEvent.OutputLine l) {
      output.computeIfAbsent(op.id(), k -> new java.util.ArrayDeque<>()).addLast(l.line());
      java.util.Deque<String> lines = output.get(op.id());
      while (lines.size() > OUTPUT_LINES) {
        lines.removeFirst();
      }
    } else if (e instanceof OperationEvent.StepSucceeded s) {
      update(op, false);
      thread(op, stepReport(op, s.index(), "done", s.detail()));
    } else if (e instanceof OperationEvent.StepFailed f) {
      update(op, false);
      thread(op, stepReport(op, f.index(), "FAILED", f.reasons()));
    } else if (e instanceof OperationEvent.AlertRaised a) {
      poster.post(op.channel(), Optional.empty(), ":rotating_light: " + op.id() + " (rule 9): "
          + Mrkdwn.escape(a.alert().message()), Optional.empty());
    } else if (e instanceof OperationEvent.PromptRaised p) {
      String kind = PROMPT + p.prompt().id();
      var posted = poster.post(op.channel(), Optional.empty(), op.id() + ": " + Mrkdwn.escape(p.prompt().message()),
          Optional.of(SlackBlocks.prompt(op, p.prompt())));
      promptMessages.put(op.id() + "/" + kind, posted);
      posted.thenAccept(ts -> orchestrator.notePosted(op.id(), kind, op.channel() + " " + ts));
    } else if (e instanceof OperationEvent.PromptClosed c) {
      // That prompt's buttons go; the operation's other prompts keep theirs.
      String kind = PROMPT + c.prompt().id();
      Optional.ofNullable(promptMessages.remove(op.id() + "/" + kind))
          .or(() -> posted(op, kind).map(java.util.concurrent.CompletableFuture::completedFuture))
          .ifPresent(f -> f.thenAccept(ts -> poster.update(op.channel(), ts, op.id() + ": " + Mrkdwn.escape(
              c.prompt().message()), Optional.of(SlackBlocks.closedPrompt(op, c.prompt(), c.how())), true)));
    } else if (e instanceof OperationEvent.Finished || e instanceof OperationEvent.Recovered) {
      if (e instanceof OperationEvent.Recovered && !op.posted().containsKey(PROGRESS)
          && !op.posted().containsKey(CONFIRMATION)) {
        return;
      }
      closeConfirmation(op);
      update(op, true);
      output.remove(op.id());
      finalReport(op);
    }
  }

  /**
   * The summary to the notifications channel, once per final state (a failed operation that is
   * rolled back later is reported again, as rolled back); journaled, so that a restart or another
   * replica does not send it twice.
   */
  private void finalReport(Operation op) {
    String kind = FINAL + op.state().id();
    if (notifications.isEmpty() || op.posted().containsKey(kind) || !finalReports.add(op.id() + "/" + kind)) {
      return;
    }
    poster.post(notifications.get(), Optional.empty(), SlackBlocks.summary(op), Optional.empty())
        .thenAccept(ts -> orchestrator.notePosted(op.id(), kind, notifications.get() + " " + ts));
  }

  /** The progress message of an operation: posted by this process, or journaled by the one before it. */
  private Optional<java.util.concurrent.CompletableFuture<String>> progressMessage(Operation op) {
    java.util.concurrent.CompletableFuture<String> mine = progressMessages.get(op.id());
    if (mine != null) {
      return Optional.of(mine);
    }
    return posted(op, PROGRESS).map(ts -> progressMessages.computeIfAbsent(op.id(),
        id -> java.util.concurrent.CompletableFuture.completedFuture(ts)));
  }

  /** The ts of something journaled as posted in the operation's own channel. */
  private static Optional<String> posted(Operation op, String kind) {
    return Optional.ofNullable(op.posted().get(kind)).map(w -> w.split(" ", 2))
        .filter(w -> w.length == 2 && w[0].equals(op.channel())).map(w -> w[1]);
  }

  /**
   * An operation that ended while its confirmation was still open (cancelled from the console or by
   * another replica, refused when confirmed, ...): the confirmation loses its buttons and says how
   * it ended, so nobody clicks on something that is over.
   */
  private void closeConfirmation(Operation op) {
    if (op.posted().containsKey(CONFIRMATION_CLOSED)) {
      confirmationMessages.remove(op.id());
      return;
    }
    Optional<java.util.concurrent.CompletableFuture<String>> open = Optional.ofNullable(confirmationMessages.remove(op.id()))
        .or(() -> posted(op, CONFIRMATION).map(java.util.concurrent.CompletableFuture::completedFuture));
    if (open.isEmpty()) {
      return;
    }
    open.get().thenAccept(ts -> poster.update(
        op.channel(), ts, op.id() + " " + op.state().id(), Optional.of(new io.vertx.core.json.JsonArray()
            .add(SlackBlocks.section("*" + op.id() + "*: " + Mrkdwn.escape(op.summary()) + ": "
                + op.state().id().toUpperCase(java.util.Locale.ROOT) + ". " + Mrkdwn.escape(op.outcome().orElse(""))))
            .encode()), true));
    orchestrator.notePosted(op.id(), CONFIRMATION_CLOSED, op.state().id());
  }

  /** One thread message per step: what it was, how it ended, and what helm (or the check) said. */
  private String stepReport(Operation op, int index, String how, java.util.List<String> detail) {
    StringBuilder sb = new StringBuilder("*step " + (index + 1) + "* " + how + ": `"
        + Mrkdwn.inCode(op.steps().get(index).step().describe()) + "`");
    detail.forEach(d -> sb.append("\n• ").append(Mrkdwn.escape(d)));
    java.util.Deque<String> lines = output.remove(op.id());
    if (lines != null && !lines.isEmpty()) {
      sb.append("\n").append(Mrkdwn.codeBlock(String.join("\n", lines)));
    }
    return sb.length() > 3500 ? sb.substring(0, 3500) + "…" : sb.toString();
  }

  private boolean isSlackChannel(String channel) {
    return orchestrator.access().homeEnvironmentOf(channel).isPresent() && !channel.equals("console");
  }

  private void update(Operation op, boolean last) {
    progressMessage(op).ifPresent(m -> later.execute(() ->
        ts(m).ifPresent(ts -> poster.update(op.channel(), ts, SlackBlocks.progressText(op),
            Optional.of(SlackBlocks.progress(op)), last))));
  }

  /** Thread replies go out in order: one thread of ours hands them to the poster, which keeps order per channel. */
  private void thread(Operation op, String text) {
    progressMessage(op).ifPresent(m -> later.execute(() ->
        ts(m).ifPresent(ts -> poster.post(op.channel(), Optional.of(ts), text, Optional.empty()))));
  }

  private static Optional<String> ts(java.util.concurrent.CompletableFuture<String> message) {
    try {
      return Optional.of(message.get(2, java.util.concurrent.TimeUnit.MINUTES));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "the progress message was never posted: " + e.getMessage());
      return Optional.empty();
    }
  }

  // ---- answering

  private static Response ephemeral(SlashCommandContext ctx, String text) {
    return ctx.ack(r -> r.responseType("ephemeral").text(text));
  }

  private static Response inChannel(SlashCommandContext ctx, String text) {
    return ctx.ack(r -> r.responseType("in_channel").text(text));
  }

  private static void respond(SlashCommandContext ctx, String text, boolean ephemeral) {
    try {
      ctx.respond(r -> r.responseType(ephemeral ? "ephemeral" : "in_channel").text(text));
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "cannot answer through the response URL: " + e.getMessage());
    }
  }

  private static void respond(ActionContext ctx, String text) {
    try {
      ctx.respond(r -> r.responseType("ephemeral").replaceOriginal(false).text(text));
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "cannot answer through the response URL: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    subscription.unregister();
    thread.shutdownNow();
  }
}
