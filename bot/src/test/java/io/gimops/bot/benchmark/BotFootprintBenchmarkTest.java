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

  record Starts(List<Long> readyMs, String phases) {}

  static Starts starts(Path config, Path work, String name, List<String> flags, String cp) throws Exception {
    List<Long> ready = new ArrayList<>();
    String phases = "?";
    for (int i = 0; i < 4; i++) {
      Path log = work.resolve(name + "-" + i + ".log");
      try (BotProcess p = BotProcess.start(config, log, flags, cp)) {
        ready.add(p.millisUntil(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60)));
      }
      phases = java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("bot started in"))
          .findFirst().orElse("?");
    }
    return new Starts(ready, phases);
  }

  @Test
  void residentMemoryAndTimeToReady(@TempDir Path work) throws Exception {
    try (SandboxBots sandbox = SandboxBots.start(work)) {
      Path config = sandbox.writeConfig("bench", SandboxWorld.Pace.TEST);
      // Cold starts, each a fresh JVM, without and with a class-data-sharing archive of the bot's
      // classes (the first run of `./gimops sandbox` writes one; see the gimops script).
      Path archive = work.resolve("gimops.jsa");
      String cp = BotProcess.jarsOnly(work.resolve("cp"));
      try (BotProcess training = BotProcess.start(config, work.resolve("training.log"),
          List.of("-XX:ArchiveClassesAtExit=" + archive), cp)) {
        training.awaitLine(l -> l.startsWith("gimops ready"), Duration.ofSeconds(60));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.exists(archive));
      Starts plain = starts(config, work, "plain", List.of(), cp);
      Starts shared = starts(config, work, "cds", List.of("-XX:SharedArchiveFile=" + archive), cp);
      try (BotProcess p = BotProcess.start(config, work.resolve("bench.log"),
          List.of("-XX:SharedArchiveFile=" + archive), cp)) {
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

        String report = String.format(Locale.ROOT, "%n"
            + "bot footprint on the sandbox (JVM flags %s)%n"
            + "  start to ready (process launch -> 'gimops ready' line), 4 fresh JVMs each:%n"
            + "    without a CDS archive: %s ms%n"
            + "    with the CDS archive:  %s ms%n"
            + "  inside the bot (last start): %s%n"
            + "  resident memory at rest:        %5.1f MB%n"
            + "  resident memory during a cycle: %5.1f MB (peak; the cycle took %d ms)%n"
            + "  resident memory after it:       %5.1f MB%n"
            + "  bars: ready within 2 s -> %s; under 200 MB -> %s%n",
            String.join(" ", BotProcess.JVM_FLAGS), plain.readyMs(), shared.readyMs(), shared.phases(),
            restKb / 1024.0, cycleKb / 1024.0, cycleMs, afterKb / 1024.0,
            shared.readyMs().stream().allMatch(ms -> ms < 2000) ? "met (with the archive)"
                : plain.readyMs().stream().allMatch(ms -> ms < 2000) ? "met" : "MISSED",
            Math.max(restKb, cycleKb) < 200 * 1024 ? "met" : "MISSED");
        System.out.println(report);
      }
    }
  }
}
