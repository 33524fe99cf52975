#!/bin/sh
# kselftest: every trigger of kvmclock-probe (check --tap). Exit 0 pass, 1 fail, 4 skip;
# see kvmclock_lib.sh. Extra probe options: KSELFTEST_KVMCLOCK_CHECK_SH_ARGS.
. "$(dirname "$0")/kvmclock_lib.sh"
kcp_ksft_check "$@"
