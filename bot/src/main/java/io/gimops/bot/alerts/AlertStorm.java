package io.gimops.bot.alerts;

import io.gimops.adapters.slack.Mrkdwn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One alert storm in one channel: the groups it counts, and its messages. The summary is one
 * message, updated in place: how many groups and alerts, by service and by severity, the rollbacks
 * offered meanwhile (each in its own message), and the newest groups. Its thread lists every
 * group as it arrives and every change of a group's status, in replies that each take whatever
 * waited since the last one (so the thread keeps up with any rate at one post per interval).
 * Read and changed on the intake's thread only.
 */
final class AlertStorm {

  /** The newest groups the summary shows. */
  static final int NEWEST = 8;
  /**
   * Sections of one thread reply at most (Slack allows 50 blocks, each section up to 3,000
   * characters): with one post a second, a reply must hold a burst's worth of groups (about 1,500
   * lines) for each group to show within seconds. A quiet storm's replies are short.
   */
  static final int REPLY_SECTIONS = 45;
  static final int SECTION_CHARS = 2900;
  private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  final String channel;
  final Instant began;
  private final String rule;
  Instant ended;
  final Map<String, AlertGroup> members = new LinkedHashMap<>();
  final Set<String> offered = new LinkedHashSet<>();
  /** The summary message, once asked for; its ts once Slack has it. */
  CompletableFuture<String> summary;
  String summaryTs;
  /** Whether the summary's content changed since it was last handed to the poster. */
  boolean dirty;
  /** Whether a flush of those changes is already on its way. */
  boolean flushScheduled;
  /** The thread reply on its way, if any: one at a time, the next takes all that waited. */
  CompletableFuture<String> reply;
  /**
   * Lines for the thread, oldest first. Added on the intake's thread; taken by {@link #nextReply}
   * on the poster's, when the reply's turn comes (one reply at a time, so nobody else takes them).
   */
  private final Deque<String> waiting = new ConcurrentLinkedDeque<>();
  private final AtomicInteger listed = new AtomicInteger();

  /** One thread reply: its text, its blocks, and the lines it carries (put back if it fails). */
  record Reply(String text, String blocks, List<String> lines) {}

  AlertStorm(String channel, Instant began, String rule) {
    this.channel = channel;
    this.began = began;
    this.rule = rule;
  }

  /** A group is counted here from now on, and listed in the thread. */
  void add(AlertGroup g) {
    members.put(g.key, g);
    g.storm = this;
    waiting.addLast(g.line());
    dirty = true;
  }

  /** A group's status changed: the summary counts it, the thread says so. */
  void changed(AlertGroup g) {
    waiting.addLast(g.line());
    dirty = true;
  }

  /** The group is forgotten by the bot: it leaves the counts (the messages already sent stay). */
  void forget(AlertGroup g) {
    members.remove(g.key);
  }

  boolean hasWaitingLines() {
    return !waiting.isEmpty();
  }

  /**
   * The next thread reply, taking lines that waited, oldest first, as many as one reply holds.
   * Called on the poster's thread: it reads only the lines, never the groups.
   */
  Reply nextReply() {
    List<String> lines = new ArrayList<>();
    JsonArray blocks = new JsonArray();
    StringBuilder section = new StringBuilder();
    while (!waiting.isEmpty()) {
      String line = waiting.peekFirst();
      if (line.length() > SECTION_CHARS) {
        line = line.substring(0, SECTION_CHARS - 1) + "…";
      }
      if (section.length() + line.length() + 1 > SECTION_CHARS) {
        if (blocks.size() + 1 == REPLY_SECTIONS) {
          break;
        }
        blocks.add(AlertIntake.section(section.toString()));
        section.setLength(0);
      }
      section.append(line).append('\n');
      lines.add(waiting.removeFirst());
    }
    if (!section.isEmpty()) {
      blocks.add(AlertIntake.section(section.toString()));
    }
    int to = listed.addAndGet(lines.size());
    return new Reply(lines.isEmpty() ? "Alert storm: nothing new" : "Alert storm, entries " + (to - lines.size() + 1)
        + "-" + to, blocks.encode(), lines);
  }

  /** A reply that failed: its lines wait again, first. */
  void putBack(Reply r) {
    List<String> lines = new ArrayList<>(r.lines());
    java.util.Collections.reverse(lines);
    lines.forEach(waiting::addFirst);
    listed.addAndGet(-r.lines().size());
  }

  /** The summary's fallback text (notifications, screen readers). */
  String text() {
    long firing = members.values().stream().filter(g -> !g.resolved()).count();
    return (ended == null ? "ALERT STORM: " : "ALERT STORM OVER: ") + members.size() + " alert groups, " + firing
        + " firing, " + (ended == null ? "since " + HMS.format(began) : "from " + HMS.format(began) + " to "
        + HMS.format(ended)) + " UTC";
  }

  /** The summary's blocks. */
  String blocks() {
    long groupsFiring = 0;
    long alerts = 0;
    long alertsFiring = 0;
    Map<String, long[]> byService = new LinkedHashMap<>();
    Map<String, long[]> bySeverity = new LinkedHashMap<>();
    for (AlertGroup g : members.values()) {
      long f = g.firing();
      alerts += g.alerts.size();
      alertsFiring += f;
      groupsFiring += f > 0 ? 1 : 0;
      count(byService, g.service().isEmpty() ? "no service" : g.service(), f > 0);
      count(bySeverity, g.severity().isEmpty() ? "no severity" : g.severity(), f > 0);
    }
    JsonArray blocks = new JsonArray();
    String when = ended == null ? "since " + HMS.format(began) + " UTC"
        : "from " + HMS.format(began) + " to " + HMS.format(ended) + " UTC";
    blocks.add(AlertIntake.section((ended == null ? "*:rotating_light: Alert storm*" : "*Alert storm over*")
        + " (" + rule + " in this channel): counted here instead of a message each; every group is listed in"
        + " this message's thread.\n*" + members.size() + " groups*: " + groupsFiring + " firing, "
        + (members.size() - groupsFiring) + " resolved; " + alerts + " alerts, " + alertsFiring + " firing; " + when));
    blocks.add(AlertIntake.section("*By service*: " + counts(byService) + "\n*By severity*: " + counts(bySeverity)));
    if (!offered.isEmpty()) {
      blocks.add(AlertIntake.section("*Rollbacks offered* (each in its own message): "
          + Mrkdwn.escape(String.join("; ", offered))));
    }
    List<AlertGroup> all = new ArrayList<>(members.values());
    StringBuilder newest = new StringBuilder("*Newest*\n");
    for (int i = all.size() - 1; i >= Math.max(0, all.size() - NEWEST); i--) {
      newest.append(all.get(i).line()).append('\n');
    }
    blocks.add(AlertIntake.section(newest.toString()));
    return blocks.encode();
  }

  private static void count(Map<String, long[]> m, String key, boolean firing) {
    long[] c = m.computeIfAbsent(key, k -> new long[2]);
    c[0]++;
    c[1] += firing ? 1 : 0;
  }

  /** The largest counts first, the rest together: label values are anyone's, and unbounded. */
  private static String counts(Map<String, long[]> m) {
    List<Map.Entry<String, long[]>> sorted = new ArrayList<>(m.entrySet());
    sorted.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed());
    StringBuilder sb = new StringBuilder();
    long otherGroups = 0;
    long otherFiring = 0;
    for (int i = 0; i < sorted.size(); i++) {
      long[] c = sorted.get(i).getValue();
      if (i >= 6) {
        otherGroups += c[0];
        otherFiring += c[1];
        continue;
      }
      sb.append(i == 0 ? "" : " · ").append(Mrkdwn.escape(trim(sorted.get(i).getKey()))).append(' ').append(c[0])
          .append(" (").append(c[1]).append(" firing)");
    }
    if (otherGroups > 0) {
      sb.append(" · ").append(sorted.size() - 6).append(" others ").append(otherGroups).append(" (").append(otherFiring)
          .append(" firing)");
    }
    return sb.toString();
  }

  private static String trim(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "…" : s;
  }
}
