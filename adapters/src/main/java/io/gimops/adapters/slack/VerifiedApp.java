package io.gimops.adapters.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.middleware.Middleware;
import com.slack.api.bolt.middleware.builtin.LegacyRequestVerification;
import com.slack.api.bolt.middleware.builtin.RequestVerification;
import java.util.ArrayList;
import java.util.List;

/**
 * A Bolt app for {@link SlackHttpServer}: Bolt's own middleware, less its request verification,
 * which {@link SlackSignature} has already done more strictly (future timestamps, constant time,
 * the raw bytes) before Bolt sees the request. Socket Mode requests are not signed at all, and
 * Bolt skips its check for them anyway.
 */
public final class VerifiedApp extends App {

  public VerifiedApp(AppConfig config) {
    super(config);
  }

  @Override
  protected List<Middleware> buildDefaultMiddlewareList(AppConfig config) {
    List<Middleware> all = new ArrayList<>(super.buildDefaultMiddlewareList(config));
    all.removeIf(m -> m instanceof RequestVerification || m instanceof LegacyRequestVerification);
    return all;
  }
}
