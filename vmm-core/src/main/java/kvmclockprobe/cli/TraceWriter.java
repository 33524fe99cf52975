package kvmclockprobe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.BiConsumer;

import kvmclockprobe.report.TraceJson;

/** {@code --trace DIR}, for check and restore alike: each raw trace as DIR/NAME.trace.json, as it is recorded. */
final class TraceWriter {
    private TraceWriter() {}

    /**
     * Writes each trace it is given; one that cannot be written is said on {@code err}, and the
     * verdict it belongs to stands. Null when {@code dir} is.
     */
    static <T extends Record> BiConsumer<String, T> to(Path dir, PrintWriter err) {
        if (dir == null) return null;
        return (name, trace) -> {
            try {
                TraceJson.write(dir, name, trace);
            } catch (IOException | RuntimeException e) {
                err.println("kvmclock-probe: could not write the trace of " + name + " to " + dir + ": " + e);
                err.flush();
            }
        };
    }
}
