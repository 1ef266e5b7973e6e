package io.gimops.adapters.sandbox;

import io.gimops.policies.domain.ReleaseCatalog;
import io.gimops.policies.domain.ServiceKind;
import java.util.List;

/**
 * What the sandbox lets a newcomer do to its cluster; absent against a real cluster. Declared
 * here, not in the bot, because the sandbox world (module {@code sandbox-world}) implements it
 * and must not see the bot: the bot's console takes it as a seam, and the production artifact
 * carries no sandbox class.
 */
public interface SandboxControls {
  /** The vendor publishes each service's next release; the catalog changes. */
  String publish();

  /** The release catalog as the sandbox now publishes it. */
  ReleaseCatalog catalog();

  /** Breaks the service's next release (the one an upgrade would install) in the given way. */
  String breakNext(ServiceKind service, String how);

  /** Undoes every break of the service. */
  String fix(ServiceKind service);

  /** The ways a release can be broken, for help. */
  List<String> ways();
}
