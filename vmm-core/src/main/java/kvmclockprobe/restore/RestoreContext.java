package kvmclockprobe.restore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.ClockData;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.machine.GuestFailure;
import kvmclockprobe.machine.Machine;
import kvmclockprobe.host.HostClock;
import kvmclockprobe.sys.HostInstant;
import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.GuestTscProbe;
import kvmclockprobe.sampler.SamplerSession;
import kvmclockprobe.sampler.VcpuStatus;
import kvmclockprobe.snapshot.Snapshot;
import kvmclockprobe.sys.Libc;
import kvmclockprobe.sys.SyscallException;

/**
 * The steps a {@link Recipe} is made of, each timed on the host ({@code CLOCK_MONOTONIC_RAW},
 * and {@code CLOCK_REALTIME} where the kernel uses it), so that the harness can say what the
 * sequence did to the guest clock: pause, save, downtime, restore, set the clock, resume. Owns
 * every machine it hands out until a session takes it over; {@link #close()} frees the rest.
 */
public final class RestoreContext implements AutoCloseable {
    /** How long a pause or a first entry may take before it is a guest failure. */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

    /**
     * One {@code KVM_SET_CLOCK} as issued: the raw time just before and after the ioctl, and the host's
     * {@code CLOCK_REALTIME} read before it between two raw reads ({@code realNs} at raw
     * {@code realRawNs}, give or take {@code realRawHalfWidthNs}: a stall between two reads is not
     * mistaken for realtime that did not pass).
     */
    public record SetClockStep(long clockNs, int flags, long realtimeNs, long rawBeforeNs, long rawAfterNs, long realNs,
                               long realRawNs, long realRawHalfWidthNs, boolean guestRunning, ClockData before) {}

    private final Kvm kvm;
    private final SamplerSession source;
    private final Duration pause;
    private final SamplerSession.Options options;
    private final HostClock hostClock;
    private final List<Machine> owned = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> ctrl = new ArrayList<>();
    private final List<SetClockStep> sets = new ArrayList<>();

    private List<VcpuStatus> lastBefore;
    private HostInstant stopped;
    private TscOffset sourceTscOffset;
    private List<TscOffset> targetTscOffsets;
    private PvclockParams savedGuestClock;
    private long sourceTscKhz;
    private ClockData atStop;
    private ClockData captured;
    private long capturedRawNs;
    private long capturedRealNs;
    private ClockData atResume;
    private long atResumeRawNs;
    private HostInstant firstEntry;
    private SamplerSession target;

    RestoreContext(Kvm kvm, SamplerSession source, Duration pause, SamplerSession.Options options, HostClock hostClock) {
        this.kvm = kvm;
        this.source = source;
        this.pause = pause;
        this.options = options;
        this.hostClock = hostClock;
    }


    /** How many vCPUs the guest runs on. */
    public int vcpuCount() {
        return source.vcpuCount();
    }

    /** {@code KVM_CLOCK_TSC_STABLE} of the running source VM's clock now: whether KVM has a master clock to keep. */
    public boolean masterClockNow() {
        return source.machine().vm().getClock().tscStable();
    }

    /** {@code KVM_GET_CLOCK} on the source VM while its vCPUs still run (a VMM that captures the clock before it pauses them). */
    public ClockData getClockBeforePause() {
        return getClock(source.machine());
    }

    /** The pause as the VMM would see it: vCPUs out of the guest and their threads ended. */
    public Machine pause() {
        SamplerSession.Paused p = source.pause(STEP_TIMEOUT);
        owned.add(p.machine());
        stopped = p.stopped();
        lastBefore = new ArrayList<>();
        for (int i = 0; i < source.vcpuCount(); i++) lastBefore.add(source.status(i));
        atStop = p.machine().vm().getClock();
        sourceTscOffset = TscOffset.of(p.machine().vcpus().get(0));
        sourceTscKhz = p.machine().vcpus().get(0).getTscKhz();
        return p.machine();
    }

    /**
     * {@code KVM_GET_CLOCK}, as the VMM's save does; the last one before the first
     * {@code KVM_SET_CLOCK} is the capture: the clock the VMM carries over.
     */
    public ClockData getClock(Machine m) {
        long raw = Libc.monotonicRawNs();
        long real = Libc.realtimeNs();
        ClockData c = m.vm().getClock();
        if (sets.isEmpty()) {
            captured = c;
            capturedRawNs = raw;
            capturedRealNs = real;
        }
        return c;
    }

    /** Steps 1 and 2 of a save: RAM and every vCPU (see {@link Snapshot}). */
    public Snapshot.GuestState saveGuest(Machine m) {
        return Snapshot.saveGuest(m);
    }

    /** Closes a machine the sequence is done with (the source of a snapshot or migration). */
    public void discard(Machine m) {
        m.close();
    }

    /** The downtime: the guest stays paused this long. */
    public void downtime() {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestFailure("interrupted during the downtime");
        }
    }

    /** Step 1 of a restore on its own: a fresh VM with {@code vcpus} vCPUs at their boot state (for sequences that set the clock in between). */
    public Machine createMachine(int vcpus) {
        Machine m = Snapshot.createMachine(kvm, vcpus);
        owned.add(m);
        return m;
    }

    /** Steps 1 to 3 of a restore: a fresh VM holding {@code state}, not yet run. */
    public Machine restoreGuest(Snapshot.GuestState state) {
        Machine m = Snapshot.restoreGuest(kvm, state);
        owned.add(m);
        return m;
    }

    /**
     * Steps 1 to 3 of a restore one vCPU at a time: a fresh VM with {@code state}'s RAM, then for
     * each vCPU {@code KVM_CREATE_VCPU} followed at once by its saved state (its own
     * {@code MSR_IA32_TSC} among it), as a VMM that creates and restores each vCPU in turn does.
     */
    public Machine restoreGuestVcpuByVcpu(Snapshot.GuestState state) {
        Machine m = Machine.create(kvm, GuestImage.SAMPLER);
        owned.add(m);
        Snapshot.restoreMemory(m, state.ram());
        for (Snapshot.VcpuState s : state.vcpus()) Snapshot.restoreVcpu(m.addVcpu(), s);
        return m;
    }

    /**
     * vCPU 0's {@code KVM_VCPU_TSC_OFFSET} set on every vCPU (vCPU 0 included), as the VMMs that
     * re-synchronise the offsets after a restore do. The kernel lacks the attribute before 5.16:
     * the recipe is then skipped, naming it.
     */
    public void unifyTscOffsets(Machine m) {
        Vcpu first = m.vcpus().getFirst();
        if (!first.hasDeviceAttr(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET)) {
            throw new RecipeUnsupported("KVM_VCPU_TSC_CTRL/KVM_VCPU_TSC_OFFSET (vCPU device attribute, Linux 5.16+) is not in this kernel");
        }
        long offset = GuestTscProbe.readOffset(first);
        for (Vcpu v : m.vcpus()) v.setDeviceAttrU64(kvm_h.KVM_VCPU_TSC_CTRL, kvm_h.KVM_VCPU_TSC_OFFSET, offset, "KVM_VCPU_TSC_OFFSET");
        note("KVM_VCPU_TSC_OFFSET " + offset + " (vCPU 0's) set on all " + m.vcpus().size() + " vCPUs");
    }

    /** The guest's own pvclock parameters as saved ({@code KVM_GET_CLOCK_GUEST}): what {@code KVM_SET_CLOCK_GUEST} restores. */
    public void savedGuestClock(PvclockParams saved) {
        savedGuestClock = saved;
    }

    /**
     * {@code KVM_SET_CLOCK}. When the guest is running, the clock is read just before, so the jump
     * the guest will see can be predicted.
     */
    public void setClock(Machine m, long clockNs, int flags, long realtimeNs) {
        boolean running = target != null && target.machine() == m;
        ClockData before = running ? m.vm().getClock() : null;
        long rawReal = Libc.monotonicRawNs();
        long real = Libc.realtimeNs();
        long raw = Libc.monotonicRawNs();
        m.vm().setClock(clockNs, flags, realtimeNs);
        long rawAfter = Libc.monotonicRawNs();
        long half = (raw - rawReal) / 2;
        sets.add(new SetClockStep(clockNs, flags, realtimeNs, raw, rawAfter, real, rawReal + half, half, running, before));
    }

    /**
     * {@code KVM_KVMCLOCK_CTRL} on every vCPU: the guest will see {@code PVCLOCK_GUEST_STOPPED}.
     * KVM refuses it with EINVAL when the vCPU's pvclock is not enabled; that is recorded, as
     * QEMU and Firecracker ignore it.
     */
    public void kvmclockCtrl(Machine m) {
        for (Vcpu v : m.vcpus()) {
            try {
                v.kvmclockCtrl();
                ctrl.add("KVM_KVMCLOCK_CTRL on vCPU " + v.id() + ": ok");
            } catch (SyscallException e) {
                ctrl.add("KVM_KVMCLOCK_CTRL on vCPU " + v.id() + ": " + e.errnoName());
            }
        }
    }

    /** Starts the vCPUs of {@code m} again; the returned session owns {@code m}. */
    public SamplerSession resume(Machine m) {
        targetTscOffsets = new ArrayList<>();
        for (Vcpu v : m.vcpus()) targetTscOffsets.add(TscOffset.of(v));
        // An instrument, not the VMM's: the guest's cross-vCPU mark starts again, so that only
        // readings after the resume are compared with one another.
        m.ram().writeU64(GuestAbi.CONTROL_GPA + GuestAbi.CTL_OFF_GLOBAL_LAST_NS, 0);
        long before = Libc.monotonicRawNs();
        atResume = m.vm().getClock();
        atResumeRawNs = before + (Libc.monotonicRawNs() - before) / 2;
        owned.remove(m);
        target = SamplerSession.resume(m, options);
        firstEntry = target.firstEntry(0, STEP_TIMEOUT);
        return target;
    }

    /**
     * Lets the resumed guest run until vCPU 0 has read its clock (its first pvclock change after the
     * resume: it is running on whatever clock KVM gave it), then {@code d} more: a VMM doing its
     * late steps meanwhile. Under TCG the first reading can take longer than {@code d}.
     */
    public void runFor(Duration d) {
        if (target == null) throw new IllegalStateException("nothing resumed");
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (target.events().stream().noneMatch(e -> e.vcpu() == 0 && e.isVersionChange())) {
            if (System.nanoTime() > deadline) {
                throw new GuestFailure("vCPU 0 did not read its clock within " + STEP_TIMEOUT + " of the resume");
            }
            target.sampleFor(Duration.ofMillis(5));
        }
        target.sampleFor(d);
    }

    /** A line for the report, saying what the sequence did beyond its steps. */
    public void note(String line) {
        notes.add(line);
    }

    VcpuStatus lastBefore() {
        return lastBefore.getFirst();
    }

    List<VcpuStatus> lastBeforeAll() {
        return List.copyOf(lastBefore);
    }

    PvclockParams savedGuestClock() {
        return savedGuestClock;
    }

    HostInstant stopped() {
        return stopped;
    }

    TscOffset sourceTscOffset() {
        return sourceTscOffset;
    }

    long sourceTscKhz() {
        return sourceTscKhz;
    }

    TscOffset targetTscOffset() {
        return targetTscOffsets.getFirst();
    }

    /** Each resumed vCPU's offset just before the resume (null entries where the host TSC cannot be read). */
    List<TscOffset> targetTscOffsets() {
        return java.util.Collections.unmodifiableList(new ArrayList<>(targetTscOffsets));
    }

    ClockData atStop() {
        return atStop;
    }

    ClockData captured() {
        return captured;
    }

    long capturedRawNs() {
        return capturedRawNs;
    }

    long capturedRealNs() {
        return capturedRealNs;
    }

    ClockData atResume() {
        return atResume;
    }

    long atResumeRawNs() {
        return atResumeRawNs;
    }

    HostInstant firstEntry() {
        return firstEntry;
    }

    List<SetClockStep> sets() {
        return List.copyOf(sets);
    }

    List<String> ctrl() {
        return List.copyOf(ctrl);
    }

    List<String> notes() {
        return List.copyOf(notes);
    }

    /** Everything this run recorded, with what the guest saw ({@code events}, {@code lastAll}) and the clock at the end. */
    RestoreTrace trace(Recipe recipe, int vcpus, List<GuestEvent> events, List<VcpuStatus> lastAll, ClockData end,
                       String clocksourceBefore, String clocksourceAfter) {
        return new RestoreTrace(recipe.name(), recipe.intent(), vcpus, pause.toMillis(), notes(), lastBeforeAll(), savedGuestClock, stopped,
                sourceTscOffset, sourceTscKhz, targetTscOffsets(), atStop, captured, capturedRawNs, capturedRealNs, atResume, atResumeRawNs,
                firstEntry, sets(), ctrl(), clocksourceBefore, clocksourceAfter, hostClock.vdsoRaw(), hostClock.vdsoUnavailable(), events,
                lastAll, end);
    }

    /** Closes every machine no session took over. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Machine m : owned) {
            try {
                m.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
            }
        }
        owned.clear();
        if (first != null) throw first;
    }
}
