#!/usr/bin/env bash
# tests/bench.sh -- `make bench`: how compile time grows with topology size.
#
# Generates descriptions with N hosts, each running 4 zones of 2 services
# (each service using the previous zone's through a credential) plus a
# global-zone service, and times `ztopo check` and `ztopo ir` on them.
# Cost should grow linearly: the last column (microseconds per zone) should
# stay roughly flat as N grows.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ZTOPO=${ZTOPO:-$ROOT/ztopo}
work=$(mktemp -d "${TMPDIR:-/tmp}/ztopo-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

gen() { # gen N > file
	local n=$1 h z
	cat <<HDR
network admin {
    nic_tag admin;
    subnet 10.0.0.0/8;
    gateway 10.0.0.1;
    pool 10.128.0.1 10.255.255.254;
}
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
secret pw;
credential db { kind mysql; user app; databases app; password pw; }
service mysql { role mysql; }
service agent { start "/opt/tools/bin/agent"; uses mysql via db; }
HDR
	for ((h = 0; h < n; h++)); do
		printf 'host h%d { address admin 10.%d.%d.%d; memory 64G; disk 1T; }\n' \
		    "$h" $((1 + h / 65536)) $((h / 256 % 256)) $((h % 256))
		for ((z = 0; z < 4; z++)); do
			printf 'service s%d-%da { start "/bin/a"; uses mysql via db; }\n' "$h" "$z"
			printf 'service s%d-%db { start "/bin/b"; uses s%d-%da; }\n' "$h" "$z" "$h" "$z"
			printf 'zone z%d-%d { image base; memory 1G; quota 10G; nic admin; services [s%d-%da, s%d-%db]; metadata { role "bench"; } }\n' \
			    "$h" "$z" "$h" "$z" "$h" "$z"
		done
	done
	echo 'zone db { image base; memory 4G; quota 100G; nic admin; services mysql; }'
	echo 'target t {'
	echo '    zone db on h0;'
	for ((h = 0; h < n; h++)); do
		printf '    zone [z%d-0, z%d-1, z%d-2, z%d-3] on h%d;\n' "$h" "$h" "$h" "$h" "$h"
	done
	printf '    global agent on ['
	for ((h = 0; h < n; h++)); do printf '%sh%d' "$([ $h = 0 ] || echo ', ')" "$h"; done
	echo '];'
	echo '}'
}

now_us() { date +%s%6N; }
printf '%8s %8s %8s %10s %10s %12s\n' hosts zones lines check_ms ir_ms us_per_zone
for n in 50 200 800 3200; do
	f=$work/bench-$n.zt
	gen "$n" >"$f"
	zones=$((n * 4 + 1))
	t0=$(now_us)
	"$ZTOPO" check "$f" >/dev/null
	t1=$(now_us)
	"$ZTOPO" ir "$f" >/dev/null
	t2=$(now_us)
	printf '%8d %8d %8d %10d %10d %12d\n' "$n" "$zones" "$(wc -l <"$f")" \
	    $(((t1 - t0) / 1000)) $(((t2 - t1) / 1000)) $(((t2 - t1) / zones))
done
