package io.gimops.bot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.adapters.slack.Mrkdwn;
import io.gimops.bot.alerts.AlertIntake;
import io.gimops.bot.operation.Operation;
import io.gimops.bot.operation.OperationState;
import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.FakeSlack;
import io.gimops.bot.testing.SandboxBots;
import io.gimops.bot.testing.SignedSlack;
import io.gimops.bot.wiring.Bot;
import io.gimops.policies.decision.LifecycleRequest;
import io.gimops.policies.domain.ServiceKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every door is a decision (rule 12), through signed HTTP requests as Slack sends them: a user
 * with no role (or the wrong one, or in the wrong channel) cannot read, cancel, confirm, approve,
 * choose or open the uninstall dialog, and the operation is unaffected; the people who may still
 * can; the alert's Roll back asks for confirmation like {@code /gim rollback}; malformed signed
 * payloads get a 400 that says what is wrong; nothing a stranger wrote reaches a message as markup.
 * The sandbox's environment is production here, so an uninstall needs a second admin.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SlackDoorsTest {

  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static final String CHANNEL = "C0GIMOPS";
  static final String ELSEWHERE = "C0RANDOM";
  static final String OPERATOR = "U0OPERATOR";
  static final String VIEWER = "U0VIEWER";
  static final String ADMIN = "U0ADMIN";
  static final String ADMIN2 = "U0ADMIN2";
  static final String STRANGER = "U0STRANGER";
  static final Duration AWAIT = Duration.ofSeconds(60);
  /** Markup that pings, mentions or links; our own mentions of the users above are the only {@code <@...>} allowed. */
  static final Pattern FOREIGN_MARKUP = Pattern.compile("<!|<#|<https?:|<mailto:|<@(?!U0(OPERATOR|VIEWER|ADMIN|ADMIN2|STRANGER)>)");

  @TempDir static Path work;
  static SandboxBots sandbox;
  static FakeSlack slack;
  static Bot bot;
  static SignedSlack signed;

  @BeforeAll
  static void start() {
    slack = new FakeSlack();
    sandbox = SandboxBots.start(work);
    String yaml = sandbox.config("doors-bot", SandboxWorld.Pace.TEST)
        .replace("channels: [" + SandboxWorld.CHANNEL + "]", "channels: [" + SandboxWorld.CHANNEL + ", " + CHANNEL + "]")
        .replace("production: false", "production: true")
        .replace("      console-admin2: admin\n", "      console-admin2: admin\n      " + OPERATOR + ": operator\n      "
            + VIEWER + ": viewer\n      " + ADMIN + ": admin\n      " + ADMIN2 + ": admin\n")
        + slack.httpConfigYaml(SECRET, 0)
        + "alerts:\n  bearerToken: alert-token-0123456789\n  recentChange: 2h\n";
    bot = sandbox.botFromYaml("doors-bot", yaml);
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
  void rule12_readsAreAnsweredOnlyToPeopleWithARoleInTheEnvironmentsChannels() {
    for (String read : List.of("status", "ops", "history gim", "releases gim", "plan upgrade gim")) {
      HttpResponse<String> stranger = signed.send(signed.slashCommand(STRANGER, CHANNEL, read));
      assertThat(stranger.statusCode()).as(read).isEqualTo(200);
      assertThat(stranger.body()).as(read).contains("ephemeral", "Not answered (rule 12)",
          "U0STRANGER has no role in sandbox").doesNotContain("deployed", "Plan:");
      HttpResponse<String> outside = signed.send(signed.slashCommand(VIEWER, ELSEWHERE, read + " --env sandbox"));
      assertThat(outside.body()).as(read).contains("Not answered (rule 12)", "not accepted in channel C0RANDOM");
      HttpResponse<String> dm = signed.send(signed.slashCommand(VIEWER, "D0VIEWER", read + " --env sandbox"));
      assertThat(dm.body()).as(read).contains("Not answered (rule 12)", "not answered in direct messages");
    }
    HttpResponse<String> viewer = signed.send(signed.slashCommand(VIEWER, CHANNEL, "status"));
    assertThat(viewer.body()).contains("in_channel", "deployed");
    await().atMost(AWAIT).until(() -> sandbox.auditLines().stream().filter(l -> l.contains("\"kind\":\"access\"")
        && l.contains("\"actor\":\"U0STRANGER\"") && l.contains("\"outcome\":\"refused\"")).count() >= 5);
    assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"access\"")
        && l.contains("\"actor\":\"U0VIEWER\"") && l.contains("\"outcome\":\"allowed\""));
  }

  @Test
  @Order(2)
  void rule12_strangersCannotConfirmOrCancelAndTheOperatorStillCan() {
    Operation op = requested(OPERATOR, "upgrade gca", "upgrade gca");
    for (String who : List.of(STRANGER, VIEWER)) {
      assertThat(signed.send(signed.buttonClick(who, CHANNEL, SlackBlocks.CONFIRM, op.id())).statusCode()).isEqualTo(200);
      assertThat(signed.send(signed.buttonClick(who, CHANNEL, SlackBlocks.CANCEL, op.id())).statusCode()).isEqualTo(200);
      signed.send(signed.slashCommand(who, CHANNEL, "cancel " + op.id()));
    }
    // The operator's own click, from a channel that is not the environment's: refused as well.
    signed.send(signed.buttonClick(OPERATOR, ELSEWHERE, SlackBlocks.CONFIRM, op.id()));
    await().atMost(AWAIT).until(() -> answers("Not confirmed (rule 12)") >= 3 && answers("Not cancelled (rule 12)") >= 4);
    assertThat(state(op)).isEqualTo(OperationState.AWAITING_CONFIRMATION);
    assertThat(bot.orchestrator().operation(op.id()).orElseThrow().cancelledBy()).isEmpty();

    assertThat(signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CONFIRM, op.id())).statusCode()).isEqualTo(200);
    Operation end = SandboxBots.awaitState(bot.orchestrator(), op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    assertThat(sandbox.upgradesOf("gca")).isEqualTo(1);
    // The audit trail names who acted: the operator confirmed, the strangers were refused.
    assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"state\"") && l.contains(op.id())
        && l.contains("\"outcome\":\"running\"") && l.contains("\"actor\":\"U0OPERATOR\""));
    assertThat(sandbox.auditLines()).anyMatch(l -> l.contains("\"kind\":\"access\"") && l.contains(op.id())
        && l.contains("\"actor\":\"U0STRANGER\"") && l.contains("\"outcome\":\"refused\"") && l.contains("cancel"));
  }

  @Test
  @Order(4)
  void rule10_onlyAdminsOpenTheUninstallDialogAndASecondAdminStillApproves() {
    Operation op = requested(ADMIN, "uninstall gca", "uninstall gca");
    int opened = slack.calls("views.open").size();
    signed.send(signed.buttonClick(STRANGER, CHANNEL, SlackBlocks.CONFIRM_TYPED, op.id()));
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CONFIRM_TYPED, op.id()));
    await().atMost(AWAIT).until(() -> answers("Not opened (rule 12)") >= 2);
    assertThat(slack.calls("views.open")).hasSize(opened);
    HttpResponse<String> forged = signed.send(signed.viewSubmission(STRANGER, SlackBlocks.UNINSTALL_MODAL, op.id(),
        "name", "typed", "gca"));
    assertThat(forged.body()).contains("errors", "Not allowed (rule 12)");
    assertThat(state(op)).isEqualTo(OperationState.AWAITING_CONFIRMATION);

    signed.send(signed.buttonClick(ADMIN, CHANNEL, SlackBlocks.CONFIRM_TYPED, op.id()));
    await().atMost(AWAIT).until(() -> slack.calls("views.open").size() == opened + 1);
    assertThat(signed.send(signed.viewSubmission(ADMIN, SlackBlocks.UNINSTALL_MODAL, op.id(), "name", "typed", "gca"))
        .statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> bot.orchestrator().operation(op.id()).orElseThrow().confirmations()
        .typedServiceName().isPresent());
    assertThat(state(op)).as("production: a second admin must approve").isEqualTo(OperationState.AWAITING_CONFIRMATION);

    // Not the requester, not an operator, not a stranger: another admin.
    for (String who : List.of(STRANGER, OPERATOR, ADMIN)) {
      signed.send(signed.buttonClick(who, CHANNEL, SlackBlocks.APPROVE, op.id()));
    }
    await().atMost(AWAIT).until(() -> answers("Not approved (rule 12)") >= 2);
    assertThat(state(op)).isEqualTo(OperationState.AWAITING_CONFIRMATION);
    signed.send(signed.buttonClick(ADMIN2, CHANNEL, SlackBlocks.APPROVE, op.id()));
    Operation end = SandboxBots.awaitState(bot.orchestrator(), op.id(), OperationState.SUCCEEDED, OperationState.FAILED);
    assertThat(end.state()).as(end.outcome().orElse("")).isEqualTo(OperationState.SUCCEEDED);
    assertThat(end.confirmations().secondApprover().orElseThrow().userId()).isEqualTo(ADMIN2);
  }

  @Test
  @Order(3)
  void theAlertsRollBackIsARequestThatAsksForConfirmation() {
    int helmBefore = sandbox.helmCalls().size();
    String value = SandboxWorld.ENVIRONMENT + "|gca|1";
    signed.send(signed.buttonClick(STRANGER, CHANNEL, AlertIntake.ROLLBACK_ACTION, value));
    await().atMost(AWAIT).until(() -> answers("U0STRANGER has no role") >= 1);
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, AlertIntake.ROLLBACK_ACTION, value));
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, AlertIntake.ROLLBACK_ACTION, value));
    await().atMost(AWAIT).until(() -> bot.orchestrator().operations().stream()
        .anyMatch(o -> o.request() instanceof LifecycleRequest.Rollback r && r.service() == ServiceKind.GCA));
    List<Operation> rollbacks = bot.orchestrator().operations().stream()
        .filter(o -> o.request() instanceof LifecycleRequest.Rollback r && r.service() == ServiceKind.GCA).toList();
    assertThat(rollbacks).as("a double click asks once").hasSize(1);
    Operation rb = rollbacks.get(0);
    assertThat(rb.state()).isEqualTo(OperationState.AWAITING_CONFIRMATION);
    assertThat(rb.requestedBy().userId()).isEqualTo(OPERATOR);
    await().atMost(AWAIT).until(() -> slack.calls("chat.postMessage").stream()
        .anyMatch(c -> c.param("text").contains(rb.id()) && c.param("blocks").contains(SlackBlocks.CONFIRM)));
    assertThat(sandbox.helmCalls()).hasSize(helmBefore);
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CANCEL, rb.id()));
    assertThat(SandboxBots.awaitState(bot.orchestrator(), rb.id(), OperationState.CANCELLED).state())
        .isEqualTo(OperationState.CANCELLED);
    // The confirmation of an operation that ended loses its buttons and says how it ended.
    await().atMost(AWAIT).until(() -> slack.calls("chat.update").stream().anyMatch(c -> c.param("blocks").contains(rb.id())
        && c.param("blocks").contains("CANCELLED") && !c.param("blocks").contains("\"actions\"")));
  }

  @Test
  @Order(5)
  void malformedSignedPayloadsAre400WithWhatIsWrongAndChangeNothing() {
    int ops = bot.orchestrator().operations().size();
    JsonObject user = new JsonObject().put("id", OPERATOR).put("username", OPERATOR);
    List<JsonObject> payloads = List.of(
        new JsonObject().put("type", "block_actions").put("user", user).put("actions", new JsonArray()),
        click(user, "gimops.choose.1", "op-abcdef"),
        click(user, "gimops.choose.nonsense.1", "op-abcdef:nonsense:1"),
        click(user, AlertIntake.ROLLBACK_ACTION, "sandbox|gim|one"),
        click(user, AlertIntake.ROLLBACK_ACTION, "sandbox|gim"),
        click(user, SlackBlocks.CONFIRM, "not an operation"),
        new JsonObject().put("type", "view_submission").put("user", user).put("view", new JsonObject()
            .put("id", "V1").put("type", "modal").put("callback_id", SlackBlocks.UNINSTALL_MODAL)
            .put("private_metadata", "op-abcdef")));
    List<String> expected = List.of("no action", "not <operation id>:<prompt>:<choice>", "names no prompt", "revision is not a positive",
        "not <environment>|<service>|<revision>", "not an operation id", "no state");
    for (int i = 0; i < payloads.size(); i++) {
      HttpResponse<String> r = signed.send("payload=" + URLEncoder.encode(payloads.get(i).encode(), StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as(payloads.get(i).encode()).isEqualTo(400);
      assertThat(r.body()).contains("malformed interaction payload", expected.get(i)).doesNotContain("Exception");
    }
    assertThat(bot.orchestrator().operations()).hasSize(ops);
    await().atMost(AWAIT).until(() -> sandbox.auditLines().stream()
        .filter(l -> l.contains("\"kind\":\"rejected\"") && l.contains("\"outcome\":\"400\"")).count() >= payloads.size());
  }

  @Test
  @Order(6)
  void rule12_onlyAnOperatorAnswersAPromptAndAStrangersClickLeavesItOpen() {
    sandbox.world().breakNext(ServiceKind.GSP, "image");
    Operation op = requested(OPERATOR, "upgrade gsp", "upgrade gsp");
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CONFIRM, op.id()));
    Operation failed = SandboxBots.awaitState(bot.orchestrator(), op.id(), OperationState.FAILED, OperationState.SUCCEEDED);
    assertThat(failed.state()).isEqualTo(OperationState.FAILED);
    var prompt = failed.prompt(io.gimops.bot.operation.Prompt.Kind.ROLLBACK).orElseThrow();
    String rollBack = prompt.choices().get(0).id();
    String dismiss = prompt.choices().get(prompt.choices().size() - 1).id();
    await().atMost(AWAIT).until(() -> slack.calls("chat.postMessage").stream()
        .anyMatch(c -> c.param("blocks").contains(SlackBlocks.CHOOSE + ".rollback." + rollBack)
            && c.param("blocks").contains(op.id() + ":rollback:" + rollBack)));
    int helmBefore = sandbox.helmCalls().size();

    signed.send(signed.buttonClick(STRANGER, CHANNEL, SlackBlocks.CHOOSE + "." + rollBack, op.id() + ":" + rollBack));
    signed.send(signed.buttonClick(VIEWER, CHANNEL, SlackBlocks.CHOOSE + "." + dismiss, op.id() + ":" + dismiss));
    signed.send(signed.buttonClick(OPERATOR, ELSEWHERE, SlackBlocks.CHOOSE + "." + rollBack, op.id() + ":" + rollBack));
    await().atMost(AWAIT).until(() -> answers("Not chosen (rule 12)") >= 3);
    assertThat(bot.orchestrator().operation(op.id()).orElseThrow().prompt(io.gimops.bot.operation.Prompt.Kind.ROLLBACK)).isPresent();
    assertThat(sandbox.helmCalls()).hasSize(helmBefore);

    // The button as posted names its prompt (the clicks above use the value of buttons posted before
    // an operation could hold several prompts: they answer its latest).
    signed.send(signed.buttonClick(OPERATOR, CHANNEL, SlackBlocks.CHOOSE + ".rollback." + rollBack,
        op.id() + ":rollback:" + rollBack));
    assertThat(SandboxBots.awaitState(bot.orchestrator(), op.id(), OperationState.ROLLED_BACK).state())
        .isEqualTo(OperationState.ROLLED_BACK);
    assertThat(sandbox.helmCalls()).filteredOn(c -> c.startsWith("rollback gsp")).hasSize(1);
    // The answered prompt's message loses its buttons and says how it closed.
    await().atMost(AWAIT).until(() -> slack.calls("chat.update").stream().anyMatch(c -> c.param("blocks")
        .contains("done by") && c.param("blocks").contains(op.id()) && !c.param("blocks").contains(SlackBlocks.CHOOSE)));
    sandbox.world().fix(ServiceKind.GSP);
  }

  @Test
  @Order(7)
  void anOverrideReasonIsShownAsTypedNeverAsAPingOrALink() {
    // GSP's running release crash-loops, so rule 2 refuses and the admin's override (and reason) counts.
    var gspVersion = sandbox.history("gsp", "gsp").version().orElseThrow();
    sandbox.world().controller().inject(ServiceKind.GSP, gspVersion, io.gimops.sandbox.kubelet.Failure.CRASH_LOOP);
    sandbox.world().api().client().pods().inNamespace("gsp").delete();
    await().atMost(AWAIT).until(() -> signed.send(signed.slashCommand(VIEWER, CHANNEL, "status gsp")).body()
        .contains("CrashLoopBackOff"));
    HttpResponse<String> ack = signed.send(signed.slashCommand(ADMIN, CHANNEL,
        "upgrade gim --override \"<!channel> urgent: log in at <https://evil.example/login|Genesys SSO> <@U123>\""));
    assertThat(ack.statusCode()).isEqualTo(200);
    try {
      await().atMost(Duration.ofSeconds(15)).until(() -> slack.calls().stream().anyMatch(c -> c.params().toString().contains("&lt;!channel&gt;")));
    } catch (RuntimeException e) {
      throw new AssertionError(ack.body() + "\n" + slack.calls().stream().skip(Math.max(0, slack.calls().size() - 5))
          .map(c -> c.method() + " " + c.params()).toList(), e);
    }
    bot.orchestrator().operations().stream().filter(o -> o.state() == OperationState.AWAITING_CONFIRMATION)
        .forEach(o -> signed.send(signed.buttonClick(ADMIN, CHANNEL, SlackBlocks.CANCEL, o.id())));
    sandbox.world().controller().clear(ServiceKind.GSP, gspVersion);
    // Every Web API call and every answer so far: no foreign markup anywhere.
    for (FakeSlack.Call c : slack.calls()) {
      for (var e : c.params().entrySet()) {
        assertThat(FOREIGN_MARKUP.matcher(e.getValue()).find()).as(c.method() + " " + e.getKey() + ": " + e.getValue())
            .isFalse();
      }
    }
    assertThat(Mrkdwn.escape("<!channel>")).isEqualTo("&lt;!channel&gt;");
  }

  private static JsonObject click(JsonObject user, String actionId, String value) {
    return new JsonObject().put("type", "block_actions").put("user", user)
        .put("channel", new JsonObject().put("id", CHANNEL))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "button").put("action_id", actionId)
            .put("block_id", "b").put("value", value).put("action_ts", "1700000000.000100")));
  }

  /** Asks for something that needs confirmation and returns its operation once its confirmation is posted. */
  private static Operation requested(String user, String command, String summary) {
    HttpResponse<String> ack = signed.send(signed.slashCommand(user, CHANNEL, command));
    assertThat(ack.statusCode()).isEqualTo(200);
    await().atMost(AWAIT).until(() -> bot.orchestrator().operations().stream()
        .anyMatch(o -> o.summary().startsWith(summary) && o.state() == OperationState.AWAITING_CONFIRMATION));
    Operation op = bot.orchestrator().operations().stream()
        .filter(o -> o.summary().startsWith(summary) && o.state() == OperationState.AWAITING_CONFIRMATION)
        .reduce((a, b) -> b).orElseThrow();
    await().atMost(AWAIT).until(() -> slack.calls("chat.postMessage").stream().anyMatch(c -> c.param("text").contains(op.id())));
    return op;
  }

  private static OperationState state(Operation op) {
    return bot.orchestrator().operation(op.id()).orElseThrow().state();
  }

  private static long answers(String text) {
    return slack.calls("response_url").stream().filter(c -> c.param("text").contains(text)).count();
  }
}
