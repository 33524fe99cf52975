#!/usr/bin/env bash
# scripts/test --lab [--kernel-package NAME] [--results DIR] [--timeout S] [--select-class NAME]...:
# the tests that need KVM (@RequiresKvm, JUnit tag "kvm"), run with the JUnit Platform Console
# Launcher inside the lab (scripts/lab/run --java), where KVM is real: for hosts without a usable
# /dev/kvm. --select-class runs only that test class (fully qualified, e.g.
# kvmclockprobe.sampler.ReliabilityTest; repeatable) instead of every class. Inside,
# KVMCLOCK_REQUIRE_KVM=1: no KVM test may skip for lack of KVM. The JUnit XML reports come back
# to DIR/junit; the summary line is Maven's. Exit: 0 all passed, 1 a test failed, 2 bad input,
# 3 the lab or the build failed.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/scripts/lib/find-jdk.sh"
kcp_find_jdk || exit 3

# The JUnit Platform Console Launcher that matches the project's JUnit (5.13.4 → platform 1.13.4).
CONSOLE_VERSION=1.13.4
RESULTS=$PWD/lab-test-results
LAB_OPTS=(--timeout 2400)
SELECT=(--scan-class-path /lab/app/cp/test-classes)
selected=0
while [ $# -gt 0 ]; do
    case "$1" in
        --results) RESULTS=${2:?--results needs a directory}; shift 2 ;;
        --select-class)
            [[ ${2:-} =~ ^[A-Za-z_][A-Za-z0-9_.$]*$ ]] || { echo "scripts/test --lab: --select-class needs a class name" >&2; exit 2; }
            [ "$selected" -eq 1 ] || SELECT=()
            selected=1; SELECT+=(--select-class "$2"); shift 2 ;;
        --kernel-package | --kernel-version | --timeout) LAB_OPTS+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
        -h | --help) sed -n '2,9s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "scripts/test --lab: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
say() { echo "test --lab: $*" >&2; }
start=$SECONDS

# ---- build: main and test classes, and the test class path ----
cd "$ROOT"
say "building the classes and the test class path (./mvnw -DskipTests package)"
./mvnw -q -B -ntp -DskipTests package dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/test.classpath -pl vmm-core -am >/dev/null ||
    { say "the build failed"; exit 3; }
./mvnw -q -B -ntp dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$CONSOLE_VERSION \
    -DoutputDirectory=vmm-core/target/lab-test >/dev/null ||
    { say "cannot fetch junit-platform-console-standalone $CONSOLE_VERSION"; exit 3; }

# ---- stage what the lab shares at /lab/app ----
STAGE=$(mktemp -d /tmp/kvmclock-test-lab.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/cp"
cp "vmm-core/target/lab-test/junit-platform-console-standalone-$CONSOLE_VERSION.jar" "$STAGE/console.jar"
CP=(/lab/app/console.jar /lab/app/cp/test-classes /lab/app/cp/classes)
cp -r vmm-core/target/test-classes "$STAGE/cp/test-classes"
cp -r vmm-core/target/classes "$STAGE/cp/classes"
i=0
IFS=: read -r -a entries <"vmm-core/target/test.classpath" || true
for e in "${entries[@]}"; do
    [ -e "$e" ] || continue
    i=$((i + 1))
    if [ -d "$e" ]; then cp -r "$e" "$STAGE/cp/$i"; CP+=("/lab/app/cp/$i")
    else cp "$e" "$STAGE/cp/$i.jar"; CP+=("/lab/app/cp/$i.jar"); fi
done
classpath=$(IFS=:; echo "${CP[*]}")

# ---- run inside the lab ----
rc=0
"$ROOT/scripts/lab/run" --results "$RESULTS" --app "$STAGE" --java --env KVMCLOCK_REQUIRE_KVM=1 --env KVMCLOCK_VM_CYCLES=1000 --env KVMCLOCK_HOSTILE_CASES=1000 --no-xen-ok \
    ${LAB_OPTS[@]+"${LAB_OPTS[@]}"} -- \
    --enable-native-access=ALL-UNNAMED -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$classpath" \
    org.junit.platform.console.ConsoleLauncher execute --disable-banner --details=tree \
    "${SELECT[@]}" --include-tag kvm --reports-dir /results/junit || rc=$?
case "$rc" in
    0 | 1) ;;
    *) say "the lab run failed (exit $rc); see $RESULTS"; exit 3 ;;
esac

# ---- the summary, Maven's way ----
xml=$(ls "$RESULTS"/junit/*.xml 2>/dev/null | head -n1)
[ -n "$xml" ] || { say "no JUnit XML report came back"; exit 3; }
attr() { sed -n "s/.*<testsuite [^>]*\b$1=\"\([0-9]*\)\".*/\1/p" "$xml" | head -n1; }
tests=$(attr tests) failures=$(attr failures) errors=$(attr errors) skipped=$(attr skipped)
echo "[lab] Tests run: ${tests:-0}, Failures: ${failures:-0}, Errors: ${errors:-0}, Skipped: ${skipped:-0} (in the lab, $((SECONDS - start)) s; reports: $RESULTS/junit)"
[ "${tests:-0}" -gt 0 ] || { say "no KVM test ran"; exit 1; }
[ "$rc" -eq 0 ] && [ "${failures:-0}" -eq 0 ] && [ "${errors:-0}" -eq 0 ] || exit 1
