package io.gimops.bot.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gimops.adapters.kube.PodSelector;
import io.gimops.adapters.metrics.SignalQueries;
import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.SuccessCondition;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code environments[].signals}: pod selectors, queries and success conditions, filled per environment. */
class SignalsConfigTest {

  static final String BASE = "helm: {binary: /bin/helm, charts: /charts}\nenvironments:\n  - name: prod\n"
      + "    production: true\n";

  static BotConfig parse(String signals) {
    return BotConfig.parse(BASE + signals);
  }

  static Environment prod(BotConfig c) {
    return c.environmentModels().get(0);
  }

  @Test
  void withoutASectionTheVendorsDefaultsAreFilledForTheEnvironment() {
    BotConfig c = parse("");
    Map<ServiceKind, SignalQueries> q = c.environments().get(0).signalsOrDefaults().queries(prod(c));
    assertThat(q.get(ServiceKind.GIM).presence()).isEqualTo("up{namespace=\"gim\",pod=~\"gim-.*\"}");
    assertThat(q.get(ServiceKind.GIM).backlog()).contains("max(gim_kafka_timestamp_behind{namespace=\"gim\"})");
    assertThat(q.get(ServiceKind.GSP).conditions()).containsExactly(new SuccessCondition("Flink jobs running",
        "max(flink_jobmanager_numRunningJobs{namespace=\"gsp\"})", SuccessCondition.Comparison.GE, 1));
    assertThat(q.get(ServiceKind.GCA).conditions()).isEmpty();
    assertThat(c.environments().get(0).signalsOrDefaults().podSelectors(prod(c))).isEmpty();
  }

  @Test
  void theKeysAreReadAndEveryPlaceholderFilled() {
    BotConfig c = parse("""
            sharedNamespace: genesys
            signals:
              prometheusLabels: {cluster: prod-eu}
              gca:
                podSelector: 'servicename={service},release={release}'
              gim:
                presenceQuery: 'up{job="{env}-{release}"{envLabels}}'
              gsp:
                conditions:
                  - {name: Flink jobs running, query: 'sum(flink_jobmanager_numRunningJobs{namespace="{namespace}"{envLabels}})', compare: '>=', value: 2}
                  - {name: no invalid records, query: 'max(flink_taskmanager_invalid{namespace="{namespace}"})', compare: '==', value: 0}
        """);
    Environment env = prod(c);
    SignalsConfig s = c.environments().get(0).signalsOrDefaults();
    Map<ServiceKind, SignalQueries> q = s.queries(env);
    assertThat(q.get(ServiceKind.GIM).presence()).isEqualTo("up{job=\"prod-gim\",cluster=\"prod-eu\"}");
    assertThat(q.get(ServiceKind.GIM).backlog())
        .contains("max(gim_kafka_timestamp_behind{namespace=\"genesys\",cluster=\"prod-eu\"})");
    assertThat(q.get(ServiceKind.GSP).conditions()).extracting(SuccessCondition::query).containsExactly(
        "sum(flink_jobmanager_numRunningJobs{namespace=\"genesys\",cluster=\"prod-eu\"})",
        "max(flink_taskmanager_invalid{namespace=\"genesys\"})");
    assertThat(q.get(ServiceKind.GSP).conditions().get(1).comparison()).isEqualTo(SuccessCondition.Comparison.EQ);
    assertThat(s.podSelectors(env)).containsOnlyKeys(ServiceKind.GCA);
    PodSelector gca = s.podSelectors(env).get(ServiceKind.GCA);
    assertThat(gca.text()).isEqualTo("servicename=gca,release=gca");
  }

  @Test
  void mistakesAreRefusedWithTheKeyAndWhatToWrite() {
    assertThatThrownBy(() -> parse("    signals: {gca: {podSelector: 'tier in a'}}\n"))
        .hasMessageContaining("environments[0].signals.gca").hasMessageContaining("in parentheses");
    assertThatThrownBy(() -> parse("    signals: {gim: {presenceQuery: 'up{ns=\"{nmespace}\"}'}}\n"))
        .hasMessageContaining("'{nmespace}'").hasMessageContaining("{namespace}");
    assertThatThrownBy(() -> parse("    signals: {gsp: {conditions: [{name: x, query: up, compare: '=>', value: 1}]}}\n"))
        .hasMessageContaining("write one of >, >=");
    assertThatThrownBy(() -> parse("    signals: {gsp: {conditions: [{name: x, query: up, compare: '>='}]}}\n"))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> parse("    signals: {gsp: {backlogQuery: up}}\n"))
        .hasMessageContaining("only GIM has a backlog");
    assertThatThrownBy(() -> parse("    signals: {prometheusLabels: {'9x': a}}\n"))
        .hasMessageContaining("not a Prometheus label name");
    assertThatThrownBy(() -> parse("    signals: {gim: {podSelecter: x}}\n"))
        .hasMessageContaining("'podSelecter' is not a key here");
  }
}
