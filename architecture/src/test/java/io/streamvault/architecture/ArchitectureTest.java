package io.streamvault.architecture;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import io.streamvault.restore.fixture.BreaksEveryRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the main classes of every module. Each rule is
 * also shown to fail on a class that breaks it ({@link BreaksEveryRule}, test code, never shipped).
 */
class ArchitectureTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.streamvault");
        // a rule over an empty import would pass: make sure every module is there
        for (String module : Modules.MAY_USE.keySet()) {
            assertTrue(main.stream().anyMatch(c -> module.equals(Modules.of(c.getPackageName()))),
                    "no classes of module " + module + " were found on the class path");
        }
    }

    @Test
    void modulesUseOnlyWhatTheyMay() {
        LayeringRules.modulesUseOnlyWhatTheyMay().check(main);
    }

    @Test
    void nothingUsesAnotherModulesInternals() {
        LayeringRules.internalsStayInTheirModule().check(main);
    }

    @Test
    void vaultRestoreAndMaintenanceUseNeitherKafkaNorVertx() {
        LayeringRules.vaultOnlyModulesUseNoKafkaOrVertx().check(main);
    }

    @Test
    void onlyTheLauncherUsesThePrometheusRegistry() {
        LayeringRules.onlyTheLauncherUsesThePrometheusRegistry().check(main);
    }

    @Test
    void everyRuleFailsOnAClassThatBreaksIt() {
        JavaClasses bad = new ClassFileImporter().importClasses(BreaksEveryRule.class);
        for (ArchRule rule : new ArchRule[] {LayeringRules.modulesUseOnlyWhatTheyMay(),
                LayeringRules.internalsStayInTheirModule(), LayeringRules.vaultOnlyModulesUseNoKafkaOrVertx(),
                LayeringRules.onlyTheLauncherUsesThePrometheusRegistry()}) {
            EvaluationResult r = rule.evaluate(bad);
            assertTrue(r.hasViolation(), "rule did not catch the breaking class: " + rule.getDescription());
            assertFalse(r.getFailureReport().getDetails().isEmpty());
        }
    }
}
