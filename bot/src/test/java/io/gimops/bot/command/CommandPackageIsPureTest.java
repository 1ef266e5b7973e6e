package io.gimops.bot.command;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The command language is pure parsing: it sees the domain types of policies and the JDK's
 * language and collection classes, and nothing of Slack, Vert.x, I/O or the rest of the bot.
 */
class CommandPackageIsPureTest {

  @Test
  void commandPackageDependsOnlyOnTheJdkAndPolicyDomain() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gimops.bot.command");
    classes()
        .that()
        .resideInAPackage("io.gimops.bot.command")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "io.gimops.bot.command",
            "io.gimops.policies.domain",
            "java.lang",
            "java.lang.invoke",
            "java.lang.runtime",
            "java.util",
            "java.util.function",
            "java.util.regex",
            "java.util.stream")
        .check(classes);
  }
}
