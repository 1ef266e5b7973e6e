package io.gimops.bot.wiring;

import java.util.List;
import java.util.Optional;

/**
 * How one service is deployed in one environment ({@code environments[].services.<gim|gsp|gca>}),
 * over the defaults of the product brief (release and namespace named after the service, GIM with
 * {@code gim-monitoring}, GCA with {@code gca-monitoring}, GIM and GSP with a 15-minute timeout).
 *
 * @param releaseName the Helm release (default: gim, gsp, gca)
 * @param fullname what GSP's {@code gsp.fullname} computes; selects its state ConfigMaps
 *     ({@code app=<fullname>}) on a reinstall (default: the release name)
 * @param namespace the service's own namespace (default: the environment's {@code sharedNamespace},
 *     else the service's name)
 * @param extraCharts the charts upgraded with it, e.g. {@code [gim-monitoring]}; {@code []}: none
 * @param valuesFile the {@code <override>-values.yaml} passed with {@code -f} (default {@code <service>-values.yaml})
 * @param helmTimeout helm's {@code --timeout} for upgrade and rollback; for GIM and GSP at least
 *     15 minutes, as the vendor asks
 */
public record ServiceConfig(Optional<String> releaseName, Optional<String> fullname, Optional<String> namespace,
    Optional<List<String>> extraCharts, Optional<String> valuesFile, Optional<String> helmTimeout) {

  /** The three services of an environment; each may be left out (defaults). */
  public record Services(Optional<ServiceConfig> gim, Optional<ServiceConfig> gsp, Optional<ServiceConfig> gca) {}
}
