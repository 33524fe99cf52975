package kvmclockprobe.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/** A one-line progress indicator on stderr, only when stderr and stdout are a terminal. */
final class Progress implements Consumer<Double>, AutoCloseable {
    private final String label;
    private final double totalS;
    private final boolean enabled;
    private final PrintStream err = System.err;
    private long lastPrintNanos;

    Progress(String label, double totalS) {
        this.label = label;
        this.totalS = totalS;
        this.enabled = System.console() != null && System.console().isTerminal();
    }

    @Override
    public void accept(Double elapsedS) {
        accept(label, elapsedS);
    }

    /** Shows {@code what} and how far into its wait it is. */
    void accept(String what, double elapsedS) {
        if (!enabled) return;
        long now = System.nanoTime();
        if (now - lastPrintNanos < 250_000_000L) return;
        lastPrintNanos = now;
        err.printf(Locale.ROOT, "\r\033[K%s %.0f/%.0f s", what, Math.min(elapsedS, totalS), totalS);
        err.flush();
    }

    @Override
    public void close() {
        if (enabled && lastPrintNanos != 0) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
