package io.gimops.bot.console;

import io.gimops.adapters.sandbox.SandboxControls;
import io.gimops.bot.command.Command;
import io.gimops.bot.command.CommandParseException;
import io.gimops.bot.command.CommandParser;
import io.gimops.bot.command.CommandReference;
import io.gimops.bot.conversation.Requests;
import io.gimops.bot.conversation.TextViews;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationEvent;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.operation.Prompt;
import io.gimops.bot.operation.StepRecord;
import io.gimops.bot.orchestrator.Orchestrator;
import io.gimops.bot.orchestrator.Request;
import io.gimops.bot.orchestrator.Submission;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ServiceKind;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The console front end: the conversation Slack will have, in a terminal. It speaks {@code /gim}
 * commands to the real orchestrator (status tables, plans with each rule's verdict, confirmation
 * with the vendor's checklist, live progress, alert and rollback prompts with numbered choices).
 * Every line gets its own idempotency key, so a line is never acted on twice.
 *
 * <p>Console-only words: {@code confirm [op] [typed-name]}, {@code approve [op]} (a second
 * approver), {@code choose <n> [op]}, {@code as viewer|operator|admin|admin2}, and, in the
 * sandbox, {@code sandbox break|fix <service> ...}.
 */
public final class Console implements AutoCloseable {

  private static final long ANSWER_SECONDS = 60;

  private final Orchestrator orchestrator;
  private final Map<String, Actor> people;
  private final Map<String, String> channels;
  private final Optional<SandboxControls> sandbox;
  private final Consumer<String> out;
  private final Clock clock;
  private final String session;
  private final MessageConsumer<OperationEvent> subscription;
  private final java.util.concurrent.ExecutorService printer = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "console-printer");
    t.setDaemon(true);
    return t;
  });
  private String environment;
  private Actor actor;
  private long line;
  private Optional<String> lastOperation = Optional.empty();

  /**
   * @param people who the console may act as, by role word ({@code operator}, {@code admin}, ...)
   * @param channels the channel that stands for each environment (rule 12 checks channels)
   * @param out where everything goes, answers and live progress alike
   */
  public Console(Orchestrator orchestrator, String environment, Map<String, Actor> people, String startAs,
      Map<String, String> channels, Optional<SandboxControls> sandbox, Consumer<String> out, Clock clock) {
    this.orchestrator = orchestrator;
    this.environment = environment;
    this.people = Map.copyOf(people);
    this.channels = Map.copyOf(channels);
    this.sandbox = sandbox;
    this.out = out;
    this.clock = clock;
    this.actor = people.get(startAs);
    this.session = Long.toString(clock.millis(), 36);
    this.subscription = orchestrator.subscribe(this::onEvent);
  }

  public String banner() {
    return "gimops console: /gim commands against " + (sandbox.isPresent() ? "the sandbox cluster" : "the cluster")
        + " (environment " + environment + "), as " + actor.displayName() + ".\n"
        + "Try `/gim status`, `/gim upgrade all`, then `confirm`. `help` lists the commands; `as viewer|operator|admin`"
        + " changes who you are" + (sandbox.isPresent() ? "; `sandbox help` shows how to break things on purpose" : "")
        + "; `quit` leaves.\n";
  }

  /** Answers one line; progress of what it starts arrives later through {@code out}. */
  public String handle(String input) {
    line++;
    String key = "console-" + session + "-" + line;
    String text = input.strip();
    if (text.startsWith("/gim")) {
      text = text.substring(4).strip();
    }
    if (text.isEmpty()) {
      return "";
    }
    List<String> words = List.of(text.split("\\s+"));
    String first = words.get(0).toLowerCase(Locale.ROOT);
    try {
      switch (first) {
        case "as":
          return switchPerson(words);
        case "confirm":
          return confirm(words, key, false);
        case "approve":
          return confirm(words, key, true);
        case "choose":
          return choose(words, key);
        case "sandbox":
          return sandboxCommand(words);
        default:
          return command(text, key);
      }
    } catch (RuntimeException e) {
      return "Something went wrong: " + e.getMessage() + "\n";
    }
  }

  private String command(String text, String key) {
    Command command;
    try {
      command = CommandParser.parse(text);
    } catch (CommandParseException e) {
      return e.userMessage() + "\n";
    }
    String env = command.env().orElse(environment);
    if (orchestrator.environment(env).isEmpty()) {
      return "There is no environment " + env + " here: use " + orchestrator.environments().stream()
          .map(e -> e.name()).sorted().toList() + ".\n";
    }
    Environment environment = orchestrator.environment(env).get().environment();
    if (command instanceof Command.Help h) {
      return h.topic().map(CommandReference::help).orElseGet(CommandReference::overview) + "\n" + consoleHelp();
    }
    Optional<io.gimops.policies.decision.Action> reading = Requests.read(command);
    if (reading.isPresent()) {
      // Rule 12 for reads, as in Slack: a role in the environment, from its channel.
      io.gimops.policies.decision.Finding door = orchestrator.gate().admit(actor, channel(env), false, env,
          reading.get(), text);
      if (door.refuses()) {
        return "Not answered (rule 12): " + door.message() + ".\n";
      }
    }
    if (command instanceof Command.Status s) {
      ClusterSnapshot snap = orchestrator.snapshot(env);
      return TextViews.status(environment, snap, orchestrator.catalog(), orchestrator.policy(), clock.instant(),
          s.service().stream().toList());
    }
    if (command instanceof Command.Releases r) {
      return TextViews.releases(r.service(), orchestrator.catalog(), orchestrator.snapshot(env));
    }
    if (command instanceof Command.History h) {
      return TextViews.history(h.service(), orchestrator.snapshot(env));
    }
    if (command instanceof Command.Ops) {
      return TextViews.operations(orchestrator.operations().stream().filter(o -> o.environment().equals(env)).toList());
    }
    if (command instanceof Command.Cancel c) {
      return answer(orchestrator.cancel(c.opId(), actor, channel(env)), "cancel");
    }
    LifecycleRequest lifecycle = Requests.lifecycle(command).orElseThrow();
    Request request = Request.of(key, actor, channel(env), env, lifecycle).withOverride(command.overrideReason());
    if (command instanceof Command.Plan) {
      Decision d = await(orchestrator.preview(request));
      return TextViews.decision(d, true);
    }
    return answer(orchestrator.submit(request), "request");
  }

  private String confirm(List<String> words, String key, boolean asSecondApprover) {
    Optional<String> id = words.size() > 1 && words.get(1).startsWith("op-") ? Optional.of(words.get(1))
        : awaitingConfirmation();
    if (id.isEmpty()) {
      return "Nothing waits for confirmation. `ops` lists the operations.\n";
    }
    Confirmations given;
    if (asSecondApprover) {
      given = Confirmations.NONE.withSecondApprover(actor);
    } else {
      given = Confirmations.confirmedBy(actor);
      int from = words.size() > 1 && words.get(1).startsWith("op-") ? 2 : 1;
      List<String> rest = words.subList(from, words.size());
      if (!rest.isEmpty()) {
        given = given.withTypedServiceName(String.join(" ", rest));
      }
    }
    return answer(orchestrator.confirm(id.get(), key, actor, given), "confirmation");
  }

  /**
   * {@code choose <n> [prompt] [op-id]}: a bare number answers the question raised last; naming the
   * prompt ({@code rollback}, {@code export-views}, ...) answers that one while others are open.
   */
  private String choose(List<String> words, String key) {
    if (words.size() < 2) {
      return "Usage: choose <n> [prompt] [op-id], e.g. `choose 1` or `choose 1 export-views`.\n";
    }
    Optional<String> id = Optional.empty();
    Optional<Prompt.Kind> kind = Optional.empty();
    for (String w : words.subList(2, words.size())) {
      if (w.startsWith("op-")) {
        id = Optional.of(w);
      } else {
        kind = Prompt.Kind.fromId(w);
        if (kind.isEmpty()) {
          return "There is no prompt '" + w + "': name one of " + java.util.Arrays.stream(Prompt.Kind.values())
              .map(Prompt.Kind::id).toList() + ", or an operation (op-...).\n";
        }
      }
    }
    if (id.isEmpty()) {
      id = withPrompt(kind);
    }
    if (id.isEmpty()) {
      return "No operation has an open question. `ops` lists the operations.\n";
    }
    return answer(orchestrator.choose(id.get(), kind, words.get(1), key, actor, Optional.empty()), "choice");
  }

  private String answer(Future<Submission> pending, String what) {
    Submission s = await(pending);
    if (s instanceof Submission.Refused r) {
      return r.decision().map(d -> TextViews.decision(d, false)).orElse("") + r.message() + "\n";
    }
    Operation op = ((Submission.Accepted) s).operation();
    lastOperation = Optional.of(op.id());
    if (((Submission.Accepted) s).repeated()) {
      return op.id() + " already exists for this " + what + " (" + op.state().id() + "): nothing new happened.\n";
    }
    if (op.state() == OperationState.AWAITING_CONFIRMATION) {
      return TextViews.awaiting(op) + "Type `confirm` to go ahead" + (op.pending().stream()
          .anyMatch(p -> p.kind() == io.gimops.policies.decision.PendingConfirmation.Kind.TYPE_SERVICE_NAME)
          ? " with the service's name, e.g. `confirm " + op.summary().split(" ")[1] + "`" : "")
          + (op.pending().stream().anyMatch(p -> p.kind()
              == io.gimops.policies.decision.PendingConfirmation.Kind.SECOND_APPROVER)
              ? "; a second admin types `approve " + op.id() + "`" : "")
          + ", or `cancel " + op.id() + "`.\n";
    }
    if (op.state() == OperationState.CANCELLED) {
      return op.id() + " cancelled.\n";
    }
    if (op.cancelledBy().isPresent() && !op.state().ended()) {
      return op.id() + ": " + op.outcome().orElse("cancel asked") + "\n";
    }
    if (op.state().ended()) {
      return op.id() + " " + op.state().id() + ": " + op.outcome().orElse("") + "\n";
    }
    return op.id() + " started: " + op.summary() + " (" + op.steps().size() + " steps). Progress follows.\n";
  }

  private String switchPerson(List<String> words) {
    if (words.size() < 2 || !people.containsKey(words.get(1).toLowerCase(Locale.ROOT))) {
      return "Use `as " + String.join("|", people.keySet().stream().sorted().toList()) + "`.\n";
    }
    actor = people.get(words.get(1).toLowerCase(Locale.ROOT));
    return "You are now " + actor.displayName() + ".\n";
  }

  private String sandboxCommand(List<String> words) {
    if (sandbox.isEmpty()) {
      return "`sandbox` commands exist only in the sandbox.\n";
    }
    SandboxControls s = sandbox.get();
    if (words.size() == 2 && words.get(1).equals("release")) {
      String said = s.publish();
      orchestrator.updateCatalog(s.catalog());
      return said + "\n";
    }
    if (words.size() < 3 || !(words.get(1).equals("break") || words.get(1).equals("fix"))) {
      return "Sandbox only: `sandbox release` publishes the vendor's next releases;"
          + " `sandbox break <gim|gsp|gca> [" + String.join("|", s.ways()) + "]` breaks the service's newest"
          + " release (default: its image is missing); `sandbox fix <service>` undoes it.\n";
    }
    Optional<ServiceKind> k = ServiceKind.fromName(words.get(2));
    if (k.isEmpty()) {
      return "There is no service '" + words.get(2) + "': use gim, gsp or gca.\n";
    }
    if (words.get(1).equals("fix")) {
      return s.fix(k.get()) + "\n";
    }
    return s.breakNext(k.get(), words.size() > 3 ? words.get(3) : s.ways().get(0)) + "\n";
  }

  private String consoleHelp() {
    return "Console: `confirm [op] [name]` confirms what waits (type the service's name for an uninstall),"
        + " `approve [op]` as a second approver, `choose <n> [prompt] [op]` answers a prompt (the latest, or the one named), `as <role>` changes who you are"
        + (sandbox.isPresent() ? ", `sandbox help` breaks things on purpose" : "") + ".\n";
  }

  private Optional<String> awaitingConfirmation() {
    List<Operation> ops = new ArrayList<>(orchestrator.operations());
    for (int i = ops.size() - 1; i >= 0; i--) {
      if (ops.get(i).state() == OperationState.AWAITING_CONFIRMATION) {
        return Optional.of(ops.get(i).id());
      }
    }
    return Optional.empty();
  }

  /** The newest operation with an open question (of that kind, when one is named). */
  private Optional<String> withPrompt(Optional<Prompt.Kind> kind) {
    List<Operation> ops = new ArrayList<>(orchestrator.operations());
    for (int i = ops.size() - 1; i >= 0; i--) {
      if (kind.isPresent() ? ops.get(i).prompt(kind.get()).isPresent() : !ops.get(i).prompts().isEmpty()) {
        return Optional.of(ops.get(i).id());
      }
    }
    return lastOperation;
  }

  private String channel(String env) {
    return channels.getOrDefault(env, "console");
  }

  // ---- live progress

  /** Events arrive on an event loop; the terminal is written from a thread of the console's own. */
  private void onEvent(OperationEvent e) {
    String text = render(e);
    if (!text.isEmpty()) {
      printer.execute(() -> out.accept(text));
    }
  }

  /** One event as console lines, each prefixed with the operation's id. */
  static String render(OperationEvent e) {
    if (e instanceof OperationEvent.Started s) {
      return "[" + s.op().id() + "] started " + s.op().summary() + " " + TextViews.progressBar(s.op()) + "\n";
    }
    if (e instanceof OperationEvent.StepStarted s) {
      StepRecord r = s.op().steps().get(s.index());
      return "[" + s.op().id() + "] " + TextViews.progressBar(s.op()) + " step " + (s.index() + 1) + ": "
          + r.step().describe() + "\n";
    }
    if (e instanceof OperationEvent.OutputLine l) {
      return "[" + l.op().id() + "]     | " + l.line() + "\n";
    }
    if (e instanceof OperationEvent.VerificationProgress v) {
      return "[" + v.op().id() + "]     waiting: " + String.join("; ", v.unmet()) + "\n";
    }
    if (e instanceof OperationEvent.StepSucceeded s) {
      StepRecord r = s.op().steps().get(s.index());
      String what = r.step() instanceof io.gimops.policies.decision.PlanStep.Verify
          ? r.step().service().id() + " verified: " + String.join("; ", s.detail())
          : "done: " + r.step().describe();
      return "[" + s.op().id() + "] " + TextViews.progressBar(s.op()) + " " + what + "\n";
    }
    if (e instanceof OperationEvent.StepFailed f) {
      return "[" + f.op().id() + "] step " + (f.index() + 1) + " FAILED: " + String.join("; ", f.reasons()) + "\n";
    }
    if (e instanceof OperationEvent.AlertRaised a) {
      return "[" + a.op().id() + "] ALERT (rule 9): " + a.alert().message() + "\n";
    }
    if (e instanceof OperationEvent.PromptRaised p) {
      return TextViews.prompt(p.op(), p.prompt());
    }
    if (e instanceof OperationEvent.PromptClosed c) {
      return "[" + c.op().id() + "] closed the " + c.prompt().id() + " question: " + c.how() + "\n";
    }
    if (e instanceof OperationEvent.Finished f) {
      return "[" + f.op().id() + "] " + f.op().state().id().toUpperCase(Locale.ROOT) + ": "
          + f.op().outcome().orElse("") + "\n";
    }
    if (e instanceof OperationEvent.Notice n) {
      return "[" + n.environment() + "] " + n.message() + "\n";
    }
    return "";
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(ANSWER_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("no answer within " + ANSWER_SECONDS + " s; `ops` shows where things stand");
    }
  }

  @Override
  public void close() {
    subscription.unregister();
    printer.shutdown();
  }
}
