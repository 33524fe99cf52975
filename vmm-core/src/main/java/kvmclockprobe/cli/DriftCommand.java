package kvmclockprobe.cli;

import kvmclockprobe.verdict.ExitRule;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import kvmclockprobe.clock.DriftResult;
import kvmclockprobe.drift.DriftRun;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.host.HostProbe;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.report.DriftJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code drift}: how far apart the KVM clock definitions run, and what a re-snapshot would do now. */
@Command(name = "drift", mixinStandardHelpOptions = true,
        description = "Measure the B-A and C-B drift of the KVM clock while a guest samples its own clock.")
final class DriftCommand implements Callable<Integer> {
    @Mixin
    KvmDeviceOption device;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "10", description = "Measurement time (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--vcpus", paramLabel = "N", defaultValue = "1", description = "Guest vCPUs (default: ${DEFAULT-VALUE}).")
    int vcpus;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!(seconds >= 1 && seconds <= 3600)) throw new ParameterException(spec.commandLine(), "--seconds must be 1..3600");
        if (vcpus < 1 || vcpus > GuestAbi.MAX_VCPUS) {
            throw new ParameterException(spec.commandLine(), "--vcpus must be 1.." + GuestAbi.MAX_VCPUS);
        }
        OutputFile.requireWritable(spec, "--json", json);
        DriftRun.Report report;
        try (Kvm kvm = device.open(); Progress progress = new Progress("drift: sampling", seconds)) {
            report = DriftRun.run(kvm, Duration.ofMillis(Math.round(seconds * 1000)), vcpus, kvmclockprobe.host.HostClock.read(), progress);
        }
        PrintWriter out = spec.commandLine().getOut();
        print(out, report);
        if (json != null) {
            Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(DriftJson.toJson(report, seconds, vcpus)) + "\n");
        }
        out.flush();
        return ExitRule.OK;
    }

    private void print(PrintWriter out, DriftRun.Report r) {
        DriftResult d = r.drift();
        String fmt = "%-24s %s%n";
        out.printf(fmt, "mode", d.masterClock() && d.masterClockThroughout() ? "master clock (KVM_CLOCK_TSC_STABLE throughout)"
                : "NOT master clock throughout (" + d.modeChanges() + " mode changes; fit covers the last stretch)");
        out.printf(Locale.ROOT, fmt, "B-A drift", String.format(Locale.ROOT, "%+.2f ± %.2f ns/s  (fit: guest clock vs host CLOCK_MONOTONIC_RAW; error from block scatter)",
                d.bMinusANsPerSec(), d.bMinusAErrNsPerSec()));
        out.printf(fmt, "drift used", r.estimate().source().label() + ": " + r.estimate().why());
        out.printf(Locale.ROOT, fmt, "C-B drift", String.format(Locale.ROOT, "%+.2f ± %.2f ns/s  (KVM_GET_CLOCK vs guest clock; mean offset %.1f ns)",
                d.cMinusBNsPerSec(), d.cMinusBStderrNsPerSec(), d.cMinusBMeanNs()));
        out.printf(Locale.ROOT, fmt, "predicted jump", String.format(Locale.ROOT, "%+d ns if the master clock were re-snapshotted now (%.1f s after the last snapshot)",
                r.predictedJumpNs(), d.sinceSnapshotNs() / 1e9));
        out.printf(Locale.ROOT, fmt, "host readings", String.format(Locale.ROOT, "%d (%d used; median A/B bracket %.0f ns) over %.1f s",
                d.readings(), d.readingsUsed(), d.medianBracketNs(), d.durationS()));
        out.printf(fmt, "A/B samples", r.method());
        out.printf(fmt, "guest TSC offset", r.tsc().guestTsc().offset() + (r.tsc().offsetKnown() ? " cycles (KVM_VCPU_TSC_OFFSET)" : " (assumed: no KVM_VCPU_TSC_OFFSET)"));
        out.printf(fmt, "guest samples", r.samples() + " on " + r.statuses().size() + " vCPU(s), " + r.eventsLost() + " events lost");
        out.printf(fmt, "guest version changes", r.versionChanges() + " (" + r.jumps(0).size() + " moved the clock)");
        out.printf(fmt, "guest backward steps", r.backwardSteps());
        out.printf(fmt, "cross-vCPU violations", r.crossVcpuViolations());
    }
}
