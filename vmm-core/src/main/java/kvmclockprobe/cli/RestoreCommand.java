package kvmclockprobe.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import kvmclockprobe.host.HostFacts;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.report.RestoreJson;
import kvmclockprobe.report.RestoreJunit;
import kvmclockprobe.report.RestoreTable;
import kvmclockprobe.report.RestoreTap;
import kvmclockprobe.restore.Recipe;
import kvmclockprobe.restore.Recipes;
import kvmclockprobe.restore.RestoreReport;
import kvmclockprobe.restore.RestoreResult;
import kvmclockprobe.restore.RestoreRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code restore}: replay VMMs' pause, snapshot and migration clock sequences and measure what the guest clock does. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Pause the sampler guest, save and restore it (into the same VM or a fresh one) with the KVM clock "
                + "sequence a VMM issues, resume it, and measure the guest clock error at the resume against that VMM's intent.",
                "Exit: 0 nothing failed and something passed, 1 a recipe failed (or a known-bad one did not show its problem), "
                        + "3 the probe or guest errored, 4 nothing ran to a verdict (KSFT_SKIP)."})
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    KvmDeviceOption device;

    @Option(names = "--recipe", paramLabel = "NAME", description = "Run only this recipe (repeatable). Recipes: ${COMPLETION-CANDIDATES}.",
            completionCandidates = RecipeNames.class)
    List<String> recipeNames = new ArrayList<>();

    @Option(names = "--pause-ms", paramLabel = "N", defaultValue = "200", description = "The downtime, in ms (default: ${DEFAULT-VALUE}).")
    long pauseMs;

    @Option(names = "--after-ms", paramLabel = "N", defaultValue = "500", hidden = true,
            description = "Sampling after the resume, in ms (default: ${DEFAULT-VALUE}).")
    long afterMs;

    @Mixin
    SamplingVcpusOption vcpus;

    @Option(names = "--tap", description = "Print kselftest TAP instead of a table.")
    boolean tap;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML to FILE: a testcase per recipe.")
    Path junit;

    @Option(names = "--trace", paramLabel = "DIR", hidden = true,
            description = "Also write each recipe's raw trace (what was recorded before any derivation) to DIR/NAME.trace.json.")
    Path traceDir;

    @Spec
    CommandSpec spec;

    static final class RecipeNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        RecipeNames() {
            super(Recipes.names());
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Recipe> recipes = selected();
        if (pauseMs < 1 || pauseMs > 600_000) throw new ParameterException(spec.commandLine(), "--pause-ms must be 1..600000");
        if (afterMs < 100 || afterMs > 60_000) throw new ParameterException(spec.commandLine(), "--after-ms must be 100..60000");
        OutputFile.requireWritable(spec, "--json", json);
        OutputFile.requireWritable(spec, "--junit", junit);
        OutputFile.requireWritableDirectory(spec, "--trace", traceDir);
        RestoreRun.Settings settings = new RestoreRun.Settings(Duration.ofMillis(pauseMs), Duration.ofMillis(afterMs), vcpus.count(spec),
                TraceWriter.to(traceDir, spec.commandLine().getErr()));
        // SIGINT/SIGTERM: the recipe under way is interrupted (its VMs closed, reported as an error),
        // the rest are not run, and the results so far are written before the JVM exits.
        return SignalSafeRun.<RestoreReport>run("restore", (stop, soFar) -> {
            try (Kvm kvm = device.open()) {
                HostFacts host = HostProbe.collect(kvm);
                List<RestoreResult> results = RestoreRun.run(kvm, host.clock(), recipes, settings, stop,
                        done -> soFar.accept(new RestoreReport(host, settings, done, recipes.size())));
                return new RestoreReport(host, settings, results, recipes.size());
            }
        }, this::write, r -> r, spec.commandLine().getErr());
    }

    private int write(RestoreReport report) throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (tap) RestoreTap.print(out, report);
        else RestoreTable.print(out, report);
        out.flush();
        if (json != null) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Files.writeString(json, mapper.writeValueAsString(RestoreJson.toJson(report)) + "\n");
        }
        if (junit != null) Files.writeString(junit, RestoreJunit.xml(report));
        return report.exitCode();
    }

    private List<Recipe> selected() {
        return ByName.select(spec, "recipe", recipeNames, Recipes.ALL, Recipes.names(), Recipes::byName);
    }
}
