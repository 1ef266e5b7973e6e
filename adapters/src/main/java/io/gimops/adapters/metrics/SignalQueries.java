package io.gimops.adapters.metrics;

import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.SuccessCondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Prometheus is asked about one service of one environment: its presence query, GIM's backlog
 * query, and its success conditions, with every placeholder filled for that environment, so that
 * one Prometheus scraping several environments (or clusters) answers for the right one.
 *
 * <p>Placeholders, in queries (and pod selectors):
 * <ul>
 *   <li>{@code {namespace}}: the service's namespace; {@code {release}}: its Helm release name;
 *       {@code {service}}: {@code gim}, {@code gsp} or {@code gca}; {@code {env}}: the environment's name;
 *   <li>{@code {envLabels}} (queries only): {@code ,name="value"} for each of the environment's
 *       Prometheus labels (the labels its series carry, e.g. {@code cluster="prod-eu"}), nothing when
 *       it has none. Write it right after another matcher: {@code up{namespace="{namespace}"{envLabels}}}.
 * </ul>
 *
 * <p>The defaults ({@link #defaults(ServiceKind)}):
 * <ul>
 *   <li>presence: {@code up} of the release's pods. Prometheus writes {@code up} (1 scraped, 0
 *       not) for every target it scrapes, and the vendor's services are scraped through a
 *       PodMonitor (the GSP metrics page, all.docs.genesys.com PEC-REP/Current/GIMPEGuide/GSPMetrics:
 *       "PodMonitor, port 9249"), whose targets carry the pod's {@code namespace} and {@code pod}; a
 *       release's pods are named after it ({@code <release>-...}).
 *   <li>GIM's backlog: {@code gim_kafka_timestamp_behind}, the metric the vendor's upgrade page
 *       names to "track data latency and validate that there is no growing backlog".
 *   <li>GSP: the success condition "Flink jobs running", {@code flink_jobmanager_numRunningJobs >= 1}:
 *       the GSP metrics page lists the "number of running Flink jobs. If less than 1, there is a
 *       problem", named by Flink's JobManager scope ({@code flink_jobmanager_}) and its
 *       {@code numRunningJobs} metric.
 * </ul>
 *
 * @param backlog asked for GIM only
 */
public record SignalQueries(String presence, Optional<String> backlog, List<SuccessCondition> conditions) {

  /** The placeholders a query may use. */
  public static final List<String> PLACEHOLDERS = List.of("{namespace}", "{release}", "{service}", "{env}",
      "{envLabels}");

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{[A-Za-z]+}");

  public SignalQueries {
    Objects.requireNonNull(presence, "presence");
    Objects.requireNonNull(backlog, "backlog");
    conditions = List.copyOf(conditions);
  }

  /** A success condition before its placeholders are filled. */
  public record ConditionTemplate(String name, String query, SuccessCondition.Comparison comparison,
      double threshold) {}

  /** A service's queries before their placeholders are filled. */
  public record Template(String presence, Optional<String> backlog, List<ConditionTemplate> conditions) {
    public Template {
      conditions = List.copyOf(conditions);
    }

    /** Fills every placeholder for the service in the environment. */
    public SignalQueries fill(Environment env, ServiceSpec spec, Map<String, String> envLabels) {
      List<SuccessCondition> filled = new ArrayList<>();
      for (ConditionTemplate c : conditions) {
        filled.add(new SuccessCondition(c.name(), SignalQueries.fill(c.query(), env, spec, envLabels), c.comparison(),
            c.threshold()));
      }
      return new SignalQueries(SignalQueries.fill(presence, env, spec, envLabels),
          backlog.map(b -> SignalQueries.fill(b, env, spec, envLabels)), filled);
    }
  }

  /** The defaults from the vendor's pages (see the class comment). */
  public static Template defaults(ServiceKind kind) {
    String presence = "up{namespace=\"{namespace}\",pod=~\"{release}-.*\"{envLabels}}";
    return switch (kind) {
      case GIM -> new Template(presence,
          Optional.of("max(gim_kafka_timestamp_behind{namespace=\"{namespace}\"{envLabels}})"), List.of());
      case GSP -> new Template(presence, Optional.empty(), List.of(new ConditionTemplate("Flink jobs running",
          "max(flink_jobmanager_numRunningJobs{namespace=\"{namespace}\"{envLabels}})",
          SuccessCondition.Comparison.GE, 1)));
      case GCA -> new Template(presence, Optional.empty(), List.of());
    };
  }

  /**
   * Fills the placeholders of a query.
   *
   * @throws IllegalArgumentException for a placeholder that is not one of {@link #PLACEHOLDERS}
   */
  public static String fill(String template, Environment env, ServiceSpec spec, Map<String, String> envLabels) {
    StringBuilder labels = new StringBuilder();
    envLabels.forEach((k, v) -> labels.append(',').append(k).append("=\"")
        .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
    return replace(template, env, spec, labels.toString(), true);
  }

  /** Fills a pod selector's placeholders ({@code {envLabels}} has no meaning there). */
  public static String fillSelector(String template, Environment env, ServiceSpec spec) {
    return replace(template, env, spec, null, false);
  }

  private static String replace(String template, Environment env, ServiceSpec spec, String envLabels,
      boolean query) {
    Matcher m = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = switch (m.group()) {
        case "{namespace}" -> spec.namespace();
        case "{release}" -> spec.releaseName();
        case "{service}" -> spec.kind().id();
        case "{env}" -> env.name();
        case "{envLabels}" -> query ? envLabels : null;
        default -> null;
      };
      if (value == null) {
        throw new IllegalArgumentException("'" + m.group() + "' in '" + template + "' is not a placeholder: use "
            + String.join(", ", query ? PLACEHOLDERS : PLACEHOLDERS.subList(0, 4)));
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
