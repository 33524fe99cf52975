package kvmclockprobe.x86;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_dtable;
import kvmclockprobe.bindings.kvm_regs;
import kvmclockprobe.bindings.kvm_segment;
import kvmclockprobe.bindings.kvm_sregs;

/** The long-mode setup, checked byte by byte without KVM. */
class X86BootTest {

    @Test
    void pageTablesIdentityMapTheFirstGiBWithLargePages() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pml4 = arena.allocate(4096), pdpt = arena.allocate(4096), pd = arena.allocate(4096);
            pml4.fill((byte) 0x5A); // stale contents must be cleared
            PageTables.identityMapFirstGiB(pml4, pdpt, pd, 0x3000, 0x4000);

            assertThat(pml4.get(JAVA_LONG_UNALIGNED, 0)).isEqualTo(0x3003L);
            assertThat(pdpt.get(JAVA_LONG_UNALIGNED, 0)).isEqualTo(0x4003L);
            for (int i = 1; i < 512; i++) {
                assertThat(pml4.get(JAVA_LONG_UNALIGNED, 8L * i)).as("PML4[%d]", i).isZero();
                assertThat(pdpt.get(JAVA_LONG_UNALIGNED, 8L * i)).as("PDPT[%d]", i).isZero();
            }
            assertThat(pd.get(JAVA_LONG_UNALIGNED, 0)).isEqualTo(0x83L);
            assertThat(pd.get(JAVA_LONG_UNALIGNED, 8)).isEqualTo(0x200083L);
            assertThat(pd.get(JAVA_LONG_UNALIGNED, 8 * 511)).isEqualTo(511L * 0x200000 | 0x83);
            // little-endian bytes of PD[1]: 83 00 20 00 00 00 00 00
            assertThat(pd.asSlice(8, 8).toArray(ValueLayout.JAVA_BYTE))
                    .containsExactly(0x83 - 256, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00);
        }
    }

    @Test
    void pageTablesRejectMisalignedOrWrongSizedPages() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            assertThatThrownBy(() -> PageTables.identityMapFirstGiB(page, page, arena.allocate(100), 0x3000, 0x4000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PD");
            assertThatThrownBy(() -> PageTables.identityMapFirstGiB(page, page, page, 0x3010, 0x4000))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aligned");
        }
    }

    @Test
    void gdtHoldsNullCode64AndDataDescriptors() {
        long[] table = Gdt.longModeTable();
        assertThat(table).containsExactly(0L, 0x00AF_9B00_0000_FFFFL, 0x00CF_9300_0000_FFFFL);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment page = arena.allocate(4096);
            Gdt.write(page);
            assertThat(page.asSlice(8, 8).toArray(ValueLayout.JAVA_BYTE))
                    .containsExactly(0xFF - 256, 0xFF - 256, 0, 0, 0, 0x9B - 256, 0xAF - 256, 0);
            assertThat(page.asSlice(16, 8).toArray(ValueLayout.JAVA_BYTE))
                    .containsExactly(0xFF - 256, 0xFF - 256, 0, 0, 0, 0x93 - 256, 0xCF - 256, 0);
        }
    }

    @Test
    void descriptorPacksBaseAndLimitAcrossTheirSplitFields() {
        long d = Gdt.descriptor(0x12345678L, 0xABCDEL, 0x93, 0x4);
        assertThat(d).isEqualTo(0x12_4A_93_34_5678_BCDEL);
    }

    @Test
    void kvmSegmentMatchesWhatTheCpuLoadsFromTheDescriptor() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cs = kvm_segment.allocate(arena);
            Gdt.toKvmSegment(Gdt.longModeTable()[1], Gdt.CODE64_SELECTOR, cs);
            assertThat(kvm_segment.base(cs)).isZero();
            assertThat(kvm_segment.limit(cs)).isEqualTo(0xFFFF_FFFF);
            assertThat(kvm_segment.selector(cs)).isEqualTo((short) 8);
            assertThat(kvm_segment.type(cs)).isEqualTo((byte) 0xB);
            assertThat(kvm_segment.present(cs)).isEqualTo((byte) 1);
            assertThat(kvm_segment.s(cs)).isEqualTo((byte) 1);
            assertThat(kvm_segment.l(cs)).isEqualTo((byte) 1);
            assertThat(kvm_segment.db(cs)).isEqualTo((byte) 0);
            assertThat(kvm_segment.g(cs)).isEqualTo((byte) 1);
            assertThat(kvm_segment.dpl(cs)).isZero();

            MemorySegment ds = kvm_segment.allocate(arena);
            Gdt.toKvmSegment(Gdt.longModeTable()[2], Gdt.DATA_SELECTOR, ds);
            assertThat(kvm_segment.type(ds)).isEqualTo((byte) 3);
            assertThat(kvm_segment.l(ds)).isZero();
            assertThat(kvm_segment.db(ds)).isEqualTo((byte) 1);
            assertThat(kvm_segment.selector(ds)).isEqualTo((short) 0x10);
        }
    }

    @Test
    void sregsAndRegsAreSetForLongMode() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sregs = kvm_sregs.allocate(arena);
            LongMode.configureSregs(sregs, 0x1000, 0x2000);
            assertThat(kvm_sregs.cr0(sregs)).isEqualTo(0x8000_0033L); // PG | NE | ET | MP | PE
            assertThat(kvm_sregs.cr3(sregs)).isEqualTo(0x2000L);
            assertThat(kvm_sregs.cr4(sregs)).isEqualTo(0x20L); // PAE
            assertThat(kvm_sregs.efer(sregs)).isEqualTo(0x500L); // LMA | LME
            assertThat(kvm_dtable.base(kvm_sregs.gdt(sregs))).isEqualTo(0x1000L);
            assertThat(kvm_dtable.limit(kvm_sregs.gdt(sregs))).isEqualTo((short) 23);
            assertThat(kvm_segment.l(kvm_sregs.cs(sregs))).isEqualTo((byte) 1);
            assertThat(kvm_segment.selector(kvm_sregs.ss(sregs))).isEqualTo((short) 0x10);

            MemorySegment regs = kvm_regs.allocate(arena);
            regs.fill((byte) 0x77);
            LongMode.configureRegs(regs, 0x100000, 0x84000, 0, 0xC000);
            assertThat(kvm_regs.rip(regs)).isEqualTo(0x100000L);
            assertThat(kvm_regs.rsp(regs)).isEqualTo(0x84000L);
            assertThat(kvm_regs.rdi(regs)).isZero();
            assertThat(kvm_regs.rsi(regs)).isEqualTo(0xC000L);
            assertThat(kvm_regs.rflags(regs)).isEqualTo(2L);
            assertThat(kvm_regs.rax(regs)).isZero();
        }
    }
}
