package io.gimops.policies;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * policies is pure: no I/O, no framework, no threads, and time only from an injected Clock. The
 * enforcer keeps frameworks off the classpath; this keeps the JDK's I/O out of the code.
 */
@AnalyzeClasses(packages = "io.gimops.policies", importOptions = ImportOption.DoNotIncludeTests.class)
class PurityTest {

  @ArchTest
  static final ArchRule noIo = noClasses().should().dependOnClassesThat().resideInAnyPackage(
          "java.io..", "java.nio..", "java.net..", "java.sql..", "java.net.http..", "java.util.concurrent..",
          "javax..", "jakarta..")
      .because("policies decide; adapters do I/O");

  @ArchTest
  static final ArchRule noFrameworks = noClasses().should().dependOnClassesThat().resideInAnyPackage(
          "io.vertx..", "io.netty..", "io.fabric8..", "org.apache.kafka..", "com.slack..",
          "io.gimops.adapters..", "io.gimops.bot..")
      .because("dependencies point bot -> adapters -> policies");

  @ArchTest
  static final ArchRule noAmbientTime = noClasses().should()
      .callMethod(java.time.Instant.class, "now")
      .orShould().callMethod(java.time.Clock.class, "systemUTC")
      .orShould().callMethod(java.time.Clock.class, "systemDefaultZone")
      .orShould().callMethod(System.class, "currentTimeMillis")
      .orShould().callMethod(System.class, "nanoTime")
      .orShould().callMethod(java.time.LocalDateTime.class, "now")
      .orShould().callMethod(Thread.class, "sleep", long.class)
      .because("time is injected (a Clock), so windows and timeouts are tested without sleeping");
}
