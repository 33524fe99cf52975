package kvmclockprobe.cli;

import kvmclockprobe.guest.GuestAbi;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * The {@code --vcpus} option of the commands that run the sampler guest beside an action
 * ({@code check}, {@code restore}): 1 to {@code MAX_VCPUS - 1}, one vCPU slot kept free for
 * {@code check}'s vcpu-hotplug.
 */
final class SamplingVcpusOption {
    @Option(names = "--vcpus", paramLabel = "N", defaultValue = "1", description = "Sampling vCPUs (default: ${DEFAULT-VALUE}).")
    int vcpus;

    /** The number asked for, or a usage error (exit 2) naming the range. */
    int count(CommandSpec spec) {
        if (vcpus < 1 || vcpus >= GuestAbi.MAX_VCPUS) {
            throw new ParameterException(spec.commandLine(), "--vcpus must be 1.." + (GuestAbi.MAX_VCPUS - 1));
        }
        return vcpus;
    }
}
