package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SignedSlack;
import io.gimops.bot.wiring.Bot;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Slack front end over HTTP, end to end: signed requests from "Slack" to the bot's Vert.x
 * endpoint, and the bot's calls to a local fake of Slack's Web API (no real Slack can be reached
 * here), on the sandbox cluster with the real helm CLI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlackFrontEndTest {

  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static final String CHANNEL = "C0GIMOPS";
  static final String OPERATOR = "console-operator";
  static final Duration AWAIT = Duration.ofSeconds(120);

  @TempDir static Path work;
  static SandboxBots sandbox;
  static FakeSlack slack;
  static Bot bot;
  static SignedSlack signed;

  @BeforeAll
  static void start() {
    slack = new FakeSlack();
    sandbox = SandboxBots.start(work);
    String yaml = slack.httpConfigYaml(SECRET, 0) + "  maxBodyBytes: 16384\n";
    bot = sandbox.botWithChannel("slack-bot", SandboxWorld.Pace.TEST, CHANNEL, yaml, "S0GIMOPS");
    SandboxBots.awaitLeading(bot);
    signed = SignedSlack.to(bot, SECRET, slack);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
    slack.close();
  }

  @Test
  @Order(1)
  void statusAnswersAtOnceWithTheTableInTheChannel() {
    HttpResponse<String> r = signed.send(signed.slashCommand(OPERATOR, CHANNEL, "status"));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"response_type\":\"in_channel\"", "gim", "gsp", "gca", "deployed");
  }

  @Test
  @Order(2)
  void badSignaturesAre401AndExecuteNothing() {
    String body = signed.slashCommand(OPERATOR, CHANNEL, "upgrade all");
    long now = System.currentTimeMillis() / 1000;
    String ts = Long.toString(now);
    // Well past the five minutes either way (the exact edges are SlackSignatureTest's, on a fixed clock).
    String stale = Long.toString(now - 330);
    String future = Long.toString(now + 330);
    List<HttpResponse<String>> answers = List.of(
        signed.send(body, ts, "v0=" + "0".repeat(64), Map.of()),                   // forged
        signed.send(body, null, null, Map.of()),                                   // missing
        signed.send(body, stale, signed.sign(stale, body), Map.of()),               // stale (a replay)
        signed.send(body, future, signed.sign(future, body), Map.of()),             // from the future
        signed.send(body.replace("upgrade", "uninstall"), ts, signed.sign(ts, body), Map.of())); // body changed
    assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).isEqualTo(401));
    assertThat(answers.get(2).body()).contains("more than 5 minutes old");
    assertThat(answers.get(3).body()).contains("in the future");
    assertThat(bot.orchestrator().operations()).isEmpty();
    // Audited off the event loop, just after the answer.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(sandbox.auditLines())
        .filteredOn(l -> l.contains("\"kind\":\"rejected\"")).hasSizeGreaterThanOrEqualTo(5));
  }

  @Test
  @Order(3)
  void anOversizedBodyIs413() {
    String body = signed.slashCommand(OPERATOR, CHANNEL, "status " + "x".repeat(20_000));
    assertThat(signed.send(body).statusCode()).isEqualTo(413);
    assertThat(bot.orchestrator().operations()).isEmpty();
  }

  @Test
  @Order(4)
  void anUpgradeIsConfirmedWithAButtonOnceHowEverOftenItIsClickedAndReportsProgressInOneMessage() {
    String body = signed.slashCommand(OPERATOR, CHANNEL, "upgrade all");
    HttpResponse<String> ack = signed.send(body);
    assertThat(ack.statusCode()).isEqualTo(200);
    assertThat(ack.body()).contains("ephemeral", "Deciding on");
    await().atMost(Duration.ofSeconds(20)).until(() -> !slack.calls("chat.postMessage").isEmpty());
    FakeSlack.Call confirmation = slack.calls("chat.postMessage").get(0);
    assertThat(confirmation.param("channel")).isEqualTo(CHANNEL);
    assertThat(confirmation.param("blocks")).contains("gimops.confirm", "gimops.cancel", "Reviewed the release note");
    Operation op = bot.orchestrator().operations().get(0);
    assertThat(op.state()).isEqualTo(OperationState.AWAITING_CONFIRMATION);

    // Slack retries the same command: no second operation.
    HttpResponse<String> retry = signed.send(body, Long.toString(System.currentTimeMillis() / 1000),
        signed.sign(Long.toString(System.currentTimeMillis() / 1000), body), Map.of("X-Slack-Retry-Num", "1"));
    assertThat(retry.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("response_url").stream()
        .anyMatch(c -> c.param("text").contains("already exists")));
    assertThat(bot.orchestrator().operations()).hasSize(1);

    // Two people click Confirm (one twice): it runs once.
    assertThat(signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CONFIRM, op.id())).statusCode()).isEqualTo(200);
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CONFIRM, op.id()));
    signed.send(signed.buttonClick("console-admin", CHANNEL, SlackBlocks.CONFIRM, op.id()));
    Operation end = SandboxBots.awaitState(bot.orchestrator(), op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    assertThat(sandbox.upgradesOf("gim")).isEqualTo(1);
    assertThat(bot.orchestrator().operations()).hasSize(1);

    // One progress message, updated in place to its final state; details in its thread; a summary.
    await().atMost(Duration.ofSeconds(30)).until(() -> slack.calls("chat.update").stream()
        .anyMatch(c -> c.param("text").contains("succeeded")));
    List<FakeSlack.Call> progress = slack.calls("chat.postMessage").stream()
        .filter(c -> c.param("channel").equals(CHANNEL) && c.param("text").contains(op.id() + " upgrade all")
            && c.param("thread_ts").isEmpty()).toList();
    assertThat(progress).hasSize(1);
    assertThat(slack.calls("chat.postMessage")).anyMatch(c -> !c.param("thread_ts").isEmpty()
        && c.param("text").contains("helm"));
    await().atMost(Duration.ofSeconds(30)).until(() -> slack.calls("chat.postMessage").stream()
        .anyMatch(c -> c.param("channel").equals("C0NOTIFY") && c.param("text").contains("succeeded")));
  }

  @Test
  @Order(5)
  void aViewerIsRefusedPrivatelyWithTheRuleAndWhatToDo() {
    int before = bot.orchestrator().operations().size();
    HttpResponse<String> ack = signed.send(signed.slashCommand("console-viewer", CHANNEL, "upgrade gca"));
    assertThat(ack.statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("response_url").stream()
        .anyMatch(c -> c.param("text").contains("rule 12") && c.param("response_type").equals("ephemeral")));
    assertThat(bot.orchestrator().operations()).hasSize(before);
  }

  @Test
  @Order(6)
  void rule12_aRoleGrantedToASlackUserGroupCountsForItsMembers() {
    await().atMost(Duration.ofSeconds(20)).until(() -> !slack.calls("usergroups.list").isEmpty());
    HttpResponse<String> member = signed.send(signed.slashCommand("U0GROUPIE", CHANNEL, "plan upgrade gca"));
    HttpResponse<String> stranger = signed.send(signed.slashCommand("U0STRANGER", CHANNEL, "plan upgrade gca"));
    assertThat(member.statusCode()).isEqualTo(200);
    assertThat(stranger.statusCode()).isEqualTo(200);
    // Someone with no role is not even shown the plan (reads are rule 12's too).
    assertThat(stranger.body()).contains("ephemeral", "Not answered (rule 12)", "U0STRANGER has no role in sandbox");
    await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("response_url").stream()
        .anyMatch(c -> c.param("text").startsWith("```Plan: upgrade gca")));
    List<String> plans = slack.calls("response_url").stream().map(c -> c.param("text"))
        .filter(t -> t.startsWith("```Plan: upgrade gca")).toList();
    assertThat(plans).anyMatch(t -> t.contains("U0GROUPIE is operator in sandbox"));
    assertThat(plans).noneMatch(t -> t.contains("U0STRANGER"));
  }

  @Test
  @Order(6)
  void aTypoGetsTheCommandsUsagePrivately() {
    HttpResponse<String> ack = signed.send(signed.slashCommand(OPERATOR, CHANNEL, "upgarde gim"));
    assertThat(ack.body()).contains("ephemeral", "Did you mean");
  }

  @Test
  @Order(7)
  void rule10_anUninstallIsConfirmedOnlyByTypingTheServicesNameInAModal() {
    signed.send(signed.slashCommand("console-admin", CHANNEL, "uninstall gca"));
    await().atMost(Duration.ofSeconds(20)).until(() -> slack.calls("chat.postMessage").stream()
        .anyMatch(c -> c.param("text").contains("uninstall gca")));
    FakeSlack.Call confirmation = slack.calls("chat.postMessage").stream()
        .filter(c -> c.param("text").contains("uninstall gca")).findFirst().orElseThrow();
    assertThat(confirmation.param("blocks")).contains(SlackBlocks.CONFIRM_TYPED).doesNotContain("\"gimops.confirm\"");
    Operation op = bot.orchestrator().operations().stream().filter(o -> o.summary().startsWith("uninstall gca"))
        .findFirst().orElseThrow();

    signed.send(signed.buttonClick("console-admin", CHANNEL, SlackBlocks.CONFIRM_TYPED, op.id()));
    await().atMost(Duration.ofSeconds(20)).until(() -> !slack.calls("views.open").isEmpty());
    assertThat(slack.calls("views.open").get(0).param("view")).contains("Type gca to confirm", op.id());

    HttpResponse<String> wrong = signed.send(signed.viewSubmission("console-admin", SlackBlocks.UNINSTALL_MODAL, op.id(),
        "name", "typed", "gsp"));
    assertThat(wrong.body()).contains("errors", "Type gca exactly");
    assertThat(bot.orchestrator().operation(op.id()).orElseThrow().state()).isEqualTo(OperationState.AWAITING_CONFIRMATION);

    HttpResponse<String> right = signed.send(signed.viewSubmission("console-admin", SlackBlocks.UNINSTALL_MODAL, op.id(),
        "name", "typed", "gca"));
    assertThat(right.statusCode()).isEqualTo(200);
    Operation end = SandboxBots.awaitState(bot.orchestrator(), op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    assertThat(end.confirmations().typedServiceName()).contains("gca");
    assertThat(sandbox.history("gca", "gca").installed()).isFalse();
  }

  @Test
  @Order(20)
  void aMentionIsTheSameCommandAnsweredInItsThreadAndSlacksRetriesOfItRunNothingTwice() {
    String thread = "1700000001.000100";
    String body = signed.appMention(OPERATOR, CHANNEL, "<@U0BOT> status gim", "Ev0MENTION1", thread);
    assertThat(signed.sendJson(body, Map.of()).statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> inThread(thread).size() == 1);
    assertThat(inThread(thread).get(0).param("text")).contains("gim", "deployed");

    // Slack did not see the ack in time and retries the same event: recognised, audited, not run again.
    HttpResponse<String> retry = signed.sendJson(body, Map.of("X-Slack-Retry-Num", "1",
        "X-Slack-Retry-Reason", "http_timeout"));
    assertThat(retry.statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> sandbox.auditLines().stream()
        .anyMatch(l -> l.contains("\"kind\":\"retry\"") && l.contains("Ev0MENTION1") && l.contains("http_timeout")));
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> inThread(thread).size() == 1);

    // A lifecycle command by mention is decided once (allowed or refused, it is audited); a retry
    // of that event decides nothing again.
    long before = decisions();
    String up = signed.appMention(OPERATOR, CHANNEL, "<@U0BOT> rollback gsp", "Ev0MENTION2", "1700000002.000100");
    assertThat(signed.sendJson(up, Map.of()).statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> decisions() == before + 1);
    assertThat(signed.sendJson(up, Map.of("X-Slack-Retry-Num", "2")).statusCode()).isEqualTo(200);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> decisions() == before + 1);

    // A typo by mention: the usage, to the requester only.
    String typo = signed.appMention(OPERATOR, CHANNEL, "<@U0BOT> upgrdae gim", "Ev0MENTION3", "1700000003.000100");
    assertThat(signed.sendJson(typo, Map.of()).statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> slack.calls("chat.postEphemeral").stream()
        .anyMatch(c -> OPERATOR.equals(c.param("user")) && c.param("text").contains("upgrade")));
  }

  @Test
  @Order(21)
  void aRetriedSlashCommandIsAuditedAsARetry() {
    String body = signed.slashCommand(OPERATOR, CHANNEL, "status");
    HttpResponse<String> r = signed.send(body, Long.toString(System.currentTimeMillis() / 1000),
        signed.sign(Long.toString(System.currentTimeMillis() / 1000), body), Map.of("X-Slack-Retry-Num", "1"));
    assertThat(r.statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> sandbox.auditLines().stream()
        .anyMatch(l -> l.contains("\"kind\":\"retry\"") && l.contains("/gim status")));
  }

  private static long decisions() {
    return sandbox.auditLines().stream().filter(l -> l.contains("\"kind\":\"decision\"")).count();
  }

  private static List<FakeSlack.Call> inThread(String ts) {
    return slack.calls("chat.postMessage").stream().filter(c -> ts.equals(c.param("thread_ts"))).toList();
  }
}
