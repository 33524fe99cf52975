package kvmclockprobe.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import kvmclockprobe.clock.KernelClockArithmetic.ClocksourceScale;
import kvmclockprobe.sys.Libc;

/**
 * The host's raw clock as the kernel runs it, read rather than assumed: the current clocksource,
 * the raw clock's {@code mult}/{@code shift} from the vDSO data page ({@link VdsoRawClock}),
 * whether the CPU has {@code constant_tsc}, and the kernel's own TSC calibration lines where its
 * log is readable.
 *
 * @param clocksource     the current clocksource ({@code tsc}, {@code hyperv_clocksource_tsc_page}, …)
 * @param vdsoRaw         the raw clock's pair from the vDSO, null when it could not be read
 * @param vdsoUnavailable why {@code vdsoRaw} is null; null when it was read
 * @param constantTsc     {@code constant_tsc} in {@code /proc/cpuinfo}; null when unreadable
 * @param cpufreqPolicy   whether CPU 0 has a cpufreq policy ({@code /sys/devices/system/cpu/cpu0/cpufreq}):
 *                        without {@code constant_tsc}, KVM then takes its TSC rates from cpufreq
 *                        ({@code kvm_timer_init}, {@code kvmclock_cpufreq_notifier}), not from the
 *                        calibrations in the log; null when sysfs shows no CPU 0
 * @param tscCalibration  the kernel log's "tsc: Detected …" and "tsc: Refined TSC clocksource
 *                        calibration: …" lines; empty when the log is unreadable or has none
 * @param kernelLogReadable whether the kernel log could be read at all
 */
public record HostClock(String clocksource, ClocksourceScale vdsoRaw, String vdsoUnavailable, Boolean constantTsc,
                        Boolean cpufreqPolicy, List<String> tscCalibration, boolean kernelLogReadable) {

    public HostClock {
        tscCalibration = List.copyOf(tscCalibration);
    }

    private static final Path CPU0 = Path.of("/sys/devices/system/cpu/cpu0");
    /** A rate as the kernel prints it, {@code %lu.%03lu MHz}: kHz exactly. */
    private static final Pattern MHZ = Pattern.compile("(\\d+)\\.(\\d{3}) MHz");
    private static final Pattern CALIBRATION = Pattern.compile("tsc: (Detected .*MHz|Refined TSC clocksource calibration.*|.*[Mm]arking TSC unstable.*)");

    /** Reads all of it now. */
    public static HostClock read() {
        VdsoRawClock.Reading r = VdsoRawClock.read();
        ClocksourceScale raw = r instanceof VdsoRawClock.Found f ? f.scale() : null;
        String why = r instanceof VdsoRawClock.Unavailable u ? u.reason() : null;
        String log = Libc.kernelLog();
        return new HostClock(HostProbe.clocksource(), raw, why, readConstantTsc(), readCpufreqPolicy(),
                log == null ? List.of() : calibrationLines(log), log != null);
    }

    /** The kHz figures of the calibration lines ("Detected 2096.026 MHz", "calibration: 2096.015 MHz"), each once. */
    public List<Long> tscCalibrationKhz() {
        return tscCalibration.stream().map(MHZ::matcher).filter(Matcher::find)
                .map(m -> Long.parseLong(m.group(1)) * 1000 + Long.parseLong(m.group(2))).distinct().toList();
    }

    /** The TSC calibration lines of a kernel log, without their timestamps. */
    static List<String> calibrationLines(String log) {
        return log.lines().map(l -> l.replaceFirst("^<\\d+>", "").replaceFirst("^\\[[ \\d.]+\\] ", ""))
                .filter(l -> CALIBRATION.matcher(l).find()).map(String::strip).distinct().toList();
    }

    /** Null where sysfs shows no CPU 0 at all (a container without it): unknown, not "none". */
    private static Boolean readCpufreqPolicy() {
        return Files.isDirectory(CPU0) ? Files.isDirectory(CPU0.resolve("cpufreq")) : null;
    }

    private static Boolean readConstantTsc() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags"))
                    .findFirst().map(l -> (" " + l + " ").contains(" constant_tsc ")).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /** True when the host clocksource is the TSC. */
    public boolean tscClocksource() {
        return "tsc".equals(clocksource);
    }

    /** The same facts for a host whose clocksource is {@code clocksource} and nothing else is known (tests, restore). */
    public static HostClock unknown(String clocksource) {
        return new HostClock(clocksource, null, "not read", null, null, List.of(), false);
    }
}
