package kvmclockprobe.measurement;

import java.util.ArrayList;
import java.util.List;

import kvmclockprobe.clock.PvclockParams;
import kvmclockprobe.clock.ReferencePoint;
import kvmclockprobe.sampler.GuestEvent;

/**
 * What the guest and the host saw of every vCPU's pvclock across one action, derived (no I/O)
 * from the guest's recorded events and the pvclock pages the host read before the action and
 * after its window.
 *
 * @param jumpsNs          the step in each vCPU's clock at the action, net of its TSC step
 * @param firstChangeOnVcpu0 the first pvclock change vCPU 0 saw after the action, null when none
 * @param resnapshotSeen   some vCPU's master-clock reference point moved: a re-snapshot
 * @param moves            how it moved, one line per vCPU and source that saw it
 * @param guestStoppedSeen how many times each vCPU's guest saw {@code PVCLOCK_GUEST_STOPPED} come on
 * @param stableLost       the guest saw a pvclock without {@code PVCLOCK_TSC_STABLE_BIT}
 * @param changes          pvclock changes (not mere version bumps) the guest saw
 */
public record TriggerWindow(List<Long> jumpsNs, GuestEvent firstChangeOnVcpu0, boolean resnapshotSeen, List<String> moves,
                            List<Integer> guestStoppedSeen, boolean stableLost, long changes) {

    public TriggerWindow {
        jumpsNs = List.copyOf(jumpsNs);
        moves = List.copyOf(moves);
        guestStoppedSeen = List.copyOf(guestStoppedSeen);
    }

    /**
     * @param events      the guest's events after the action (every vCPU)
     * @param tscSteps    each vCPU's TSC offset change across the action, cycles (0 when unknown)
     * @param pagesBefore each vCPU's pvclock page just before the action (null: not read)
     * @param pagesAfter  the same after the window (null: not read)
     */
    public static TriggerWindow derive(List<GuestEvent> events, long[] tscSteps, List<PvclockParams> pagesBefore,
                                       List<PvclockParams> pagesAfter) {
        int vcpus = tscSteps.length;
        List<Long> jumps = new ArrayList<>();
        List<String> moves = new ArrayList<>();
        List<Integer> stopped = new ArrayList<>();
        GuestEvent first0 = null;
        for (int i = 0; i < vcpus; i++) {
            List<GuestEvent> changes = changesOn(events, i);
            if (i == 0 && !changes.isEmpty()) first0 = changes.getFirst();
            jumps.add(jumpNs(changes, tscSteps[i]));
            stopped.add((int) changes.stream().filter(e -> e.newParams().guestStopped() && !e.oldParams().guestStopped()).count());
            moves.addAll(guestSawMove(i, changes, tscSteps[i]));
            if (pagesBefore != null && pagesAfter != null) {
                ReferencePoint before = pagesBefore.get(i).reference(), after = pagesAfter.get(i).reference();
                if (!before.sameSnapshotAs(after, tscSteps[i])) {
                    moves.add("vCPU " + i + "'s pvclock page (host read): " + before + " -> " + after + ", TSC step " + tscSteps[i]);
                }
            }
        }
        boolean stableLost = events.stream().anyMatch(e -> e.isVersionChange() && !e.newParams().tscStable());
        long changeCount = events.stream().filter(e -> e.isVersionChange() && !e.oldParams().sameClockAs(e.newParams())).count();
        return new TriggerWindow(jumps, first0, !moves.isEmpty(), moves, stopped, stableLost, changeCount);
    }

    /** The version changes on vCPU {@code i} that changed anything but the version. */
    private static List<GuestEvent> changesOn(List<GuestEvent> events, int i) {
        return events.stream().filter(e -> e.vcpu() == i && e.isVersionChange() && !e.oldParams().sameClockAs(e.newParams())).toList();
    }

    /** The sum of the steps at each change, the first one net of the TSC step (the guest TSC moved then too). */
    private static long jumpNs(List<GuestEvent> changes, long tscStep) {
        long total = 0;
        boolean first = true;
        for (GuestEvent e : changes) {
            total += e.newParams().nsAt(e.tsc()) - e.oldParams().nsAt(e.tsc() - (first ? tscStep : 0));
            first = false;
        }
        return total;
    }

    /** A change whose reference point moved by more than the TSC step is a new snapshot. */
    private static List<String> guestSawMove(int vcpu, List<GuestEvent> changes, long tscStep) {
        List<String> moves = new ArrayList<>();
        for (GuestEvent e : changes) {
            ReferencePoint before = e.oldParams().reference(), after = e.newParams().reference();
            if (!before.sameSnapshotAs(after, tscStep)) {
                moves.add("vCPU " + vcpu + "'s guest saw " + before + " -> " + after + " (TSC step " + tscStep + ")");
            }
        }
        return moves;
    }

    /** Every vCPU's guest saw {@code PVCLOCK_GUEST_STOPPED} come on. */
    public boolean guestStoppedOnEveryVcpu() {
        return guestStoppedSeen.stream().allMatch(n -> n > 0);
    }

    /** Whether any vCPU's guest saw {@code PVCLOCK_GUEST_STOPPED}. */
    public boolean anyGuestStopped() {
        return guestStoppedSeen.stream().anyMatch(n -> n > 0);
    }
}
