package kvmclockprobe.restore;

import java.util.List;
import java.util.stream.IntStream;

import kvmclockprobe.sampler.GuestEvent;
import kvmclockprobe.sampler.VcpuStatus;

/**
 * How the resumed vCPUs' clocks agree with one another.
 *
 * <p>The raw TSC: vCPU i reads the host TSC plus its offset ({@code KVM_VCPU_TSC_OFFSET}), so a
 * reading on the vCPU with the smaller offset taken just after one on the vCPU with the larger
 * offset is lower by up to their difference: the spread of the offsets is the worst backward step
 * of the guest's raw TSC across vCPUs (derived from KVM's offsets; the sampler guest does not
 * compare TSCs across vCPUs). The kvmclock: the sampler guest compares each reading with the
 * highest any vCPU had published before it ({@code global_last_ns}, which the harness clears before
 * the resume, so only readings after it count) and records each reading below it (a cross-vCPU
 * violation, {@code GuestEvent#isCrossVcpu}).
 *
 * @param tscOffsetsCycles      each vCPU's TSC offset just before the resume (null entries where unknown)
 * @param tscOffsetSpreadCycles largest minus smallest offset; null when any is unknown
 * @param tscBackwardNs         that spread in ns at the vCPUs' TSC rate: the raw TSC's worst backward step across vCPUs
 * @param kvmclockViolations    per vCPU, the readings after the resume below the highest published before them
 * @param kvmclockWorstNs       the largest such step back (a negative ns; 0 when there was none); from the event ring
 * @param eventsLost            events the guest could not record after the resume (a full ring): the worst step may miss some
 */
public record CrossVcpu(List<Long> tscOffsetsCycles, Long tscOffsetSpreadCycles, Long tscBackwardNs,
                        List<Long> kvmclockViolations, long kvmclockWorstNs, long eventsLost) {
    public CrossVcpu {
        tscOffsetsCycles = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tscOffsetsCycles));
        kvmclockViolations = List.copyOf(kvmclockViolations);
    }

    public long kvmclockViolationsTotal() {
        return kvmclockViolations.stream().mapToLong(Long::longValue).sum();
    }

    /**
     * @param offsets   each resumed vCPU's TSC offset (null where unknown)
     * @param tscKhz    the vCPUs' TSC rate
     * @param before    each vCPU's block at the pause; {@code after} at the end
     * @param events    the guest's events after the resume
     */
    static CrossVcpu of(List<Long> offsets, long tscKhz, List<VcpuStatus> before, List<VcpuStatus> after, List<GuestEvent> events) {
        Long spread = spread(offsets);
        List<Long> violations = IntStream.range(0, after.size())
                .mapToObj(i -> after.get(i).crossVcpuViolations() - (i < before.size() ? before.get(i).crossVcpuViolations() : 0))
                .toList();
        long lost = IntStream.range(0, after.size())
                .mapToLong(i -> after.get(i).eventsLost() - (i < before.size() ? before.get(i).eventsLost() : 0)).sum();
        return new CrossVcpu(offsets, spread, spread == null ? null : cyclesToNs(spread, tscKhz), violations, worstStepNs(events), lost);
    }

    /** Largest minus smallest; null when any is null or there are none. */
    static Long spread(List<Long> values) {
        if (values.isEmpty() || values.stream().anyMatch(java.util.Objects::isNull)) return null;
        long max = values.stream().mapToLong(Long::longValue).max().orElseThrow();
        long min = values.stream().mapToLong(Long::longValue).min().orElseThrow();
        return max - min;
    }

    /** {@code cycles} at {@code tscKhz}, rounded to the nearest ns; null without a rate. */
    static Long cyclesToNs(long cycles, long tscKhz) {
        if (tscKhz <= 0) return null;
        return Math.round(cycles * 1_000_000.0 / tscKhz);
    }

    /** The most negative cross-vCPU step among {@code events}; 0 when there is none. */
    static long worstStepNs(List<GuestEvent> events) {
        return events.stream().filter(GuestEvent::isCrossVcpu).mapToLong(GuestEvent::jumpNs).filter(j -> j < 0).min().orElse(0);
    }
}
