package io.gimops.bot.wiring;

import io.gimops.adapters.kube.PodSelector;
import io.gimops.adapters.metrics.SignalQueries;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.SuccessCondition;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code environments[].signals}: what the bot reads to verify each service of an environment, for
 * charts that label their pods otherwise and for one Prometheus that scrapes several
 * environments. Every key is optional; the defaults are {@link SignalQueries#defaults} and the
 * release's {@code app.kubernetes.io/instance} label. A mistake is refused when the file is read,
 * with its key path and line.
 *
 * <pre>
 * signals:
 *   prometheusLabels: {cluster: prod-eu}          # {envLabels} in queries: ,cluster="prod-eu"
 *   gca:
 *     podSelector: servicename=gca,release={release}
 *   gsp:
 *     conditions:
 *       - {name: Flink jobs running, query: 'max(flink_jobmanager_numRunningJobs{namespace="{namespace}"{envLabels}})', compare: '>=', value: 1}
 * </pre>
 *
 * @param prometheusLabels the labels this environment's series carry in Prometheus (e.g. the
 *     cluster's), put into every query by {@code {envLabels}}
 */
public record SignalsConfig(Optional<Map<String, String>> prometheusLabels, Optional<Service> gim,
    Optional<Service> gsp, Optional<Service> gca) {

  /** No {@code signals} section: every default. */
  public static final SignalsConfig DEFAULTS = new SignalsConfig(Optional.empty(), Optional.empty(), Optional.empty(),
      Optional.empty());

  /**
   * One service's signals.
   *
   * @param podSelector a label selector ({@code kubectl -l} syntax) with {@code {release}},
   *     {@code {namespace}}, {@code {service}} or {@code {env}}; default {@code app.kubernetes.io/instance={release}}
   * @param presenceQuery PromQL whose sample of 1 says the service's metrics are there
   * @param backlogQuery GIM only: PromQL for {@code gim_kafka_timestamp_behind}, judged by rule 8's trend
   * @param conditions replace the service's default success conditions (an empty list: none)
   */
  public record Service(Optional<String> podSelector, Optional<String> presenceQuery, Optional<String> backlogQuery,
      Optional<List<Condition>> conditions) {
    public Service {
      podSelector.ifPresent(s -> PodSelector.parse(s.replaceAll("\\{(release|namespace|service|env)}", "x")));
      presenceQuery.ifPresent(q -> placeholders(q, "presenceQuery"));
      backlogQuery.ifPresent(q -> placeholders(q, "backlogQuery"));
    }
  }

  /**
   * A success condition: every sample of {@code query} must compare to {@code value} by
   * {@code compare} ({@code >}, {@code >=}, {@code <}, {@code <=}, {@code ==}, {@code !=}).
   */
  public record Condition(String name, String query, String compare, Double value) {
    public Condition {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("a condition needs a name, which findings show (e.g. Flink jobs running)");
      }
      if (query == null || query.isBlank()) {
        throw new IllegalArgumentException("condition '" + name + "' needs a query (PromQL)");
      }
      placeholders(query, "condition '" + name + "'");
      if (SuccessCondition.Comparison.fromSymbol(compare).isEmpty()) {
        throw new IllegalArgumentException("condition '" + name + "': compare is '" + compare
            + "'; write one of >, >=, <, <=, ==, !=");
      }
      if (value == null) {
        throw new IllegalArgumentException("condition '" + name + "' needs a value to compare with (a number)");
      }
    }

    SignalQueries.ConditionTemplate template() {
      return new SignalQueries.ConditionTemplate(name, query, SuccessCondition.Comparison.fromSymbol(compare)
          .orElseThrow(), value);
    }
  }

  public SignalsConfig {
    for (var e : Map.of("gsp", gsp, "gca", gca).entrySet()) {
      if (e.getValue().flatMap(Service::backlogQuery).isPresent()) {
        throw new IllegalArgumentException("signals." + e.getKey() + ".backlogQuery: only GIM has a backlog"
            + " (gim_kafka_timestamp_behind); use conditions for " + e.getKey());
      }
    }
    prometheusLabels.ifPresent(labels -> labels.forEach((k, v) -> {
      if (k == null || !k.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw new IllegalArgumentException("signals.prometheusLabels: '" + k + "' is not a Prometheus label name"
            + " (letters, digits and _, not starting with a digit)");
      }
      if (v == null) {
        throw new IllegalArgumentException("signals.prometheusLabels." + k + " needs a value");
      }
    }));
  }

  private Optional<Service> service(ServiceKind k) {
    return switch (k) {
      case GIM -> gim;
      case GSP -> gsp;
      case GCA -> gca;
    };
  }

  /** Each configured service's pod selector, its placeholders filled; a service not here: the default. */
  public Map<ServiceKind, PodSelector> podSelectors(Environment env) {
    Map<ServiceKind, PodSelector> out = new EnumMap<>(ServiceKind.class);
    for (ServiceSpec spec : env.inCycleOrder()) {
      service(spec.kind()).flatMap(Service::podSelector)
          .ifPresent(s -> out.put(spec.kind(), PodSelector.parse(SignalQueries.fillSelector(s, env, spec))));
    }
    return out;
  }

  /** What Prometheus is asked for each service of the environment, defaults and overrides filled. */
  public Map<ServiceKind, SignalQueries> queries(Environment env) {
    Map<String, String> labels = new LinkedHashMap<>(prometheusLabels.orElse(Map.of()));
    Map<ServiceKind, SignalQueries> out = new EnumMap<>(ServiceKind.class);
    for (ServiceSpec spec : env.inCycleOrder()) {
      SignalQueries.Template d = SignalQueries.defaults(spec.kind());
      Optional<Service> s = service(spec.kind());
      List<SignalQueries.ConditionTemplate> conditions = new ArrayList<>(d.conditions());
      s.flatMap(Service::conditions).ifPresent(cs -> {
        conditions.clear();
        cs.forEach(c -> conditions.add(c.template()));
      });
      SignalQueries.Template t = new SignalQueries.Template(s.flatMap(Service::presenceQuery).orElse(d.presence()),
          s.flatMap(Service::backlogQuery).or(d::backlog), conditions);
      out.put(spec.kind(), t.fill(env, spec, labels));
    }
    return out;
  }

  private static void placeholders(String query, String where) {
    try {
      SignalQueries.fill(query, Environment.standard("check", "", false),
          ServiceSpec.defaults(ServiceKind.GIM), Map.of());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }
}
