package io.gimops.bot.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.SlashCommandContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.SlashCommandRequest;
import com.slack.api.bolt.response.Response;
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
import io.gimops.policies.decision.Confirmations;
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
  private final ExecutorService later = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "slack-front-end");
    t.setDaemon(true);
    return t;
  });
  private final Map<String, java.util.concurrent.CompletableFuture<String>> progressMessages = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.CompletableFuture<String>> confirmationMessages = new ConcurrentHashMap<>();
  private final MessageConsumer<OperationEvent> subscription;
  private static final int OUTPUT_LINES = 30;
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
      return Answer.toRequester(e.userMessage());
    }
    if (command instanceof Command.Help h) {
      return Answer.toRequester("```" + h.topic().map(CommandReference::help).orElseGet(CommandReference::overview) + "```");
    }
    Optional<String> env = command.env().or(() -> orchestrator.access().homeEnvironmentOf(channel));
    if (env.isEmpty()) {
      return Answer.toRequester("This channel is not mapped to an environment: add `--env <name>` or run /gim from an"
          + " environment's channel (rule 12).");
    }
    Optional<EnvironmentRuntime> runtime = orchestrator.environment(env.get());
    if (runtime.isEmpty()) {
      return Answer.toRequester("There is no environment " + env.get() + ".");
    }
    if (command instanceof Command.Status s) {
      return Answer.toChannel("```" + statusBoard.status(runtime.get(), s.service().stream().toList()) + "```");
    }
    if (command instanceof Command.Releases r) {
      return Answer.toRequester("```" + TextViews.releases(r.service(), orchestrator.catalog(), runtime.get().snapshot()) + "```");
    }
    if (command instanceof Command.History h) {
      return Answer.toRequester("```" + TextViews.history(h.service(), runtime.get().snapshot()) + "```");
    }
    if (command instanceof Command.Ops) {
      return Answer.toRequester("```" + TextViews.operations(orchestrator.operations().stream()
          .filter(o -> o.environment().equals(env.get())).toList()) + "```");
    }
    if (command instanceof Command.Cancel c) {
      respondWhenDone(followUp, orchestrator.cancel(c.opId(), actor));
      return Answer.toRequester("Cancelling " + c.opId() + "…");
    }
    LifecycleRequest lifecycle = Requests.lifecycle(command).orElseThrow();
    Request request = Request.of(key, actor, channel, env.get(), lifecycle).withOverride(command.overrideReason());
    if (command instanceof Command.Plan) {
      orchestrator.preview(request).onComplete(r -> later.execute(() -> followUp.accept(Answer.toRequester(r.succeeded()
          ? "```" + TextViews.decision(r.result(), true) + "```" : "Cannot plan: " + r.cause().getMessage()))));
      return Answer.toRequester("Planning `" + lifecycle.summary() + "`…");
    }
    respondWhenDone(followUp, orchestrator.submit(request));
    return Answer.toRequester("Deciding on `" + lifecycle.summary() + "` in " + env.get() + "…");
  }

  /** What the orchestrator answered: a refusal to the requester only; a confirmation to the channel. */
  private void respondWhenDone(java.util.function.Consumer<Answer> answer, Future<Submission> f) {
    f.onComplete(r -> later.execute(() -> {
      if (r.failed()) {
        answer.accept(Answer.toRequester("Something went wrong: " + r.cause().getMessage()));
        return;
      }
      Submission s = r.result();
      if (s instanceof Submission.Refused refused) {
        answer.accept(Answer.toRequester(refused.message()));
        return;
      }
      Submission.Accepted a = (Submission.Accepted) s;
      Operation op = a.operation();
      if (a.repeated()) {
        answer.accept(Answer.toRequester(op.id() + " already exists for this request (" + op.state().id()
            + "); nothing new happened."));
      } else if (op.state() == OperationState.AWAITING_CONFIRMATION) {
        confirmationMessages.put(op.id(), poster.post(op.channel(), Optional.empty(),
            op.id() + ": " + op.summary() + " waits for confirmation", Optional.of(SlackBlocks.confirmation(op))));
      } else {
        answer.accept(Answer.toRequester(op.id() + ": " + op.state().id() + " " + op.outcome().orElse("")));
      }
    }));
  }

  // ---- buttons

  private Response confirm(BlockActionRequest req, ActionContext ctx) {
    String opId = req.getPayload().getActions().get(0).getValue();
    Actor by = actor(req);
    // One key per operation: a double click, or two people clicking, confirm it once.
    orchestrator.confirm(opId, "slack-confirm-" + opId, by, Confirmations.confirmedBy(by))
        .onComplete(r -> later.execute(() -> afterConfirm(ctx, opId, by, r.succeeded() ? r.result() : null)));
    return ctx.ack();
  }

  /** Rule 10: a button cannot confirm an uninstall; it opens a modal where the name is typed. */
  private Response openUninstallModal(BlockActionRequest req, ActionContext ctx) {
    String opId = req.getPayload().getActions().get(0).getValue();
    String trigger = req.getPayload().getTriggerId();
    Optional<Operation> op = orchestrator.operation(opId);
    if (op.isPresent() && op.get().request() instanceof LifecycleRequest.Uninstall u) {
      later.execute(() -> {
        try {
          var r = ctx.client().viewsOpen(v -> v.triggerId(trigger)
              .viewAsString(SlackBlocks.uninstallModal(op.get(), u.service().id())));
          if (!r.isOk()) {
            respond(ctx, "Cannot open the confirmation dialog: " + r.getError());
          }
        } catch (Exception e) {
          respond(ctx, "Cannot open the confirmation dialog: " + e.getMessage());
        }
      });
    }
    return ctx.ack();
  }

  private Response uninstallTyped(com.slack.api.bolt.request.builtin.ViewSubmissionRequest req,
      com.slack.api.bolt.context.builtin.ViewSubmissionContext ctx) {
    var view = req.getPayload().getView();
    String opId = view.getPrivateMetadata();
    var typed = view.getState().getValues().get("name").get("typed").getValue();
    Optional<Operation> op = orchestrator.operation(opId);
    if (op.isEmpty() || !(op.get().request() instanceof LifecycleRequest.Uninstall u)) {
      return ctx.ackWithErrors(Map.of("name", "This operation no longer waits for confirmation."));
    }
    if (typed == null || !typed.strip().equals(u.service().id())) {
      return ctx.ackWithErrors(Map.of("name", "Type " + u.service().id() + " exactly to uninstall it."));
    }
    var user = req.getPayload().getUser();
    Actor by = actor(user.getId(), user.getUsername());
    orchestrator.confirm(opId, "slack-confirm-" + opId, by, Confirmations.confirmedBy(by).withTypedServiceName(typed.strip()))
        .onComplete(r -> later.execute(() -> afterConfirm(null, opId, by, r.succeeded() ? r.result() : null)));
    return ctx.ack();
  }

  /**
   * Roll back, offered on an alert: a rollback request of its own, confirmed by the click, decided
   * by the engine like any other (rules 1, 6, 12). One key per offer: a double click acts once.
   */
  private Response alertRollback(BlockActionRequest req, ActionContext ctx) {
    String value = req.getPayload().getActions().get(0).getValue();
    String[] v = value.split("\\|");
    Actor by = actor(req);
    Optional<io.gimops.policies.domain.ServiceKind> k = v.length == 3
        ? io.gimops.policies.domain.ServiceKind.fromName(v[1]) : Optional.empty();
    if (k.isEmpty()) {
      return ctx.ack();
    }
    String channel = req.getPayload().getChannel() == null ? "" : req.getPayload().getChannel().getId();
    Request r = new Request("alert-rollback-" + value, by, channel, v[0],
        new LifecycleRequest.Rollback(k.get(), java.util.OptionalInt.of(Integer.parseInt(v[2]))), Optional.empty(),
        Confirmations.confirmedBy(by));
    orchestrator.submit(r).onComplete(ar -> later.execute(() -> {
      if (ar.failed()) {
        respond(ctx, "Something went wrong: " + ar.cause().getMessage());
      } else if (ar.result() instanceof Submission.Refused refused) {
        respond(ctx, refused.message());
      } else if (((Submission.Accepted) ar.result()).repeated()) {
        respond(ctx, "That rollback was already asked for.");
      }
    }));
    return ctx.ack();
  }

  /** Rule 10: in production a second admin approves an uninstall. */
  private Response approve(BlockActionRequest req, ActionContext ctx) {
    String opId = req.getPayload().getActions().get(0).getValue();
    Actor by = actor(req);
    orchestrator.confirm(opId, "slack-approve-" + opId + "-" + by.userId(), by,
        Confirmations.NONE.withSecondApprover(by))
        .onComplete(r -> later.execute(() -> afterConfirm(ctx, opId, by, r.succeeded() ? r.result() : null)));
    return ctx.ack();
  }

  private void afterConfirm(ActionContext ctx, String opId, Actor by, Submission s) {
    if (s == null) {
      return;
    }
    if (s instanceof Submission.Refused refused) {
      if (ctx != null) {
        respond(ctx, refused.message());
      } else {
        orchestrator.operation(opId).ifPresent(op -> poster.post(op.channel(), Optional.empty(),
            "<@" + by.userId() + ">: " + refused.message(), Optional.empty()));
      }
      return;
    }
    if (s instanceof Submission.Accepted a && a.repeated()) {
      if (ctx != null) {
        respond(ctx, opId + " was already confirmed (" + a.operation().state().id() + ").");
      }
      return;
    }
    if (a(s).state() == OperationState.AWAITING_CONFIRMATION) {
      // Confirmed, and still waiting (for a second approver): show who, keep the buttons that remain.
      Optional.ofNullable(confirmationMessages.get(opId)).ifPresent(m -> m.thenAccept(ts -> poster.update(
          a(s).channel(), ts, opId + " confirmed; waiting for approval", Optional.of(SlackBlocks.confirmation(a(s))),
          false)));
      return;
    }
    Optional.ofNullable(confirmationMessages.get(opId)).ifPresent(m -> m.thenAccept(ts -> poster.update(
        a(s).channel(), ts, opId + " confirmed by " + by.displayName(), Optional.of(new io.vertx.core.json.JsonArray()
            .add(SlackBlocks.section("*" + opId + "*: " + a(s).summary() + ": confirmed by <@" + by.userId() + ">"))
            .encode()), true)));
  }

  private static Operation a(Submission s) {
    return ((Submission.Accepted) s).operation();
  }

  private Response cancel(BlockActionRequest req, ActionContext ctx) {
    String opId = req.getPayload().getActions().get(0).getValue();
    orchestrator.cancel(opId, actor(req)).onComplete(r -> later.execute(() -> {
      if (r.succeeded() && r.result() instanceof Submission.Accepted a) {
        Optional.ofNullable(confirmationMessages.get(opId)).ifPresent(m -> m.thenAccept(ts -> poster.update(
            a.operation().channel(), ts, opId + " cancelled", Optional.of(new io.vertx.core.json.JsonArray()
                .add(SlackBlocks.section("*" + opId + "*: " + a.operation().summary() + ": "
                    + a.operation().outcome().orElse("cancelled"))).encode()), true)));
      } else if (r.succeeded()) {
        respond(ctx, ((Submission.Refused) r.result()).message());
      }
    }));
    return ctx.ack();
  }

  private Response choose(BlockActionRequest req, ActionContext ctx) {
    String[] value = req.getPayload().getActions().get(0).getValue().split(":", 2);
    Actor by = actor(req);
    // One key per prompt: whichever button is clicked first, and however often, acts once.
    orchestrator.choose(value[0], value[1], "slack-choose-" + value[0], by).onComplete(r -> later.execute(() -> {
      if (r.failed()) {
        respond(ctx, "Something went wrong: " + r.cause().getMessage());
      } else if (r.result() instanceof Submission.Refused refused) {
        respond(ctx, refused.message());
      } else if (((Submission.Accepted) r.result()).repeated()) {
        respond(ctx, "That prompt was already answered.");
      }
    }));
    return ctx.ack();
  }

  private Actor actor(BlockActionRequest req) {
    var u = req.getPayload().getUser();
    return actor(u.getId(), u.getUsername());
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
      channel.ifPresent(c -> poster.post(c, Optional.empty(), ":warning: " + n.message(), Optional.empty()));
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
      progressMessages.computeIfAbsent(op.id(), id -> poster.post(op.channel(), Optional.empty(),
          SlackBlocks.progressText(op), Optional.of(SlackBlocks.progress(op))));
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
      poster.post(op.channel(), Optional.empty(), ":rotating_light: " + op.id() + " (rule 9): " + a.alert().message(),
          Optional.empty());
    } else if (e instanceof OperationEvent.PromptRaised p) {
      poster.post(op.channel(), Optional.empty(), op.id() + ": " + p.prompt().message(),
          Optional.of(SlackBlocks.prompt(op, p.prompt())));
    } else if (e instanceof OperationEvent.Finished) {
      update(op, true);
      output.remove(op.id());
      notifications.ifPresent(n -> poster.post(n, Optional.empty(), SlackBlocks.summary(op), Optional.empty()));
    }
  }

  /** One thread message per step: what it was, how it ended, and what helm (or the check) said. */
  private String stepReport(Operation op, int index, String how, java.util.List<String> detail) {
    StringBuilder sb = new StringBuilder("*step " + (index + 1) + "* " + how + ": `"
        + op.steps().get(index).step().describe() + "`");
    detail.forEach(d -> sb.append("\n• ").append(d));
    java.util.Deque<String> lines = output.remove(op.id());
    if (lines != null && !lines.isEmpty()) {
      sb.append("\n```").append(String.join("\n", lines)).append("```");
    }
    return sb.length() > 3500 ? sb.substring(0, 3500) + "…" : sb.toString();
  }

  private boolean isSlackChannel(String channel) {
    return orchestrator.access().homeEnvironmentOf(channel).isPresent() && !channel.equals("console");
  }

  private void update(Operation op, boolean last) {
    Optional.ofNullable(progressMessages.get(op.id())).ifPresent(m -> later.execute(() ->
        ts(m).ifPresent(ts -> poster.update(op.channel(), ts, SlackBlocks.progressText(op),
            Optional.of(SlackBlocks.progress(op)), last))));
  }

  /** Thread replies go out in order: one thread of ours hands them to the poster, which keeps order per channel. */
  private void thread(Operation op, String text) {
    Optional.ofNullable(progressMessages.get(op.id())).ifPresent(m -> later.execute(() ->
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
    later.shutdownNow();
  }
}
