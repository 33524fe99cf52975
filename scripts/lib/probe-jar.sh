# Sourced by the launcher and the lab: where the probe's jar is, and whether it must be rebuilt.

# kcp_needs_build ROOT: true when ROOT's jar is missing or older than a POM or a main source.
kcp_needs_build() {
    local root=$1 jar=$1/vmm-core/target/kvmclock-probe.jar
    [ -f "$jar" ] || return 0
    [ -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/kvm-bindings/src/main "$root"/guest-images/src/main \
        "$root"/vmm-core/src/main -newer "$jar" -type f -print -quit 2>/dev/null)" ]
}
