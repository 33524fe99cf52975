package kvmclockprobe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Traces the lab recorded, as test fixtures: {@code src/test/resources/DIR/KERNEL/} holds a run's
 * JSON report and one {@code NAME.trace.json} per result that was measured.
 */
public final class LabFixtures {
    private LabFixtures() {}

    /**
     * One recorded result with its trace.
     *
     * @param label  "KERNEL NAME", for the test's name
     * @param report the run's whole JSON report
     * @param result the result's object in it
     * @param trace  its trace file
     */
    public record Recorded(String label, JsonNode report, JsonNode result, Path trace) {}

    /**
     * Every result under {@code src/test/resources/dir} that has a trace, kernel by kernel;
     * {@code report} names each kernel's JSON report and {@code nameKey} the key that names a result.
     */
    public static List<Recorded> recorded(String dir, String report, String nameKey) throws IOException {
        Path fixtures = Path.of("src/test/resources").resolve(dir);
        Path root = Files.isDirectory(fixtures) ? fixtures : Path.of("vmm-core").resolve(fixtures);
        List<Recorded> out = new ArrayList<>();
        try (Stream<Path> kernels = Files.list(root)) {
            for (Path k : kernels.filter(Files::isDirectory).sorted().toList()) {
                JsonNode json = new ObjectMapper().readTree(k.resolve(report).toFile());
                for (JsonNode r : json.get("results")) {
                    String name = r.get(nameKey).asText();
                    Path trace = k.resolve(name + ".trace.json");
                    if (Files.exists(trace)) out.add(new Recorded(k.getFileName() + " " + name, json, r, trace));
                }
            }
        }
        assertThat(out).as("lab traces under %s", root).isNotEmpty();
        return out;
    }
}
