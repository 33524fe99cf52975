package kvmclockprobe.machine;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import kvmclockprobe.guest.GuestAbi;
import kvmclockprobe.guest.GuestImage;
import kvmclockprobe.kvm.GuestMemory;
import kvmclockprobe.kvm.Kvm;
import kvmclockprobe.kvm.Regs;
import kvmclockprobe.kvm.RunWatchdog;
import kvmclockprobe.kvm.Sregs;
import kvmclockprobe.kvm.Vcpu;
import kvmclockprobe.kvm.VcpuExit;
import kvmclockprobe.kvm.Vm;
import kvmclockprobe.x86.Cpuid;
import kvmclockprobe.x86.Gdt;
import kvmclockprobe.x86.LongMode;
import kvmclockprobe.x86.PageTables;

/**
 * A VM booted the way the guest ABI ({@code guest-images/ABI.md}) says: one RAM slot, host-built
 * page tables and GDT, a guest image at {@link GuestAbi#IMAGE_GPA}, and vCPUs that start in long
 * mode at the image's entry with RDI = vCPU index and RSI = the control page.
 */
public final class Machine implements AutoCloseable {
    /** Three pages KVM may use for real-mode TSS on Intel; above guest RAM, below 4 GiB. */
    static final long TSS_GPA = 0xFFFB_D000L;

    private final Vm vm;
    private final GuestMemory ram;
    private final MemorySegment cpuid;
    private final Arena arena = Arena.ofShared();

    private Machine(Kvm kvm, GuestImage image) {
        Vm created;
        try {
            created = kvm.createVm();
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        this.vm = created;
        try {
            vm.setTssAddr(TSS_GPA);
            this.ram = vm.addMemory(0, GuestAbi.RAM_SIZE);
            this.cpuid = kvm.supportedCpuid(arena);
            writePageTablesAndGdt(ram);
            byte[] code = image.bytes();
            if (code.length > GuestAbi.IMAGE_MAX_SIZE) {
                throw new IllegalArgumentException(image + " is " + code.length + " bytes, over the ABI's "
                        + GuestAbi.IMAGE_MAX_SIZE);
            }
            ram.write(GuestAbi.IMAGE_GPA, code);
            ControlPage.writeHeader(ram, 0);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Creates the VM and loads {@code image}; add vCPUs with {@link #addVcpu()}. */
    public static Machine create(Kvm kvm, GuestImage image) {
        return new Machine(kvm, image);
    }

    /** Creates the VM, loads {@code image} and adds {@code vcpus} vCPUs. */
    public static Machine boot(Kvm kvm, GuestImage image, int vcpus) {
        Machine m = create(kvm, image);
        try {
            for (int i = 0; i < vcpus; i++) m.addVcpu();
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    static void writePageTablesAndGdt(GuestMemory ram) {
        PageTables.identityMapFirstGiB(
                ram.slice(GuestAbi.PML4_GPA, PageTables.PAGE_SIZE),
                ram.slice(GuestAbi.PDPT_GPA, PageTables.PAGE_SIZE),
                ram.slice(GuestAbi.PD_GPA, PageTables.PAGE_SIZE),
                GuestAbi.PDPT_GPA, GuestAbi.PD_GPA);
        Gdt.write(ram.slice(GuestAbi.GDT_GPA, PageTables.PAGE_SIZE));
    }

    /**
     * {@code KVM_CREATE_VCPU} for the next index, with CPUID (kvmclock advertised), long-mode
     * sregs and the ABI's boot registers. Works while other vCPUs run (vCPU hotplug).
     */
    public synchronized Vcpu addVcpu() {
        int index = vm.vcpus().size();
        if (index >= GuestAbi.MAX_VCPUS) {
            throw new IllegalStateException("the guest ABI allows at most " + GuestAbi.MAX_VCPUS + " vCPUs");
        }
        Vcpu vcpu = vm.createVcpu(index);
        Cpuid.setApicId(cpuid, index);
        vcpu.setCpuid2(cpuid);
        vcpu.setSregs(LongMode.sregs(vcpu.getSregs(), GuestAbi.GDT_GPA, GuestAbi.PML4_GPA));
        vcpu.setRegs(LongMode.regs(GuestAbi.IMAGE_GPA, GuestAbi.stackTop(index), index, GuestAbi.CONTROL_GPA));
        ControlPage.setVcpuCount(ram, index + 1);
        return vcpu;
    }

    public Vm vm() {
        return vm;
    }

    public GuestMemory ram() {
        return ram;
    }

    public List<Vcpu> vcpus() {
        return vm.vcpus();
    }

    /** The CPUID the vCPUs were given (a {@code kvm_cpuid2}). */
    public MemorySegment cpuid() {
        return cpuid;
    }

    /**
     * One {@code KVM_RUN} of {@code vcpu} on the calling thread under {@code watchdog}: the exit,
     * counted as progress, or a {@link GuestFailure} naming {@code guest}, the vCPU and its
     * registers when no exit came within the watchdog's limit.
     */
    public static VcpuExit runWatched(Vcpu vcpu, RunWatchdog watchdog, String guest) {
        VcpuExit exit = vcpu.run();
        if (exit instanceof VcpuExit.Interrupted && watchdog.fired()) {
            throw new GuestFailure(guest + ": no exit within " + watchdog.limit().toSeconds() + " s on vCPU " + vcpu.id()
                    + "; " + describeRegisters(vcpu));
        }
        watchdog.progress();
        return exit;
    }

    /** A one-line register dump of {@code vcpu} for error reports (RIP, RSP, RFLAGS, CR0/CR3/CR4). */
    public static String describeRegisters(Vcpu vcpu) {
        try {
            Regs r = vcpu.getRegs();
            Sregs s = vcpu.getSregs();
            return String.format("rip=0x%x rsp=0x%x rflags=0x%x rax=0x%x rdi=0x%x rsi=0x%x cr0=0x%x cr3=0x%x cr4=0x%x efer=0x%x",
                    r.rip(), r.rsp(), r.rflags(), r.rax(), r.rdi(), r.rsi(), s.cr0(), s.cr3(), s.cr4(), s.efer());
        } catch (RuntimeException e) {
            return "registers unavailable: " + e.getMessage();
        }
    }

    private boolean closed;

    /** Closes the VM and frees its memory; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            vm.close();
        } finally {
            arena.close();
        }
    }
}
