package kvmclockprobe.kvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import kvmclockprobe.bindings.kvm_dtable;
import kvmclockprobe.bindings.kvm_regs;
import kvmclockprobe.bindings.kvm_segment;
import kvmclockprobe.bindings.kvm_sregs;

/** The typed registers against the kernel's structs, field by field, without KVM. */
class RegistersTest {

    @Test
    void regsFillKvmRegsInTheStructsOrderAndReadBack() {
        Regs regs = new Regs(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = kvm_regs.allocate(arena);
            regs.write(s);
            assertThat(kvm_regs.rax(s)).isEqualTo(1);
            assertThat(kvm_regs.rsi(s)).isEqualTo(5);
            assertThat(kvm_regs.rdi(s)).isEqualTo(6);
            assertThat(kvm_regs.rsp(s)).isEqualTo(7);
            assertThat(kvm_regs.r15(s)).isEqualTo(16);
            assertThat(kvm_regs.rip(s)).isEqualTo(17);
            assertThat(kvm_regs.rflags(s)).isEqualTo(18);
            for (int i = 0; i < 18; i++) assertThat(s.getAtIndex(JAVA_LONG, i)).isEqualTo(i + 1);
            assertThat(Regs.read(s)).isEqualTo(regs);
        }
    }

    @Test
    void aSegmentsUnsignedFieldsAndFlagsSurviveTheRoundTrip() {
        Segment cs = new Segment(0xFFFF_FFFF_0000_1000L, 0xFFFF_FFFFL, 0xFFF8, 0xB, true, 3, false, true, true, true, true, false);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = kvm_segment.allocate(arena);
            cs.write(s);
            assertThat(kvm_segment.limit(s)).isEqualTo(-1);
            assertThat(kvm_segment.selector(s)).isEqualTo((short) 0xFFF8);
            assertThat(kvm_segment.dpl(s)).isEqualTo((byte) 3);
            assertThat(kvm_segment.l(s)).isEqualTo((byte) 1);
            assertThat(kvm_segment.db(s)).isEqualTo((byte) 0);
            assertThat(kvm_segment.unusable(s)).isEqualTo((byte) 0);
            assertThat(Segment.read(s)).isEqualTo(cs);
            assertThat(cs.withDb(true).db()).isTrue();
        }
    }

    @Test
    void sregsFillKvmSregsAndThePendingInterruptIsItsBit() {
        Segment seg = new Segment(0, 0xFFFF, 0, 3, true, 0, false, true, false, false, false, false);
        Sregs sregs = new Sregs(seg, seg, seg, seg, seg, seg, seg, seg, new DescriptorTable(0x1000, 0xFFFF),
                new DescriptorTable(0x2000, 0x17), 1, 2, 3, 4, 5, 6, 0xFEE0_0900L, OptionalInt.of(0x41));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = kvm_sregs.allocate(arena);
            kvm_sregs.interrupt_bitmap(s, 3, -1L); // stale bits are cleared
            sregs.write(s);
            assertThat(kvm_dtable.limit(kvm_sregs.gdt(s))).isEqualTo((short) 0xFFFF);
            assertThat(kvm_dtable.base(kvm_sregs.idt(s))).isEqualTo(0x2000);
            assertThat(kvm_sregs.cr8(s)).isEqualTo(5);
            assertThat(kvm_sregs.apic_base(s)).isEqualTo(0xFEE0_0900L);
            assertThat(new long[] {kvm_sregs.interrupt_bitmap(s, 0), kvm_sregs.interrupt_bitmap(s, 1),
                    kvm_sregs.interrupt_bitmap(s, 2), kvm_sregs.interrupt_bitmap(s, 3)}).containsExactly(0, 2, 0, 0);
            assertThat(Sregs.read(s)).isEqualTo(sregs);

            kvm_sregs.interrupt_bitmap(s, 1, 0);
            assertThat(Sregs.read(s).pendingInterrupt()).isEmpty();
        }
        Segment code = new Segment(0, 0xFFFF_FFFFL, 8, 0xB, true, 0, false, true, true, true, false, false);
        assertThat(sregs.withCs(code)).isEqualTo(new Sregs(code, seg, seg, seg, seg, seg, seg, seg, sregs.gdt(), sregs.idt(),
                1, 2, 3, 4, 5, 6, 0xFEE0_0900L, OptionalInt.of(0x41)));
    }

    @Test
    void aPendingInterruptMustBeAVector() {
        Segment seg = new Segment(0, 0, 0, 0, false, 0, false, false, false, false, false, false);
        DescriptorTable none = new DescriptorTable(0, 0);
        assertThatThrownBy(() -> new Sregs(seg, seg, seg, seg, seg, seg, seg, seg, none, none, 0, 0, 0, 0, 0, 0, 0,
                OptionalInt.of(256))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    }
}
