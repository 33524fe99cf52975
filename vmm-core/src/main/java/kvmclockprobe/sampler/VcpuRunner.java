package kvmclockprobe.sampler;

import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.kvm.VcpuExit;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.sys.HostInstant;

/**
 * Runs one vCPU of the sampler guest on its own platform thread: enters the guest, answers its
 * doorbells (draining its event ring at each), and between two runs executes the vCPU ioctls
 * other threads asked for (a vCPU ioctl waits for {@code KVM_RUN} to return, so they are done
 * here). Ends when the guest says DONE, fails, is stopped, or is declared hung by the watchdog.
 */
final class VcpuRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(VcpuRunner.class);

    private final Vcpu vcpu;
    private final VcpuBlock block;
    private final Consumer<GuestEvent> events;
    private final Queue<Runnable> actions = new ConcurrentLinkedQueue<>();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    private volatile boolean inGuest;
    private volatile long enteredNanos;
    private volatile boolean hung;
    private volatile long hungAfterNs;
    private volatile boolean forceStop;
    private volatile boolean done;
    private volatile RuntimeException failure;
    /** The host instant just before the first {@code KVM_RUN}; null until then. */
    private volatile HostInstant firstEntry;
    /** The host instant just after the {@code KVM_RUN} that a {@link #forceStop()} ended; null until then. */
    private volatile HostInstant stopped;

    VcpuRunner(Vcpu vcpu, VcpuBlock block, Consumer<GuestEvent> events) {
        this.vcpu = vcpu;
        this.block = block;
        this.events = events;
    }

    int index() {
        return vcpu.id();
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            inGuest = false;
            vcpu.releaseThread();
            ready.countDown();
            finished.countDown();
            Runnable a;
            while ((a = actions.poll()) != null) a.run(); // their futures fail: see submit()
        }
    }

    private void loop() {
        while (true) {
            runActions();
            enteredNanos = System.nanoTime();
            if (firstEntry == null) firstEntry = HostInstant.now();
            inGuest = true;
            VcpuExit exit = vcpu.run();
            inGuest = false;
            switch (exit) {
                case VcpuExit.Io io when io.out() && io.port() == GuestAbi.PORT_DOORBELL -> {
                    drainEvents();
                    if (onDoorbell((int) io.value())) return;
                }
                case VcpuExit.Io io when io.out() && io.port() == GuestAbi.PORT_FAULT -> {
                    VcpuStatus s = block.status();
                    throw new GuestFailure(String.format(
                            "vCPU %d faulted: exception vector %d (%s), error code 0x%x, at rip 0x%x",
                            index(), io.value(), vectorName(io.value()), s.faultErrorCode(), s.faultRip()));
                }
                case VcpuExit.Interrupted i -> {
                    if (hung) {
                        throw new GuestFailure(String.format("vCPU %d hung: no doorbell for %.1f s; %s",
                                index(), hungAfterNs / 1e9, Machine.describeRegisters(vcpu)));
                    }
                    if (forceStop) {
                        stopped = HostInstant.now();
                        return;
                    }
                }
                default -> throw new GuestFailure("vCPU " + index() + ": unexpected exit " + VcpuExit.describe(exit)
                        + "; " + Machine.describeRegisters(vcpu));
            }
        }
    }

    /** Handles one doorbell; true when the guest finished. */
    private boolean onDoorbell(int code) {
        switch (code) {
            case GuestAbi.DOORBELL_READY -> ready.countDown();
            case GuestAbi.DOORBELL_TICK, GuestAbi.DOORBELL_EVENT, GuestAbi.DOORBELL_COMMAND_ACK -> { }
            case GuestAbi.DOORBELL_DONE -> {
                done = true;
                return true;
            }
            case GuestAbi.DOORBELL_ERROR -> {
                VcpuStatus s = block.status();
                throw new GuestFailure("vCPU " + index() + " reported error " + s.errorCode() + " ("
                        + errorName(s.errorCode()) + ")");
            }
            default -> throw new GuestProtocolError("vCPU " + index() + " rang unknown doorbell code " + code);
        }
        return false;
    }

    private void drainEvents() {
        for (GuestEvent e : block.drain()) events.accept(e);
    }

    private void runActions() {
        Runnable a;
        while ((a = actions.poll()) != null) a.run();
    }

    /**
     * Runs {@code action} on this vCPU's thread between two {@code KVM_RUN}s, kicking the vCPU
     * out of the guest so it happens promptly.
     */
    <T> CompletableFuture<T> submit(Function<Vcpu, T> action) {
        CompletableFuture<T> result = new CompletableFuture<>();
        actions.add(() -> {
            if (finished.getCount() == 0 && failure != null) {
                result.completeExceptionally(new IllegalStateException("vCPU " + index() + " runner ended", failure));
                return;
            }
            try {
                result.complete(action.apply(vcpu));
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        if (finished.getCount() == 0) runActions();
        else vcpu.kick();
        return result;
    }

    /** Called by the watchdog: true (and the vCPU kicked) when it has been in the guest longer than {@code limitNs}. */
    boolean checkHung(long nowNanos, long limitNs) {
        if (!inGuest || hung) return false;
        long in = nowNanos - enteredNanos;
        if (in <= limitNs) return false;
        hungAfterNs = in;
        hung = true;
        log.warn("vCPU {} in the guest for {} ms without a doorbell: declaring it hung", index(), in / 1_000_000);
        vcpu.kick();
        return true;
    }

    /** Ends the run loop at the next exit without waiting for the guest. */
    void forceStop() {
        forceStop = true;
        vcpu.kick();
    }

    HostInstant firstEntry() {
        return firstEntry;
    }

    HostInstant stopped() {
        return stopped;
    }

    boolean awaitReady(long timeoutMs) throws InterruptedException {
        return ready.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS) && failure == null && !isFinished();
    }

    boolean awaitFinished(long timeoutMs) throws InterruptedException {
        return finished.await(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    boolean isFinished() {
        return finished.getCount() == 0;
    }

    boolean guestDone() {
        return done;
    }

    RuntimeException failure() {
        return failure;
    }

    VcpuBlock block() {
        return block;
    }

    static String vectorName(long vector) {
        String[] names = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP",
            "#SS", "#GP", "#PF", "reserved", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP"};
        return vector >= 0 && vector < names.length ? names[(int) vector] : "vector " + vector;
    }

    static String errorName(int code) {
        return switch (code) {
            case GuestAbi.ERROR_BAD_CONTROL -> "control page magic or ABI version mismatch";
            case GuestAbi.ERROR_PVCLOCK_TIMEOUT -> "the pvclock never became valid after registering it";
            case GuestAbi.ERROR_FAULT -> "CPU exception";
            default -> "unknown";
        };
    }

}
