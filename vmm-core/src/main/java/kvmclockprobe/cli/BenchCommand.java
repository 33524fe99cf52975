package kvmclockprobe.cli;

import kvmclockprobe.verdict.ExitRule;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.host.ProcessClock;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.RunWatchdog;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.kvm.VcpuExit;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.machine.Machine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bench}: micro-benchmarks of the VMM itself. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks of the VMM itself.",
        subcommands = BenchCommand.Exits.class)
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a benchmark is required (exits)");
    }

    /** {@code bench exits}: the mean KVM_RUN → I/O exit → KVM_RUN round trip. */
    @Command(name = "exits", mixinStandardHelpOptions = true,
            description = "Mean KVM_RUN -> port I/O exit -> KVM_RUN round trip, and the time from process start to the first exit.")
    static final class Exits implements Callable<Integer> {
        static final int WARMUP_EXITS = 1_000;

        /** The longest a bench exit may take after the one before. */
        static final java.time.Duration EXIT_LIMIT = java.time.Duration.ofSeconds(5);

        @Mixin
        KvmDeviceOption device;

        @Option(names = "--count", paramLabel = "N", defaultValue = "100000",
                description = "Exits to time after 1000 warm-up exits (default: ${DEFAULT-VALUE}).")
        int count;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if (count < 1) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--count must be at least 1");
            }
            try (Kvm kvm = device.open(); Machine m = Machine.boot(kvm, GuestImage.BENCH, 1)) {
                Vcpu vcpu = m.vcpus().getFirst();
                double firstExitMs;
                long elapsedNs;
                // Every exit within EXIT_LIMIT of the one before, or the run is kicked and fails.
                try (RunWatchdog watchdog = RunWatchdog.watch(vcpu, EXIT_LIMIT)) {
                    expectBenchExit(vcpu, Machine.runWatched(vcpu, watchdog, "bench guest"));
                    firstExitMs = ProcessClock.msSinceProcessStart();
                    for (int i = 0; i < WARMUP_EXITS; i++) expectBenchExit(vcpu, Machine.runWatched(vcpu, watchdog, "bench guest"));
                    long t0 = System.nanoTime();
                    for (int i = 0; i < count; i++) expectBenchExit(vcpu, Machine.runWatched(vcpu, watchdog, "bench guest"));
                    elapsedNs = System.nanoTime() - t0;
                } finally {
                    vcpu.releaseThread();
                }
                PrintWriter out = spec.commandLine().getOut();
                out.println(String.format(Locale.ROOT, "exit_round_trip_us %.3f", elapsedNs / 1e3 / count));
                out.println(String.format(Locale.ROOT, "first_exit_ms %.1f", firstExitMs));
                out.flush();
            }
            return ExitRule.OK;
        }

        private static void expectBenchExit(Vcpu vcpu, VcpuExit exit) {
            if (exit instanceof VcpuExit.Io io && io.port() == GuestAbi.PORT_BENCH) return;
            throw new GuestFailure("bench guest: expected OUT to port 0x" + Integer.toHexString(GuestAbi.PORT_BENCH)
                    + ", got " + VcpuExit.describe(exit) + " on vCPU " + vcpu.id() + "; " + Machine.describeRegisters(vcpu));
        }
    }
}
