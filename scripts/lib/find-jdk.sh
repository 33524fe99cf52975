# Sourced by the launcher, scripts/test and .ci/run: sets JAVA_HOME to a JDK >= 22.
# Order: $JAVA_HOME when it is >= 22, else the newest JDK >= 22 under /usr/lib/jvm.
# Prints one clear line and returns 3 when there is none.

kcp_java_major() {
    # $1: a java binary; prints its feature version (17, 22, 25, ...) or nothing. Reads the
    # JDK's release file (no JVM start: the launcher's start-up time counts); runs java only
    # when there is none.
    local home v
    home=$(dirname "$(dirname "$1")")
    if [ -r "$home/release" ]; then
        v=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release" | head -n1)
    fi
    if [ -z "${v:-}" ]; then
        v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
    fi
    case "$v" in 1.*) v=${v#1.} ;; esac
    v=${v%%.*}
    v=${v%%[!0-9]*}
    printf '%s' "$v"
}

# Maven 3.9 on JDK >= 24 warns about sun.misc.Unsafe on every run; that noise is not ours.
kcp_quiet_maven() {
    local major
    major=$(kcp_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 24 ]; then
        case " ${MAVEN_OPTS:-} " in
            *sun-misc-unsafe-memory-access*) ;;
            *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
        esac
    fi
}

kcp_find_jdk() {
    local minimum=22 best="" best_major=0 dir major
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        major=$(kcp_java_major "$JAVA_HOME/bin/java")
        if [ -n "$major" ] && [ "$major" -ge "$minimum" ]; then
            export JAVA_HOME
            kcp_quiet_maven
            return 0
        fi
    fi
    for dir in "${KCP_JVM_DIR:-/usr/lib/jvm}"/*/; do
        dir=${dir%/}
        [ -x "$dir/bin/javac" ] || continue
        [ -L "$dir" ] && continue
        major=$(kcp_java_major "$dir/bin/java")
        [ -n "$major" ] || continue
        if [ "$major" -ge "$minimum" ] && [ "$major" -gt "$best_major" ]; then
            best=$dir best_major=$major
        fi
    done
    if [ -z "$best" ]; then
        echo "kvmclock-probe: needs a JDK >= $minimum (JAVA_HOME=${JAVA_HOME:-unset} and ${KCP_JVM_DIR:-/usr/lib/jvm} have none); install one, e.g. Temurin 25 (apt package temurin-25-jdk), or set JAVA_HOME" >&2
        return 3
    fi
    export JAVA_HOME=$best
    kcp_quiet_maven
}
