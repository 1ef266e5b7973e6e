package io.gimops.sandbox.charts;

import io.gimops.policies.domain.Version;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@link SampleCharts#packageAll(Path)} wrote.
 *
 * @param dir the directory holding them all
 * @param packages every {@code <chart>-<version>.tgz}
 * @param valuesFiles every {@code <release>-values.yaml}
 */
public record PackagedCharts(Path dir, List<Path> packages, List<Path> valuesFiles) {

  public PackagedCharts {
    packages = List.copyOf(packages);
    valuesFiles = List.copyOf(valuesFiles);
  }

  /** The package of one chart release, e.g. {@code <dir>/gim-100.0.116+2900.tgz}. */
  public Path chart(String chart, Version version) {
    Path p = dir.resolve(SampleCharts.packageFileName(chart, version));
    if (!packages.contains(p)) {
      throw new IllegalArgumentException("no package " + p.getFileName() + "; " + chart + " has releases "
          + SampleCharts.versions(chart));
    }
    return p;
  }

  /** The values file of a release, e.g. {@code <dir>/gim-values.yaml}. */
  public Path values(String release) {
    Path p = dir.resolve(SampleCharts.valuesFileName(release));
    if (!valuesFiles.contains(p)) {
      throw new IllegalArgumentException("no values file for " + release + "; there are values files for "
          + SampleCharts.RELEASES_WITH_VALUES);
    }
    return p;
  }
}
