package kvmclockprobe.bindings.gen;

import kvmclockprobe.testing.tools.RequiredTools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed sources are exactly what the generator makes from the spec, this machine's
 * headers and the spec's pinned uapi tree.
 *
 * <p>Without the pinned tree (not unpacked in the lab's cache: a host without network that never
 * ran {@code kvm-bindings/regenerate}) everything but the constants read from that tree is still
 * regenerated and compared; only those constants' check is skipped, by its own test, with the
 * reason.
 */
class GeneratedBindingsAreCurrentTest {

    /** Everything except the constants of the spec's from-uapi sections, which are stripped from the committed files. */
    @Test
    void committedSourcesMatchAFreshGenerationFromTheHostHeaders() throws Exception {
        String missing = Toolchain.missing();
        RequiredTools.assumeTool(missing.isEmpty(), "cannot regenerate the bindings, missing: " + missing);
        compare(BindingsGenerator.generate(Toolchain.spec(), null), BindingsGenerator::withoutPinnedConstants);
    }

    /** All of it, the constants read from the pinned uapi tree included. */
    @Test
    void committedSourcesMatchAFreshGenerationWithThePinnedUapiTree() throws Exception {
        String missing = Toolchain.missing();
        RequiredTools.assumeTool(missing.isEmpty(), "cannot regenerate the bindings, missing: " + missing);
        Path tree = BindingsGenerator.uapiTree(Toolchain.spec());
        String pin = BindingsGenerator.uapiPin(Toolchain.spec());
        Assumptions.assumeTrue(tree != null, () -> "the pinned uapi tree " + pin
                + " is not unpacked in " + BindingsGenerator.labCache().resolve("unpacked")
                + " (kvm-bindings/regenerate fetches it): the constants read from it (the from-uapi sections of"
                + " bindings.spec) are not checked; everything else is, by"
                + " committedSourcesMatchAFreshGenerationFromTheHostHeaders");
        compare(BindingsGenerator.generate(Toolchain.spec(), tree), UnaryOperator.identity());
    }

    @Test
    void generationIsDeterministic() throws Exception {
        String missing = Toolchain.missing();
        RequiredTools.assumeTool(missing.isEmpty(), "cannot regenerate the bindings, missing: " + missing);
        Path tree = BindingsGenerator.uapiTree(Toolchain.spec());
        assertThat(BindingsGenerator.generate(Toolchain.spec(), tree))
                .isEqualTo(BindingsGenerator.generate(Toolchain.spec(), tree));
    }

    /** The offline comparison strips exactly the pinned constants: no compiler needed. */
    @Test
    void strippingThePinnedConstantsLeavesTheHostOnes() throws Exception {
        Path kvmH = committedDir().resolve("kvm_h.java");
        String committed = Files.readString(kvmH, StandardCharsets.UTF_8);
        String stripped = BindingsGenerator.withoutPinnedConstants(committed);
        assertThat(committed).contains(" KVM_XEN_HVM_CONFIG_SHARED_INFO_HVA = ", " KVM_XEN_HVM_CONFIG_EVTCHN_SEND = ");
        assertThat(stripped)
                .doesNotContain("KVM_XEN_HVM_CONFIG_RUNSTATE_UPDATE_FLAG", "KVM_XEN_HVM_CONFIG_PVCLOCK_TSC_UNSTABLE",
                        "KVM_XEN_HVM_CONFIG_SHARED_INFO_HVA", "in the pinned uapi tree (")
                .contains(" KVM_XEN_HVM_CONFIG_EVTCHN_SEND = ", " KVM_CLOCK_HOST_TSC = ")
                .doesNotContain("\n\n\n");
        assertThat(BindingsGenerator.withoutPinnedConstants(stripped)).isEqualTo(stripped);
        assertThat(BindingsGenerator.upstreamVersion("7.3.4-1~bpo13+1")).isEqualTo("7.3.4");
        assertThat(BindingsGenerator.upstreamVersion("1:2.0-3-4")).isEqualTo("2.0-3");
    }

    private static Path committedDir() {
        return Toolchain.moduleDir().resolve("src/main/java").resolve(BindingsGenerator.PACKAGE_DIR);
    }

    private static void compare(SortedMap<String, String> fresh, UnaryOperator<String> committedView) throws Exception {
        Path committedDir = committedDir();
        TreeSet<String> committed = new TreeSet<>();
        try (Stream<Path> s = Files.list(committedDir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).forEach(committed::add);
        }

        assertThat(committed)
                .as("generated files in %s (run kvm-bindings/regenerate)", committedDir)
                .containsExactlyElementsOf(fresh.keySet());
        for (var e : fresh.entrySet()) {
            String old = committedView.apply(Files.readString(committedDir.resolve(e.getKey()), StandardCharsets.UTF_8));
            if (!old.equals(e.getValue())) {
                fail(e.getKey() + " is stale (run kvm-bindings/regenerate); " + firstDifference(old, e.getValue()));
            }
        }
    }

    static String firstDifference(String committed, String generated) {
        List<String> a = committed.lines().toList();
        List<String> b = generated.lines().toList();
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            String x = i < a.size() ? a.get(i) : "<end of file>";
            String y = i < b.size() ? b.get(i) : "<end of file>";
            if (!x.equals(y)) {
                return "first difference at line " + (i + 1) + ":\n  committed: " + x + "\n  generated: " + y;
            }
        }
        return "the files differ only in line endings";
    }
}
