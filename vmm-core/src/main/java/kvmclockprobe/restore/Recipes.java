package kvmclockprobe.restore;

import java.util.List;
import java.util.Optional;

import kvmclockprobe.restore.recipes.CloudHypervisorRestore;
import kvmclockprobe.restore.recipes.ExactClockGuest;
import kvmclockprobe.restore.recipes.FirecrackerSnapshot;
import kvmclockprobe.restore.recipes.OpenvmmRestore;
import kvmclockprobe.restore.recipes.QemuMigrate;
import kvmclockprobe.restore.recipes.QemuStopCont;

/** Every restore recipe, in the order {@code restore} runs them. */
public final class Recipes {
    private Recipes() {}

    public static final List<Recipe> ALL = List.of(
            new QemuStopCont(),
            new QemuMigrate(),
            new FirecrackerSnapshot(FirecrackerSnapshot.CURRENT),
            new FirecrackerSnapshot(FirecrackerSnapshot.NO_KVMCLOCK_CTRL),
            new FirecrackerSnapshot(FirecrackerSnapshot.UNIFIED_TSC),
            new FirecrackerSnapshot(FirecrackerSnapshot.CLOCK_REALTIME),
            new CloudHypervisorRestore(CloudHypervisorRestore.V53),
            new CloudHypervisorRestore(CloudHypervisorRestore.V52),
            new CloudHypervisorRestore(CloudHypervisorRestore.LATE_CLOCK),
            new OpenvmmRestore(),
            new ExactClockGuest());

    public static List<String> names() {
        return ALL.stream().map(Recipe::name).toList();
    }

    public static Optional<Recipe> byName(String name) {
        return ALL.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
