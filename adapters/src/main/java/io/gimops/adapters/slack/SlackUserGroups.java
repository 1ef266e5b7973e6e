package io.gimops.adapters.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.response.usergroups.UsergroupsListResponse;
import com.slack.api.model.Usergroup;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Which Slack user groups each user belongs to, so that roles can be granted to groups (rule 12).
 * Read with {@code usergroups.list} (scope {@code usergroups:read}) in the background and
 * answered from memory: nothing on a request's path waits for Slack. Until the first answer, or
 * if Slack refuses, users belong to no group, so only roles granted to users themselves count.
 */
public final class SlackUserGroups implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(SlackUserGroups.class.getName());

  private final MethodsClient methods;
  private final ScheduledExecutorService thread;
  private volatile Map<String, Set<String>> groupsByUser = Map.of();

  public SlackUserGroups(MethodsClient methods, Duration refreshEvery) {
    this.methods = methods;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "slack-user-groups");
      t.setDaemon(true);
      return t;
    });
    thread.scheduleWithFixedDelay(this::refresh, 0, refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The ids of the user groups {@code userId} is a member of, as last read. */
  public Set<String> groupsOf(String userId) {
    return groupsByUser.getOrDefault(userId, Set.of());
  }

  /** Whether the groups have been read at least once. */
  public boolean loaded() {
    return !groupsByUser.isEmpty();
  }

  private void refresh() {
    try {
      UsergroupsListResponse r = methods.usergroupsList(q -> q.includeUsers(true));
      if (!r.isOk()) {
        LOG.log(System.Logger.Level.WARNING, "usergroups.list failed (" + r.getError() + "): roles granted to user"
            + " groups do not count until it works; is the usergroups:read scope granted?");
        return;
      }
      Map<String, Set<String>> byUser = new HashMap<>();
      for (Usergroup g : r.getUsergroups()) {
        if (g.getUsers() != null) {
          g.getUsers().forEach(u -> byUser.computeIfAbsent(u, k -> new HashSet<>()).add(g.getId()));
        }
      }
      byUser.replaceAll((u, gs) -> Set.copyOf(gs));
      groupsByUser = Map.copyOf(byUser);
    } catch (Exception e) {
      LOG.log(System.Logger.Level.WARNING, "cannot read Slack's user groups: " + e.getMessage());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
