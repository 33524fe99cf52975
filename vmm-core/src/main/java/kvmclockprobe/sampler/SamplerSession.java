package kvmclockprobe.sampler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.machine.ControlPage;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.sys.HostInstant;

/**
 * The sampler guest running on N vCPUs, one platform thread each, with a watchdog that declares
 * a vCPU hung when it stays in the guest past the limit without a doorbell. Every wait is
 * bounded by time. Closing it stops every vCPU and closes the VM.
 */
public final class SamplerSession implements AutoCloseable {

    /**
     * @param doorbellIntervalNs the guest rings at least this often (its own clock)
     * @param hangLimit          in the guest this long without an exit = hung
     * @param readyTimeout       how long to wait for every vCPU's DOORBELL_READY
     */
    public record Options(long doorbellIntervalNs, Duration hangLimit, Duration readyTimeout) {
        public static Options defaults() {
            return new Options(10_000_000L, Duration.ofSeconds(5), Duration.ofSeconds(20));
        }

        public Options withHangLimit(Duration limit) {
            return new Options(doorbellIntervalNs, limit, readyTimeout);
        }
    }

    private final Machine machine;
    private final ControlPage control;
    private final Options options;
    private final List<VcpuRunner> runners = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final List<GuestEvent> events = new CopyOnWriteArrayList<>();
    private final Thread watchdog;
    private volatile boolean closing;

    private SamplerSession(Machine machine, Options options) {
        this.machine = machine;
        this.options = options;
        this.control = new ControlPage(machine.ram());
        control.setDoorbellIntervalNs(options.doorbellIntervalNs());
        this.watchdog = Thread.ofPlatform().daemon().name("sampler-watchdog").unstarted(this::watch);
    }

    /** Boots the sampler guest on {@code vcpus} vCPUs and waits until every one has rung READY. */
    public static SamplerSession start(Kvm kvm, int vcpus, Options options) {
        SamplerSession s = launch(kvm, GuestImage.SAMPLER, vcpus, options);
        try {
            s.awaitReady();
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Boots {@code image} (normally the sampler) and starts its vCPUs without waiting for READY. */
    public static SamplerSession launch(Kvm kvm, GuestImage image, int vcpus, Options options) {
        return launch(kvm, image, vcpus, options, (name, r) -> Thread.ofPlatform().name(name).start(r));
    }

    /** Starts a named platform thread; tests inject failures here. */
    interface ThreadStarter {
        Thread start(String name, Runnable runnable);
    }

    static SamplerSession launch(Kvm kvm, GuestImage image, int vcpus, Options options, ThreadStarter starter) {
        return launch(kvm, image, vcpus, options, starter, ram -> { });
    }

    /** As above, with {@code patch} applied to guest memory before any vCPU runs (tests of misbehaving guests). */
    static SamplerSession launch(Kvm kvm, GuestImage image, int vcpus, Options options, ThreadStarter starter,
                                 java.util.function.Consumer<kvmclockprobe.kvm.GuestMemory> patch) {
        return launchPatched(kvm, image, vcpus, options, starter, m -> patch.accept(m.ram()));
    }

    /**
     * As above, with {@code patch} applied to the booted machine (its memory, its vCPUs' registers)
     * before any vCPU runs: tests of misbehaving guests and of states the hardware refuses.
     */
    static SamplerSession launchPatched(Kvm kvm, GuestImage image, int vcpus, Options options, ThreadStarter starter,
                                        java.util.function.Consumer<Machine> patch) {
        if (vcpus < 1 || vcpus > GuestAbi.MAX_VCPUS) {
            throw new IllegalArgumentException("vCPUs must be 1.." + GuestAbi.MAX_VCPUS + ", got " + vcpus);
        }
        Machine m = Machine.boot(kvm, image, vcpus);
        try {
            patch.accept(m);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        SamplerSession s;
        try {
            s = new SamplerSession(m, options);
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        s.startAll(starter);
        return s;
    }

    /** Starts a runner per vCPU and the watchdog; on failure stops those started and closes the machine. */
    private void startAll(ThreadStarter threadStarter) {
        try {
            this.starter = threadStarter;
            for (Vcpu v : machine.vcpus()) startRunner(v);
            watchdog.start();
        } catch (RuntimeException | Error e) {
            // The runners already started are stopped and joined, and the machine closed.
            try {
                close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Runs the sampler guest again on {@code machine}, where it was paused ({@link #pause}) or
     * restored into a fresh VM: its vCPUs continue from their registers, with no READY. The
     * session owns the machine from here on, and closes it when it fails to start.
     */
    public static SamplerSession resume(Machine machine, Options options) {
        SamplerSession s;
        try {
            s = new SamplerSession(machine, options);
        } catch (RuntimeException e) {
            machine.close();
            throw e;
        }
        s.startAll((name, r) -> Thread.ofPlatform().name(name).start(r));
        return s;
    }

    /**
     * The guest paused: every vCPU out of {@code KVM_RUN} at an instruction boundary, its last
     * port I/O completed (the final {@code KVM_RUN} ran with {@code immediate_exit}, which KVM
     * documents as what makes the state consistent for a save), and its thread ended.
     *
     * @param machine the VM, now the caller's to save, resume or close
     * @param stopped when vCPU 0 had left the guest for the last time, on the host
     */
    public record Paused(Machine machine, HostInstant stopped) {}

    /**
     * Pauses the guest as a VMM does before a save: kicks every vCPU out of the guest and ends
     * its thread, waiting at most {@code timeout}. The machine passes to the caller; this session
     * is finished (closing it leaves the machine open). Throws a vCPU's failure if it had one.
     */
    public Paused pause(Duration timeout) {
        checkHealthy();
        for (VcpuRunner r : runners) r.forceStop();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (VcpuRunner r : runners) {
            if (!awaitFinished(r, deadline, "pausing the guest")) {
                throw new GuestFailure("vCPU " + r.index() + " did not leave the guest within " + timeout + " of the pause");
            }
            if (r.failure() != null) throw r.failure();
            if (r.guestDone()) throw new GuestFailure("vCPU " + r.index() + " finished before the pause");
        }
        closing = true;
        watchdog.interrupt();
        List<String> stuck = joinRunnerThreads(deadline);
        if (!stuck.isEmpty()) throw new GuestFailure(String.join(", ", stuck) + " did not end within " + timeout + " of the pause");
        detached = true;
        return new Paused(machine, runners.get(0).stopped());
    }

    /** Set by {@link #pause}: the machine is no longer this session's to close. */
    private volatile boolean detached;

    /**
     * The host instant just before vCPU {@code index} first entered the guest in this session,
     * waiting at most {@code timeout} for it.
     */
    public HostInstant firstEntry(int index, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        VcpuRunner r = runners.get(index);
        while (r.firstEntry() == null) {
            checkHealthy();
            if (System.nanoTime() > deadline) throw new GuestFailure("vCPU " + index + " did not enter the guest within " + timeout);
            java.util.concurrent.locks.LockSupport.parkNanos(100_000);
        }
        return r.firstEntry();
    }

    /** vCPU {@code index}'s block as the guest last wrote it (read it while that vCPU is out of the guest, or paused). */
    public VcpuStatus status(int index) {
        return runners.get(index).block().status();
    }

    /** How runner threads are started (a platform thread each; tests inject failures). */
    private ThreadStarter starter;

    private VcpuRunner startRunner(Vcpu vcpu) {
        VcpuRunner r = new VcpuRunner(vcpu, new VcpuBlock(machine.ram(), vcpu.id()), events::add);
        runners.add(r);
        threads.add(starter.start("vcpu-" + vcpu.id(), r));
        return r;
    }

    private void watch() {
        while (!closing) {
            long now = System.nanoTime();
            for (VcpuRunner r : runners) r.checkHung(now, options.hangLimit().toNanos());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + options.readyTimeout().toNanos();
        for (VcpuRunner r : runners) {
            awaitReady(r, deadline);
        }
    }

    private void awaitReady(VcpuRunner r, long deadline) {
        try {
            long leftMs = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (r.awaitReady(leftMs)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFailure("interrupted while waiting for the sampler guest");
        }
        if (r.failure() != null) throw r.failure();
        throw new GuestFailure("vCPU " + r.index() + " did not ring READY within " + options.readyTimeout());
    }

    /**
     * Hot-plugs one more vCPU ({@code KVM_CREATE_VCPU} while the others run) and waits for it to
     * be sampling.
     */
    public Vcpu addVcpu() {
        Vcpu v = machine.addVcpu();
        VcpuRunner r = startRunner(v);
        awaitReady(r, System.nanoTime() + options.readyTimeout().toNanos());
        return v;
    }

    public Machine machine() {
        return machine;
    }

    public ControlPage control() {
        return control;
    }

    public int vcpuCount() {
        return runners.size();
    }

    /** Every event any vCPU recorded so far, in the order the host drained them. */
    public List<GuestEvent> events() {
        return List.copyOf(events);
    }

    /** Runs a vCPU ioctl on vCPU {@code index}'s own thread between two runs, waiting at most {@code timeout}. */
    public <T> T onVcpu(int index, Function<Vcpu, T> action, Duration timeout) {
        try {
            return runners.get(index).submit(action).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new GuestFailure("vCPU " + index + " did not leave the guest within " + timeout
                    + " to run a host request");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFailure("interrupted while waiting for vCPU " + index);
        }
    }

    /** Throws the first failure of any vCPU (fault, hang, protocol error), if any. */
    public void checkHealthy() {
        for (VcpuRunner r : runners) {
            if (r.failure() != null) throw r.failure();
            if (r.isFinished() && !r.guestDone()) throw new GuestFailure("vCPU " + r.index() + " stopped unexpectedly");
        }
    }

    /** Sleeps {@code duration} in small steps, failing early if a vCPU fails. */
    public void sampleFor(Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < end) {
            checkHealthy();
            try {
                Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new GuestFailure("interrupted while sampling");
            }
        }
        checkHealthy();
    }

    /**
     * Asks the guest to stop, waits (at most {@code timeout}) for every vCPU to ring DONE, and
     * returns their final statuses. Throws a vCPU's failure if it had one.
     */
    public List<VcpuStatus> stop(Duration timeout) {
        control.requestStop();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (VcpuRunner r : runners) {
            if (!awaitFinished(r, deadline, "stopping the guest")) {
                r.forceStop();
                throw new GuestFailure("vCPU " + r.index() + " did not finish within " + timeout + " of the stop request");
            }
        }
        checkHealthy();
        List<VcpuStatus> statuses = new ArrayList<>();
        for (VcpuRunner r : runners) statuses.add(r.block().status());
        return statuses;
    }

    /** Waits until {@code deadline} (System.nanoTime) for {@code r} to finish; false when it did not. */
    private static boolean awaitFinished(VcpuRunner r, long deadline, String doing) {
        try {
            return r.awaitFinished(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFailure("interrupted while " + doing);
        }
    }

    /** Joins every runner thread until {@code deadline} (System.nanoTime), all of them; the names of those still alive. */
    private List<String> joinRunnerThreads(long deadline) {
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) stuck.add(t.getName());
        }
        return stuck;
    }

    @Override
    public void close() {
        closing = true;
        watchdog.interrupt();
        for (VcpuRunner r : runners) r.forceStop();
        // Every thread gets the same 5 s after the kicks; all are waited for, not just the first.
        List<String> stuck = joinRunnerThreads(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        try {
            watchdog.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!stuck.isEmpty()) {
            // Guest RAM and kvm_run stay mapped while a thread may still touch them: unmapping
            // them under it would crash the JVM. The rest of the process goes on.
            throw new IllegalStateException(String.join(", ", stuck) + " did not stop within 5 s of a kick; "
                    + "its VM is left open rather than unmapped under it");
        }
        if (!detached) machine.close();
    }
}
