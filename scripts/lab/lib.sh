# Sourced by scripts/lab/*: stage lines with times, the download cache, Debian packages.
# Every external wait here is bounded with timeout(1).
# shellcheck disable=SC2034 # ROOT, LAB_KERNEL_PACKAGE, LAB_CACHE_TEMPORARY are for the scripts.

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$LAB_DIR/../.." && pwd)
LAB_CACHE=${KVMCLOCK_LAB_CACHE:-/var/cache/kvmclock-probe-lab}
LAB_KERNEL_VERSION=${KVMCLOCK_LAB_KERNEL_VERSION:-6.12.117+deb12}
LAB_KERNEL_PACKAGE=linux-image-$LAB_KERNEL_VERSION-amd64-unsigned
LAB_NAME=${LAB_NAME:-lab}
LAB_T0=${EPOCHREALTIME/./}

# Seconds since the script started, one decimal.
lab_elapsed() {
    local now=${EPOCHREALTIME/./}
    local us=$((now - LAB_T0))
    printf '%d.%d' $((us / 1000000)) $(((us % 1000000) / 100000))
}

# One line per stage: "lab [  12.3s] stage: what".
lab_say() { printf '%s [%6ss] %s\n' "$LAB_NAME" "$(lab_elapsed)" "$*" >&2; }

# One clear line and an exit code.
lab_die() {
    local rc=$1
    shift
    printf '%s: error: %s\n' "$LAB_NAME" "$*" >&2
    exit "$rc"
}

# A monotonic stopwatch in microseconds for measuring one step: t=$(lab_now); ...; lab_since "$t".
lab_now() { printf '%s' "${EPOCHREALTIME/./}"; }
lab_since() {
    local us=$(($(lab_now) - $1))
    printf '%d.%d' $((us / 1000000)) $(((us % 1000000) / 100000))
}

# The cache survives on one machine but is never required: when it cannot be created, a
# per-run directory under /tmp is used instead (and removed with the run).
lab_cache_init() {
    if ! mkdir -p "$LAB_CACHE" 2>/dev/null || ! [ -w "$LAB_CACHE" ]; then
        LAB_CACHE=$(mktemp -d /tmp/kvmclock-probe-lab-cache.XXXXXX)
        LAB_CACHE_TEMPORARY=1
        lab_say "cache: $LAB_CACHE (temporary; ${KVMCLOCK_LAB_CACHE:-/var/cache/kvmclock-probe-lab} is not writable)"
    fi
    mkdir -p "$LAB_CACHE/debs" "$LAB_CACHE/unpacked"
}

lab_apt_updated=
lab_apt_update() {
    [ -n "$lab_apt_updated" ] && return 0
    lab_apt_updated=1
    timeout 300 apt-get update -q >/dev/null 2>&1 || true
}

# lab_need_cmd COMMAND PACKAGE: installs PACKAGE from the distribution when COMMAND is missing.
lab_need_cmd() {
    local cmd=$1 pkg=$2 t
    command -v "$cmd" >/dev/null 2>&1 && return 0
    command -v apt-get >/dev/null 2>&1 || lab_die 3 "$cmd is missing and there is no apt-get to install $pkg"
    t=$(lab_now)
    lab_say "setup: installing $pkg (for $cmd) ..."
    lab_apt_update
    if ! DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "$pkg" \
        >"$LAB_CACHE/apt-install-$pkg.log" 2>&1; then
        lab_die 3 "$cmd is missing and 'apt-get install $pkg' failed: $(grep -m1 -E '^E:' "$LAB_CACHE/apt-install-$pkg.log" || tail -n1 "$LAB_CACHE/apt-install-$pkg.log") (log: $LAB_CACHE/apt-install-$pkg.log)"
    fi
    command -v "$cmd" >/dev/null 2>&1 ||
        lab_die 3 "$cmd is still missing after 'apt-get install $pkg' (log: $LAB_CACHE/apt-install-$pkg.log)"
    lab_say "setup: installed $pkg in $(lab_since "$t")s"
}

# lab_fetch_deb NAME [VERSION]: prints the path of NAME's .deb in the cache, downloading it
# with 'apt-get download' when it is not there. With VERSION, exactly that version (pinned:
# a newer point release in the archive must not change what is built).
lab_fetch_deb() {
    local name=$1 version=${2:-} deb dl t size spec=$1
    [ -n "$version" ] && spec="$name=$version"
    deb=$(ls -t "$LAB_CACHE/debs/${name}_${version//:/%3a}"*.deb 2>/dev/null | head -n1)
    if [ -n "$deb" ]; then
        lab_say "download: $name (cached: ${deb##*/})"
        printf '%s\n' "$deb"
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || lab_die 3 "cannot download $name: no apt-get"
    t=$(lab_now)
    dl=$(mktemp -d "$LAB_CACHE/debs/.dl.XXXXXX")
    # apt drops privileges to _apt for downloads; let it write here.
    chown _apt "$dl" 2>/dev/null || chmod 777 "$dl"
    if ! (cd "$dl" && timeout 900 apt-get download -q "$spec") >"$dl.log" 2>&1; then
        lab_apt_update
        if ! (cd "$dl" && timeout 900 apt-get download -q "$spec") >"$dl.log" 2>&1; then
            rm -rf "$dl"
            lab_die 3 "cannot download Debian package $spec: $(grep -m1 -E '^E:' "$dl.log" || tail -n1 "$dl.log")"
        fi
    fi
    rm -f "$dl.log"
    deb=$(ls "$dl/${name}_"*.deb 2>/dev/null | head -n1)
    [ -n "$deb" ] || { rm -rf "$dl"; lab_die 3 "apt-get download $spec produced no .deb"; }
    mv "$deb" "$LAB_CACHE/debs/" && rm -rf "$dl"
    deb=$LAB_CACHE/debs/${deb##*/}
    size=$(du -m "$deb" | cut -f1)
    lab_say "download: $name (${size} MB in $(lab_since "$t")s)"
    printf '%s\n' "$deb"
}

# lab_unpack_deb NAME: prints a directory holding NAME's files (dpkg -x), cached per .deb.
lab_unpack_deb() {
    local name=$1 deb dir t
    deb=$(lab_fetch_deb "$name") || exit $?
    dir=$LAB_CACHE/unpacked/$(basename "$deb" .deb)
    if [ ! -f "$dir/.complete" ]; then
        t=$(lab_now)
        rm -rf "$dir" && mkdir -p "$dir"
        timeout 600 dpkg -x "$deb" "$dir" || lab_die 3 "dpkg -x $deb failed"
        touch "$dir/.complete"
        lab_say "unpack: $name in $(lab_since "$t")s"
    fi
    printf '%s\n' "$dir"
}

# sha256 of the contents of the given files, in order (not of their names).
lab_sha_of_files() {
    local f
    for f in "$@"; do sha256sum <"$f"; done | sha256sum | cut -c1-16
}
