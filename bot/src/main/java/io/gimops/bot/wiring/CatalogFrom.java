package io.gimops.bot.wiring;

import java.util.Optional;

/**
 * Where the release catalog comes from ({@code catalogFrom}): the packages in {@code helm.charts}
 * (each {@code <chart>-<version>.tgz}'s {@code Chart.yaml}), and a Helm chart repository's
 * {@code index.yaml}; {@code catalog:} entries are added and override both.
 *
 * @param charts read the charts directory (default true)
 * @param index the URL of a chart repository's {@code index.yaml} (http or https)
 * @param timeout how long fetching the index may take (default 10s)
 */
public record CatalogFrom(Optional<Boolean> charts, Optional<String> index, Optional<String> timeout) {}
