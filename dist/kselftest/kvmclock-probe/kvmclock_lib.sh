# shellcheck shell=sh
# kvmclock-probe as a kselftest collection: sourced by each kvmclock_*.sh of this directory
# (not a test itself; kselftest-list.txt does not list it). POSIX sh.
#
# kcp_ksft_check [ARG]...: runs the bundled probe's `check --tap ARG...` and turns its result into
# what a kselftest prints and returns (tools/testing/selftests/kselftest.h):
#   probe exit 0 (something passed, nothing failed)     -> TAP as printed, exit 0 (KSFT_PASS)
#   probe exit 1 (a trigger failed: the kernel's fault)  -> TAP as printed, exit 1 (KSFT_FAIL)
#   probe exit 4 (no KVM, or every trigger skipped)      -> exit 4 (KSFT_SKIP); when the probe
#       stopped before any TAP (no /dev/kvm), "1..0 # SKIP <its one-line reason>", as
#       ksft_exit_skip() prints before a plan
#   probe exit 3 (a probe or guest error, no verdict)    -> exit 1 (KSFT_FAIL). kselftest.h has no
#       exit code for an error: 3 is KSFT_XPASS there, so 3 must not pass through, and
#       ksft_finished() exits KSFT_FAIL when a test reported ksft_test_result_error(). The TAP
#       keeps the probe's "not ok N trigger # error <reason>" line; when the probe stopped
#       before any TAP, "Bail out! <reason>", as ksft_exit_fail_msg() prints.
#   probe exit 2 (bad arguments, e.g. in KSELFTEST_<TEST>_ARGS), any other -> "Bail out!", exit 1.
# The probe's standard error follows its TAP as "# " lines.
# KVMCLOCK_PROBE names another probe launcher (default: bin/kvmclock-probe of this release).
kcp_ksft_check() {
    kcp_dir=$(cd "$(dirname "$0")" && pwd) || exit 1
    kcp_probe=${KVMCLOCK_PROBE:-$kcp_dir/../../bin/kvmclock-probe}
    kcp_out=$(mktemp) || exit 1
    kcp_err=$(mktemp) || { rm -f "$kcp_out"; exit 1; }
    kcp_rc=0
    "$kcp_probe" check --tap "$@" >"$kcp_out" 2>"$kcp_err" || kcp_rc=$?
    kcp_reason=$(sed -n 's/^kvmclock-probe: //p' "$kcp_err" | tail -n 1)
    [ -n "$kcp_reason" ] || kcp_reason=$(grep -v '^[[:space:]]*$' "$kcp_err" | tail -n 1)
    [ -n "$kcp_reason" ] || kcp_reason="kvmclock-probe exited $kcp_rc"
    if grep -q '^TAP version' "$kcp_out"; then
        cat "$kcp_out"
        sed 's/^/# /' "$kcp_err"
    else
        echo "TAP version 13"
        if [ "$kcp_rc" -eq 4 ]; then
            echo "1..0 # SKIP $kcp_reason"
        else
            sed 's/^/# /' "$kcp_out" "$kcp_err"
            echo "Bail out! $kcp_reason"
        fi
    fi
    rm -f "$kcp_out" "$kcp_err"
    case "$kcp_rc" in
        0) exit 0 ;;
        4) exit 4 ;;
        1) exit 1 ;;
        3) echo "# kvmclock-probe exit 3 (probe error, no verdict) reported as KSFT_FAIL"; exit 1 ;;
        *) echo "# kvmclock-probe exit $kcp_rc reported as KSFT_FAIL"; exit 1 ;;
    esac
}
