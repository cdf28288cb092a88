package io.streamvault.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.lang.syntax.ArchRuleDefinition;

/** The rules, as ArchUnit rules over the classes of every module (see {@link Modules}). */
final class LayeringRules {
    private LayeringRules() {
    }

    /** A module uses only the modules {@link Modules#MAY_USE} lists for it (and itself). */
    static ArchRule modulesUseOnlyWhatTheyMay() {
        return ArchRuleDefinition.classes().that(inAModule())
                .should(new ArchCondition<JavaClass>("use only the modules their module may use") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        String from = Modules.of(c.getPackageName());
                        for (Dependency d : c.getDirectDependenciesFromSelf()) {
                            String to = Modules.of(d.getTargetClass().getPackageName());
                            if (to != null && !to.equals(from) && !Modules.MAY_USE.get(from).contains(to)) {
                                events.add(SimpleConditionEvent.violated(d, "module " + from + " may not use module " + to
                                        + ": " + d.getDescription()));
                            }
                        }
                    }
                });
    }

    /** Nothing uses another module's {@code internal} packages. */
    static ArchRule internalsStayInTheirModule() {
        return ArchRuleDefinition.classes().that(inAModule())
                .should(new ArchCondition<JavaClass>("not use another module's internal packages") {
                    @Override
                    public void check(JavaClass c, ConditionEvents events) {
                        String from = Modules.of(c.getPackageName());
                        for (Dependency d : c.getDirectDependenciesFromSelf()) {
                            String pkg = d.getTargetClass().getPackageName();
                            String to = Modules.of(pkg);
                            if (to != null && !to.equals(from) && Modules.isInternal(pkg)) {
                                events.add(SimpleConditionEvent.violated(d, "module " + from + " uses " + to
                                        + "'s internal package " + pkg + ": " + d.getDescription()));
                            }
                        }
                    }
                });
    }

    /** The modules that need only the vault use neither Kafka nor Vert.x. */
    static ArchRule vaultOnlyModulesUseNoKafkaOrVertx() {
        return ArchRuleDefinition.noClasses().that(new DescribedPredicate<JavaClass>("are in " + Modules.VAULT_ONLY) {
            @Override
            public boolean test(JavaClass c) {
                return Modules.VAULT_ONLY.contains(Modules.of(c.getPackageName()));
            }
        }).should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.vertx..", "io.netty..");
    }

    /**
     * Only the launcher holds the Prometheus registry: the roles and the server count with
     * Micrometer's API (a registry they are given), whatever the process serves it as (docs/metrics.md).
     */
    static ArchRule onlyTheLauncherUsesThePrometheusRegistry() {
        return ArchRuleDefinition.noClasses().that(new DescribedPredicate<JavaClass>("are in a module other than launcher") {
            @Override
            public boolean test(JavaClass c) {
                String module = Modules.of(c.getPackageName());
                return Modules.MAY_USE.containsKey(module) && !module.equals(Modules.PROMETHEUS_HOLDER);
            }
        }).should().dependOnClassesThat().resideInAnyPackage("io.micrometer.prometheusmetrics..", "io.prometheus..");
    }

    private static DescribedPredicate<JavaClass> inAModule() {
        return new DescribedPredicate<JavaClass>("are in a StreamVault module") {
            @Override
            public boolean test(JavaClass c) {
                return Modules.MAY_USE.containsKey(Modules.of(c.getPackageName()));
            }
        };
    }
}
