#!/usr/bin/env bash
# Colour follows the terminal: on a pseudo-terminal (script(1)) diagnostics
# are coloured; with NO_COLOR set, TERM=dumb or --color=never they are not;
# through a pipe they are not, unless --color=always.
set -euo pipefail
command -v script >/dev/null || { echo "SKIP: script(1) not installed"; exit 77; }
cd "$TMPDIR"
printf 'network admin { nic_tag admin; subnet 10.0.0.0/24; }\nzone z { nic admn; }\n' >bad.zt
esc=$(printf '\033[')
tty() { # ENV... -- ARGS: stderr of ztopo on a pseudo-terminal
	local envs=()
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	env "${envs[@]}" script -qec "$(printf '%q ' "$ZTOPO" check bad.zt "$@") 2>&1" /dev/null </dev/null || true
}
coloured() { case $1 in *"$esc"*) return 0 ;; *) return 1 ;; esac; }
fail() { echo "diag-color: $*" >&2; exit 1; }

out=$(tty -u NO_COLOR TERM=xterm --) ; coloured "$out" || fail "no colour on a terminal: $out"
out=$(tty TERM=xterm NO_COLOR=1 --) ; coloured "$out" && fail "colour despite NO_COLOR"
out=$(tty -u NO_COLOR TERM=dumb --) ; coloured "$out" && fail "colour on TERM=dumb"
out=$(tty -u NO_COLOR TERM=xterm -- --color=never) ; coloured "$out" && fail "colour despite --color=never"
out=$(tty -u NO_COLOR TERM=xterm -- --diagnostics=json) ; coloured "$out" && fail "colour in JSON"
out=$("$ZTOPO" check bad.zt 2>&1 || true); coloured "$out" && fail "colour in a pipe"
out=$("$ZTOPO" check bad.zt --color=always 2>&1 || true); coloured "$out" || fail "no colour with --color=always"
out=$("$ZTOPO" check bad.zt --color=sometimes 2>&1; echo "rc=$?") || true
case $out in *'--color: "sometimes" is not auto, always or never'*rc=2) ;; *) fail "bad --color: $out" ;; esac
echo ok
