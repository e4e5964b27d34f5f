package io.nixship;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Arrays;

/**
 * The package graph of docs/architecture.md: the data walks one way, commit, tree, nix, closure,
 * layers, registry, manifests, pull request; use cases in {@code pipeline} sit above the adapters
 * and the commands above them.
 */
@AnalyzeClasses(packages = "io.nixship", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String[] ADAPTERS = {
        "io.nixship.source..",
        "io.nixship.config..",
        "io.nixship.nix..",
        "io.nixship.image..",
        "io.nixship.registry..",
        "io.nixship.manifest..",
        "io.nixship.freeze..",
        "io.nixship.forge.."
    };

    private static final String[] USE_CASES = {
        "io.nixship.pipeline.build..",
        "io.nixship.pipeline.release..",
        "io.nixship.pipeline.channel..",
        "io.nixship.pipeline.freezediff..",
        "io.nixship.pipeline.verify.."
    };

    /**
     * One slice per top-level package, and one per {@code pipeline} subpackage: the use cases and
     * their ports are separate layers, so an adapter implementing a port is no cycle.
     */
    private static final SliceAssignment PACKAGES =
            new SliceAssignment() {
                @Override
                public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                    String name = javaClass.getPackageName();
                    if (!name.equals("io.nixship") && !name.startsWith("io.nixship.")) {
                        return SliceIdentifier.ignore();
                    }
                    String[] parts = name.split("\\.");
                    if (parts.length == 2) {
                        return SliceIdentifier.of("io.nixship");
                    }
                    return parts[2].equals("pipeline") && parts.length > 3
                            ? SliceIdentifier.of("pipeline." + parts[3])
                            : SliceIdentifier.of(parts[2]);
                }

                @Override
                public String getDescription() {
                    return "io.nixship's top-level packages, pipeline by subpackage";
                }
            };

    @ArchTest
    static final ArchRule packagesHaveNoCycles =
            slices().assignedFrom(PACKAGES).should().beFreeOfCycles();

    @ArchTest
    static final ArchRule adaptersNeverReachUpIntoUseCasesOrCommands =
            noClasses()
                    .that()
                    .resideInAnyPackage(ADAPTERS)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(concat(USE_CASES, "io.nixship.cli.."));

    @ArchTest
    static final ArchRule useCasesNeverReachUpIntoCommands =
            noClasses()
                    .that()
                    .resideInAPackage("io.nixship.pipeline..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage("io.nixship.cli..");

    private static String[] concat(String[] packages, String extra) {
        String[] all = Arrays.copyOf(packages, packages.length + 1);
        all[packages.length] = extra;
        return all;
    }
}
