package io.gimops.bot;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;
import io.gimops.adapters.slack.Mrkdwn;
import io.gimops.adapters.slack.SlackPoster;

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

  /**
   * The sandbox (module sandbox-world, package io.gimops.bot.sandbox, and module sandbox) is on
   * this test classpath only: the bot's own code never names it, so the shipped bot works without.
   */
  @ArchTest
  static final ArchRule botNeverSeesTheSandbox = noClasses().that().resideInAPackage("io.gimops.bot..")
      .and().resideOutsideOfPackage("io.gimops.bot.sandbox..")
      .should().dependOnClassesThat().resideInAnyPackage("io.gimops.bot.sandbox..", "io.gimops.sandbox..");

  @ArchTest
  static final ArchRule theSandboxWorldNeverSeesTheBot = noClasses().that().resideInAPackage("io.gimops.bot.sandbox..")
      .should().dependOnClassesThat().resideInAnyPackage("io.gimops.bot.wiring..", "io.gimops.bot.console..",
          "io.gimops.bot.orchestrator..");

  @ArchTest
  static final ArchRule noCyclesBetweenModules = slices().matching("io.gimops.(*)..").should().beFreeOfCycles();

  /** A call that puts text into a Slack message: the poster, or the Web API's chat and views methods. */
  private static boolean postsToSlack(JavaMethodCall call) {
    JavaClass owner = call.getTargetOwner();
    return owner.isAssignableTo(SlackPoster.class) && call.getName().matches("post|update")
        || owner.isAssignableTo(com.slack.api.methods.MethodsClient.class) && call.getName().matches("chat.*|views.*")
        || owner.isAssignableTo(com.slack.api.bolt.context.Context.class) && call.getName().matches("respond|say");
  }

  private static final DescribedPredicate<JavaClass> POSTING = DescribedPredicate.describe(
      "put text into Slack messages", c -> c.getMethodCallsFromSelf().stream().anyMatch(LayeringTest::postsToSlack));

  /** Text from strangers is escaped where messages are made: only the Slack renderers make them, and they escape. */
  @ArchTest
  static final ArchRule onlyTheSlackRenderersPost = classes().that(POSTING).should()
      .resideInAnyPackage("io.gimops.bot.slack..", "io.gimops.bot.alerts..", "io.gimops.adapters.slack..");

  @ArchTest
  static final ArchRule everyRendererEscapes = classes().that(POSTING).and().resideInAnyPackage("io.gimops.bot..")
      .should().dependOnClassesThat().belongToAnyOf(Mrkdwn.class);
}
