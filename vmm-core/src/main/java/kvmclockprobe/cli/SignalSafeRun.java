package kvmclockprobe.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

import kvmclockprobe.verdict.ExitRule;

/**
 * Runs a command's job so that SIGINT and SIGTERM never lose what was measured: the JVM's
 * shutdown hook asks the job to stop and interrupts it (the VM under way is closed), waits
 * {@link #STOP_WAIT} for the job to write its results, and otherwise writes the results so far
 * itself, marked interrupted; results already being written are waited for
 * ({@link #WRITE_WAIT}). The results are written exactly once. Then the JVM exits 130/143.
 */
final class SignalSafeRun {
    private SignalSafeRun() {}

    /** How long a SIGINT/SIGTERM waits for the run to stop and write before writing the partial results itself. */
    static final Duration STOP_WAIT = Duration.ofSeconds(2);
    /** How long a SIGINT/SIGTERM waits for results the run is already writing. */
    static final Duration WRITE_WAIT = Duration.ofSeconds(30);

    /** The measuring part: polls {@code stop}, hands each report so far to {@code soFar}, returns the whole report. */
    interface Job<R> {
        R run(BooleanSupplier stop, Consumer<R> soFar) throws Exception;
    }

    /** Writes a report where the command writes its results; returns the exit code. */
    interface Writer<R> {
        int write(R report) throws IOException;
    }

    /**
     * @param interrupted a report so far, marked as the results of an interrupted run
     * @param err         where a failure to write the partial results is said
     */
    static <R> int run(String name, Job<R> job, Writer<R> writer, UnaryOperator<R> interrupted, PrintWriter err) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean writing = new AtomicBoolean();
        AtomicReference<R> soFar = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread running = Thread.currentThread();
        Thread hook = new Thread(() -> onSignal(stop, running, done, writing, soFar, writer, interrupted, err), name + "-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            R report = job.run(stop::get, soFar::set);
            return writing.compareAndSet(false, true) ? writer.write(report) : ExitRule.ERROR;
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM exits when it returns
            }
        }
    }

    private static <R> void onSignal(AtomicBoolean stop, Thread running, CountDownLatch done, AtomicBoolean writing,
                                     AtomicReference<R> soFar, Writer<R> writer, UnaryOperator<R> interrupted, PrintWriter err) {
        stop.set(true);
        running.interrupt();
        if (await(done, STOP_WAIT)) return;
        if (writing.get()) {
            await(done, WRITE_WAIT); // the run is writing its results (slowly, on a loaded host): let it finish
            return;
        }
        R partial = soFar.get();
        if (partial == null || !writing.compareAndSet(false, true)) return;
        try {
            writer.write(interrupted.apply(partial));
        } catch (IOException | RuntimeException e) {
            err.println("kvmclock-probe: could not write the partial results: " + e.getMessage());
            err.flush();
        }
    }

    private static boolean await(CountDownLatch done, Duration limit) {
        try {
            return done.await(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
