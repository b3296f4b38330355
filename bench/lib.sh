# Shared by bench/compare and bench/footprint (sourced): the release build, the library staged
# with its soname, and a sandbox in its own process. Expects $root and $tmp; sets $sandbox_pid
# and $config.

say() { printf '%s\n' "$*" >&2; }

sandbox_pid=
stop_sandbox() {
    if [ -n "$sandbox_pid" ]; then
        kill "$sandbox_pid" 2>/dev/null || true
        wait "$sandbox_pid" 2>/dev/null || true
        sandbox_pid=
    fi
}

# cargo build --release; copies libwxpresign.so to $tmp/lib with the soname link programs record.
build_release() {
    say "== build (release)"
    (cd "$root" && cargo build --release --quiet)
    mkdir -p "$tmp/lib"
    cp "$root/target/release/libwxpresign.so" "$tmp/lib/"
    ln -sf libwxpresign.so "$tmp/lib/libwxpresign.so.0"
}

# cc SOURCE -o OUTPUT against the staged library.
build_c() {
    cc -O2 -std=c11 -pthread "$1" -o "$2" -I"$root/include" -L"$tmp/lib" -lwxpresign \
        -Wl,-rpath,"$tmp/lib"
}

# `wxpresign sandbox init` + `serve` (release) on a free loopback port; waits until it listens.
# Arguments, if any, are a command prefix for the server (e.g. taskset -c 1).
start_sandbox() {
    say "== sandbox"
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "$root/target/release/wxpresign" sandbox init "$tmp/sandbox" --listen "127.0.0.1:$port" >/dev/null
    "$@" "$root/target/release/wxpresign" sandbox serve "$tmp/sandbox" >"$tmp/sandbox.log" 2>&1 &
    sandbox_pid=$!
    local _
    for _ in $(seq 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        sleep 0.1
    done
    config="$tmp/sandbox/client.json"
}
