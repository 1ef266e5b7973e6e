package io.gimops.bot;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Dependencies point bot -> adapters -> policies, checked on the classes of all three modules
 * (only bot's test classpath sees them all). The poms' enforcer rules check the same at the
 * artifact level.
 */
@AnalyzeClasses(packages = "io.gimops", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

  @ArchTest
  static final ArchRule policiesSeeNeitherAdaptersNorBot = noClasses().that().resideInAPackage("io.gimops.policies..")
      .should().dependOnClassesThat().resideInAnyPackage("io.gimops.adapters..", "io.gimops.bot..");

  @ArchTest
  static final ArchRule adaptersNeverSeeBot = noClasses().that().resideInAPackage("io.gimops.adapters..")
      .should().dependOnClassesThat().resideInAPackage("io.gimops.bot..");

  @ArchTest
  static final ArchRule noCyclesBetweenModules = slices().matching("io.gimops.(*)..").should().beFreeOfCycles();
}
