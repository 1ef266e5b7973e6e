package io.gimops.adapters.helm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where helm runs and against which cluster.
 *
 * @param binary the helm v3 executable (production: from the PATH or configuration)
 * @param kubeconfig the kubeconfig to pass with {@code --kubeconfig}; empty: helm's default
 * @param kubeContext the context to pass with {@code --kube-context}; empty: the current one
 * @param chartsDir where the {@code <release>-<version>.tgz} packages are
 * @param valuesDir where the {@code <release>-values.yaml} files are
 * @param killMargin how long past helm's own timeout the process may run before it is killed
 * @param extraUpgradeArgs arguments added to every {@code helm upgrade} (e.g.
 *     {@code --disable-openapi-validation} where the API server serves no OpenAPI document)
 * @param environment variables for the helm process (HELM_CACHE_HOME and friends)
 */
public record HelmConfig(
    Path binary,
    Optional<Path> kubeconfig,
    Optional<String> kubeContext,
    Path chartsDir,
    Path valuesDir,
    Duration killMargin,
    List<String> extraUpgradeArgs,
    Map<String, String> environment) {

  public HelmConfig {
    Objects.requireNonNull(binary, "binary");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(kubeContext, "kubeContext");
    chartsDir = chartsDir.toAbsolutePath().normalize();
    valuesDir = valuesDir.toAbsolutePath().normalize();
    if (killMargin.isNegative()) {
      throw new IllegalArgumentException("the kill margin cannot be negative");
    }
    extraUpgradeArgs = List.copyOf(extraUpgradeArgs);
    extraUpgradeArgs.forEach(a -> {
      if (!a.matches("--[a-z][a-z-]*")) {
        throw new IllegalArgumentException("extra helm arguments are bare flags such as"
            + " --disable-openapi-validation, not '" + a + "'");
      }
    });
    environment = Map.copyOf(environment);
  }
}
