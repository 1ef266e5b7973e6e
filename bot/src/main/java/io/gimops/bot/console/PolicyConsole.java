package io.gimops.bot.console;

import io.gimops.bot.command.Command;
import io.gimops.bot.command.CommandParseException;
import io.gimops.bot.command.CommandParser;
import io.gimops.bot.command.CommandReference;
import io.gimops.bot.conversation.Requests;
import io.gimops.bot.conversation.TextViews;
import io.gimops.policies.decision.Confirmations;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.DecisionInput;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.AccessPolicy;
import io.gimops.policies.domain.Actor;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.Role;
import io.gimops.policies.engine.PolicyEngine;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The policy console: {@code /gim} commands against {@link ExampleWorld}, answered with what the
 * bot would decide. It parses with the real command language and decides with the real policy
 * engine; it executes nothing, because there is no cluster behind it yet. Console-only commands:
 * {@code as viewer|operator|admin} switches who you are, {@code quit} leaves.
 */
public final class PolicyConsole {

  private final PolicyEngine engine;
  private final Clock clock;
  private final ReleaseCatalog catalog = ExampleWorld.catalog();
  private final Map<Role, Actor> people = new EnumMap<>(Role.class);
  private final AccessPolicy access;
  private Actor actor;
  private String channel = ExampleWorld.PROD_CHANNEL;

  public PolicyConsole(Clock clock) {
    this.clock = clock;
    this.engine = new PolicyEngine(PolicySettings.DEFAULTS, clock);
    people.put(Role.VIEWER, Actor.of("console-viewer", "you (viewer)"));
    people.put(Role.OPERATOR, Actor.of("console-operator", "you (operator)"));
    people.put(Role.ADMIN, Actor.of("console-admin", "you (admin)"));
    Map<Role, String> ids = new EnumMap<>(Role.class);
    people.forEach((r, a) -> ids.put(r, a.userId()));
    this.access = ExampleWorld.access(ids);
    this.actor = people.get(Role.OPERATOR);
  }

  public static void main(String[] args) throws IOException {
    PolicyConsole console = new PolicyConsole(Clock.systemUTC());
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    out.print(console.banner());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    out.print("gim> ");
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String t = line.strip();
      if (t.equals("quit") || t.equals("exit")) {
        return;
      }
      out.print(console.handle(t));
      out.print("gim> ");
    }
  }

  String banner() {
    return "gimops policy console: /gim commands against an example cluster (prod and staging).\n"
        + "It decides with the real rules and executes nothing. `help` lists the commands;\n"
        + "`as viewer|operator|admin` changes who you are (now: " + actor.displayName()
        + "); `quit` leaves.\n";
  }

  /** Answers one line as the bot would. */
  public String handle(String line) {
    String text = line.strip();
    if (text.startsWith("/gim")) {
      text = text.substring(4).strip();
    }
    if (text.toLowerCase(Locale.ROOT).startsWith("as ")) {
      return switchRole(text.substring(3).strip());
    }
    Command command;
    try {
      command = CommandParser.parse(text);
    } catch (CommandParseException e) {
      return e.userMessage() + "\n";
    }
    Optional<String> named = command.env();
    Environment env = environment(named.orElse(channel.equals(ExampleWorld.PROD_CHANNEL) ? "prod" : "staging"))
        .orElse(null);
    if (env == null) {
      return "There is no environment " + named.get() + " here: use prod or staging.\n";
    }
    String inChannel = env.name().equals("prod") ? ExampleWorld.PROD_CHANNEL : ExampleWorld.STAGING_CHANNEL;
    ClusterSnapshot snap = ExampleWorld.snapshot(clock.instant());

    if (command instanceof Command.Help h) {
      return h.topic().map(CommandReference::help).orElseGet(CommandReference::overview) + "\n";
    }
    if (command instanceof Command.Status s) {
      return TextViews.status(env, snap, catalog, engine.settings(), clock.instant(), s.service().stream().toList());
    }
    if (command instanceof Command.Releases r) {
      return TextViews.releases(r.service(), catalog, snap);
    }
    if (command instanceof Command.History h) {
      return TextViews.history(h.service(), snap);
    }
    if (command instanceof Command.Ops) {
      return "No operations: the policy console runs nothing.\n";
    }
    if (command instanceof Command.Cancel c) {
      return "There is no operation " + c.opId() + ": the policy console runs nothing.\n";
    }
    LifecycleRequest request = Requests.lifecycle(command).orElseThrow();
    Decision d = engine.decide(new DecisionInput(request, actor, inChannel, env, snap, catalog, access,
        List.of(), command.overrideReason(), Confirmations.NONE));
    boolean planOnly = command instanceof Command.Plan;
    return TextViews.decision(d, planOnly) + (planOnly || d.isRefused() ? ""
        : "(policy console: nothing runs here; the lifecycle orchestrator will carry this out)\n");
  }

  private String switchRole(String role) {
    for (Role r : Role.values()) {
      if (r.id().equals(role.toLowerCase(Locale.ROOT))) {
        actor = people.get(r);
        return "You are now " + actor.displayName() + " in prod and staging.\n";
      }
    }
    return "Unknown role '" + role + "': use as viewer, as operator or as admin.\n";
  }

  private static Optional<Environment> environment(String name) {
    return ExampleWorld.environments().stream().filter(e -> e.name().equals(name)).findFirst();
  }
}
