package io.gimops.bot.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.gimops.bot.sandbox.SandboxWorld;
import io.gimops.bot.testing.BotProcess;
import io.gimops.bot.testing.SandboxBots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bot's footprint on the sandbox, as its own process with the JVM flags it ships with:
 * time from process start to ready, resident memory at rest and during an upgrade cycle. Bars:
 * ready within 2 s, resident memory under 200 MB. Prints figures; run on demand (see README).
 */
@Tag("benchmark")
class BotFootprintBenchmarkTest {

  @Test
  void residentMemoryAndTimeToReady(@TempDir Path work) throws Exception {
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      Path config = sandbox.writeConfig("bench", SandboxWorld.Pace.TEST);
      List<Long> readyMs = new ArrayList<>();
      List<Long> selfReportedMs = new ArrayList<>();
      // Cold starts, each a fresh JVM; the first also warms the OS's file cache.
      for (int i = 0; i < 4; i++) {
        try (BotProcess p = BotProcess.start(config, work.resolve("start-" + i + ".log"))) {
          readyMs.add(p.millisUntil(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60)));
          String line = p.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(1));
          selfReportedMs.add(Long.parseLong(line.replaceAll("gimops ready in ([0-9]+) ms.*", "$1")));
        }
      }
      try (BotProcess p = BotProcess.start(config, work.resolve("bench.log"))) {
        p.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(30)).until(() -> p.stdout().stream().anyMatch(l -> l.startsWith("gimops ready")));
        Thread.sleep(5000);
        long restKb = 0;
        for (int i = 0; i < 20; i++) {
          restKb = Math.max(restKb, p.residentKb());
          Thread.sleep(100);
        }
        p.type("/gim upgrade all");
        p.awaitLine(l -> l.contains("Type `confirm`"), Duration.ofSeconds(30));
        p.type("confirm");
        long cycleKb = 0;
        long t0 = System.nanoTime();
        while (!sandbox.journaledCycle().map(o -> o.state().ended()).orElse(false)) {
          cycleKb = Math.max(cycleKb, p.residentKb());
          Thread.sleep(100);
          assertThat(System.nanoTime() - t0).isLessThan(Duration.ofMinutes(3).toNanos());
        }
        long cycleMs = (System.nanoTime() - t0) / 1_000_000;
        Thread.sleep(3000);
        long afterKb = p.residentKb();

        List<Long> warm = readyMs.subList(1, readyMs.size());
        List<Long> warmSelf = selfReportedMs.subList(1, selfReportedMs.size());
        String report = String.format(Locale.ROOT, "%n"
            + "bot footprint on the sandbox (JVM flags %s)%n"
            + "  start to ready (process launch -> 'gimops ready' line): %s ms (first, cold: %d ms)%n"
            + "  JVM uptime at ready, as the bot reports it:              %s ms%n"
            + "  resident memory at rest:        %5.1f MB%n"
            + "  resident memory during a cycle: %5.1f MB (peak; the cycle took %d ms)%n"
            + "  resident memory after it:       %5.1f MB%n"
            + "  bars: ready within 2 s -> %s; under 200 MB -> %s%n",
            String.join(" ", BotProcess.JVM_FLAGS), warm, readyMs.get(0), warmSelf,
            restKb / 1024.0, cycleKb / 1024.0, cycleMs, afterKb / 1024.0,
            warm.stream().allMatch(ms -> ms < 2000) ? "met" : "MISSED",
            Math.max(restKb, cycleKb) < 200 * 1024 ? "met" : "MISSED");
        System.out.println(report);
      }
    }
  }
}
