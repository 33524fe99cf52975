package kvmclockprobe.cli;

import kvmclockprobe.verdict.ExitRule;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import kvmclockprobe.check.Triggers;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.report.TapParser;
import kvmclockprobe.testing.RequiresKvm;
import kvmclockprobe.testing.ResnapshotOutcome;

/**
 * {@code check} and {@code drift} end to end through the command line: bad input anywhere, real
 * runs on the real /dev/kvm (the CLI's default device, the one {@link RequiresKvm} checks).
 */
class CheckCommandTest {

    @Test
    void unknownTriggerIsAUsageErrorListingTheValidNames() {
        CliRun run = CliRun.of("check", "--trigger", "no-such-trigger");
        assertThat(run.exitCode()).isEqualTo(ExitRule.USAGE);
        assertThat(run.err()).contains("unknown trigger 'no-such-trigger'");
        for (String name : Triggers.names()) assertThat(run.err()).contains(name);
    }

    /** Checked before KVM is opened, so a host without KVM still says exit 2, not 4: nothing is measured to be lost. */
    @Test
    void aBadOutputPathIsAUsageErrorBeforeAnyMeasuring(@TempDir Path dir) throws Exception {
        CliRun missingDir = CliRun.of("check", "--json", "/nonexistent-kcp-dir/check.json");
        assertThat(missingDir.exitCode()).as(missingDir.err()).isEqualTo(ExitRule.USAGE);
        assertThat(missingDir.err()).contains("--json /nonexistent-kcp-dir/check.json: its directory /nonexistent-kcp-dir does not exist");
        CliRun isDir = CliRun.of("check", "--junit", dir.toString());
        assertThat(isDir.exitCode()).isEqualTo(ExitRule.USAGE);
        assertThat(isDir.err()).contains("--junit " + dir + ": is a directory");
        CliRun plot = CliRun.of("check", "--plot", "/nonexistent-kcp-dir/p.svg");
        assertThat(plot.exitCode()).isEqualTo(ExitRule.USAGE);
        CliRun drift = CliRun.of("drift", "--json", "/nonexistent-kcp-dir/d.json");
        assertThat(drift.exitCode()).isEqualTo(ExitRule.USAGE);
        assertThat(drift.err()).contains("its directory /nonexistent-kcp-dir does not exist");
        assertThat(Files.list(dir)).isEmpty();
    }

    @Test
    void badSettleTimeIsAUsageError() {
        assertThat(CliRun.of("check", "--settle-seconds", "0").exitCode()).isEqualTo(ExitRule.USAGE);
        assertThat(CliRun.of("check", "--settle-seconds", "ten").exitCode()).isEqualTo(ExitRule.USAGE);
        assertThat(CliRun.of("check", "--max-settle-seconds", "0").exitCode()).isEqualTo(ExitRule.USAGE);
    }

    @RequiresKvm
    @Test
    void onlySkippedTriggersExitFourWithTapSkips(Kvm kvm) throws Exception {
        int tscControl = kvm.checkExtension(Capability.TSC_CONTROL);
        int hypervTime = kvm.checkExtension(Capability.HYPERV_TIME);
        org.junit.jupiter.api.Assumptions.assumeTrue(tscControl == 0 && hypervTime == 0,
                "this host has TSC scaling or Hyper-V time, so those triggers would run");
        CliRun run = CliRun.of("check", "--tap", "--trigger", "tsc-khz", "--trigger", "hyperv-ref-tsc");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitRule.SKIP);
        TapParser.Document tap = TapParser.parse(run.out());
        assertThat(tap.plan()).isEqualTo(2);
        assertThat(tap.points()).allSatisfy(p -> {
            assertThat(p.ok()).isTrue();
            assertThat(p.skipped()).isTrue();
        });
        assertThat(run.out()).contains("# SKIP KVM_CAP_TSC_CONTROL is 0").contains("# SKIP KVM_CAP_HYPERV_TIME is 0");
    }

    @RequiresKvm
    @Test
    void tapJsonAndPlotFromARealRun(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("check.json");
        Path svg = dir.resolve("check.svg");
        Path junit = dir.resolve("check.xml");
        CliRun run = CliRun.of("check", "--tap", "--max-settle-seconds", "10", "--trigger", "tsc-write", "--trigger", "kvmclock-ctrl",
                "--trigger", "tsc-khz", "--json", json.toString(), "--plot", svg.toString(), "--junit", junit.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isIn(0, ExitRule.SKIP);
        TapParser.Document tap = TapParser.parse(run.out());
        assertThat(tap.plan()).isEqualTo(3);
        assertThat(tap.points()).extracting(TapParser.TestPoint::description).containsExactly("tsc-write", "kvmclock-ctrl", "tsc-khz");

        JsonNode root = new ObjectMapper().readTree(Files.readString(json));
        assertThat(root.get("host").get("caps").has("xen_hvm")).isTrue();
        assertThat(root.get("max_settle_s").asDouble()).isEqualTo(10.0);
        JsonNode results = root.get("results");
        assertThat(results).hasSize(3);
        for (JsonNode r : results) {
            for (String key : List.of("trigger", "status", "reason", "observed_jump_ns", "predicted_jump_ns", "expected_jump",
                    "master_clock_before", "master_clock_after", "vcpus", "tsc_step_cycles", "wallclock_step_ns")) {
                assertThat(r.has(key)).as("%s has %s", r.get("trigger"), key).isTrue();
            }
            assertThat(r.get("wallclock_step_ns").isNull()).as("not Xen").isTrue();
        }
        JsonNode tscWrite = results.get(0);
        ResnapshotOutcome.assertPassed("tsc-write", tscWrite.get("status").asText(), tscWrite.get("reason").asText());
        assertThat(tscWrite.get("resnapshot_seen").asBoolean()).isTrue();
        assertThat(results.get(1).get("resnapshot_seen").asBoolean()).isFalse();
        assertThat(results.get(1).get("guest_stopped_seen").asBoolean()).isTrue();
        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(tscWrite.get("expected_jump").asBoolean()).isTrue();
        assertThat(tscWrite.get("observed_jump_ns").isIntegralNumber()).isTrue();
        assertThat(tscWrite.get("master_clock_before").asBoolean()).isTrue();
        assertThat(results.get(1).get("expected_jump").asBoolean()).isFalse();
        assertThat(results.get(2).get("status").asText()).isIn("skip", "pass");
        var suites = new org.apache.maven.plugins.surefire.report.TestSuiteXmlParser(
                new org.apache.maven.plugin.surefire.log.api.NullConsoleLogger()).parse(junit.toString());
        assertThat(suites).singleElement().satisfies(s -> {
            assertThat(s.getNumberOfTests()).isEqualTo(3);
            assertThat(s.getTestCases()).extracting(c -> c.getName()).containsExactly("tsc-write", "kvmclock-ctrl", "tsc-khz");
        });
        String plot = Files.readString(svg);
        assertThat(plot).contains("<svg").contains("tsc-write").contains("kvmclock-ctrl");
    }

    @RequiresKvm
    @Test
    void driftJsonHasItsKeysAndTheGuestCounters(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("drift.json");
        CliRun run = CliRun.of("drift", "--seconds", "3", "--vcpus", "2", "--json", json.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("B-A drift").contains("predicted jump");
        JsonNode d = new ObjectMapper().readTree(Files.readString(json));
        for (String key : List.of("duration_s", "vcpus", "master_clock", "b_minus_a_ns_per_s", "b_minus_a_stderr_ns_per_s",
                "c_minus_b_ns_per_s", "predicted_jump_ns")) {
            assertThat(d.has(key)).as(key).isTrue();
        }
        assertThat(d.get("vcpus").asInt()).isEqualTo(2);
        assertThat(d.get("master_clock").asBoolean()).isTrue();
        // No TSC scaling on a host without KVM_CAP_TSC_CONTROL: B and C agree.
        assertThat(Math.abs(d.get("c_minus_b_ns_per_s").asDouble())).isLessThan(2.0);
        JsonNode g = d.get("guest");
        for (String key : List.of("samples", "version_changes", "backward_steps", "events_lost")) assertThat(g.has(key)).as(key).isTrue();
        assertThat(g.get("samples").asLong()).isPositive();
        assertThat(g.get("backward_steps").asLong()).isZero();
        assertThat(g.get("events_lost").asLong()).isZero();
        // The prediction is -drift x time since the snapshot, with the kernel's arithmetic where
        // its inputs are the kernel's own; the drift command makes no control, so elsewhere none.
        String source = d.get("drift_source").asText();
        assertThat(source).isIn("arithmetic", "none");
        if (source.equals("none")) {
            assertThat(d.get("predicted_jump_ns").isNull()).as(d.get("drift_why").asText()).isTrue();
            return;
        }
        double used = d.get("drift_ns_per_s").asDouble();
        assertThat(used).isEqualTo(d.get("drift_analytic_ns_per_s").asDouble());
        double expected = -used * d.get("since_snapshot_s").asDouble();
        assertThat((double) d.get("predicted_jump_ns").asLong()).isCloseTo(expected, org.assertj.core.api.Assertions.within(1.0));
    }

    /**
     * SIGINT and SIGTERM during a check: the run stops within seconds, writes what it measured
     * (JSON marked incomplete, TAP with the full plan), exits 128 + the signal, and no vCPU
     * thread or VM outlives the process.
     */
    @RequiresKvm
    @org.junit.jupiter.params.ParameterizedTest(name = "SIG{0}")
    @org.junit.jupiter.params.provider.CsvSource({"INT, 130", "TERM, 143"})
    void aSignalStopsTheCheckAndWritesWhatWasMeasured(String signal, int expectedExit, @TempDir Path dir) throws Exception {
        Path json = dir.resolve("check.json");
        Path out = dir.resolve("out.tap");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "kvmclockprobe.cli.Main", "check", "--tap", "--trigger", "tsc-write", "--trigger", "tsc-offset-attr",
                "--settle-seconds", "30", "--json", json.toString())
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // Wait (bounded) until a vCPU thread runs: the first trigger is settling.
            // (300 s: a JVM start and the host probe take minutes in the lab under QEMU TCG)
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(300);
            while (!hasThread(p.pid(), "vcpu-0")) {
                assertThat(p.isAlive()).as("the check is still running").isTrue();
                assertThat(System.nanoTime()).as("a vCPU thread within 300 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(500);
            long signalled = System.nanoTime();
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            // seconds on a KVM host; the lab's QEMU TCG runs Java 13-25x slower
            assertThat(p.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("exited").isTrue();
            double stopS = (System.nanoTime() - signalled) / 1e9;
            System.out.printf(java.util.Locale.ROOT, "SIG%s during check: exit %d after %.2f s%n", signal, p.exitValue(), stopS);
            assertThat(p.exitValue()).isEqualTo(expectedExit);
            JsonNode root = new ObjectMapper().readTree(Files.readString(json));
            assertThat(root.get("incomplete").asBoolean()).isTrue();
            assertThat(root.get("planned").asInt()).isEqualTo(2);
            assertThat(root.get("results").size()).isLessThanOrEqualTo(1);
            TapParser.Document tap = TapParser.parse(Files.readString(out));
            assertThat(tap.plan()).isEqualTo(2);
            assertThat(Files.readString(out)).contains("# incomplete: interrupted by SIGINT/SIGTERM");
        } finally {
            p.destroyForcibly();
        }
    }

    /** Two check processes at once on one host: each gets its own VMs and both finish to a verdict. */
    @RequiresKvm
    @Test
    void twoChecksAtOnceBothFinishCorrectly(@TempDir Path dir) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> ps = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ps.add(new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    "kvmclockprobe.cli.Main", "check", "--trigger", "tsc-write",
                    "--json", dir.resolve("check" + i + ".json").toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(dir.resolve("err" + i).toFile()).start());
        }
        for (int i = 0; i < 2; i++) {
            Process p = ps.get(i);
            try {
                assertThat(p.waitFor(600, java.util.concurrent.TimeUnit.SECONDS)).as("check %d finished", i).isTrue();
                Path json = dir.resolve("check" + i + ".json");
                assertThat(json).as("check %d (exit %d) wrote its JSON; its stderr: %s", i, p.exitValue(),
                        Files.readString(dir.resolve("err" + i))).exists();
                JsonNode r = new ObjectMapper().readTree(Files.readString(json)).get("results").get(0);
                ResnapshotOutcome.assertPassed("check " + i, r.get("status").asText(), r.get("reason").asText());
                assertThat(r.get("resnapshot_match").asBoolean()).isTrue();
                assertThat(p.exitValue()).as("check %d: %s", i, Files.readString(dir.resolve("err" + i))).isZero();
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static boolean hasThread(long pid, String name) {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            return tasks.anyMatch(t -> {
                try {
                    return Files.readString(t.resolve("comm")).strip().equals(name);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
