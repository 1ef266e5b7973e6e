/**
 * The sandbox's Helm charts for GIM, GSP, GCA and their monitoring charts, packaged by the real
 * helm: {@link io.gimops.sandbox.charts.SampleCharts}.
 */
package io.gimops.sandbox.charts;
