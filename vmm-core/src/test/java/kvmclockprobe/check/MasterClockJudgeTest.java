package kvmclockprobe.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import kvmclockprobe.verdict.Status;

/** Master-clock mode is a verdict where the host allows it, a named skip where it does not. */
class MasterClockJudgeTest {
    static final String OFF = "KVM_CLOCK_TSC_STABLE never came on within 5 s";

    @Test
    void onIsAPass() {
        assertThat(MasterClockJudge.judge(true, "tsc", 1, List.of(0L), List.of(true), OFF).status()).isEqualTo(Status.PASS);
    }

    @Test
    void neverOnWithOneVcpuOnTheTscClocksourceIsAKernelFailure() {
        Verdict v = MasterClockJudge.judge(false, "tsc", 1, Arrays.asList((Long) null), List.of(), OFF);
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains(OFF).contains("one vCPU").contains("pvclock_update_vm_gtod_copy");
    }

    @Test
    void neverOnWithMatchedVcpusFailsAndWithUnmatchedOrUnknownOnesSkips() {
        assertThat(MasterClockJudge.judge(false, "tsc", 2, List.of(-5L, -5L), List.of(), OFF).status()).isEqualTo(Status.FAIL);
        Verdict unmatched = MasterClockJudge.judge(false, "tsc", 2, List.of(-5L, -9L), List.of(), OFF);
        assertThat(unmatched.status()).isEqualTo(Status.SKIP);
        assertThat(unmatched.reason()).contains("unmatched");
        assertThat(MasterClockJudge.judge(false, "tsc", 2, Arrays.asList(null, null), List.of(), OFF).status()).isEqualTo(Status.SKIP);
    }

    /** The mutant tsc-offset-not-every-vcpu in the lab: offsets [-44459082675, -44491710417] with the mode on. */
    @Test
    void onWithVcpuTscOffsetsThatDifferIsAKernelFailure() {
        Verdict v = MasterClockJudge.judge(true, "tsc", 2, List.of(-44_459_082_675L, -44_491_710_417L), List.of(true, true), OFF);
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("TSC offsets differ").contains("32627742 cycles apart");
        assertThat(MasterClockJudge.judge(true, "tsc", 2, List.of(-7L, -7L), List.of(true, true), OFF).status()).isEqualTo(Status.PASS);
        assertThat(MasterClockJudge.judge(true, "tsc", 2, Arrays.asList(null, null), List.of(true, true), OFF).status()).isEqualTo(Status.PASS);
    }

    @Test
    void anotherClocksourceIsASkipNamingIt() {
        Verdict v = MasterClockJudge.judge(false, "hpet", 1, List.of(0L), List.of(), OFF);
        assertThat(v.status()).isEqualTo(Status.SKIP);
        assertThat(v.reason()).contains("hpet");
    }

    @Test
    void onWithoutTheStableBitInTheGuestsPvclockIsAKernelFailure() {
        Verdict v = MasterClockJudge.judge(true, "tsc", 2, List.of(0L, 0L), List.of(true, false), OFF);
        assertThat(v.status()).isEqualTo(Status.FAIL);
        assertThat(v.reason()).contains("PVCLOCK_TSC_STABLE_BIT").contains("[true, false]");
    }
}
