package kvmclockprobe.bindings.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The committed sources are exactly what the generator makes from the spec and this machine's headers. */
class GeneratedBindingsAreCurrentTest {

    @Test
    void committedSourcesMatchAFreshGeneration() throws Exception {
        String missing = Toolchain.missing();
        Assumptions.assumeTrue(missing.isEmpty(), () -> "cannot regenerate the bindings, missing: " + missing);

        SortedMap<String, String> fresh = BindingsGenerator.generate(Toolchain.spec());
        Path committedDir = Toolchain.moduleDir().resolve("src/main/java").resolve(BindingsGenerator.PACKAGE_DIR);
        TreeSet<String> committed = new TreeSet<>();
        try (Stream<Path> s = Files.list(committedDir)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).forEach(committed::add);
        }

        assertThat(committed)
                .as("generated files in %s (run kvm-bindings/regenerate)", committedDir)
                .containsExactlyElementsOf(fresh.keySet());
        for (var e : fresh.entrySet()) {
            String old = Files.readString(committedDir.resolve(e.getKey()), StandardCharsets.UTF_8);
            if (!old.equals(e.getValue())) {
                fail(e.getKey() + " is stale (run kvm-bindings/regenerate); " + firstDifference(old, e.getValue()));
            }
        }
    }

    @Test
    void generationIsDeterministic() throws Exception {
        String missing = Toolchain.missing();
        Assumptions.assumeTrue(missing.isEmpty(), () -> "cannot regenerate the bindings, missing: " + missing);
        assertThat(BindingsGenerator.generate(Toolchain.spec())).isEqualTo(BindingsGenerator.generate(Toolchain.spec()));
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
