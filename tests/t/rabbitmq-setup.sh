#!/usr/bin/env bash
# rabbitmq-setup: every generated setup.sh, run against a fake rabbitmqctl.
#
# The fake (on PATH) keeps vhosts and users in a state file, behaves like
# RabbitMQ 3.x (header rows with -q, add_* fail on existing names,
# passwords read from stdin when the argument is left out, trimmed), and
# logs every call: each argument on a line of its own, and what it read
# on stdin.  For dev, prod, folsom-dev and a fixture with hostile names,
# tags, two vhosts and shared users, every script must:
#  - pass `sh -n`, be mode 0700, and produce the same calls under dash and
#    bash --posix;
#  - make exactly the calls the IR implies (python3 reading `ztopo ir`),
#    argument for argument: on a fresh node add_vhost/add_user, on a
#    second run (the fake now reports them) change_password and no add_*;
#  - leave each user with exactly its hostile password; in Zed the
#    password is on stdin and in no argument, in Folsom an argument;
#  - on a prod "cluster" (one shared state) the second node's script only
#    sets the same values again.
# Also: a Zed password with white space at an end (which rabbitmqctl
# would trim from stdin) is a compile error that does not print it.
set -euo pipefail
work=$TMPDIR
fail() { echo "rabbitmq-setup: FAIL: $*" >&2; exit 1; }

mkdir -p "$work/bin"
cat >"$work/bin/rabbitmqctl" <<'EOF'
#!/usr/bin/env python3
import json, os, sys
state_file, log = os.environ["FAKE_STATE"], os.environ["FAKE_LOG"]
try:
    st = json.load(open(state_file))
except FileNotFoundError:
    st = {"vhosts": ["/"], "users": {"guest": {"pw": "guest", "tags": ["administrator"]}}, "perms": {}}
args = sys.argv[1:]
entry = ["$ rabbitmqctl"] + ["  " + a for a in args]
def out(rc):
    with open(log, "a") as f:
        f.write("\n".join(entry) + "\n")
    json.dump(st, open(state_file, "w"))
    sys.exit(rc)
def password(a):
    if len(a) == 2:
        return a[1]
    line = sys.stdin.readline()
    entry.append("  <stdin> " + line.rstrip("\n"))
    return line.strip()
quiet = args[:1] == ["-q"]
a = args[1:] if quiet else args
if not a:
    out(64)
cmd = a[0]
if cmd == "list_vhosts" and a[1:] == ["name", "tracing"]:
    print("name\ttracing")
    for v in st["vhosts"]:
        print(v + "\tfalse")
elif cmd == "list_users" and len(a) == 1:
    print("user\ttags")
    for u, d in st["users"].items():
        print(u + "\t[" + ",".join(d["tags"]) + "]")
elif cmd == "add_vhost" and len(a) == 2:
    if a[1] in st["vhosts"]:
        print("Error: vhost_already_exists", file=sys.stderr); out(70)
    st["vhosts"].append(a[1])
elif cmd in ("add_user", "change_password") and len(a) in (2, 3):
    exists = a[1] in st["users"]
    if exists != (cmd == "change_password"):
        print("Error: user exists or not", file=sys.stderr); out(70)
    st["users"].setdefault(a[1], {"tags": []})["pw"] = password(a[1:])
elif cmd == "set_user_tags" and len(a) >= 2 and a[1] in st["users"]:
    st["users"][a[1]]["tags"] = a[2:]
elif (cmd == "set_permissions" and len(a) == 7 and a[1] == "-p" and
      a[2] in st["vhosts"] and a[3] in st["users"]):
    st["perms"][a[3] + "\t" + a[2]] = a[4:]
else:
    print("Error: bad call", file=sys.stderr); out(64)
out(0)
EOF
chmod +x "$work/bin/rabbitmqctl"
PATH=$work/bin:$PATH

cat >"$work/expect.py" <<'EOF'
# expect.py IR SERVER-ID STATE: the calls SERVER-ID's setup.sh must make
# on a node in STATE (the fake's state file; absent: a fresh node), as
# the fake logs them.
import json, os, sys
ir = json.load(open(sys.argv[1]))
sid = sys.argv[2]
try:
    st = json.load(open(sys.argv[3]))
except FileNotFoundError:
    st = {"vhosts": ["/"], "users": {"guest": {}}}
def pw(c):
    return os.environ["ZTOPO_SECRET_" + c["password"]["secret"].upper().replace("-", "_").replace(".", "_")]
creds = [c for c in ir["credentials"] if c["kind"] == "rabbitmq"
         and any(e["server"] == sid for e in c["consumers"])]
calls = [["-q", "list_vhosts", "name", "tracing"], ["-q", "list_users"]]
vh = []
for c in creds:
    if c["vhost"] not in vh:
        vh.append(c["vhost"])
calls += [["add_vhost", v] for v in vh if v not in st["vhosts"]]
users = []
for c in creds:
    if c["user"] in users:
        continue
    users.append(c["user"])
    cmd = "change_password" if c["user"] in st["users"] else "add_user"
    if ir["release"] == "folsom":
        calls.append([cmd, c["user"], pw(c)])
    else:
        calls.append([cmd, c["user"], "<stdin> " + pw(c)])
    tags = []
    for d in creds:
        if d["user"] == c["user"]:
            tags += [t for t in d["tags"] if t not in tags]
    if tags:
        calls.append(["set_user_tags", c["user"]] + tags)
seen = []
for c in creds:
    if (c["user"], c["vhost"]) in seen:
        continue
    seen.append((c["user"], c["vhost"]))
    p = c["permissions"]
    calls.append(["set_permissions", "-p", c["vhost"], c["user"],
                  p["configure"], p["write"], p["read"]])
for call in calls:
    print("$ rabbitmqctl\n" + "\n".join("  " + a for a in call))
if not creds:
    sys.exit("no rabbitmq credential uses " + sid)
EOF

cat >"$work/after.py" <<'EOF'
# after.py IR SERVER-ID STATE: every user of SERVER-ID has its password,
# tags and permissions in STATE
import json, os, sys
ir = json.load(open(sys.argv[1])); sid = sys.argv[2]; st = json.load(open(sys.argv[3]))
for c in ir["credentials"]:
    if c["kind"] != "rabbitmq" or not any(e["server"] == sid for e in c["consumers"]):
        continue
    want = os.environ["ZTOPO_SECRET_" + c["password"]["secret"].upper().replace("-", "_").replace(".", "_")]
    u = st["users"].get(c["user"])
    if u is None or u["pw"] != want:
        sys.exit("user %r: password %r, want %r" % (c["user"], u and u["pw"], want))
    if not set(c["tags"]) <= set(u["tags"]):
        sys.exit("user %r: tags %r" % (c["user"], u["tags"]))
    p = c["permissions"]
    if st["perms"].get(c["user"] + "\t" + c["vhost"]) != [p["configure"], p["write"], p["read"]]:
        sys.exit("user %r: permissions on %r" % (c["user"], c["vhost"]))
EOF

# Hostile, but no white space at the ends (see the last check).
tail='it'\''s "q" \ \\ $HOME `id` $(id) @h:5672/v %2F %s ; | & * ? [a] ~ # ü 密码 🔑 \'
export_secrets() { # IR-JSON SUFFIX
	local s
	for s in $(python3 -c 'import json,sys
print("\n".join(json.load(open(sys.argv[1]))["secrets"]))' "$1"); do
		export "ZTOPO_SECRET_$(tr 'a-z.-' 'A-Z__' <<<"$s")=$s$2: $tail"
	done
}

# hostile names, tags, several vhosts, one user in three credentials (two
# on the same vhost), two users on one vhost
cat >"$work/names.zt" <<'EOF'
openstack release zed;
network admin { nic_tag admin; subnet 10.0.0.0/24; pool 10.0.0.100 10.0.0.150; }
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
secret app-password;
secret ops-password;
credential app-mq {
    kind rabbitmq; user "o'neil $x"; vhost "/it's; `v`";
    permissions "^(app|a'b)\\.$" ".*" "";
    tags [monitoring]; password app-password;
}
credential app-mq3 {
    kind rabbitmq; user "o'neil $x"; vhost "/it's; `v`";
    permissions "^(app|a'b)\\.$" ".*" "";
    tags [administrator]; password app-password;
}
credential app-mq2 {
    kind rabbitmq; user "o'neil $x"; vhost "/other ü";
    tags [management, monitoring]; password app-password;
}
# "user" and "name" are also the header words of list_users/list_vhosts
credential ops-mq { kind rabbitmq; user user; vhost name; password ops-password; }
credential ops2-mq { kind rabbitmq; user "ops ü"; vhost name; password ops-password; }
service rabbitmq { role rabbitmq; }
service app { start "/bin/app"; uses rabbitmq via app-mq; }
service app2 { start "/bin/app2"; uses rabbitmq via app-mq2; }
service app3 { start "/bin/app3"; uses rabbitmq via app-mq3; }
service ops { start "/bin/ops"; uses rabbitmq via ops-mq; }
service ops2 { start "/bin/ops2"; uses rabbitmq via ops2-mq; }
zone mq { image base; memory 1G; quota 10G; nic admin; services rabbitmq; }
zone app { image base; memory 1G; quota 10G; nic admin; services [app, app2, app3, ops, ops2]; }
host h { address admin 10.0.0.10; memory 8G; disk 100G; }
target t { zone [mq, app] on h; }
EOF

run() { # SCRIPT STATE LOG SHELL...
	local script=$1 state=$2 log=$3
	shift 3
	: >"$log"
	FAKE_STATE=$state FAKE_LOG=$log "$@" "$script" </dev/null >/dev/null ||
	    fail "$script failed under $*: $(tail -5 "$log")"
}

shells=(sh)
command -v dash >/dev/null && shells+=(dash)
for ex in dev prod folsom-dev names; do
	zt=$ROOT/examples/$ex.zt
	[ $ex = names ] && zt=$work/names.zt
	d=$work/$ex
	mkdir -p "$d"
	"$ZTOPO" ir "$zt" >"$d/ir.json" || fail "$ex: ztopo ir"
	export_secrets "$d/ir.json" ""
	"$ZTOPO" compile "$zt" -o "$d/out" >"$d/log" 2>&1 || fail "$ex: compile: $(cat "$d/log")"
	release=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["release"])' "$d/ir.json")
	servers=$(python3 -c 'import json,sys
ir = json.load(open(sys.argv[1])); role = {s["name"]: s["role"] for s in ir["services"]}
print("\n".join(si["id"] for si in ir["service_instances"] if role[si["service"]] == "rabbitmq"))' "$d/ir.json")
	[ -n "$servers" ] || fail "$ex: no rabbitmq instance"
	n=0
	for sid in $servers; do
		n=$((n + 1))
		host=${sid#*@} host=${host%/*} zone=${sid##*/}
		s=$d/out/$host/$zone/rabbitmq/setup.sh
		[ "$(stat -c %a "$s")" = 755 ] || fail "$s: mode $(stat -c %a "$s")"
		[ "$(stat -c %a "${s%/*}/setup-passwords.sh")" = 600 ] ||
		    fail "${s%/*}/setup-passwords.sh: mode $(stat -c %a "${s%/*}/setup-passwords.sh")"
		[ "$(head -1 "$s")" = "#!/bin/sh" ] || fail "$s: no #!/bin/sh"
		sh -n "$s" || fail "$s: sh -n"
		for sh in "${shells[@]}" "bash --posix"; do
			# shellcheck disable=SC2086
			run "$s" "$d/state$n.$sh" "$d/log1" $sh
			python3 "$work/expect.py" "$d/ir.json" "$sid" /nonexistent >"$d/want1"
			diff -u "$d/want1" "$d/log1" || fail "$ex $sid ($sh): first run"
			cp "$d/state$n.$sh" "$d/before2"
			# shellcheck disable=SC2086
			run "$s" "$d/state$n.$sh" "$d/log2" $sh
			python3 "$work/expect.py" "$d/ir.json" "$sid" "$d/before2" >"$d/want2"
			diff -u "$d/want2" "$d/log2" || fail "$ex $sid ($sh): second run"
			grep -q '^  add_' "$d/log2" && fail "$ex $sid: add_* on the second run"
			python3 "$work/after.py" "$d/ir.json" "$sid" "$d/state$n.$sh" ||
			    fail "$ex $sid ($sh): state after the runs"
			if [ "$release" = zed ]; then
				grep -v '^  <stdin> ' "$d/log1" "$d/log2" | grep -qF -- "$tail" &&
				    fail "$ex $sid: a password in an argument"
				grep -qF -- "  <stdin> " "$d/log1" || fail "$ex $sid: no password on stdin"
			else
				grep -qF -- "<stdin>" "$d/log1" && fail "$ex $sid: folsom read stdin"
			fi
		done
	done
	# prod: mq on ctl1 and ctl2 as one cluster (one state): the second
	# node's script finds everything and only sets it again
	if [ $ex = prod ]; then
		[ "$n" = 2 ] || fail "prod: $n rabbitmq instances, expected 2"
		rm -f "$d/cluster"
		first=${servers%%$'\n'*} second=${servers##*$'\n'}
		for sid in "$first" "$second"; do
			host=${sid#*@} host=${host%/*} zone=${sid##*/}
			cp "$d/cluster" "$d/before" 2>/dev/null || rm -f "$d/before"
			run "$d/out/$host/$zone/rabbitmq/setup.sh" "$d/cluster" "$d/logc" sh
			python3 "$work/expect.py" "$d/ir.json" "$sid" "$d/before" >"$d/wantc"
			diff -u "$d/wantc" "$d/logc" || fail "prod cluster: $sid"
		done
		grep -q '^  change_password' "$d/logc" || fail "prod cluster: no change_password on the second node"
	fi
	echo "$ex: ok ($n scripts)"
done

# Zed reads passwords from stdin, trimmed: white space at an end is an
# error (and not printed); Folsom passes it as an argument, unharmed.
for pw in ' lead' 'trail ' $'nbsp\xc2\xa0' $'\xe3\x80\x80ideographic'; do
	export_secrets "$work/dev/ir.json" ""
	export ZTOPO_SECRET_NOVA_RABBIT_PASSWORD="$pw"
	if "$ZTOPO" compile "$ROOT/examples/dev.zt" -o "$work/ws" >"$work/log" 2>&1; then
		fail "dev: rabbit password ${pw@Q} accepted"
	fi
	grep -q 'begins or ends with white space' "$work/log" || fail "dev: ${pw@Q}: $(cat "$work/log")"
	grep -qF -- "$pw" "$work/log" && fail "dev: the password is printed"
done
export_secrets "$work/folsom-dev/ir.json" ""
export ZTOPO_SECRET_NOVA_RABBIT_PASSWORD=' lead and trail '
"$ZTOPO" compile "$ROOT/examples/folsom-dev.zt" -o "$work/ws" >/dev/null 2>&1 ||
    fail "folsom: a password with spaces at the ends refused"
run "$work/ws/devbox/mq/rabbitmq/setup.sh" "$work/ws-state" "$work/ws-log" sh
grep -qxF "   lead and trail " "$work/ws-log" || fail "folsom: the password did not arrive intact"
python3 "$work/after.py" "$work/folsom-dev/ir.json" rabbitmq@devbox/mq "$work/ws-state" ||
    fail "folsom: password with spaces"
echo "white space: ok"
