package kvmclockprobe.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import kvmclockprobe.bindings.libc_h;
import kvmclockprobe.sys.Libc;

/**
 * Time since this process started, from {@code /proc/self/stat}'s {@code starttime} (clock
 * ticks since boot, on the boot-time clock) against {@code CLOCK_BOOTTIME} now. Resolution is
 * one clock tick (10 ms at {@code CLK_TCK} 100); the start is truncated to a tick, so the
 * result may be up to one tick high.
 */
public final class ProcessClock {
    private ProcessClock() {}

    public static double msSinceProcessStart() {
        long ticksPerSecond = Libc.sysconf(libc_h._SC_CLK_TCK);
        long startTicks = startTimeTicks();
        long startNs = startTicks * (1_000_000_000L / ticksPerSecond);
        return (Libc.boottimeNs() - startNs) / 1e6;
    }

    /** Field 22 of {@code /proc/self/stat}. */
    static long startTimeTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // The command name (field 2) may contain spaces: count fields after its closing parenthesis.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Long.parseLong(rest[22 - 3]);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/self/stat", e);
        }
    }
}
