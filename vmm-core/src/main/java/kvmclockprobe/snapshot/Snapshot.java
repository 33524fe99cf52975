package kvmclockprobe.snapshot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import kvmclockprobe.bindings.kvm_h;
import kvmclockprobe.bindings.x86_h;
import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.Regs;
import kvmclockprobe.kvm.Sregs;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.machine.Machine;

/**
 * Snapshot and restore of a paused sampler VM, as small named steps in the order a VMM takes
 * them (Firecracker's {@code vstate} is the model): guest memory, then each vCPU's registers,
 * special registers and MSRs; restore creates a fresh VM and writes them back in that order.
 * The clock is not here: what a VMM saves of the KVM clock, and when it sets it, is the very
 * thing that differs between VMMs, so each restore recipe does that itself.
 *
 * <p>What the sampler guest needs, and so what is saved: its RAM (page tables, GDT, code, stacks,
 * control page, vCPU blocks, pvclock pages); general registers ({@code KVM_GET_REGS}); special
 * registers with CR0/CR3/CR4/EFER and the segments ({@code KVM_GET_SREGS}); and the MSRs that
 * carry time: {@code MSR_IA32_TSC} and the kvmclock system-time MSR. The guest is built with
 * {@code -mgeneral-regs-only} and never enables interrupts, so there is no FPU, LAPIC or event
 * state to carry.
 */
public final class Snapshot {
    private Snapshot() {}

    /**
     * The MSRs saved, in the order they are restored: the TSC first (a host-initiated
     * {@code MSR_IA32_TSC} write sets the vCPU's TSC offset), then the kvmclock MSR, which
     * enables the pvclock page and asks for a clock update.
     */
    public static final int[] MSRS = {x86_h.MSR_IA32_TSC, kvm_h.MSR_KVM_SYSTEM_TIME_NEW};

    /** One vCPU's saved state: its registers, special registers and {@link #MSRS}' values. */
    public record VcpuState(int index, Regs regs, Sregs sregs, long[] msrs) {
        public VcpuState {
            msrs = msrs.clone();
        }

        /** The saved value of {@code msr}, one of {@link #MSRS}. */
        public long msr(int msr) {
            for (int i = 0; i < MSRS.length; i++) if (MSRS[i] == msr) return msrs[i];
            throw new IllegalArgumentException(String.format("MSR 0x%x is not saved", msr));
        }

        public long rip() {
            return regs.rip();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof VcpuState v && v.index == index && v.regs.equals(regs)
                    && v.sregs.equals(sregs) && Arrays.equals(v.msrs, msrs);
        }

        @Override
        public int hashCode() {
            return regs.hashCode() * 31 + index;
        }

        @Override
        public String toString() {
            return "VcpuState[vcpu " + index + ", rip 0x" + Long.toHexString(rip()) + "]";
        }
    }

    /** A paused guest without its clock: RAM and every vCPU. */
    public record GuestState(byte[] ram, List<VcpuState> vcpus) {
        public GuestState {
            vcpus = List.copyOf(vcpus);
        }
    }

    /** Step 1 of a save: guest RAM, byte for byte. */
    public static byte[] saveMemory(Machine m) {
        return m.ram().read(0, Math.toIntExact(GuestAbi.RAM_SIZE));
    }

    /** Step 2 of a save, per vCPU: registers, special registers, {@link #MSRS}. */
    public static VcpuState saveVcpu(Vcpu v) {
        return new VcpuState(v.id(), v.getRegs(), v.getSregs(), v.getMsrs(MSRS));
    }

    /** Steps 1 and 2: the whole paused guest. */
    public static GuestState saveGuest(Machine m) {
        List<VcpuState> vcpus = new ArrayList<>();
        for (Vcpu v : m.vcpus()) vcpus.add(saveVcpu(v));
        return new GuestState(saveMemory(m), vcpus);
    }

    /**
     * Step 1 of a restore: a fresh VM with the sampler image and as many vCPUs (each created,
     * given CPUID and boot registers, as at boot).
     */
    public static Machine createMachine(Kvm kvm, int vcpus) {
        return Machine.boot(kvm, GuestImage.SAMPLER, vcpus);
    }

    /** Step 2 of a restore: guest RAM written back over the fresh VM's. */
    public static void restoreMemory(Machine m, byte[] ram) {
        if (ram.length != GuestAbi.RAM_SIZE) {
            throw new IllegalArgumentException("a snapshot of " + ram.length + " bytes does not fit RAM of " + GuestAbi.RAM_SIZE);
        }
        m.ram().write(0, ram);
    }

    /** Step 3 of a restore, per vCPU: special registers, registers, then the MSRs in {@link #MSRS} order. */
    public static void restoreVcpu(Vcpu v, VcpuState s) {
        if (s.index() != v.id()) throw new IllegalArgumentException("state of vCPU " + s.index() + " onto vCPU " + v.id());
        v.setSregs(s.sregs());
        v.setRegs(s.regs());
        v.setMsrs(MSRS, s.msrs());
    }

    /** Steps 1 to 3: a fresh VM holding {@code state}, its vCPUs not yet run; closed again if a step fails. */
    public static Machine restoreGuest(Kvm kvm, GuestState state) {
        Machine m = createMachine(kvm, state.vcpus().size());
        try {
            restoreMemory(m, state.ram());
            for (int i = 0; i < state.vcpus().size(); i++) restoreVcpu(m.vcpus().get(i), state.vcpus().get(i));
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
