# shellcheck shell=bash
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
# Exit codes of the lab's own failures (scripts/lab/README.md), 10 and up so that they cannot be
# taken for the probe's own codes (0 pass, 1 fail, 2 bad command line, 3 probe error, 4 skip),
# which scripts/lab/run passes through. Bad input to a lab script is 2, like the probe's.
LAB_EXIT_ERROR=10   # the lab failed: QEMU, the inner kernel (panic, hang, timeout), a cache lock
LAB_EXIT_PACKAGE=11 # a Debian package could not be resolved, downloaded or unpacked
LAB_EXIT_BUILD=12   # a build (build-kvm, build-kernel) failed
LAB_EXIT_SETUP=13   # a tool is missing and could not be installed (QEMU, busybox, a JDK, ...)

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
    command -v apt-get >/dev/null 2>&1 || lab_die "$LAB_EXIT_SETUP" "$cmd is missing and there is no apt-get to install $pkg"
    t=$(lab_now)
    lab_say "setup: installing $pkg (for $cmd) ..."
    lab_apt_update
    if ! DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -q --no-install-recommends "$pkg" \
        >"$LAB_CACHE/apt-install-$pkg.log" 2>&1; then
        lab_die "$LAB_EXIT_SETUP" "$cmd is missing and 'apt-get install $pkg' failed: $(grep -m1 -E '^E:' "$LAB_CACHE/apt-install-$pkg.log" || tail -n1 "$LAB_CACHE/apt-install-$pkg.log") (log: $LAB_CACHE/apt-install-$pkg.log)"
    fi
    command -v "$cmd" >/dev/null 2>&1 ||
        lab_die "$LAB_EXIT_SETUP" "$cmd is still missing after 'apt-get install $pkg' (log: $LAB_CACHE/apt-install-$pkg.log)"
    lab_say "setup: installed $pkg in $(lab_since "$t")s"
}

# ---- locks: the cache is shared by concurrent runs (and engineers) ----
# lab_lock NAME: takes an exclusive flock on $LAB_CACHE/locks/NAME.lock (waits at most
# KVMCLOCK_LAB_LOCK_WAIT seconds, default 1800), held until lab_unlock or until the (sub)shell
# that took it exits. Locks nest by name; one fd per name.
declare -A LAB_LOCK_FD=()
lab_lock() {
    local name=$1 fd f
    mkdir -p "$LAB_CACHE/locks"
    f=$LAB_CACHE/locks/${name//\//_}.lock
    exec {fd}>>"$f" || lab_die "$LAB_EXIT_ERROR" "cannot open the lock $f"
    if ! flock -w 2 "$fd"; then
        lab_say "lock: waiting for ${name} (another lab run holds it)"
        flock -w "${KVMCLOCK_LAB_LOCK_WAIT:-1800}" "$fd" ||
            lab_die "$LAB_EXIT_ERROR" "the cache lock $f was held for more than ${KVMCLOCK_LAB_LOCK_WAIT:-1800}s by another lab run"
    fi
    LAB_LOCK_FD[$name]=$fd
}
lab_unlock() {
    local fd=${LAB_LOCK_FD[$1]:-}
    [ -n "$fd" ] || return 0
    exec {fd}>&-
    unset "LAB_LOCK_FD[$1]"
}

# ---- the lab's own apt state: its own sources list and lists under the cache ----
# The archives come from the system's configured apt sources, read from their files (one-line
# .list and deb822 .sources, where apt-config says they are), never from what the system's apt
# has fetched: a fresh host whose apt has fetched only its main suite (or nothing) works the
# same. The security archive is the configured one, else derived from the main one (…/debian
# -> …/debian-security, as Debian's mirrors lay them out). KVMCLOCK_LAB_MIRROR and
# KVMCLOCK_LAB_SECURITY_MIRROR name them instead. The system's apt configuration and state are
# never touched.
# The suites by their archive names, so that they follow Debian's releases (every suite that
# carries kernels); the lab shows each by its codename, read from its Release file (oldstable
# bookworm, stable trixie, testing forky, unstable sid today). KVMCLOCK_LAB_SUITES="A B ..."
# narrows them.
LAB_APT_SUITES=(oldstable oldstable-security oldstable-backports stable stable-security stable-backports testing unstable experimental)
[ -z "${KVMCLOCK_LAB_SUITES:-}" ] || read -r -a LAB_APT_SUITES <<<"$KVMCLOCK_LAB_SUITES"
lab_apt_opts() {
    LAB_APT=(-o "Dir::Etc::SourceList=$LAB_CACHE/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
        -o "Dir::State::Lists=$LAB_CACHE/apt/lists" -o APT::Get::List-Cleanup=0
        -o "Dir::Cache=$LAB_CACHE/apt/cache" -o "Dir::Cache::pkgcache=$LAB_CACHE/apt/cache/pkgcache.bin"
        -o "Dir::Cache::srcpkgcache=$LAB_CACHE/apt/cache/srcpkgcache.bin"
        -o APT::Architectures::=amd64 -o Acquire::Languages=none)
}

# lab_apt_config_files: where the system's apt sources are: "LIST PARTS" (apt-config, which
# honours APT_CONFIG).
lab_apt_config_files() {
    local sl=/etc/apt/sources.list sp=/etc/apt/sources.list.d
    eval "$(apt-config shell sl Dir::Etc::sourcelist/f sp Dir::Etc::sourceparts/d 2>/dev/null)" 2>/dev/null || true
    printf '%s %s\n' "${sl%/}" "${sp%/}"
}

# lab_apt_sources: "URI SUITE FILE" for every enabled deb source the system's apt configures,
# from the one-line sources.list and parts/*.list and the deb822 parts/*.sources.
lab_apt_sources() {
    local sl sp f
    read -r sl sp <<<"$(lab_apt_config_files)"
    for f in "$sl" "$sp"/*.list; do
        [ -f "$f" ] || continue
        awk -v f="$f" '{ sub(/#.*/, "") } $1 == "deb" {
            i = 2
            if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
            if (i + 1 <= NF) print $i, $(i + 1), f }' "$f"
    done
    for f in "$sp"/*.sources; do
        [ -f "$f" ] || continue
        awk -v f="$f" '
            function flush(  n, m, a, b, u, s) {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled !~ /^(no|false|0)$/) {
                    n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
                    for (a = 1; a <= n; a++) for (b = 1; b <= m; b++) if (u[a] != "" && s[b] != "") print u[a], s[b], f
                }
                types = uris = suites = last = ""; enabled = "yes"
            }
            BEGIN { enabled = "yes" }
            /^#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ { v = $0; sub(/^[ \t]+/, "", v)
                if (last == "uris") uris = uris " " v; else if (last == "suites") suites = suites " " v; else if (last == "types") types = types " " v
                next }
            /^[A-Za-z-]+:/ { k = tolower($0); sub(/:.*/, "", k); v = $0; sub(/^[^:]*:[ \t]*/, "", v); last = k
                if (k == "types") types = v; else if (k == "uris") uris = v; else if (k == "suites") suites = v; else if (k == "enabled") enabled = tolower(v) }
            END { flush() }' "$f"
    done
}

# lab_apt_archives: sets LAB_MIRROR and LAB_SECURITY_MIRROR (empty when none was found) and
# LAB_SECURITY_WHY (where the security archive came from, or why there is none).
lab_apt_archives() {
    local sources debian='(buster|bullseye|bookworm|trixie|forky|duke|sid|oldoldstable|oldstable|stable|testing|unstable|experimental)'
    sources=$(lab_apt_sources)
    LAB_MIRROR=${KVMCLOCK_LAB_MIRROR:-$(awk -v re="^$debian\$" '$2 ~ re && $1 !~ /-security\/?$/ { print $1; exit }' <<<"$sources")}
    LAB_SECURITY_MIRROR=${KVMCLOCK_LAB_SECURITY_MIRROR:-}
    if [ -n "$LAB_SECURITY_MIRROR" ]; then
        LAB_SECURITY_WHY="KVMCLOCK_LAB_SECURITY_MIRROR"
    else
        LAB_SECURITY_MIRROR=$(awk -v re="^$debian-security\$" '$2 ~ re { print $1; exit }' <<<"$sources")
        if [ -n "$LAB_SECURITY_MIRROR" ]; then
            LAB_SECURITY_WHY="configured: $(awk -v re="^$debian-security\$" '$2 ~ re { print $3; exit }' <<<"$sources")"
        elif [[ "${LAB_MIRROR%/}" == */debian ]]; then
            LAB_SECURITY_MIRROR=${LAB_MIRROR%/}-security
            LAB_SECURITY_WHY="derived from the main archive (no -security suite in the configured sources)"
        else
            LAB_SECURITY_WHY="none configured, and the main archive's URL does not end in /debian to derive it from"
        fi
    fi
    LAB_MIRROR=${LAB_MIRROR%/} LAB_SECURITY_MIRROR=${LAB_SECURITY_MIRROR%/}
}

# lab_apt_codenames: "ARCHIVE-NAME CODENAME" for each of the lab's suites: oldstable, stable,
# testing and unstable are looked up in their InRelease files (apt-helper download-file, a few
# 100 KB), and their -security and -backports follow; experimental and a codename stay as they
# are. The lab's sources name the codenames, not the archive names: a mirror may serve an
# archive name's stale copy (seen here: dists/oldstable-security was five weeks older than
# dists/bookworm-security, and lacked 6.12.115 to 6.12.118+deb12).
lab_apt_codenames() {
    local d s base name
    declare -A code=()
    d=$(mktemp -d "$LAB_CACHE/apt/.codenames.XXXXXX")
    chown _apt "$d" 2>/dev/null || true
    for s in "${LAB_APT_SUITES[@]}"; do
        base=${s%%-*}
        case "$base" in oldstable | stable | testing | unstable) ;; *) continue ;; esac
        [ -z "${code[$base]:-}" ] || continue
        if timeout 120 /usr/lib/apt/apt-helper download-file "$LAB_MIRROR/dists/$base/InRelease" "$d/$base" >"$d/$base.log" 2>&1; then
            code[$base]=$(sed -n 's/^Codename: *//p' "$d/$base" | head -n1)
        fi
        [ -n "${code[$base]:-}" ] || { rm -rf "$d"; lab_die "$LAB_EXIT_PACKAGE" "cannot read the codename of $base from $LAB_MIRROR/dists/$base/InRelease ($(tail -n1 "$d/$base.log" 2>/dev/null | grep . || echo "no answer")); main archive $LAB_MIRROR (set KVMCLOCK_LAB_MIRROR=URL, or leave $base out with KVMCLOCK_LAB_SUITES)"; }
    done
    rm -rf "$d"
    for s in "${LAB_APT_SUITES[@]}"; do
        base=${s%%-*}
        name=$s
        [ -z "${code[$base]:-}" ] || name=${code[$base]}${s#"$base"}
        echo "$s $name"
    done
}

# lab_apt_ready [--refresh]: the lab's sources list and package lists, updated when missing,
# older than KVMCLOCK_LAB_APT_MAX_AGE minutes (default 360), when the archives or suites
# changed, or with --refresh.
lab_apt_ready() {
    local refresh=${1:-} t keyring=/usr/share/keyrings/debian-archive-keyring.gpg s name uri sl sp err left=() key
    lab_apt_opts
    [ -n "${LAB_APT_READY:-}" ] && [ "$refresh" != --refresh ] && return 0
    command -v apt-get >/dev/null 2>&1 || lab_die "$LAB_EXIT_PACKAGE" "no apt-get: the lab downloads Debian's kernel packages with it"
    (
        lab_lock apt
        mkdir -p "$LAB_CACHE/apt/lists/partial" "$LAB_CACHE/apt/cache"
        chown _apt "$LAB_CACHE/apt/lists/partial" 2>/dev/null || true
        lab_apt_archives
        read -r sl sp <<<"$(lab_apt_config_files)"
        [ -n "$LAB_MIRROR" ] || lab_die "$LAB_EXIT_PACKAGE" "cannot find Debian's archive in the system's apt sources ($sl, $sp/*.list, $sp/*.sources): add one, e.g. $sp/debian.sources with the lines 'Types: deb', 'URIs: <the Debian mirror's URL, ending in /debian>', 'Suites: $(lab_host_suite)', 'Components: main', 'Signed-By: $keyring'; or set KVMCLOCK_LAB_MIRROR=URL"
        [ -f "$keyring" ] || lab_die "$LAB_EXIT_PACKAGE" "no $keyring (Debian's archive keys, package debian-archive-keyring)"
        key="main=$LAB_MIRROR security=${LAB_SECURITY_MIRROR:-none} suites=${LAB_APT_SUITES[*]}"
        [ "$key" = "$(cat "$LAB_CACHE/apt/archives" 2>/dev/null)" ] || refresh=--refresh
        if [ "$refresh" = --refresh ] || [ ! -f "$LAB_CACHE/apt/updated" ] || [ ! -s "$LAB_CACHE/apt/suites.txt" ] ||
            [ -n "$(find "$LAB_CACHE/apt/updated" -mmin +"${KVMCLOCK_LAB_APT_MAX_AGE:-360}" 2>/dev/null)" ]; then
            t=$(lab_now)
            [ -n "$LAB_SECURITY_MIRROR" ] || [[ " ${LAB_APT_SUITES[*]}" != *-security* ]] ||
                lab_say "apt: no security archive ($LAB_SECURITY_WHY): the -security suites are left out, and with them kernels such as 6.12.N+deb12; add the archive to the system's apt sources ('deb <the Debian security mirror's URL> $(lab_host_suite)-security main' in $sl) or set KVMCLOCK_LAB_SECURITY_MIRROR=URL"
            lab_apt_codenames >"$LAB_CACHE/apt/suites.txt.new" || exit $?
            while read -r s name; do
                uri=$LAB_MIRROR
                if [[ "$s" == *-security ]]; then
                    [ -n "$LAB_SECURITY_MIRROR" ] || { left+=("$name"); continue; }
                    uri=$LAB_SECURITY_MIRROR
                fi
                echo "deb [arch=amd64 signed-by=$keyring] $uri $name main"
            done <"$LAB_CACHE/apt/suites.txt.new" >"$LAB_CACHE/apt/sources.list"
            if [ ${#left[@]} -gt 0 ]; then
                grep -v -- '-security$' "$LAB_CACHE/apt/suites.txt.new" >"$LAB_CACHE/apt/suites.txt.new2" && mv "$LAB_CACHE/apt/suites.txt.new2" "$LAB_CACHE/apt/suites.txt.new"
            fi
            if ! timeout 600 apt-get -q "${LAB_APT[@]}" update >"$LAB_CACHE/apt/update.log" 2>&1 ||
                grep -qE '^(E|Err):' "$LAB_CACHE/apt/update.log"; then
                err=$(grep -m1 -E '^Err:' "$LAB_CACHE/apt/update.log" || grep -m1 -E '^E:' "$LAB_CACHE/apt/update.log" || tail -n1 "$LAB_CACHE/apt/update.log")
                s=$(awk '/^Err:/ { print $3, "at", $2; exit }' "$LAB_CACHE/apt/update.log")
                lab_die "$LAB_EXIT_PACKAGE" "the lab's apt-get update failed${s:+ for $s}: $err (log: $LAB_CACHE/apt/update.log; main archive $LAB_MIRROR, security archive ${LAB_SECURITY_MIRROR:-none}: $LAB_SECURITY_WHY). Name the archives with KVMCLOCK_LAB_MIRROR / KVMCLOCK_LAB_SECURITY_MIRROR, or leave a suite out with KVMCLOCK_LAB_SUITES"
            fi
            mv "$LAB_CACHE/apt/suites.txt.new" "$LAB_CACHE/apt/suites.txt"
            echo "$key" >"$LAB_CACHE/apt/archives"
            touch "$LAB_CACHE/apt/updated"
            rm -f "$LAB_CACHE/apt/kernels.txt"
            lab_say "apt: the lab's package lists updated in $(lab_since "$t")s: $(awk '{ printf "%s%s", s, ($1 == $2 ? $1 : $2 " (" $1 ")"); s = ", " }' "$LAB_CACHE/apt/suites.txt") from $LAB_MIRROR${LAB_SECURITY_MIRROR:+ and $LAB_SECURITY_MIRROR ($LAB_SECURITY_WHY)}"
        fi
    ) || exit $?
    LAB_APT_READY=1
}

# lab_suites: "ARCHIVE-NAME NAME" per suite, in the lab's order (stable, stable-security, ...).
lab_suites() {
    lab_apt_ready
    cat "$LAB_CACHE/apt/suites.txt"
}

# lab_kernel_index: prints "SUITE PACKAGE VERSION" for every amd64 kernel image, binary and
# modules package in the lab's suites, SUITE by its name (trixie, trixie-security, sid, ...);
# cached as $LAB_CACHE/apt/kernels.txt per update.
lab_kernel_index() {
    lab_apt_ready
    if [ ! -s "$LAB_CACHE/apt/kernels.txt" ]; then
        (
            lab_lock apt
            local f s name
            declare -A names=()
            while read -r _ name; do names[$name]=$name; done <"$LAB_CACHE/apt/suites.txt"
            for f in "$LAB_CACHE"/apt/lists/*_binary-amd64_Packages*; do
                [ -f "$f" ] || continue
                s=${f##*_dists_}
                s=${s%%_*}
                [ -n "${names[$s]:-}" ] || continue
                timeout 120 /usr/lib/apt/apt-helper cat-file "$f" | awk -v s="${names[$s]}" '
                    /^Package: / { p = $2 } /^Version: / { v = $2 }
                    /^$/ { if (p ~ /^linux-(image-[0-9].*-amd64-unsigned|binary-(unsigned-)?[0-9].*-amd64|modules-[0-9].*-amd64)$/ && p !~ /-(cloud|rt)-amd64/) print s, p, v; p = "" }'
            done | LC_ALL=C sort -u >"$LAB_CACHE/apt/kernels.txt.new"
            mv "$LAB_CACHE/apt/kernels.txt.new" "$LAB_CACHE/apt/kernels.txt"
        ) || exit $?
    fi
    cat "$LAB_CACHE/apt/kernels.txt"
}

# lab_kernel_table: "VERSION SUITE PACKAGE MODULES-PACKAGE|- DEBIAN-VERSION ORDER" for every
# kernel the lab can boot (a 7.x linux-binary only with its linux-modules of the same version;
# the unsigned binary preferred), ORDER being the suite's place in the lab's list. VERSION is
# the ABI name: 6.1.0-41, 6.12.117+deb13, 7.3 (experimental's 7.3~rc7-1~exp1).
lab_kernel_table() {
    local idx
    idx=$(lab_kernel_index) || exit $?
    awk 'FNR == NR { order[$2] = FNR; next }
        { have[$1 " " $2 " " $3] = 1 }
        $2 ~ /^linux-image-.*-amd64-unsigned$/ { v = $2; sub(/^linux-image-/, "", v); sub(/-amd64-unsigned$/, "", v); k[$1 " " v] = $2 " " $3 }
        $2 ~ /^linux-binary-(unsigned-)?.*-amd64$/ { v = $2; sub(/^linux-binary-(unsigned-)?/, "", v); sub(/-amd64$/, "", v)
            if (!((($1 " " v) in k)) || $2 ~ /unsigned/) k[$1 " " v] = $2 " " $3 }
        END {
            for (x in k) {
                split(x, a, " "); split(k[x], b, " ")
                m = "-"
                if (b[1] ~ /^linux-binary/) {
                    if (!((a[1] " linux-modules-" a[2] "-amd64 " b[2]) in have)) { nomod++; continue }
                    m = "linux-modules-" a[2] "-amd64"
                }
                print a[2], a[1], b[1], m, b[2], (a[1] in order ? order[a[1]] : 99)
            }
            if (nomod) printf "(not listed: %d linux-binary packages whose linux-modules package is not in the archive)\n", nomod > "/dev/stderr"
        }' "$LAB_CACHE/apt/suites.txt" - <<<"$idx" | sort -V
}

# lab_series VERSION: a kernel version's series (6.1.0-41 -> 6.1, 6.12.117+deb13 -> 6.12, 7.3 -> 7.3).
lab_series() { [[ "$1" =~ ^([0-9]+\.[0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }

# lab_newest_of: reads lab_kernel_table lines; prints the one whose Debian version is the highest
# (dpkg --compare-versions: 7.3~rc7-1~exp1 is older than 7.3.4-1).
lab_newest_of() {
    local line best='' bv='' v
    while read -r line; do
        v=$(awk '{ print $5 }' <<<"$line")
        if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$bv"; then best=$line bv=$v; fi
    done
    [ -z "$best" ] || printf '%s\n' "$best"
}

# lab_suite_name NAME: the lab's name of a suite given by its name or its archive name
# (stable -> trixie, trixie -> trixie); empty when the lab has no such suite.
lab_suite_name() {
    lab_apt_ready
    awk -v n="$1" '$1 == n || $2 == n { print $2; exit }' "$LAB_CACHE/apt/suites.txt"
}

# lab_resolve_kernel VERSION|SUITE: sets KV_VERSION, KV_RELEASE (uname -r), KV_SUITE, KV_PKG and
# KV_PKG_VERSION (the package with vmlinuz), KV_MOD_PKG and KV_MOD_VERSION (empty when the
# modules are in KV_PKG: the 6.x layout), KV_LAYOUT (6.x or 7.x). A suite's name (trixie,
# trixie-security, sid, experimental, or stable, unstable, ...) is that suite's newest kernel.
# Exit 2 for an unknown version or suite.
lab_resolve_kernel() {
    local v=$1 table best='' suite=''
    table=$(lab_kernel_table 2>/dev/null) || exit $?
    if [[ "$v" =~ ^[a-z] ]]; then
        suite=$(lab_suite_name "$v")
        [ -n "$suite" ] || lab_die 2 "--kernel-version $v: no such suite in the lab ($(awk '{ printf "%s%s", s, $2; s = " " }' "$LAB_CACHE/apt/suites.txt"), or oldstable, stable, testing, unstable, ...-security, ...-backports)"
        best=$(awk -v s="$suite" '$2 == s' <<<"$table" | lab_newest_of)
        [ -n "$best" ] || lab_die 2 "--kernel-version $v: the suite $suite has no kernel the lab can boot (see --list-kernels)"
        v=${best%% *}
        lab_say "kernel: $1 = $v, the newest kernel in $suite"
    else
        [[ "$v" =~ ^[0-9]+\.[0-9]+(\.[0-9]+)?(-[0-9]+)?(\+deb[0-9]+(\.[0-9]+)?)?$ ]] ||
            lab_die 2 "--kernel-version '$v' is not a Debian kernel version (like 6.1.0-57, 6.12.117+deb13, 7.2.13+deb14, 7.3) or suite (trixie, sid, experimental, stable, ...)"
        # The suite first in the lab's order that has it (the release before its backports).
        best=$(awk -v v="$v" '$1 == v' <<<"$table" | sort -k6,6n | head -n1)
        if [ -z "$best" ]; then
            local series near
            series=$(lab_series "$v")
            # The nearest: the same series, built for the same release (+debN) when there are such.
            near=$(awk -v s="$series" -v d="$([[ "$v" == *+deb* ]] && echo "+${v##*+}")" '{ split($1, a, /[.+-]/)
                if (a[1] "." a[2] == s) { all = all $1 " (" $2 ") "; if (d != "" && index($1, d) && substr($1, index($1, d)) == d) same = same $1 " (" $2 ") " } }
                END { print (same != "" ? same : all) }' <<<"$table" | tr ' ' '\n' | paste -d' ' - - | grep -v '^ *$' | tail -n 4 | tr '\n' ' ')
            lab_die 2 "--kernel-version $v: no such Debian kernel in $(awk '{ printf "%s%s", s, $2; s = " " }' "$LAB_CACHE/apt/suites.txt") (of $series there: ${near:-none}; see --list-kernels)"
        fi
    fi
    local mods
    read -r KV_VERSION KV_SUITE KV_PKG mods KV_PKG_VERSION _ <<<"$best"
    KV_RELEASE=$KV_VERSION-amd64
    KV_MOD_PKG='' KV_MOD_VERSION=''
    if [[ "$KV_PKG" == linux-binary-* ]]; then
        KV_LAYOUT=7.x KV_MOD_PKG=$mods KV_MOD_VERSION=$KV_PKG_VERSION
    else
        KV_LAYOUT=6.x
    fi
}

# lab_list_kernels: "VERSION SUITE PACKAGE(S) (DEBIAN-VERSION)" for every kernel the lab can
# boot, "<- newest X.Y" on the newest of each series (by Debian version, across the suites),
# then each suite's newest kernel.
lab_list_kernels() {
    local table s series line newest=()
    table=$(lab_kernel_table) || exit $?
    for series in $(awk '{ print $1 }' <<<"$table" | while read -r v; do lab_series "$v"; done | sort -uV); do
        line=$(awk -v s="$series" '{ split($1, a, /[.+~-]/); if (a[1] "." a[2] == s) print }' <<<"$table" | lab_newest_of)
        newest+=("${line%% *} ${series}")
    done
    printf '%s\n' "${newest[@]}" >"$LAB_CACHE/apt/.newest"
    awk 'FNR == NR { n[$1] = $2; next }
        { m = ($4 == "-" ? "" : " + " $4); mark = ($1 in n ? "  <- newest " n[$1] : "")
          printf "%-18s %-20s %s%s (%s)%s\n", $1, $2, $3, m, $5, mark }' "$LAB_CACHE/apt/.newest" - <<<"$table"
    echo
    echo "newest kernel of each suite (--kernel-version SUITE):"
    local name label
    while read -r s name; do
        line=$(awk -v s="$name" '$2 == s' <<<"$table" | lab_newest_of)
        label=$name
        [ "$s" = "$name" ] || label="$name ($s)"
        if [ -n "$line" ]; then line="${line%% *} ($(awk '{ print $5 }' <<<"$line"))"; else line=none; fi
        printf '  %-40s %s\n' "$label" "$line"
    done < <(cat "$LAB_CACHE/apt/suites.txt")
}

# lab_newest_kernel SERIES: the newest version the lab can boot in a series (6.1 = 6.1.0-N;
# 6.12, 7.2, 7.3 = 6.12.N+debM ...), by Debian version; empty when there is none. A released
# kernel only: experimental's 7.3 (7.3~rc7) is not the newest of 7.3.
lab_newest_kernel() {
    local re line
    if [ "$1" = 6.1 ]; then re='^6\.1\.0-[0-9]+$'; else re="^${1//./\\.}\\.[0-9]+(\\+deb[0-9]+(\\.[0-9]+)?)?\$"; fi
    line=$(lab_kernel_table 2>/dev/null | awk -v re="$re" '$1 ~ re' | lab_newest_of)
    [ -z "$line" ] || echo "${line%% *}"
}

# lab_suite_newest: "SUITE VERSION" for each suite's newest kernel, in the lab's order (a
# suite with none is left out).
lab_suite_newest() {
    local table s name line
    table=$(lab_kernel_table 2>/dev/null) || exit $?
    while read -r s name; do
        line=$(awk -v s="$name" '$2 == s' <<<"$table" | lab_newest_of)
        [ -z "$line" ] || echo "$name ${line%% *}"
    done <"$LAB_CACHE/apt/suites.txt"
}

# lab_fetch_deb NAME [VERSION]: prints the path of NAME's .deb in the cache, downloading it
# with the lab's 'apt-get download' when it is not there. With VERSION, exactly that version
# (pinned: a newer point release in the archive must not change what is built). A cached .deb
# that dpkg-deb cannot read, or whose size is not the archive's, is evicted and downloaded again.
lab_fetch_deb() {
    local name=$1 version=${2:-} deb dl t size spec=$1 want
    [ -n "$version" ] && spec="$name=$version"
    lab_apt_ready
    (
        lab_lock "deb-$name"
        deb=$(ls -t "$LAB_CACHE/debs/${name}_${version//:/%3a}"*.deb 2>/dev/null | head -n1)
        if [ -n "$deb" ]; then
            # The archive's size is that of the version asked for: checked only when pinned (an
            # unpinned NAME may have an older version cached, which is still a good .deb).
            want=
            [ -n "$version" ] && want=$(lab_deb_size "$spec")
            if ! timeout 120 dpkg-deb --info "$deb" >/dev/null 2>&1; then
                lab_say "download: $name: the cached ${deb##*/} is corrupt (dpkg-deb --info fails): evicted"
                rm -f "$deb"
            elif [ -n "$want" ] && [ "$(stat -c %s "$deb")" != "$want" ]; then
                lab_say "download: $name: the cached ${deb##*/} has $(stat -c %s "$deb") bytes, the archive's $want: evicted"
                rm -f "$deb"
            else
                lab_say "download: $name (cached: ${deb##*/})"
                printf '%s\n' "$deb"
                exit 0
            fi
        fi
        t=$(lab_now)
        dl=$(mktemp -d "$LAB_CACHE/debs/.dl.XXXXXX")
        # apt drops privileges to _apt for downloads; let it write here.
        chown _apt "$dl" 2>/dev/null || chmod 777 "$dl"
        if ! (cd "$dl" && timeout 900 apt-get download -q "${LAB_APT[@]}" "$spec") >"$dl.log" 2>&1; then
            lab_apt_ready --refresh
            if ! (cd "$dl" && timeout 900 apt-get download -q "${LAB_APT[@]}" "$spec") >"$dl.log" 2>&1; then
                rm -rf "$dl"
                lab_die "$LAB_EXIT_PACKAGE" "cannot download Debian package $spec: $(grep -m1 -E '^E:' "$dl.log" || tail -n1 "$dl.log")"
            fi
        fi
        rm -f "$dl.log"
        deb=$(ls "$dl/${name}_"*.deb 2>/dev/null | head -n1)
        [ -n "$deb" ] || { rm -rf "$dl"; lab_die "$LAB_EXIT_PACKAGE" "apt-get download $spec produced no .deb"; }
        timeout 120 dpkg-deb --info "$deb" >/dev/null 2>&1 || { rm -rf "$dl"; lab_die "$LAB_EXIT_PACKAGE" "the downloaded ${deb##*/} is not a readable .deb"; }
        mv "$deb" "$LAB_CACHE/debs/" && rm -rf "$dl"
        deb=$LAB_CACHE/debs/${deb##*/}
        size=$(du -m "$deb" | cut -f1)
        lab_say "download: $spec (${size} MB in $(lab_since "$t")s)"
        printf '%s\n' "$deb"
    )
}

# lab_deb_size NAME[=VERSION]: the archive's size of that .deb in bytes (empty when unknown).
lab_deb_size() {
    timeout 60 apt-cache "${LAB_APT[@]}" show "$1" 2>/dev/null | sed -n 's/^Size: //p' | head -n1
}

# lab_unpack_deb NAME [VERSION]: prints a directory holding NAME's files (dpkg -x), cached per
# .deb; unpacked into a temporary directory and renamed into place under the package's lock.
lab_unpack_deb() {
    local name=$1 version=${2:-} deb dir t tmp
    deb=$(lab_fetch_deb "$name" "$version") || exit $?
    dir=$LAB_CACHE/unpacked/$(basename "$deb" .deb)
    if [ ! -f "$dir/.complete" ]; then
        (
            lab_lock "unpack-$(basename "$deb" .deb)"
            [ -f "$dir/.complete" ] && exit 0
            t=$(lab_now)
            tmp=$(mktemp -d "$LAB_CACHE/unpacked/.tmp.XXXXXX")
            chmod 755 "$tmp" # mktemp's 0700 would outlive the rename
            if ! timeout 600 dpkg -x "$deb" "$tmp"; then
                rm -rf "$tmp"
                rm -f "$deb"
                lab_die "$LAB_EXIT_PACKAGE" "dpkg -x $deb failed (the .deb was evicted; run again to download it anew)"
            fi
            touch "$tmp/.complete"
            # An incomplete leftover (a run that was killed) is moved aside, then removed: only
            # this lock's holder writes here.
            if [ -e "$dir" ]; then mv "$dir" "$(mktemp -u "$LAB_CACHE/unpacked/.stale.XXXXXX")"; fi
            mv "$tmp" "$dir"
            rm -rf "$LAB_CACHE"/unpacked/.stale.* 2>/dev/null || true
            lab_say "unpack: $name in $(lab_since "$t")s"
        ) || exit $?
    fi
    printf '%s\n' "$dir"
}

# sha256 of the contents of the given files, in order (not of their names).
lab_sha_of_files() {
    local f
    for f in "$@"; do sha256sum <"$f"; done | sha256sum | cut -c1-16
}

# ---- the distribution's own compiler: a Debian chroot per suite and compiler ----
# lab_kernel_suite VERSION: the Debian release a kernel version was built for (bookworm for
# 6.1.0-N and +deb12, trixie for +deb13, sid for +deb14), whose compiler built it.
lab_kernel_suite() {
    case "$1" in
        *+deb12 | *+deb12.* | 6.1.0-*) echo bookworm ;;
        *+deb13 | *+deb13.*) echo trixie ;;
        *+deb14 | *+deb14.*) echo sid ;;
        *) lab_die 2 "cannot tell which Debian release built kernel $1 (expected 6.1.0-N or a +debNN version)" ;;
    esac
}

# lab_host_suite: this machine's Debian codename (empty when it is not Debian).
lab_host_suite() { (. /etc/os-release 2>/dev/null && [ "${ID:-}" = debian ] && echo "${VERSION_CODENAME:-}") || true; }

# lab_compiler_chroot SUITE GCC: prints a directory holding a minimal Debian SUITE (debootstrap
# --variant=minbase) with gcc-GCC and what an out-of-tree module build needs (make, libc6-dev,
# libelf-dev, bc, bison, flex, xz-utils, pahole), cached as $LAB_CACHE/chroot/SUITE-gcc-GCC.
# Built under a lock on that key in a temporary directory, then renamed into place; debootstrap
# runs in a private mount namespace so that no mount it makes outlives it (a killed run leaves
# only a directory, removed by the next one). The mirror is the lab's own (its sources.list).
lab_compiler_chroot() {
    local suite=$1 gcc=$2 dir tmp t mirror script='' keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    dir=$LAB_CACHE/chroot/$suite-gcc-$gcc
    if [ -f "$dir/.complete" ]; then
        lab_say "chroot: $suite with gcc-$gcc (cached: $dir)"
        printf '%s\n' "$dir"
        return 0
    fi
    lab_apt_ready
    (
        lab_lock "chroot-$suite-gcc-$gcc"
        [ -f "$dir/.complete" ] && exit 0
        lab_need_cmd debootstrap debootstrap
        mirror=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) !~ /-security$/) { print $i; exit } } }' "$LAB_CACHE/apt/sources.list")
        [ -n "$mirror" ] || lab_die "$LAB_EXIT_PACKAGE" "no mirror in the lab's $LAB_CACHE/apt/sources.list"
        # An older debootstrap may not know the newest suite by name: Debian's are all sid's script.
        [ -e "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
        t=$(lab_now)
        lab_say "chroot: debootstrap $suite with gcc-$gcc (about a minute) ..."
        mkdir -p "$LAB_CACHE/chroot"
        rm -rf "$LAB_CACHE"/chroot/.tmp.* 2>/dev/null || true # a killed run's leftovers (we hold the lock)
        tmp=$(mktemp -d "$LAB_CACHE/chroot/.tmp.XXXXXX")
        chmod 755 "$tmp"
        if ! timeout 1200 unshare --mount --propagation private -- debootstrap --variant=minbase --keyring="$keyring" \
            --include="gcc-$gcc,make,libc6-dev,libelf-dev,bc,bison,flex,xz-utils,pahole" \
            "$suite" "$tmp" "$mirror" $script >"$LAB_CACHE/chroot/$suite-gcc-$gcc.log" 2>&1; then
            rm -rf "$tmp"
            lab_die "$LAB_EXIT_SETUP" "debootstrap $suite with gcc-$gcc failed: $(grep -m1 -E '^(E|W):' "$LAB_CACHE/chroot/$suite-gcc-$gcc.log" || tail -n1 "$LAB_CACHE/chroot/$suite-gcc-$gcc.log") (log: $LAB_CACHE/chroot/$suite-gcc-$gcc.log)"
        fi
        [ -x "$tmp/usr/bin/x86_64-linux-gnu-gcc-$gcc" ] || { rm -rf "$tmp"; lab_die "$LAB_EXIT_SETUP" "the $suite chroot has no x86_64-linux-gnu-gcc-$gcc"; }
        mkdir -p "$tmp/build"
        touch "$tmp/.complete"
        if [ -e "$dir" ]; then mv "$dir" "$(mktemp -u "$LAB_CACHE/chroot/.stale.XXXXXX")"; fi
        mv "$tmp" "$dir"
        rm -rf "$LAB_CACHE"/chroot/.stale.* 2>/dev/null || true
        lab_say "chroot: $suite with gcc-$gcc built in $(lab_since "$t")s ($(du -sm "$dir" | cut -f1) MB)"
    ) || exit $?
    printf '%s\n' "$dir"
}

# lab_in_chroot DIR HOSTDIR INNERDIR COMMAND...: runs COMMAND in the chroot DIR, in a private
# mount namespace with /proc (objtool reads it), /dev, a tmpfs /tmp and HOSTDIR bind-mounted at
# INNERDIR (under /tmp: a fixed name there is private to this namespace, so concurrent builds
# can all use the same one, and paths compiled into objects do not depend on a random name).
# Nothing is written into the cached chroot; every mount ends with the command, which is
# bounded by LAB_CHROOT_TIMEOUT seconds (default 1800).
lab_in_chroot() {
    local root=$1 host=$2 inner=$3
    shift 3
    case "$inner" in /tmp/?*) ;; *) lab_die "$LAB_EXIT_ERROR" "lab_in_chroot: $inner is not under /tmp" ;; esac
    timeout "${LAB_CHROOT_TIMEOUT:-1800}" unshare --mount --propagation private -- /bin/sh -c '
        set -e
        root=$1 host=$2 inner=$3
        shift 3
        mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
        mkdir -p "$root$inner"
        mount --bind "$host" "$root$inner"
        mount -t proc proc "$root/proc"
        mount --bind /dev "$root/dev"
        exec chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LC_ALL=C.UTF-8 "$@"
    ' sh "$root" "$host" "$inner" "$@"
}

# ---- the release tarball (scripts/release): what the lab runs by default ----
# lab_release_usable: 0 when HEAD's release tarball is what the working tree holds and can be
# built here; else 1 with the reason in LAB_RELEASE_WHY (uncommitted changes to tracked files:
# the tarball would not hold them; not a git checkout; no JDK >= 25 with jlink). The caller then
# runs the jars with the host's JDK. Sets LAB_RELEASE_JDK (the JDK that builds the tarball).
lab_release_usable() {
    LAB_RELEASE_WHY='' LAB_RELEASE_JDK=''
    git -C "$ROOT" rev-parse HEAD >/dev/null 2>&1 || { LAB_RELEASE_WHY="$ROOT is not a git checkout"; return 1; }
    if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
        LAB_RELEASE_WHY="the working tree has uncommitted changes, which HEAD's release tarball would not hold"
        return 1
    fi
    LAB_RELEASE_JDK=$(unset JAVA_HOME; . "$ROOT/scripts/lib/find-jdk.sh"; for d in /usr/lib/jvm/*/; do d=${d%/}
        [ -x "$d/bin/jlink" ] && [ "$(kcp_java_major "$d/bin/java")" -ge 25 ] 2>/dev/null && echo "$d"; done | tail -n1)
    [ -n "$LAB_RELEASE_JDK" ] || { LAB_RELEASE_WHY="no JDK >= 25 with jlink under /usr/lib/jvm to build the release tarball"; return 1; }
}

# lab_release_for_head: prints the path of the release tarball of the repository's HEAD, built
# when it is not cached yet ($LAB_CACHE/release/commit-<sha>/, one build per commit, under a
# lock; after lab_release_usable). The build runs scripts/release in a throw-away clone of that
# commit (git clone --shared), so the working tree (and its target/) is never touched, and the
# tarball is the commit's, byte for byte what scripts/release makes of it anywhere. Exits 13
# when the build fails.
lab_release_for_head() {
    local commit dir t tmp tarball jdk=$LAB_RELEASE_JDK
    commit=$(git -C "$ROOT" rev-parse HEAD)
    dir=$LAB_CACHE/release/commit-$commit
    tarball=$(ls "$dir"/kvmclock-probe-*-linux-x86_64.tar.gz 2>/dev/null | head -n1)
    if [ -n "$tarball" ] && [ -f "$dir/.complete" ]; then
        touch "$dir"
        printf '%s\n' "$tarball"
        return 0
    fi
    (
        lab_lock "release-$commit"
        tarball=$(ls "$dir"/kvmclock-probe-*-linux-x86_64.tar.gz 2>/dev/null | head -n1)
        [ -n "$tarball" ] && [ -f "$dir/.complete" ] && { printf '%s\n' "$tarball"; exit 0; }
        t=$(lab_now)
        lab_say "release: building the tarball of ${commit:0:12} (scripts/release in a clone of the commit) ..."
        mkdir -p "$LAB_CACHE/release"
        tmp=$(mktemp -d "$LAB_CACHE/release/.build.XXXXXX")
        if ! { timeout 120 git clone -q --shared --no-checkout "$ROOT" "$tmp/src" &&
            timeout 120 git -C "$tmp/src" checkout -q --detach "$commit" &&
            (cd "$tmp/src" && JAVA_HOME=$jdk timeout 1800 scripts/release --out "$tmp/out"); } >"$LAB_CACHE/release/build.log" 2>&1; then
            rm -rf "$tmp"
            lab_die "$LAB_EXIT_SETUP" "building the release tarball of $commit failed (log: $LAB_CACHE/release/build.log)"
        fi
        rm -rf "$dir" && mkdir -p "$dir" && mv "$tmp"/out/kvmclock-probe-*-linux-x86_64.tar.gz "$dir/" && touch "$dir/.complete"
        rm -rf "$tmp"
        # Tarballs (about 30 MiB each) of commits not run for a week go.
        find "$LAB_CACHE/release" -maxdepth 1 -name 'commit-*' -mtime +7 -exec rm -rf {} + 2>/dev/null || true
        lab_say "release: built in $(lab_since "$t")s"
        ls "$dir"/kvmclock-probe-*-linux-x86_64.tar.gz | head -n1
    )
}

# lab_unpack_release TARBALL: prints the directory (in the cache, by the tarball's sha256) where
# TARBALL is unpacked: the release's own top directory (bin/, runtime/, kselftest/, ...).
lab_unpack_release() {
    local tarball=$1 sha dir tmp
    sha=$(sha256sum <"$tarball" | cut -c1-16)
    dir=$LAB_CACHE/release/unpacked-$sha
    if [ ! -f "$dir/.complete" ]; then
        (
            lab_lock "release-unpack-$sha"
            [ -f "$dir/.complete" ] && exit 0
            mkdir -p "$LAB_CACHE/release"
            tmp=$(mktemp -d "$LAB_CACHE/release/.unpack.XXXXXX")
            chmod 755 "$tmp"
            timeout 300 tar -xzf "$tarball" -C "$tmp" || { rm -rf "$tmp"; lab_die 2 "--release $tarball: cannot unpack it"; }
            touch "$tmp/.complete"
            rm -rf "$dir" && mv "$tmp" "$dir"
            # Unpacked releases (about 90 MiB each) not used for a day go; never one in use,
            # as every run touches its own.
            find "$LAB_CACHE/release" -maxdepth 1 -name 'unpacked-*' -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
        ) || exit $?
    fi
    touch "$dir"
    local top
    top=$(ls -d "$dir"/kvmclock-probe-*/ 2>/dev/null | head -n1)
    [ -n "$top" ] && [ -x "$top/bin/kvmclock-probe" ] && [ -x "$top/runtime/bin/java" ] ||
        lab_die 2 "--release $tarball: not a release tarball (no kvmclock-probe-*/bin/kvmclock-probe and runtime/bin/java in it)"
    printf '%s\n' "${top%/}"
}

# lab_selftests_junit TAP [SUITE-NAME]: JUnit XML from a kselftest runner's TAP (its own result
# lines, "ok N selftests: COLLECTION: NAME [# SKIP]" / "not ok N ... # exit=N"): one testcase
# each, <failure> for "not ok", <skipped> for "# SKIP"; the test's own "# "-prefixed output
# (between its header and its result line) as <system-out>.
lab_selftests_junit() {
    awk -v suite="${2:-kselftest}" '
        function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
        /^# selftests: / { out = ""; next }
        /^# / { out = out substr($0, 3) "\n"; next }
        /^(not )?ok [0-9]+ / {
            line = $0; dir = ""
            if (index(line, " # ")) { dir = substr(line, index(line, " # ") + 3); line = substr(line, 1, index(line, " # ") - 1) }
            n = split(line, f, " "); name = f[n]; cls = (n >= 5) ? f[n - 1] : suite; sub(/:$/, "", cls)
            tc[++k] = sprintf("  <testcase classname=\"%s\" name=\"%s\">", esc(cls), esc(name))
            if ($1 == "not") { tc[k] = tc[k] sprintf("<failure message=\"%s\"/>", esc(dir)); fails++ }
            else if (dir ~ /^SKIP/) { tc[k] = tc[k] sprintf("<skipped message=\"%s\"/>", esc(dir)); skips++ }
            tc[k] = tc[k] "<system-out>" esc(out) "</system-out></testcase>"; out = ""
        }
        END {
            printf "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" skipped=\"%d\" errors=\"0\">\n", esc(suite), k, fails + 0, skips + 0
            for (i = 1; i <= k; i++) print tc[i]
            print "</testsuite>"
        }' "$1"
}
