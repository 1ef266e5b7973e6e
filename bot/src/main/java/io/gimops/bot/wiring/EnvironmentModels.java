package io.gimops.bot.wiring;

import io.gimops.policies.domain.Environment;
import io.gimops.policies.domain.MaintenanceWindow;
import io.gimops.policies.domain.Names;
import io.gimops.policies.domain.ServiceKind;
import io.gimops.policies.domain.ServiceSpec;
import io.gimops.policies.domain.WindowStart;
import io.gimops.policies.rules.HelmTimeouts;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The environments as the rules see them ({@link Environment}), from {@code environments[]}: each
 * service's release, fullname, namespace, extra charts, values file and helm timeout over the
 * brief's defaults, and the maintenance windows. Every refusal is a problem at its own key, so a
 * file with five mistakes hears of five.
 */
final class EnvironmentModels {

  static final String VENDOR_TIMEOUT = "\"When you upgrade GIM and GSP, increase the Helm timeout value from the default"
      + " 5 minutes to 15 minutes or longer\"";

  private EnvironmentModels() {}

  static List<Environment> all(BotConfig c, Problems p) {
    List<Environment> out = new ArrayList<>();
    for (int i = 0; i < c.environments().size(); i++) {
      model(c.environments().get(i), "environments[" + i + "]", p).ifPresent(out::add);
    }
    return out;
  }

  static Optional<Environment> model(BotConfig.Env e, String at, Problems p) {
    if (e.name() == null || e.name().isBlank()) {
      return Optional.empty(); // said missing by ConfigProblems
    }
    Optional<Environment> base = p.attempt(at + ".name", () -> Environment.standard(e.name(),
        e.context().orElse(""), e.production().orElse(false)));
    if (base.isEmpty()) {
      return Optional.empty();
    }
    Environment env = base.get();
    if (e.sharedNamespace().isPresent()) {
      Optional<Environment> shared = p.attempt(at + ".sharedNamespace", () -> {
        Names.namespace(e.sharedNamespace().get());
        return base.get().inSharedNamespace(e.sharedNamespace().get());
      });
      if (shared.isPresent()) {
        env = shared.get();
      }
    }
    Map<String, ServiceKind> releases = new HashMap<>();
    for (ServiceKind k : ServiceKind.values()) {
      Optional<ServiceConfig> sc = e.services().flatMap(s -> switch (k) {
        case GIM -> s.gim();
        case GSP -> s.gsp();
        case GCA -> s.gca();
      });
      ServiceSpec spec = env.service(k).orElseThrow();
      if (sc.isPresent()) {
        Optional<ServiceSpec> configured = spec(spec, sc.get(), at + ".services." + k.id(), p);
        if (configured.isPresent()) {
          spec = configured.get();
          env = env.withService(spec);
        }
      }
      ServiceKind twin = releases.put(spec.namespace() + "/" + spec.releaseName(), k);
      if (twin != null) {
        p.add(at + ".services." + k.id() + ".releaseName", "the release " + spec.releaseName() + " in namespace "
            + spec.namespace() + " is " + twin.id() + "'s too: give each service its own release name or namespace");
      }
    }
    List<MaintenanceWindow> windows = e.maintenance().map(m -> windows(m, at + ".maintenance", p)).orElse(List.of());
    return Optional.of(env.withMaintenanceWindows(windows));
  }

  private static Optional<ServiceSpec> spec(ServiceSpec d, ServiceConfig sc, String at, Problems p) {
    int before = p.list().size();
    String release = sc.releaseName().orElse(d.releaseName());
    sc.releaseName().ifPresent(r -> p.attempt(at + ".releaseName", () -> Names.release(r)));
    // GSP's fullname is its release name unless the chart's fullnameOverride says otherwise.
    String fullname = sc.fullname().orElse(sc.releaseName().orElse(d.fullname()));
    sc.fullname().ifPresent(f -> p.attempt(at + ".fullname", () -> Names.release(f)));
    String namespace = sc.namespace().orElse(d.namespace());
    sc.namespace().ifPresent(n -> p.attempt(at + ".namespace", () -> Names.namespace(n)));
    List<String> extra = sc.extraCharts().orElse(d.extraCharts());
    for (int i = 0; i < extra.size(); i++) {
      String chart = extra.get(i);
      p.attempt(at + ".extraCharts[" + i + "]", () -> Names.release(chart == null ? "" : chart));
    }
    String values = sc.valuesFile().orElse(d.valuesFile());
    sc.valuesFile().ifPresent(v -> p.attempt(at + ".valuesFile", () -> Names.valuesFile(v)));
    Optional<Duration> timeout = d.helmTimeout();
    if (sc.helmTimeout().isPresent()) {
      timeout = p.attempt(at + ".helmTimeout", () -> BotConfig.duration(sc.helmTimeout().get()));
      timeout.ifPresent(t -> {
        if (HelmTimeouts.NEEDS_LONGER.contains(d.kind()) && t.compareTo(HelmTimeouts.VENDOR_MINIMUM) < 0) {
          p.add(at + ".helmTimeout", sc.helmTimeout().get() + " is shorter than the vendor asks for "
              + d.kind().id() + ": " + VENDOR_TIMEOUT + "; write 15m or longer");
        } else if (t.isNegative() || t.isZero()) {
          p.add(at + ".helmTimeout", "a helm timeout is longer than 0; write e.g. 10m");
        }
      });
    }
    if (p.list().size() > before) {
      return Optional.empty();
    }
    Optional<Duration> t = timeout;
    return p.attempt(at, () -> new ServiceSpec(d.kind(), release, namespace, extra, d.cycleOrder(), t, fullname, values));
  }

  private static List<MaintenanceWindow> windows(MaintenanceConfig m, String at, Problems p) {
    Optional<ZoneId> zone = m.zone().isEmpty() ? Optional.of(ZoneId.of("UTC"))
        : p.attempt(at + ".zone", () -> zone(m.zone().get()));
    List<MaintenanceWindow> out = new ArrayList<>();
    if (zone.isEmpty()) {
      return out;
    }
    List<MaintenanceConfig.Window> allow = m.allow().orElse(List.of());
    List<MaintenanceConfig.Window> deny = m.deny().orElse(List.of());
    for (int i = 0; i < allow.size(); i++) {
      window(allow.get(i), MaintenanceWindow.Effect.ALLOW, zone.get(), at + ".allow[" + i + "]", p).ifPresent(out::add);
    }
    for (int i = 0; i < deny.size(); i++) {
      window(deny.get(i), MaintenanceWindow.Effect.DENY, zone.get(), at + ".deny[" + i + "]", p).ifPresent(out::add);
    }
    return out;
  }

  private static Optional<MaintenanceWindow> window(MaintenanceConfig.Window w, MaintenanceWindow.Effect effect,
      ZoneId sectionZone, String at, Problems p) {
    if (w == null) {
      p.add(at, "an empty window: write {days: [SAT], start: \"22:00\", length: 6h} or {cron: \"0 22 * * SAT\","
          + " length: 6h}");
      return Optional.empty();
    }
    int before = p.list().size();
    Optional<ZoneId> zone = w.zone().isEmpty() ? Optional.of(sectionZone) : p.attempt(at + ".zone", () -> zone(w.zone().get()));
    Optional<Duration> length = Optional.empty();
    if (w.length() == null) {
      p.add(at + ".length", "missing (how long the window stays open, e.g. 6h)");
    } else {
      length = p.attempt(at + ".length", () -> BotConfig.duration(w.length()));
      length.filter(l -> l.isNegative() || l.isZero() || l.compareTo(Duration.ofDays(7)) > 0)
          .ifPresent(l -> p.add(at + ".length", "a window stays open more than 0 and at most 7 days (7d)"));
    }
    Optional<WindowStart> start = Optional.empty();
    if (w.cron().isPresent()) {
      if (w.days().isPresent() || w.start().isPresent()) {
        p.add(at, "either cron: or days: with start:, not both");
      } else {
        start = p.attempt(at + ".cron", () -> WindowStart.cron(w.cron().get()));
      }
    } else if (w.days().isEmpty() || w.start().isEmpty()) {
      p.add(at, "say when it opens: days: [SAT, SUN] with start: \"22:00\", or cron: \"0 22 * * SAT\"");
    } else {
      Optional<Set<DayOfWeek>> days = p.attempt(at + ".days", () -> days(w.days().get()));
      Optional<LocalTime> time = p.attempt(at + ".start", () -> time(w.start().get()));
      if (days.isPresent() && time.isPresent()) {
        start = p.attempt(at + ".days", () -> WindowStart.weekly(days.get(), time.get()));
      }
    }
    if (p.list().size() > before || start.isEmpty() || length.isEmpty() || zone.isEmpty()) {
      return Optional.empty();
    }
    WindowStart s = start.get();
    Duration l = length.get();
    ZoneId z = zone.get();
    return p.attempt(at, () -> new MaintenanceWindow(effect, s, l, z));
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("'" + id + "' is not a time zone; write e.g. Europe/Berlin, UTC or +02:00");
    }
  }

  private static LocalTime time(String text) {
    try {
      return LocalTime.parse(text.strip().length() == 4 ? "0" + text.strip() : text.strip());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + text + "' is not a time of day; write e.g. \"22:00\" (quoted)");
    }
  }

  private static Set<DayOfWeek> days(List<String> names) {
    Set<DayOfWeek> out = EnumSet.noneOf(DayOfWeek.class);
    for (String n : names) {
      String t = n == null ? "" : n.strip().toUpperCase(Locale.ROOT);
      Optional<DayOfWeek> d = java.util.Arrays.stream(DayOfWeek.values())
          .filter(x -> t.length() >= 3 && x.name().startsWith(t)).findFirst();
      out.add(d.orElseThrow(() -> new IllegalArgumentException("'" + n + "' is not a day of the week; write MON, TUE,"
          + " WED, THU, FRI, SAT or SUN")));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("a weekly window opens on at least one day, e.g. [SAT]");
    }
    return out;
  }
}
