package kvmclockprobe.cli;

import kvmclockprobe.verdict.ExitRule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.Capability;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.testing.RealKvm;
import kvmclockprobe.testing.RequiresKvm;

/** The command line: bad input, exit codes, and caps against what we measure ourselves. */
class CommandLineTest {

    @Test
    void unknownCommandIsAUsageError() {
        CliRun run = CliRun.of("frobnicate");
        assertThat(run.exitCode()).isEqualTo(ExitRule.USAGE);
        assertThat(run.err()).contains("frobnicate");
    }

    @Test
    void unknownFlagIsAUsageError() {
        CliRun run = CliRun.of("caps", "--no-such-flag");
        assertThat(run.exitCode()).isEqualTo(ExitRule.USAGE);
        assertThat(run.err()).contains("--no-such-flag");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(CliRun.of().exitCode()).isEqualTo(ExitRule.USAGE);
    }

    @Test
    void missingKvmDeviceExitsFourWithOneClearLine() {
        CliRun run = CliRun.of("caps", "--kvm-device", "/nonexistent/kvm");
        assertThat(run.exitCode()).isEqualTo(ExitRule.SKIP);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).startsWith("kvmclock-probe: cannot use /nonexistent/kvm: open failed: ENOENT");
    }

    @Test
    void deviceThatIsNotKvmExitsFour() {
        CliRun run = CliRun.of("caps", "--kvm-device", "/dev/null");
        assertThat(run.exitCode()).isEqualTo(ExitRule.SKIP);
        assertThat(run.err().strip().lines()).hasSize(1);
        assertThat(run.err()).contains("/dev/null is not a usable KVM device").contains("ENOTTY");
    }

    @RequiresKvm
    @Test
    void capsJsonReportsWhatTheHostMeasures(Kvm kvm) throws Exception {
        long tscKhz;
        int xenHvm;
        int adjustClock;
        boolean masterClock;
        try (Machine m = Machine.boot(kvm, GuestImage.HELLO, 1)) {
            xenHvm = kvm.checkExtension(Capability.XEN_HVM);
            adjustClock = kvm.checkExtension(Capability.ADJUST_CLOCK);
            tscKhz = m.vcpus().getFirst().getTscKhz();
            kvmclockprobe.host.HostProbe.runHelloToHlt(m.vcpus().getFirst());
            masterClock = m.vm().getClock().tscStable();
        }
        CliRun run = CliRun.of("caps", "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("kernel_release").asText()).isEqualTo(Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip());
        assertThat(json.get("kvm_api_version").asInt()).isEqualTo(12);
        assertThat(json.get("clocksource").asText()).isNotBlank();
        assertThat(json.get("tsc_khz").asLong()).isEqualTo(tscKhz);
        assertThat(json.get("master_clock").asBoolean()).isEqualTo(masterClock);
        JsonNode caps = json.get("caps");
        assertThat(caps.get("xen_hvm").asInt()).isEqualTo(xenHvm);
        assertThat(caps.get("xen_hvm_flags").isArray()).isTrue();
        assertThat(caps.get("xen_hvm_flags").size()).isEqualTo(Integer.bitCount(xenHvm));
        assertThat(caps.get("adjust_clock").asInt()).isEqualTo(adjustClock);
        assertThat(caps.get("adjust_clock_flags").size()).isEqualTo(Integer.bitCount(adjustClock));
        for (String key : List.of("tsc_control", "vm_tsc_control", "hyperv", "hyperv_time", "kvmclock_ctrl", "get_tsc_khz")) {
            assertThat(caps.has(key)).as(key).isTrue();
        }
    }

    @RequiresKvm
    @Test
    void capsTableNamesTheMasterClockAndXen() {
        CliRun run = CliRun.of("caps");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("master_clock").contains("cap.xen_hvm").contains("tsc_khz");
    }

    /**
     * Where the default device is unusable (no /dev/kvm, or {@code KVMCLOCK_KVM_DEVICE} hiding it),
     * every command that needs KVM exits 4 with one line naming the device, and prints nothing on
     * stdout: the path a host without KVM takes, with the CLI's own default.
     */
    @Test
    void withoutAUsableDefaultDeviceEveryKvmCommandExitsFourWithOneLine() {
        RealKvm.assumeUnusable();
        for (String[] args : List.of(new String[] {"caps"}, new String[] {"check", "--trigger", "tsc-write"},
                new String[] {"drift", "--seconds", "1"}, new String[] {"bench", "exits", "--count", "10"})) {
            CliRun run = CliRun.of(args);
            String command = String.join(" ", args);
            assertThat(run.exitCode()).as("%s: %s", command, run.err()).isEqualTo(ExitRule.SKIP);
            assertThat(run.out()).as(command).isEmpty();
            assertThat(run.err().strip().lines()).as(command).hasSize(1);
            assertThat(run.err()).as(command).startsWith("kvmclock-probe: ").contains(Kvm.DEFAULT_PATH.toString());
        }
    }

    @Test
    void theKvmDeviceOptionDefaultsToTheDeviceTheTestsUse() {
        CliRun run = CliRun.of("caps", "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("--kvm-device=PATH").contains("(default: " + Kvm.DEFAULT_PATH + ";")
                .contains(Kvm.DEVICE_ENV);
    }

    /**
     * A real permission failure: the CLI run as user nobody cannot open the root-only /dev/kvm.
     * The test classes and jars are copied where nobody can read them.
     */
    @RequiresKvm
    @Test
    void unprivilegedUserGetsPermissionDeniedAndExitFour(@TempDir Path tmp) throws Exception {
        Path setpriv = Path.of("/usr/bin/setpriv");
        assumeTrue(Files.isExecutable(setpriv), "setpriv (util-linux) is not installed");
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can switch to user nobody");
        assumeTrue(!Files.getPosixFilePermissions(Kvm.DEFAULT_PATH).contains(
                java.nio.file.attribute.PosixFilePermission.OTHERS_READ), Kvm.DEFAULT_PATH + " is world-accessible here");

        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> classpath = new ArrayList<>();
        int i = 0;
        for (String entry : System.getProperty("java.class.path").split(":")) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) continue;
            Path dst = tmp.resolve("cp" + i++ + (Files.isDirectory(src) ? "" : ".jar"));
            copyTree(src, dst);
            classpath.add(dst.toString());
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(setpriv.toString(), "--reuid=65534", "--regid=65534", "--clear-groups",
                java, "--enable-native-access=ALL-UNNAMED", "-cp", String.join(":", classpath),
                "kvmclockprobe.cli.Main", "caps")
                .redirectErrorStream(false).start();
        // a JVM start takes seconds on a host, a minute or more in the lab's TCG under load
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes());
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.exitValue()).as(err).isEqualTo(ExitRule.SKIP);
        assertThat(out).isEmpty();
        assertThat(err.strip().lines()).hasSize(1);
        assertThat(err).startsWith("kvmclock-probe: cannot use " + Kvm.DEFAULT_PATH + ": open failed: EACCES (Permission denied)");
    }

    private static void copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path s : (Iterable<Path>) walk::iterator) {
                Path d = dst.resolve(src.relativize(s).toString());
                if (Files.isDirectory(s)) Files.createDirectories(d);
                else Files.copy(s, d, StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString(Files.isDirectory(s) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }
}
