package kvmclockprobe.x86;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import kvmclockprobe.kvm.DescriptorTable;
import kvmclockprobe.kvm.Regs;
import kvmclockprobe.kvm.Segment;
import kvmclockprobe.kvm.Sregs;

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
    void theSegmentIsWhatTheCpuLoadsFromTheDescriptor() {
        Segment cs = Gdt.segment(Gdt.CODE64, Gdt.CODE64_SELECTOR);
        assertThat(cs).isEqualTo(new Segment(0, 0xFFFF_FFFFL, 8, 0xB, true, 0, false, true, true, true, false, false));
        Segment ds = Gdt.segment(Gdt.DATA, Gdt.DATA_SELECTOR);
        assertThat(ds).isEqualTo(new Segment(0, 0xFFFF_FFFFL, 0x10, 3, true, 0, true, true, false, true, false, false));
    }

    @Test
    void sregsAreSetForLongModeAndKeepTheRestAsKvmGaveThem() {
        Segment tr = new Segment(0, 0xFFFF, 0, 0xB, true, 0, false, false, false, false, false, false);
        Segment ldt = new Segment(0, 0xFFFF, 0, 2, true, 0, false, false, false, false, false, false);
        Segment realMode = new Segment(0, 0xFFFF, 0, 3, true, 0, false, true, false, false, false, false);
        Sregs fromKvm = new Sregs(realMode, realMode, realMode, realMode, realMode, realMode, tr, ldt,
                new DescriptorTable(0, 0xFFFF), new DescriptorTable(0x7000, 0xFFF),
                0x6000_0010L, 0x1234, 0, 0, 7, 0, 0xFEE0_0900L, OptionalInt.of(0x30));

        Sregs sregs = LongMode.sregs(fromKvm, 0x1000, 0x2000);
        assertThat(sregs.cr0()).isEqualTo(0x8000_0033L); // PG | NE | ET | MP | PE
        assertThat(sregs.cr3()).isEqualTo(0x2000L);
        assertThat(sregs.cr4()).isEqualTo(0x20L); // PAE
        assertThat(sregs.efer()).isEqualTo(0x500L); // LMA | LME
        assertThat(sregs.gdt()).isEqualTo(new DescriptorTable(0x1000, 23));
        assertThat(sregs.cs()).isEqualTo(Gdt.segment(Gdt.CODE64, Gdt.CODE64_SELECTOR));
        assertThat(List.of(sregs.ds(), sregs.es(), sregs.fs(), sregs.gs(), sregs.ss()))
                .containsOnly(Gdt.segment(Gdt.DATA, Gdt.DATA_SELECTOR));
        assertThat(sregs.tr()).isEqualTo(tr);
        assertThat(sregs.ldt()).isEqualTo(ldt);
        assertThat(sregs.idt()).isEqualTo(fromKvm.idt());
        assertThat(sregs.cr2()).isEqualTo(0x1234);
        assertThat(sregs.cr8()).isEqualTo(7);
        assertThat(sregs.apicBase()).isEqualTo(0xFEE0_0900L);
        assertThat(sregs.pendingInterrupt()).hasValue(0x30);
    }

    @Test
    void regsStartAtTheEntryWithEverythingElseZero() {
        Regs regs = LongMode.regs(0x100000, 0x84000, 3, 0xC000);
        assertThat(regs.rip()).isEqualTo(0x100000L);
        assertThat(regs.rsp()).isEqualTo(0x84000L);
        assertThat(regs.rdi()).isEqualTo(3L);
        assertThat(regs.rsi()).isEqualTo(0xC000L);
        assertThat(regs.rflags()).isEqualTo(2L);
        assertThat(List.of(regs.rax(), regs.rbx(), regs.rcx(), regs.rdx(), regs.rbp(), regs.r8(), regs.r9(), regs.r10(),
                regs.r11(), regs.r12(), regs.r13(), regs.r14(), regs.r15())).containsOnly(0L);
    }
}
