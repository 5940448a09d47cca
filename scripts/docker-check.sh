#!/usr/bin/env bash
# Builds the real Docker image from the Dockerfile with podman, checks what is in it, runs it and
# validates docker-compose.yml. No Docker engine is needed; CI runs this on every push.
#   scripts/docker-check.sh                  build and check (reuses the cached base image)
#   scripts/docker-check.sh --refresh-base   debootstrap the debian:12 base image again first
# Environment:
#   QKV_DOCKER_CACHE   where the base image tarballs are kept (default /var/cache/qkv-docker)
#   QKV_DOCKER_RUN     auto (default: podman run, else a chroot of the mounted image), podman, chroot
#   QKV_IMAGE          tag to build (default qkv:latest, the image docker-compose.yml uses)
#   QKV_IMAGE_MAX_MB   fail when the runtime image is larger (default 200)
#   QKV_PODMAN_OPTS    extra global podman options, e.g. "--storage-driver vfs"
#   QKV_DEBIAN_MIRROR  Debian mirror for the base image (default: the one apt uses here)
# Needs root (podman, debootstrap, mounts); installs podman, debootstrap and the rest with
# apt-get when they are missing.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
script="$root/scripts/docker-check.sh"
image=${QKV_IMAGE:-qkv:latest}
build_cache_tag="${image%%:*}:build-stage"
cache_dir=${QKV_DOCKER_CACHE:-/var/cache/qkv-docker}
run_mode=${QKV_DOCKER_RUN:-auto}
max_mb=${QKV_IMAGE_MAX_MB:-200}
suite=bookworm # debian:12, what the Dockerfile's FROM lines name

packages=(podman debootstrap python3-yaml iproute2 util-linux coreutils)

log() { printf '\033[1m== [%3ss] %s\033[0m\n' "$SECONDS" "$*" >&2; }
note() { printf '   %s\n' "$*" >&2; }
fail() {
    printf '\033[1;31mdocker-check FAILED: %s\033[0m\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------------
# podman: the settings that work on a machine without systemd, journald or a Docker engine.

podman_opts=(--cgroup-manager cgroupfs --events-backend file)

# Overlay storage is the default and the fast one; some sandboxes cannot mount it. Then vfs, in
# its own root: podman refuses to open a store created with another driver.
choose_storage() {
    if [ -n "${QKV_PODMAN_OPTS:-}" ]; then
        read -r -a extra <<<"$QKV_PODMAN_OPTS"
        podman_opts+=("${extra[@]}")
        return 0
    fi
    if ! podman "${podman_opts[@]}" info >/dev/null 2>&1; then
        note "podman's default (overlay) storage does not work here: using vfs storage"
        podman_opts+=(--storage-driver vfs --root /var/lib/containers/storage-vfs)
    fi
}

pm() { podman "${podman_opts[@]}" "$@"; }

# ---------------------------------------------------------------------------------------------
# Packages, as scripts/qkv deps does it: apt-get only for what is missing.

deps() {
    local missing=() pkg
    for pkg in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing: ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# ---------------------------------------------------------------------------------------------
# The debian:12 and debian:12-slim base images, made with debootstrap from the mirror apt uses
# here (there is no registry to pull them from), cached as tarballs between runs.

# Prints the image's apt sources, one "deb URI SUITE main" a line, the first being the mirror to
# debootstrap from: this machine's Debian entries (one-line .list and deb822 .sources files) with
# its release name replaced by bookworm, so -updates and -security come along when apt has them.
image_apt_sources() {
    if [ -n "${QKV_DEBIAN_MIRROR:-}" ]; then
        echo "deb $QKV_DEBIAN_MIRROR $suite main"
        return 0
    fi
    local host_suite
    # shellcheck disable=SC1091
    host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    /usr/bin/python3 - "$host_suite" "$suite" <<'EOF'
import glob, re, sys

host, image = sys.argv[1], sys.argv[2]
entries = []  # (uri, suite, components) of enabled binary ("deb") sources, in apt's order

def one_line(path):
    for line in open(path, encoding="utf-8", errors="replace"):
        line = re.sub(r"\[[^\]]*\]", " ", line.split("#", 1)[0]).split()
        if len(line) >= 4 and line[0] == "deb":
            entries.append((line[1], line[2], line[3:]))

def deb822(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    for stanza in re.split(r"\n[ \t]*\n", text):
        fields, key = {}, None
        for line in stanza.splitlines():
            if line.startswith("#"):
                continue
            if line[:1] in (" ", "\t") and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split() or fields.get("enabled", "yes").lower() == "no":
            continue
        for uri in fields.get("uris", "").split():
            for s in fields.get("suites", "").split():
                entries.append((uri, s, fields.get("components", "").split()))

for path in ["/etc/apt/sources.list"] + sorted(glob.glob("/etc/apt/sources.list.d/*.list")):
    try:
        one_line(path)
    except FileNotFoundError:
        pass
for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
    deb822(path)

out = []
for wanted in ("", "-updates", "-security"):
    for uri, s, comps in entries:
        if s == host + wanted and "main" in comps and not uri.startswith("cdrom:"):
            line = f"deb {uri.rstrip('/')} {image}{wanted} main"
            if line not in out:
                out.append(line)
            break
if not out or not out[0].endswith(f" {image} main"):
    sys.exit(f"no Debian mirror for '{host}' (main) in apt's sources; set QKV_DEBIAN_MIRROR")
print("\n".join(out))
EOF
}

# debootstrap --variant=minbase, then what Docker's debian images have: no apt caches or lists,
# no .debs kept after installs, no translations, no services started by package scripts. The
# slim tarball also leaves out docs, man pages and locales, now and for later installs.
make_base_tarballs() {
    local full=$1 slim=$2 sources mirror rootfs="$work/rootfs"
    sources=$(image_apt_sources) || fail "cannot find the Debian mirror apt uses"
    mirror=$(head -1 <<<"$sources" | awk '{print $2}')
    local include=()
    [[ $mirror == https:* ]] && include=(--include=ca-certificates)
    log "debootstrap --variant=minbase $suite from $mirror"
    debootstrap --variant=minbase --components=main "${include[@]}" "$suite" "$rootfs" "$mirror" \
        >"$work/debootstrap.log" 2>&1 || {
        tail -20 "$work/debootstrap.log" >&2
        fail "debootstrap"
    }

    printf '%s\n' "$sources" >"$rootfs/etc/apt/sources.list"
    cat >"$rootfs/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::Languages "none";' >"$rootfs/etc/apt/apt.conf.d/docker-no-languages"
    printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
    chmod 755 "$rootfs/usr/sbin/policy-rc.d"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/cache/apt/*.bin \
        "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*.log \
        "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf" # podman provides these per container
    # /dev, /proc and /sys are filled by the container runtime, not the image.
    local tar_opts=(--numeric-owner --xattrs --exclude=./dev/* --exclude=./proc/* --exclude=./sys/* -C "$rootfs")
    tar "${tar_opts[@]}" -cf "$full.tmp" .

    cat >"$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
EOF
    find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
    rm -rf "$rootfs"/usr/share/{man,groff,info,lintian,linda,locale}/*
    tar "${tar_opts[@]}" -cf "$slim.tmp" .
    mv "$full.tmp" "$full"
    mv "$slim.tmp" "$slim"
    rm -rf "$rootfs"
}

base_images() {
    if [ "$refresh_base" -eq 0 ] && pm image exists debian:12 && pm image exists debian:12-slim; then
        note "debian:12 and debian:12-slim are in podman's storage"
        return 0
    fi
    # The cache survives between runs where /var/cache is kept; elsewhere it lives for this run.
    local dir=$cache_dir
    mkdir -p "$dir" 2>/dev/null && [ -w "$dir" ] || dir="$work"
    local full="$dir/debian-12-minbase.tar" slim="$dir/debian-12-slim.tar"
    if [ "$refresh_base" -eq 1 ] || [ ! -s "$full" ] || [ ! -s "$slim" ]; then
        make_base_tarballs "$full" "$slim"
    else
        note "base tarballs from $dir ($(date -r "$full" +%F))"
    fi
    # A refreshed base replaces the old one: removed after the build (see build_image).
    local tag
    for tag in debian:12 debian:12-slim; do
        pm image exists "$tag" && replaced+=("$(pm image inspect --format '{{.Id}}' "$tag")")
    done
    local changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
        --change 'CMD ["bash"]')
    pm import --quiet "${changes[@]}" "$full" debian:12 >/dev/null
    pm import --quiet "${changes[@]}" "$slim" debian:12-slim >/dev/null
    note "imported debian:12 ($(image_mb debian:12) MB) and debian:12-slim ($(image_mb debian:12-slim) MB)"
}

image_mb() { echo $(($(pm image inspect --format '{{.Size}}' "$1") / 1000000)); }

# ---------------------------------------------------------------------------------------------
# The build: the Dockerfile as it is, with chroot isolation (no OCI runtime needed) and the
# docker format (the OCI format drops HEALTHCHECK, which docker-compose.yml's cli waits on).

build_image() {
    local old=() id
    for id in "$image" "$build_cache_tag"; do
        pm image exists "$id" && old+=("$(pm image inspect --format '{{.Id}}' "$id")")
    done
    old+=("${replaced[@]}") # last: the images built on them go first
    local args=(--isolation chroot --network host --pull=never --format docker --layers -f "$root/Dockerfile")
    # The build stage gets a tag of its own so that its layers (the toolchain install) stay
    # cached when the image before this one is removed below.
    log "podman build --target build (its layers stay cached as $build_cache_tag)"
    podman_build "${args[@]}" --target build -t "$build_cache_tag" "$root"
    log "podman build -t $image"
    podman_build "${args[@]}" -t "$image" "$root"
    # Images this run replaced would pile up run after run (the build stage is over 1 GB). One
    # still in use (tagged again, or under another image) is left alone: rmi refuses it.
    local keep
    keep=$(pm image inspect --format '{{.Id}}' "$image" "$build_cache_tag" debian:12 debian:12-slim)
    for id in "${old[@]}"; do
        grep -qx "$id" <<<"$keep" && continue
        pm rmi "$id" >/dev/null 2>&1 || true
    done
}

# Shows steps and cache hits as they happen, and the end of the whole output (apt, compiler)
# when the build fails.
podman_build() {
    if ! pm build "$@" 2>&1 | tee "$work/build.log" |
        { grep --line-buffered -E '^(\[[0-9]+/[0-9]+\] )?STEP |^--> Using cache|^installed into' || true; }; then
        tail -40 "$work/build.log" >&2
        fail "podman build $*"
    fi
}

# ---------------------------------------------------------------------------------------------
# What the image says about itself, and what is in it.

inspect_image() { pm image inspect --format "$1" "$image" | sed '/^$/d'; }

read_image_facts() {
    user=$(inspect_image '{{.Config.User}}')
    workdir=$(inspect_image '{{.Config.WorkingDir}}')
    mapfile -t image_cmd < <(inspect_image '{{range .Config.Cmd}}{{println .}}{{end}}')
    mapfile -t image_env < <(inspect_image '{{range .Config.Env}}{{println .}}{{end}}')
    mapfile -t health < <(inspect_image '{{if .HealthCheck}}{{range .HealthCheck.Test}}{{println .}}{{end}}{{end}}')
    # shellcheck disable=SC2016 # Go templates, not shell
    mapfile -t volumes < <(inspect_image '{{range $k, $v := .Config.Volumes}}{{println $k}}{{end}}')
    # shellcheck disable=SC2016
    mapfile -t ports < <(inspect_image '{{range $k, $v := .Config.ExposedPorts}}{{println $k}}{{end}}')

    [ -n "$user" ] || fail "the image has no USER: it would run as root"
    [ ${#image_cmd[@]} -gt 0 ] || fail "the image has no CMD"
    [ ${#volumes[@]} -eq 1 ] || fail "expected one VOLUME, the image has: ${volumes[*]:-none}"
    [ ${#ports[@]} -eq 1 ] || fail "expected one EXPOSEd port, the image has: ${ports[*]:-none}"
    if [ ${#health[@]} -lt 2 ] || [ "${health[0]}" = NONE ]; then
        fail "the image has no HEALTHCHECK (docker-compose.yml's cli waits for service_healthy)"
    fi
    volume=${volumes[0]}
    port=${ports[0]%/*}

    # The log file the CMD writes must be on the volume, or it is lost with the container.
    local i
    log_path=""
    for ((i = 0; i + 1 < ${#image_cmd[@]}; i++)); do
        [ "${image_cmd[i]}" = --log-file ] && log_path=${image_cmd[i + 1]}
    done
    [[ $log_path == "$volume"/* ]] || fail "the CMD's --log-file '$log_path' is not on the volume $volume"

    # USER as Docker reads it: name or uid, optionally :group, looked up in the image's files.
    local name=${user%%:*} group="" entry
    [[ $user == *:* ]] && group=${user#*:}
    entry=$(awk -F: -v u="$name" '$1 == u || $3 == u { print; exit }' "$mnt/etc/passwd")
    [ -n "$entry" ] || fail "USER $user is not in the image's /etc/passwd"
    IFS=: read -r user_name _ uid gid _ home _ <<<"$entry"
    if [ -n "$group" ]; then
        gid=$(awk -F: -v g="$group" '$1 == g || $3 == g { print $3; exit }' "$mnt/etc/group")
        [ -n "$gid" ] || fail "group $group is not in the image's /etc/group"
    fi
    [ "$uid" -ne 0 ] || fail "USER $user is root"
    note "user $user_name ($uid:$gid), workdir $workdir, volume $volume, port $port"
    note "CMD ${image_cmd[*]}"
    note "HEALTHCHECK ${health[*]}"
}

# The runtime image must be the slim one: no toolchain, no headers, no Widgets or Gui.
check_contents() {
    local installed bad
    installed=$(awk -v RS= '/\nStatus: install ok installed/ { sub(/^Package: /, ""); sub(/\n.*/, ""); print }' \
        "$mnt/var/lib/dpkg/status")
    [ -n "$installed" ] || fail "no installed packages found in the image's dpkg status"
    # gcc-12-base and libgcc-s1 are runtime packages every Debian image has: not compilers.
    bad=$(grep -E '^(gcc|g\+\+|cpp|clang|tcc|binutils|build-essential)(-[0-9.]+)?$|-dev$|^libqt6(gui|widgets)' <<<"$installed" || true)
    [ -z "$bad" ] || fail "build-only packages in the runtime image: $(tr '\n' ' ' <<<"$bad")"
    local f dir
    for f in gcc g++ cc c++ cpp clang; do
        for dir in usr/bin usr/local/bin bin; do
            [ ! -e "$mnt/$dir/$f" ] || fail "a compiler in the runtime image: /$dir/$f"
        done
    done
    local qt_gui
    qt_gui=$(find "$mnt/usr" "$mnt/opt" \( -name 'libQt6Widgets*' -o -name 'libQt6Gui*' \) | sed "s#^$mnt##" | head -3)
    [ -z "$qt_gui" ] || fail "Qt Gui/Widgets libraries in the runtime image: $qt_gui"
    note "$(wc -l <<<"$installed") packages, no compiler, no -dev package, no Qt Gui/Widgets"

    image_size=$(image_mb "$image")
    note "image size: $image_size MB (uncompressed, as podman images shows it)"
    [ "$image_size" -le "$max_mb" ] || fail "the image is $image_size MB, over QKV_IMAGE_MAX_MB=$max_mb"
}

# ---------------------------------------------------------------------------------------------
# Running it. The same scenario either way: start the image's CMD unchanged, wait for its
# HEALTHCHECK, talk to it with the image's qkv-cli, check user, workdir and linkage, SIGTERM.
#   podman: a real container (own network namespace, a named volume on the log path)
#   chroot: where the sandbox refuses containers, the mounted image under a throw-away writable
#           layer, in new mount, network and pid namespaces, run as the image's user and workdir
#           with its environment, a host directory standing in for the volume

# exec_argv runs a command in the running container, as `docker exec` would: podman exec, or
# chroot + env with the image's user, environment and working directory.
expect() {
    local want=$1 got
    shift
    # The timeout only guards against a hang: podman exec takes seconds on a loaded machine.
    got=$(timeout 60 "${exec_argv[@]}" "$@" 2>&1) || fail "$* failed (status $?): $got"
    [ "$got" = "$want" ] || fail "$*: expected '$want', got '$got'"
    note "$* -> $got"
}

healthcheck() {
    if [ "$mode" = podman ]; then
        pm healthcheck run "$container" >/dev/null 2>&1
    elif [ "${health[0]}" = CMD-SHELL ]; then
        timeout 10 "${exec_argv[@]}" /bin/sh -c "${health[1]}" >/dev/null 2>&1
    else
        timeout 10 "${exec_argv[@]}" "${health[@]:1}" >/dev/null 2>&1
    fi
}

# $1: "first" writes a key; "restart" is a new start on the same volume, which must find it
# there (the SIGTERM of the first saved dump.rdb).
scenario() {
    local round=$1 server_pid=""
    if [ "$mode" = podman ]; then
        pm run -d --name "$container" --network none --health-interval disable \
            -v "$volume_name:$volume" "$image" >"$work/run.out" 2>&1 ||
            fail "podman run: $(tail -3 "$work/run.out")"
        exec_argv=(podman "${podman_opts[@]}" exec "$container")
    else
        "${exec_argv[@]}" "${image_cmd[@]}" >"$work/server.out" 2>&1 &
        server_pid=$!
    fi

    local deadline=$((SECONDS + 30))
    until healthcheck; do
        [ "$SECONDS" -lt "$deadline" ] || fail "the HEALTHCHECK did not pass within 30 s: $(server_output)"
        sleep 0.2
    done
    note "HEALTHCHECK passed"
    expect PONG qkv-cli -p "$port" PING
    if [ "$round" = first ]; then
        expect OK qkv-cli -p "$port" SET docker-check works
    fi
    expect works qkv-cli -p "$port" GET docker-check
    expect "$user_name" id -un
    expect "$workdir" pwd

    local binary libs
    for binary in "${binaries[@]}"; do
        libs=$("${exec_argv[@]}" ldd "$binary" 2>&1) || fail "ldd $binary: $libs"
        ! grep -q 'not found' <<<"$libs" || fail "$binary misses libraries: $(grep 'not found' <<<"$libs")"
        ! grep -qE 'libQt6(Widgets|Gui)' <<<"$libs" || fail "$binary links Qt Widgets/Gui"
        note "ldd $binary: $(grep -oE 'libQt6[A-Za-z]+' <<<"$libs" | sort -u | tr '\n' ' ')all found"
    done

    # SIGTERM, as `docker stop` sends it; a clean shutdown exits 0.
    local status
    if [ "$mode" = podman ]; then
        pm kill --signal TERM "$container" >/dev/null
        status=$(timeout 30 podman "${podman_opts[@]}" wait "$container") || fail "no exit 30 s after SIGTERM"
    else
        kill -TERM "$server_pid"
        local i
        for i in $(seq 100); do
            kill -0 "$server_pid" 2>/dev/null || break
            [ "$i" -lt 100 ] || fail "server still running 10 s after SIGTERM"
            sleep 0.1
        done
        status=0
        wait "$server_pid" || status=$?
    fi
    [ "$status" -eq 0 ] || fail "qkv-server exited with status $status after SIGTERM: $(server_output)"
    note "SIGTERM: exit status 0"
}

server_output() {
    if [ "$mode" = podman ]; then pm logs "$container" 2>&1 | tail -5; else tail -5 "$work/server.out"; fi
}

# Called as `docker-check.sh __chroot WORK`, in new namespaces (see run_chroot).
chroot_helper() {
    work=$1
    mode=chroot
    # shellcheck source=/dev/null
    source "$work/facts.sh"
    local rootfs="$work/root"
    mount -t tmpfs -o mode=755 qkv-layer "$work/layer" # the container's writable layer
    mkdir "$work/layer/upper" "$work/layer/work"
    mount -t overlay qkv-root -o "lowerdir=$mnt,upperdir=$work/layer/upper,workdir=$work/layer/work" "$rootfs"
    mount -t proc proc "$rootfs/proc"
    mount --bind /dev "$rootfs/dev"
    mount --bind "$work/volume" "$rootfs$volume"
    ip link set lo up
    exec_argv=(chroot --userspec="$uid:$gid" --groups="$gid" "$rootfs"
        /usr/bin/env -i -C "$workdir" "${image_env[@]}" HOME="$home" HOSTNAME=qkv-check)
    scenario first
    scenario restart
}

run_chroot() {
    mkdir -p "$work/root" "$work/layer" "$work/volume"
    # The volume starts as a copy of the image's directory (owner and mode), as Docker's do.
    chown "$(stat -c %u:%g "$mnt$volume")" "$work/volume"
    chmod "$(stat -c %a "$mnt$volume")" "$work/volume"
    declare -p mnt volume port uid gid home user_name workdir image_env image_cmd health binaries \
        podman_opts >"$work/facts.sh"
    # --kill-child: nothing outlives the check, even when it is interrupted.
    unshare --mount --net --pid --fork --kill-child --propagation private \
        bash "$script" __chroot "$work" || exit 1
    volume_dir="$work/volume"
}

run_podman() {
    pm volume create "$volume_name" >/dev/null
    scenario first
    # A new container from the image on the same volume, as `docker compose up` after `down`.
    pm rm -f "$container" >/dev/null
    scenario restart
    volume_dir=$(pm volume inspect --format '{{.Mountpoint}}' "$volume_name")
}

# podman run first; on these sandboxes crun is refused setrlimit (RLIMIT_NOFILE/NPROC) and
# cgroup v1/v2 hybrid mounts, so it may not start any container at all.
choose_run_mode() {
    mode=$run_mode
    [ "$mode" = auto ] || return 0
    local out
    if out=$(timeout 60 podman "${podman_opts[@]}" run --rm --network none --no-healthcheck "$image" true 2>&1); then
        mode=podman
    else
        mode=chroot
        note "podman run does not work on this machine: $(grep -v '^time=' <<<"$out" | tail -1)"
        note "falling back: the image's CMD in a chroot of the mounted image, as its user"
    fi
}

check_run() {
    log "running $image ($mode)"
    case "$mode" in
    podman) run_podman ;;
    chroot) run_chroot ;;
    esac
    local log_file="$volume_dir/${log_path#"$volume"/}" lines
    [ -s "$log_file" ] || fail "no $log_path on the volume"
    lines=$(wc -l <"$log_file")
    [ "$(stat -c %u "$log_file")" = "$uid" ] || fail "$log_path is not owned by $user_name"
    grep -q "shutdown complete" "$log_file" || fail "no 'shutdown complete' in $log_path: $(tail -3 "$log_file")"
    note "$log_path: $lines lines, written by $user_name, ends with: $(tail -1 "$log_file" | cut -c1-80)"
    local dump="$volume_dir/dump.rdb"
    [ -s "$dump" ] || fail "no dump.rdb on the volume after SIGTERM"
    [ "$(head -c 9 "$dump")" = REDIS0010 ] || fail "dump.rdb is not an RDB version 10 file"
    note "dump.rdb on the volume: $(stat -c %s "$dump") bytes, kept across the restart"
}

# ---------------------------------------------------------------------------------------------
# docker-compose.yml, parsed and held against the image just built. Debian 12's podman-compose
# (1.0.3) has no `config` command, ignores profiles and depends_on conditions, and its
# --dry-run still creates networks and volumes, so the file is read with python3-yaml.

check_compose() {
    log "docker-compose.yml"
    /usr/bin/python3 - "$root/docker-compose.yml" "$image" "$volume" "$port" <<'EOF' || fail "docker-compose.yml"
import sys, yaml

path, image, volume, port = sys.argv[1:]
doc = yaml.safe_load(open(path))
errors = []
def check(ok, msg):
    if not ok:
        errors.append(msg)

services = doc.get("services") or {}
named_volumes = doc.get("volumes") or {}
server, cli = services.get("server"), services.get("cli")
check(server is not None and cli is not None, "services server and cli are both needed")
server, cli = server or {}, cli or {}

build = server.get("build")
context = build.get("context") if isinstance(build, dict) else build
check(context == ".", f"server builds from '.' (the Dockerfile), not {build!r}")
if isinstance(build, dict):
    check(build.get("dockerfile", "Dockerfile") == "Dockerfile", "server builds the Dockerfile")
for name, svc in (("server", server), ("cli", cli)):
    check(svc.get("image") == image, f"{name} uses image {image}, not {svc.get('image')!r}")

published = [str(p) for p in server.get("ports", [])]
check(any(p == port or p.split("/")[0].endswith(":" + port) for p in published),
      f"server publishes the image's port {port}: {published}")

mounts = [str(v) for v in server.get("volumes", [])]
on_volume = [m for m in mounts if m.split(":")[1:2] == [volume]]
check(on_volume, f"server mounts a volume on the image's VOLUME {volume}: {mounts}")
for m in on_volume:
    source = m.split(":")[0]
    check(source in named_volumes, f"{source} is declared under top-level volumes")

depends = cli.get("depends_on") or {}
check(isinstance(depends, dict) and (depends.get("server") or {}).get("condition") == "service_healthy",
      "cli waits for server: depends_on server condition service_healthy")
command = [str(c) for c in cli.get("command", [])]
check(command[:1] == ["qkv-cli"] and "server" in command and port in command,
      f"cli runs qkv-cli against server:{port}: {command}")

for e in errors:
    print("   docker-compose.yml: " + e, file=sys.stderr)
if errors:
    sys.exit(1)
print(f"   services {', '.join(services)}; server builds {image} from ., publishes {published}, "
      f"keeps {volume} in {', '.join(m.split(':')[0] for m in on_volume)}; "
      "cli waits for the HEALTHCHECK (service_healthy)", file=sys.stderr)
EOF
}

# ---------------------------------------------------------------------------------------------

work=""
mnt=""
mode=""
replaced=()
container="qkv-check-$$"
volume_name="qkv-check-logs-$$"
binaries=(/opt/qkv/bin/qkv-server /opt/qkv/bin/qkv-cli)

cleanup() {
    if [ "$mode" = podman ]; then
        pm rm -f "$container" >/dev/null 2>&1 || true
        pm volume rm -f "$volume_name" >/dev/null 2>&1 || true
    fi
    if [ -n "$mnt" ]; then pm image unmount "$image" >/dev/null 2>&1 || true; fi
    if [ -n "$work" ]; then rm -rf "$work"; fi
    return 0
}

main() {
    refresh_base=0
    while [ $# -gt 0 ]; do
        case "$1" in
        --refresh-base) refresh_base=1; shift ;;
        -h | --help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$script"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
        esac
    done
    case "$run_mode" in
    auto | podman | chroot) ;;
    *) fail "QKV_DOCKER_RUN must be auto, podman or chroot, not $run_mode" ;;
    esac
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || fail "docker-check needs root (podman, debootstrap, mounts)"
        echo "docker-check needs root (podman, debootstrap, mounts): running it with sudo" >&2
        exec sudo --preserve-env=QKV_DOCKER_CACHE,QKV_DOCKER_RUN,QKV_IMAGE,QKV_IMAGE_MAX_MB,QKV_PODMAN_OPTS,QKV_DEBIAN_MIRROR \
            bash "$script" "$@"
    fi

    local start=$SECONDS phase
    trap cleanup EXIT
    work=$(mktemp -d /tmp/qkv-docker-check.XXXXXX)
    deps
    choose_storage

    log "base images"
    phase=$SECONDS
    base_images
    local t_base=$((SECONDS - phase))

    phase=$SECONDS
    build_image
    local t_build=$((SECONDS - phase))

    log "image contents"
    phase=$SECONDS
    mnt=$(pm image mount "$image")
    read_image_facts
    check_contents
    choose_run_mode
    check_run
    check_compose
    local t_check=$((SECONDS - phase))

    log "docker-check passed: $image, $image_size MB, run with $mode" \
        "(base ${t_base}s, build ${t_build}s, checks ${t_check}s, total $((SECONDS - start))s)"
}

if [ "${1:-}" = __chroot ]; then
    shift
    chroot_helper "$@"
else
    main "$@"
fi
