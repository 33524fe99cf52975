package kvmclockprobe.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One exit-code rule for check and restore: a kernel failure outranks a probe error. */
class ExitRuleTest {
    @Test
    void aFailureBesideAnErrorIsStillAFailure() {
        assertThat(ExitRule.code(true, true, true)).isEqualTo(ExitRule.FAIL);
        assertThat(ExitRule.code(true, true, false)).isEqualTo(ExitRule.FAIL);
    }

    @Test
    void anErrorWithoutAFailureIsAnError() {
        assertThat(ExitRule.code(false, true, true)).isEqualTo(ExitRule.ERROR);
    }

    @Test
    void nothingPassedIsKselftestsSkipAndOtherwiseOk() {
        assertThat(ExitRule.code(false, false, false)).isEqualTo(ExitRule.SKIP);
        assertThat(ExitRule.code(false, false, true)).isEqualTo(ExitRule.OK);
    }

    @Test
    void inconclusiveIsTapsSkipMarkedSo() {
        assertThat(Status.INCONCLUSIVE.skipMessage("why")).isEqualTo("inconclusive: why");
        assertThat(Status.SKIP.skipMessage("why")).isEqualTo("why");
    }
}
