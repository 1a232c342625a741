#!/usr/bin/env bash
# Runs two commands in turn, A B A B ..., PAIRS times after one pair that is not counted, and
# prints each run's wall, user and system seconds (bash's own `time`) and, pair by pair, the
# ratio A/B of their CPU seconds (user + system). Each command is one string run by bash, so it
# may redirect its own output to keep the figures it prints:
#
#   scripts/alternate.sh 7 'java -jar /tmp/after.jar bench >>/tmp/after.txt 2>&1' \
#                          'java -jar /tmp/before.jar bench >>/tmp/before.txt 2>&1'
set -euo pipefail
if [ $# -ne 3 ]; then
    echo "usage: $0 PAIRS 'COMMAND_A' 'COMMAND_B'" >&2
    exit 2
fi
pairs=$1 a=$2 b=$3
TIMEFORMAT='%R %U %S'
run() { { time bash -c "$1" >/dev/null 2>&1; } 2>&1; }
for i in $(seq 0 "$pairs"); do
    ta=$(run "$a")
    tb=$(run "$b")
    if [ "$i" -eq 0 ]; then
        continue # the first pair warms the machine up
    fi
    read -r wa ua sa <<<"$ta"
    read -r wb ub sb <<<"$tb"
    awk -v i="$i" -v wa="$wa" -v ua="$ua" -v sa="$sa" -v wb="$wb" -v ub="$ub" -v sb="$sb" 'BEGIN {
        ratio = ub + sb > 0 ? sprintf("%.3f", (ua + sa) / (ub + sb)) : "n/a"
        printf "pair %d: A wall %s s, cpu %.2f s; B wall %s s, cpu %.2f s; cpu A/B %s\n", i, wa, ua + sa, wb, ub + sb, ratio
    }'
done
