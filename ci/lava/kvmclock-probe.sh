#!/bin/sh
# The steps of ci/lava/kvmclock-probe.yaml (Lava-Test Test Definition 1.0), on the device under
# test. POSIX sh and busybox tools: a DUT may have no bash, jq or JDK.
#
#   kvmclock-probe.sh install TARBALL [DIR]
#       TARBALL: an http(s) URL (wget or curl) or a file: the release tarball from scripts/release.
#       Unpacks it into DIR (default /opt/kvmclock-probe) and prints the probe's version; test
#       case kvmclock-probe-install: pass, or fail (and exit 1).
#   kvmclock-probe.sh check [DIR] [-- CHECK-OPTION...]
#       Runs DIR/bin/kvmclock-probe check --tap --json --junit --plot into $KVMCLOCK_RESULTS
#       (default ./kvmclock-probe-results), prints the TAP, and reports each trigger's verdict as
#       a LAVA test case (report below). Exits 0 whatever the verdicts: LAVA judges by the
#       test cases, and a failing step would hide the ones not yet reported.
#   kvmclock-probe.sh report TAP-FILE EXIT-CODE
#       TAP to test cases: "ok N NAME" -> pass, "not ok N NAME" -> fail,
#       "ok N NAME # SKIP reason" -> skip, "not ok N NAME # error reason" (the probe could not
#       reach a verdict) -> fail. No TAP at all (no /dev/kvm: the probe's exit 4 before any
#       trigger) -> one case "kvmclock-probe" with skip (exit 4) or fail (any other exit).
#       A last case "kvmclock-probe-exit" records the probe's exit code (0 pass, 1 fail, 3 error,
#       4 skip) as a measurement: pass for 0 and 4, else fail.
# Each case goes through lava-test-case NAME --result R; where there is no lava-test-case on the
# PATH (a run outside LAVA), the same call is printed instead, as "lava-test-case NAME --result R".
set -u

lava_case() {
    if command -v lava-test-case >/dev/null 2>&1; then
        lava-test-case "$@"
    else
        echo "lava-test-case $*"
    fi
}

do_install() {
    tarball=${1:?install needs the tarball URL or file}
    dir=${2:-/opt/kvmclock-probe}
    tmp=$(mktemp -d) || exit 1
    case "$tarball" in
        http://* | https://*)
            if command -v wget >/dev/null 2>&1; then
                wget -q -O "$tmp/kvmclock-probe.tar.gz" "$tarball" || { echo "cannot download $tarball" >&2; exit 1; }
            else
                curl -fsSL -o "$tmp/kvmclock-probe.tar.gz" "$tarball" || { echo "cannot download $tarball" >&2; exit 1; }
            fi ;;
        *) cp "$tarball" "$tmp/kvmclock-probe.tar.gz" || exit 1 ;;
    esac
    mkdir -p "$tmp/x" && gzip -dc "$tmp/kvmclock-probe.tar.gz" | tar -xf - -C "$tmp/x" || { echo "cannot unpack $tarball" >&2; exit 1; }
    top=$(ls "$tmp/x")
    [ -x "$tmp/x/$top/bin/kvmclock-probe" ] || { echo "$tarball holds no */bin/kvmclock-probe" >&2; exit 1; }
    rm -rf "$dir" && mkdir -p "$(dirname "$dir")" && mv "$tmp/x/$top" "$dir" || exit 1
    rm -rf "$tmp"
    "$dir/bin/kvmclock-probe" --version
}

do_report() {
    tap=${1:?report needs the TAP file}
    rc=${2:?report needs the probe exit code}
    if grep -Eq '^(not )?ok [0-9]+' "$tap"; then
        # One line per test point: "RESULT NAME"; the name is the probe's trigger name.
        sed -n -e 's/^ok [0-9][0-9]* \([^ #]*\) # SKIP.*/skip \1/p' \
               -e 's/^not ok [0-9][0-9]* \([^ #]*\) # error.*/fail \1/p' \
               -e '/#/!s/^ok [0-9][0-9]* \([^ #]*\) *$/pass \1/p' \
               -e '/#/!s/^not ok [0-9][0-9]* \([^ #]*\) *$/fail \1/p' "$tap" |
            while read -r result name; do lava_case "$name" --result "$result"; done
    elif [ "$rc" -eq 4 ]; then
        lava_case kvmclock-probe --result skip
    else
        lava_case kvmclock-probe --result fail
    fi
    case "$rc" in 0 | 4) r=pass ;; *) r=fail ;; esac
    lava_case kvmclock-probe-exit --result "$r" --measurement "$rc" --units exit-code
}

do_check() {
    dir=/opt/kvmclock-probe
    if [ $# -gt 0 ] && [ "$1" != "--" ]; then dir=$1; shift; fi
    [ $# -gt 0 ] && [ "$1" = "--" ] && shift
    results=${KVMCLOCK_RESULTS:-$PWD/kvmclock-probe-results}
    mkdir -p "$results" || exit 1
    uname -a
    "$dir/bin/kvmclock-probe" caps >"$results/caps.txt" 2>&1
    cat "$results/caps.txt"
    rc=0
    "$dir/bin/kvmclock-probe" check --tap --json "$results/check.json" --junit "$results/junit.xml" \
        --plot "$results/check.svg" "$@" >"$results/check.tap" 2>"$results/check.stderr" || rc=$?
    cat "$results/check.tap" "$results/check.stderr"
    echo "kvmclock-probe check: exit $rc (0 pass, 1 fail, 3 error, 4 skip); results in $results"
    do_report "$results/check.tap" "$rc"
    return 0
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
    install)
        # The install is a test case too: a failed download or unpack is visible as such.
        if (do_install "$@"); then lava_case kvmclock-probe-install --result pass
        else lava_case kvmclock-probe-install --result fail; exit 1; fi ;;
    check) do_check "$@" ;;
    report) do_report "$@" ;;
    *) sed -n '2,26s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac
