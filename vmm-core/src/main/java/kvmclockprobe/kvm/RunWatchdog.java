package kvmclockprobe.kvm;

import java.time.Duration;

/**
 * Bounds a {@code KVM_RUN} loop on the calling thread: a daemon thread kicks the vCPU when no
 * exit has been counted ({@link #progress()}) for {@code limit}, so the loop's next run returns
 * {@link VcpuExit.Interrupted} and {@link #fired()} says why. Costs the loop one volatile write
 * per exit (the {@code bench} loop keeps its timing).
 */
public final class RunWatchdog implements AutoCloseable {
    /** How many times per limit the watcher looks, so it kicks at most a tenth of the limit late. */
    private static final int CHECKS_PER_LIMIT = 10;
    /** The shortest the watcher sleeps between looks, so a tiny limit does not spin a core. */
    private static final Duration MIN_CHECK_INTERVAL = Duration.ofMillis(1);
    /** The longest the watcher sleeps between looks, so closing it never waits long. */
    private static final Duration MAX_CHECK_INTERVAL = Duration.ofMillis(100);
    /** How long {@link #close()} waits for the watcher thread to end. */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(1);

    private final Vcpu vcpu;
    private final long limitNs;
    private final Duration checkInterval;
    private final Thread thread;
    private volatile long exits;
    private volatile boolean fired;
    private volatile boolean closed;

    private RunWatchdog(Vcpu vcpu, Duration limit) {
        this.vcpu = vcpu;
        this.limitNs = limit.toNanos();
        Duration interval = limit.dividedBy(CHECKS_PER_LIMIT);
        this.checkInterval = interval.compareTo(MIN_CHECK_INTERVAL) < 0 ? MIN_CHECK_INTERVAL
                : interval.compareTo(MAX_CHECK_INTERVAL) > 0 ? MAX_CHECK_INTERVAL : interval;
        this.thread = Thread.ofPlatform().daemon().name("run-watchdog-vcpu-" + vcpu.id()).start(this::watch);
    }

    /** Starts watching {@code vcpu}; the caller runs it and counts each exit. */
    public static RunWatchdog watch(Vcpu vcpu, Duration limit) {
        return new RunWatchdog(vcpu, limit);
    }

    /** One more exit: the guest is making progress. */
    public void progress() {
        exits++;
    }

    /** How long the watched vCPU may go without an exit. */
    public Duration limit() {
        return Duration.ofNanos(limitNs);
    }

    /** Whether the limit passed without an exit and the vCPU was kicked. */
    public boolean fired() {
        return fired;
    }

    private void watch() {
        long seen = exits;
        long since = System.nanoTime();
        while (!closed) {
            try {
                Thread.sleep(checkInterval);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            if (exits != seen) {
                seen = exits;
                since = now;
            } else if (now - since >= limitNs && !closed) {
                fired = true;
                vcpu.kick();
                since = now; // kick again after another limit if the run did not return
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(JOIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
