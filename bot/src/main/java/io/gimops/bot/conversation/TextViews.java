package io.gimops.bot.conversation;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.Prompt;
import io.gimops.policies.decision.PlanStep;

import io.gimops.policies.decision.ChecklistItem;
import io.gimops.policies.decision.Decision;
import io.gimops.policies.decision.Finding;
import io.gimops.policies.decision.PendingConfirmation;
import io.gimops.policies.decision.PolicySettings;
import io.gimops.policies.domain.ClusterSnapshot;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.Release;
import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.RevisionRecord;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.ServiceState;
import io.gimops.policies.rules.N2Window;
import io.gimops.policies.rules.ServiceHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Plain-text renderings of what the bot shows: the status table, releases, history, and a
 * decision with each rule's verdict. Chat front ends without rich formatting (the console) use
 * these as they are.
 */
public final class TextViews {

  private TextViews() {}

  /** The status table of one environment (or one service), then its warnings. */
  public static String status(Environment env, ClusterSnapshot snap, ReleaseCatalog catalog,
      PolicySettings settings, Instant now, List<ServiceKind> only) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"service", "release", "rev", "helm status", "version", "window", "ready", "health"});
    List<String> warnings = new ArrayList<>();
    for (ServiceSpec spec : env.inCycleOrder()) {
      if (!only.isEmpty() && !only.contains(spec.kind())) {
        continue;
      }
      ServiceState s = snap.service(spec.kind());
      if (!s.installed()) {
        rows.add(new String[] {spec.kind().id(), spec.releaseName(), "-", "not installed", "-", "-", "-", "-"});
        continue;
      }
      List<String> problems = ServiceHealth.problems(s, settings, now);
      String window = catalog.position(spec.kind(), s.deployedVersion().orElseThrow()).label();
      rows.add(new String[] {spec.kind().id(), spec.releaseName(), Integer.toString(s.revision()),
          s.helmStatus().helmName(), s.deployedVersion().orElseThrow().toString(), window,
          s.readyReplicas() + "/" + s.desiredReplicas(), problems.isEmpty() ? "ok" : problems.size() + " problem(s)"});
      problems.forEach(p -> warnings.add(spec.kind().id() + ": " + p));
    }
    N2Window.outsideWindow(snap, catalog).stream()
        .filter(s -> only.isEmpty() || only.contains(s.kind()))
        .forEach(s -> warnings.add(s.kind().id() + " runs " + s.deployedVersion().orElseThrow()
            + ", outside the N-2 window: `/gim upgrade " + s.kind().id() + "` or `/gim upgrade all`"));
    snap.unreliable().ifPresent(u -> warnings.add(0, "cluster state may be stale: " + u));
    StringBuilder out = new StringBuilder(env.name() + (env.production() ? " (production)" : "") + "\n");
    out.append(table(rows));
    warnings.forEach(w -> out.append("! ").append(w).append('\n'));
    return out.toString();
  }

  /** A service's releases, newest first, marking the N-2 window and what runs. */
  public static String releases(ServiceKind k, ReleaseCatalog catalog, ClusterSnapshot snap) {
    List<Release> all = catalog.releases(k);
    if (all.isEmpty()) {
      return "The release catalog lists no release of " + k.id() + ".\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"version", "window", "schema change", "needs", "from", "running"});
    StringBuilder notes = new StringBuilder();
    for (Release r : all) {
      rows.add(new String[] {r.version().toString(), catalog.position(k, r.version()).label(),
          r.schemaChange() ? "yes" : "no",
          r.minimumThirdParty().isEmpty() ? "-" : r.minimumThirdParty().entrySet().stream()
              .map(e -> e.getKey().title() + " >= " + e.getValue()).sorted().toList().toString(),
          r.source(),
          snap.service(k).deployedVersion().map(r.version()::equals).orElse(false) ? "<- running" : ""});
      r.releaseNotes().ifPresent(url -> notes.append("  ").append(r.version()).append(": ").append(url).append('\n'));
    }
    return k.id() + " releases (the newest " + catalog.windowSize() + " form the N-2 window)\n" + table(rows)
        + (notes.length() == 0 ? "" : "release notes:\n" + notes);
  }

  /** A service's Helm revisions, oldest first. */
  public static String history(ServiceKind k, ClusterSnapshot snap) {
    ServiceState s = snap.service(k);
    if (s.history().isEmpty()) {
      return k.id() + " has no Helm history here: it is not installed.\n";
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"revision", "version", "status", "updated", "description"});
    for (RevisionRecord r : s.history()) {
      rows.add(new String[] {Integer.toString(r.revision()), r.version().toString(), r.status().helmName(),
          r.updated().toString(), r.description()});
    }
    return k.id() + " history (`/gim rollback " + k.id() + " <revision>`)\n" + table(rows);
  }

  /** A decision: outcome, each rule's verdict, the plan, and what must still be confirmed. */
  public static String decision(Decision d, boolean planOnly) {
    String outcome = switch (d.outcome()) {
      case ALLOWED -> "allowed";
      case NEEDS_CONFIRMATION -> "allowed once confirmed";
      case REFUSED -> "refused";
    };
    return (planOnly ? "Plan: " : "") + verdicts(d.request().summary() + " in " + d.environment() + ": " + outcome,
        d.findings(), d.plan().steps(), d.pending());
  }

  /** An operation waiting for confirmation: the same account as its decision, with its id. */
  public static String awaiting(Operation op) {
    return verdicts(op.id() + ": " + op.summary() + " in " + op.environment() + ": allowed once confirmed",
        op.findings(), op.plan(), op.pending());
  }

  private static String verdicts(String headline, List<Finding> findings, List<PlanStep> plan,
      List<PendingConfirmation> pending) {
    StringBuilder out = new StringBuilder(headline).append('\n');
    // In rule order, so a reader finds rule 1 first whatever order the engine checked in.
    List<Finding> ordered = findings.stream()
        .sorted(java.util.Comparator.comparingInt(f -> f.rule().number() == 0 ? 99 : f.rule().number()))
        .toList();
    for (Finding f : ordered) {
      out.append(String.format(Locale.ROOT, "  %-12s %-20s %s%n", "[" + f.verdict().name().toLowerCase(Locale.ROOT) + "]",
          f.rule().label(), f.message()));
    }
    if (!plan.isEmpty()) {
      out.append("Steps:\n");
      for (int i = 0; i < plan.size(); i++) {
        out.append("  ").append(i + 1).append(". ").append(plan.get(i).describe()).append('\n');
      }
    }
    for (PendingConfirmation p : pending) {
      out.append("To confirm (").append(p.rule().label()).append("): ").append(p.prompt()).append('\n');
      for (ChecklistItem i : p.checklist()) {
        out.append("  [ ] ").append(i.text()).append(i.link().map(l -> " <" + l + ">").orElse("")).append('\n');
      }
    }
    return out.toString();
  }

  /** The operations, newest first: id, state, what, who, progress, and the questions still open. */
  public static String operations(List<Operation> ops) {
    if (ops.isEmpty()) {
      return "No operations yet.\n";
    }
    List<String[]> rows = new java.util.ArrayList<>();
    rows.add(new String[] {"id", "env", "state", "what", "by", "steps", "last word"});
    List<Operation> newest = new java.util.ArrayList<>(ops);
    java.util.Collections.reverse(newest);
    for (Operation o : newest) {
      rows.add(new String[] {o.id(), o.environment(), o.state().id(), o.summary(), o.requestedBy().displayName(),
          o.stepsDone() + "/" + o.steps().size(), o.outcome().orElse("") + (o.prompts().isEmpty() ? ""
              : " [asks: " + String.join(", ", o.prompts().stream().map(Prompt::id).toList()) + "]")});
    }
    return table(rows);
  }

  /** A text progress bar for an operation, e.g. {@code [####------] 4/9}. */
  public static String progressBar(Operation op) {
    int total = Math.max(1, op.steps().size());
    int done = (int) op.stepsDone();
    int width = 10;
    int filled = Math.round((float) done * width / total);
    return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + done + "/" + op.steps().size();
  }

  /**
   * A prompt with its numbered choices and how to answer in the console: a bare {@code choose <n>}
   * answers the question raised last, naming the prompt answers it while others are open.
   */
  public static String prompt(Operation op, Prompt p) {
    StringBuilder out = new StringBuilder("? ").append(op.id()).append(" [").append(p.id()).append("]: ")
        .append(p.message()).append('\n');
    for (Prompt.Choice c : p.choices()) {
      out.append("    ").append(c.id()).append(") ").append(c.label()).append('\n');
    }
    out.append("  answer with `choose <n>` (or `choose <n> ").append(p.id()).append(' ').append(op.id())
        .append("` while other questions are open)\n");
    return out.toString();
  }

  static String table(List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] r : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        line.append(i == cols - 1 ? r[i] : String.format(Locale.ROOT, "%-" + width[i] + "s  ", r[i]));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
