#!/usr/bin/env bash
# Bulk transfers through the tunnels of one build, on loopback: a sink service, a `server`
# tunnel in front of it, a `client` tunnel dialling that server, and MIB MiB (default 1024) of
# zeros pushed through the client's local port, on a new connection each time: WARMUP transfers
# (default 2) that are not timed, so that the JIT compiler has done most of its work, then one
# that is. Prints the MiB/s of the timed transfer (from the first byte sent to the sink's end of
# stream) and the CPU seconds of both tunnel processes together per GiB during it. The tunnels
# are the path a tunnelled connection takes (Splice: readNow, writeNow and the readiness
# callbacks), which `bench` does not take. With `socat` for JAR, two plain TCP relays (socat)
# stand in for the tunnels: the floor of the path. To compare two builds pair by pair:
#
#   scripts/alternate.sh 5 'scripts/tunnel-bulk.sh /tmp/after.jar >>/tmp/after.txt' \
#                          'scripts/tunnel-bulk.sh /tmp/before.jar >>/tmp/before.txt'
set -euo pipefail
if [ $# -lt 1 ]; then
    echo "usage: $0 JAR|socat [MIB [WARMUP]]" >&2
    exit 2
fi
jar=$1 mib=${2:-1024} warmup=${3:-2}
dir=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

# Waits up to 20 s for a line matching $2 in file $1 and prints its last field.
await_line() {
    for _ in $(seq 200); do
        if line=$(grep -m1 "$2" "$1" 2>/dev/null); then
            echo "${line##* }"
            return
        fi
        sleep 0.1
    done
    echo "no '$2' in $1:" >&2
    cat "$1" >&2
    exit 1
}

# The sink: counts what each connection brings, one connection after another, and writes
# "done TURN NANOS BYTES" when one ends.
python3 - "$dir/sink.port" "$dir/sink.done" "$warmup" <<'EOF' &
import socket, sys, time
server = socket.create_server(("127.0.0.1", 0))
open(sys.argv[1], "w").write(f"sink {server.getsockname()[1]}\n")
buffer = bytearray(1 << 20)
for turn in range(int(sys.argv[3]) + 1):
    connection, _ = server.accept()
    total = 0
    while (n := connection.recv_into(buffer)) > 0:
        total += n
    connection.close()
    with open(sys.argv[2], "a") as done:
        done.write(f"done {turn} {time.monotonic_ns()} {total}\n")
EOF
pids+=($!)
sink=$(await_line "$dir/sink.port" sink)

if [ "$jar" = socat ]; then
    # The floor of this path: two plain TCP relays in place of the tunnels, nothing multiplexed.
    relay() { # listens on a free port (into $port), relays each connection to port $1 in a child
        port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        socat -b 131072 "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$1" &
        pids+=($!)
        for _ in $(seq 200); do
            ss -ltnH "sport = :$port" | grep -q . && break
            sleep 0.05
        done
    }
    relay "$sink"
    server_pid=${pids[-1]} server_port=$port
    relay "$server_port"
    client_pid=${pids[-1]} local_port=$port
else
    java -jar "$jar" server --listen tcp://127.0.0.1:0 --forward "127.0.0.1:$sink" >"$dir/server.out" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    peer=$(await_line "$dir/server.out" "listening on")
    java -jar "$jar" client --peer "$peer" --listen 127.0.0.1:0 >"$dir/client.out" 2>&1 &
    client_pid=$!
    pids+=("$client_pid")
    local_port=$(await_line "$dir/client.out" "listening on")
    local_port=${local_port##*:}
fi

cpu() { # user + system clock ticks of one process and its children that ended (socat's)
    awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"
}

# The TURN-th transfer ($1): MIB MiB pushed through, then waits until the sink has counted them.
transfer() {
    python3 - "$local_port" "$mib" "$dir/source.start" <<'EOF'
import socket, sys, time
connection = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
chunk = bytes(1 << 20)
open(sys.argv[3], "w").write(f"start {time.monotonic_ns()}\n")
for _ in range(int(sys.argv[2])):
    connection.sendall(chunk)
connection.shutdown(socket.SHUT_WR)
connection.recv(1)
EOF
    for _ in $(seq 600); do
        grep -q "^done $1 " "$dir/sink.done" 2>/dev/null && break
        sleep 0.1
    done
    for _ in $(seq 100); do # a relay's child for the connection counts once it has ended
        pgrep -P "$server_pid" >/dev/null || pgrep -P "$client_pid" >/dev/null || break
        sleep 0.05
    done
}

for turn in $(seq 0 $((warmup - 1))); do
    transfer "$turn"
done
ticks=$(getconf CLK_TCK)
cpu_before=$(( $(cpu "$server_pid") + $(cpu "$client_pid") ))
transfer "$warmup"
cpu_after=$(( $(cpu "$server_pid") + $(cpu "$client_pid") ))
read -r _ start < "$dir/source.start"
read -r _ _ end received < <(grep "^done $warmup " "$dir/sink.done")
awk -v start="$start" -v end="$end" -v bytes="$received" -v cpu=$(( cpu_after - cpu_before )) -v hz="$ticks" 'BEGIN {
    seconds = (end - start) / 1e9
    printf "%d MiB in %.2f s: %.0f MiB/s; tunnels %.2f CPU s/GiB\n", bytes / 1048576, seconds, bytes / 1048576 / seconds,
        cpu / hz / (bytes / 1073741824)
}'
