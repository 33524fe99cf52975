package kvmclockprobe.cli;

import kvmclockprobe.verdict.ExitRule;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;

import kvmclockprobe.check.Check;
import kvmclockprobe.check.CheckReport;
import kvmclockprobe.check.Scenario;
import kvmclockprobe.check.Trigger;
import kvmclockprobe.check.Triggers;
import kvmclockprobe.host.HostFacts;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.measurement.SettlePolicy;
import kvmclockprobe.report.CheckJson;
import kvmclockprobe.report.CheckJunit;
import kvmclockprobe.report.CheckPlot;
import kvmclockprobe.report.CheckTable;
import kvmclockprobe.report.CheckTap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code check}: the probe's main job. */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check that a fresh VM enters master-clock mode and that its kvmclock runs at the raw clock's rate, then "
                + "apply every operation that may re-snapshot the KVM clock to a running guest: whether it re-snapshotted is read "
                + "from the master-clock reference point, and the jump the guest saw is compared with the one the kernel's "
                + "arithmetic (or a control re-snapshot) predicts.",
                "Exit: 0 nothing failed and something passed, 1 a check failed (even beside an error), 3 the probe or guest "
                        + "errored and nothing failed, 4 nothing passed, all skipped or inconclusive (KSFT_SKIP)."})
final class CheckCommand implements Callable<Integer> {
    @Mixin
    KvmDeviceOption device;

    @Option(names = "--trigger", paramLabel = "NAME", description = "Run only this trigger (repeatable). Triggers: ${COMPLETION-CANDIDATES}.",
            completionCandidates = TriggerNames.class)
    List<String> triggerNames = new ArrayList<>();

    @Option(names = "--settle-seconds", paramLabel = "N",
            description = "Measure the drift this long before each trigger, overriding the adaptive settle.")
    Double settleSeconds;

    @Option(names = "--max-settle-seconds", paramLabel = "N", defaultValue = "30",
            description = "Before a re-snapshot trigger, the guest runs until the predicted jump reaches 25 ns (20 ns with a margin), "
                    + "at most this long (default: ${DEFAULT-VALUE}). Triggers that must not re-snapshot need no settle: "
                    + "the master-clock reference point shows a re-snapshot of any size.")
    double maxSettleSeconds;

    @Option(names = "--after-seconds", paramLabel = "N", defaultValue = "0.2", hidden = true,
            description = "Sampling after each trigger (default: ${DEFAULT-VALUE}).")
    double afterSeconds;

    @Mixin
    SamplingVcpusOption vcpus;

    @Option(names = "--strict", description = "Fail every observed jump, whatever the trigger.")
    boolean strict;

    @Option(names = "--tap", description = "Print kselftest TAP instead of a table.")
    boolean tap;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--plot", paramLabel = "FILE.svg", description = "Also plot guest clock minus host raw time around each trigger (SVG).")
    Path plot;

    @Option(names = "--trace", paramLabel = "DIR", hidden = true,
            description = "Also write each trigger's raw trace (what was recorded before any derivation) to DIR/NAME.trace.json.")
    Path traceDir;

    @Option(names = "--junit", paramLabel = "FILE", description = "Also write JUnit XML to FILE: a testcase per trigger (failure, error, skipped).")
    Path junit;

    @Spec
    CommandSpec spec;

    /** The trigger names, for help and completion. */
    static final class TriggerNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        TriggerNames() {
            super(Triggers.names());
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Trigger> triggers = selectedTriggers();
        Scenario.Settings settings = settings();
        // A bad output path is a usage error now, not a lost verdict after the whole run.
        OutputFile.requireWritable(spec, "--json", json);
        OutputFile.requireWritable(spec, "--plot", plot);
        OutputFile.requireWritable(spec, "--junit", junit);
        OutputFile.requireWritableDirectory(spec, "--trace", traceDir);
        mapper = JsonWriterWarmUp.start();
        return SignalSafeRun.run("check", (stop, soFar) -> {
            try (Kvm kvm = device.open()) {
                HostFacts host = HostProbe.collect(kvm);
                try (Progress progress = new Progress("check", settings.settle().max().toMillis() / 1e3)) {
                    return Check.run(kvm, host, triggers, settings, (name, s) -> progress.accept("check: " + name + " settling", s),
                            stop, soFar);
                }
            }
        }, this::write, r -> r.interruptedAfter(triggers.size()), spec.commandLine().getErr());
    }

    /** The options as the scenario's settings, each checked. */
    private Scenario.Settings settings() {
        if (settleSeconds != null && !(settleSeconds >= 1 && settleSeconds <= 3600)) {
            throw new ParameterException(spec.commandLine(), "--settle-seconds must be 1..3600");
        }
        if (!(maxSettleSeconds >= 1 && maxSettleSeconds <= 3600)) {
            throw new ParameterException(spec.commandLine(), "--max-settle-seconds must be 1..3600");
        }
        if (!(afterSeconds >= 0.1 && afterSeconds <= 60)) {
            throw new ParameterException(spec.commandLine(), "--after-seconds must be 0.1..60");
        }
        SettlePolicy settle = settleSeconds != null ? SettlePolicy.fixed(Duration.ofMillis(Math.round(settleSeconds * 1000)))
                : SettlePolicy.adaptive(Duration.ofMillis(Math.round(maxSettleSeconds * 1000)));
        return new Scenario.Settings(settle, Duration.ofMillis(Math.round(afterSeconds * 1000)), vcpus.count(spec), strict,
                TraceWriter.to(traceDir, spec.commandLine().getErr()));
    }


    private CompletableFuture<ObjectMapper> mapper;

    private int write(CheckReport report) throws java.io.IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (tap) CheckTap.print(out, report);
        else CheckTable.print(out, report);
        out.flush();
        if (json != null) {
            Files.writeString(json, mapper.join().writeValueAsString(CheckJson.toJson(report)) + "\n");
        }
        if (plot != null) Files.writeString(plot, CheckPlot.svg(report));
        if (junit != null) Files.writeString(junit, CheckJunit.xml(report));
        return report.exitCode();
    }

    private List<Trigger> selectedTriggers() {
        return ByName.select(spec, "trigger", triggerNames, Triggers.ALL, Triggers.names(), Triggers::byName);
    }
}
