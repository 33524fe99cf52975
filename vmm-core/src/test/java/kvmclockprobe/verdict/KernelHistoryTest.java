package kvmclockprobe.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The kernel-history expectation the matrix reads instead of judging again. */
class KernelHistoryTest {
    static final UpstreamChange SEED = new UpstreamChange("633d7652f80f", "7.3");

    @Test
    void olderThanTheChangeFailsAsExpectedAndFromItOnPasses() {
        assertThat(KernelHistory.of(Status.FAIL, SEED, "6.12.117+deb12-amd64").outcome()).isEqualTo("match");
        assertThat(KernelHistory.of(Status.FAIL, SEED, "6.12.117+deb12-amd64").expected()).isEqualTo(Status.FAIL);
        assertThat(KernelHistory.of(Status.PASS, SEED, "7.3.4+deb13-amd64").matches()).isTrue();
        assertThat(KernelHistory.of(Status.FAIL, SEED, "7.3.4+deb13-amd64").matches()).isFalse();
        assertThat(KernelHistory.of(Status.PASS, SEED, "7.3-amd64").matches()).isTrue();
        assertThat(KernelHistory.of(Status.PASS, SEED, "10.1.0-1-amd64").matches()).isTrue();
    }

    @Test
    void aPassOlderThanTheChangeIsAFindingNotAMismatch() {
        KernelHistory h = KernelHistory.of(Status.PASS, SEED, "6.12.117+deb12-amd64");
        assertThat(h.outcome()).isEqualTo("finding");
        assertThat(h.matches()).isNull();
        assertThat(h.why()).contains("backported");
    }

    @Test
    void skipsAreNeutralAndErrorsOrInconclusiveResultsNeverMatch() {
        assertThat(KernelHistory.of(Status.SKIP, null, "6.12.117").matches()).isNull();
        assertThat(KernelHistory.of(Status.ERROR, null, "6.12.117").matches()).isFalse();
        assertThat(KernelHistory.of(Status.INCONCLUSIVE, SEED, "7.3.4").matches()).isFalse();
        assertThat(KernelHistory.of(Status.PASS, null, "6.1.0-57-amd64").matches()).isTrue();
        assertThat(KernelHistory.of(Status.FAIL, null, "6.1.0-57-amd64").matches()).isFalse();
    }
}
