package io.gimops.adapters.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.context.Context;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.MiddlewareOps;
import com.slack.api.bolt.middleware.builtin.IgnoringSelfEvents;
import com.slack.api.bolt.middleware.builtin.SSLCheck;
import com.slack.api.bolt.request.RequestType;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.response.auth.AuthTestResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A Bolt app for {@link SlackHttpServer}, with two of Bolt's middleware replaced:
 *
 * <ul>
 *   <li>Bolt's request verification is left out: {@link SlackSignature} has already checked the
 *       request more strictly (future timestamps, constant time, the raw bytes) before Bolt sees
 *       it. Socket Mode requests are not signed at all, and Bolt skips its check for them anyway.
 *   <li>Bolt's single-team authorization calls {@code auth.test} on the request's thread the
 *       first time and whenever its cache expires. Here the bot's identity is read ahead
 *       ({@link #refreshIdentity()}, which {@link SlackHttpServer} calls at start and then
 *       periodically, on a worker) and every request is authorised from memory. Until Slack has
 *       answered once, a request asks it itself, as Bolt would.
 * </ul>
 *
 * <p>Once the identity is known, slash commands, buttons and view submissions go through Bolt
 * without waiting on anything ({@link #answersWithoutWaiting}): the server then runs them on the
 * event loop that read them. Their handlers must only compute from memory, hand anything that
 * waits (the Web API, the orchestrator) elsewhere, and acknowledge. Events API requests are never
 * among them: Bolt's {@code IgnoringSelfEvents} may call {@code bots.info} for them.
 */
public final class VerifiedApp extends App {

  private static final System.Logger LOG = System.getLogger(VerifiedApp.class.getName());

  /**
   * Request types whose path through Bolt waits on nothing and costs little: a button or a view's
   * answer is a parse and a hand-off; a command's answer is computed from memory (the status
   * table, at most one a second, by the front end's status board). Commands were kept off the
   * loop while every {@code /gim status} rendered its own table (~50 KB and up to 150 us): in an
   * alert storm (AlertStormBenchmarkTest) the webhook's p99 rose from 60 to 95 ms and the
   * commands' own from 49 to 62-66 ms. With the table made at most once a second, on the loop
   * (four loops on two cores, three runs): the webhook's p99 65-83 ms, the commands' 48-56 ms.
   */
  private static final Set<RequestType> COMPUTE_ONLY = EnumSet.of(RequestType.Command, RequestType.BlockAction,
      RequestType.ViewSubmission, RequestType.ViewClosed);

  private volatile Optional<AuthTestResponse> identity = Optional.empty();

  public VerifiedApp(AppConfig config) {
    super(config);
  }

  /**
   * Bolt's default list, rebuilt: its own builder calls {@code auth.test} as it builds (and throws
   * when Slack cannot be reached), so it is not called. Single-team only, as the bot is.
   */
  @Override
  protected List<Middleware> buildDefaultMiddlewareList(AppConfig config) {
    if (config.isDistributedApp()) {
      throw new IllegalArgumentException("the bot is a single-workspace app; OAuth distribution is not supported");
    }
    List<Middleware> all = new ArrayList<>();
    if (config.isSslCheckEnabled()) {
      all.add(new SSLCheck(config.getVerificationToken()));
    }
    all.add(this::authorize);
    if (config.isIgnoringSelfEventsEnabled()) {
      all.add(new IgnoringSelfEvents(config.getSlack().getConfig(), config.isIgnoringSelfAssistantMessageEventsEnabled()));
    }
    return all;
  }

  /**
   * Asks Slack who the bot is ({@code auth.test}). Blocks: call it from a worker. A refusal
   * (a revoked or wrong token) is kept, so requests are answered 401 from memory until a later
   * call succeeds; a failure to reach Slack keeps what was known.
   *
   * @return what is wrong, if anything, for a log line
   */
  public Optional<String> refreshIdentity() {
    try {
      AuthTestResponse r = authTest();
      identity = Optional.of(r);
      return r.isOk() ? Optional.empty() : Optional.of("Slack refuses the bot token (" + r.getError()
          + "): every request is answered 401 until it accepts it");
    } catch (Exception e) {
      return Optional.of("cannot reach Slack for auth.test (" + e.getMessage() + ")"
          + (identity.isPresent() ? "; the identity read before stands" : "; requests ask it themselves"));
    }
  }

  /** Whether a request of this type goes through Bolt now without waiting on anything. */
  public boolean answersWithoutWaiting(RequestType type) {
    return COMPUTE_ONLY.contains(type) && identity.isPresent() && status() == Status.Running;
  }

  private AuthTestResponse authTest() throws Exception {
    return slack().methods().authTest(r -> r.token(config().getSingleTeamBotToken()));
  }

  /** Bolt's single-team authorization, answered from the identity read ahead. */
  private Response authorize(com.slack.api.bolt.request.Request req, Response resp,
      com.slack.api.bolt.middleware.MiddlewareChain chain) throws Exception {
    if (MiddlewareOps.isNoAuthRequiredRequest(req.getRequestType()) || MiddlewareOps.isNoTokenRequiredRequest(req)) {
      return chain.next(req);
    }
    AuthTestResponse who = identity.orElse(null);
    if (who == null) {
      who = authTest();
      identity = Optional.of(who);
      LOG.log(System.Logger.Level.INFO, "auth.test on a request's thread (not read ahead yet): "
          + (who.isOk() ? "ok" : who.getError()));
    }
    if (!who.isOk()) {
      return Response.builder().statusCode(401).contentType(Response.CONTENT_TYPE_APPLICATION_JSON_UTF8)
          .body("{\"error\":\"the bot's token is not accepted by Slack (" + who.getError() + ")\"}").build();
    }
    Context context = req.getContext();
    if (context.getBotToken() == null) {
      context.setBotToken(config().getSingleTeamBotToken());
    }
    context.setBotUserId(who.getUserId());
    context.setTeamId(who.getTeamId());
    context.setEnterpriseId(who.getEnterpriseId());
    return chain.next(req);
  }
}
