#!/usr/bin/env bash
# Every vmadm payload of every example, checked against vmadm's own rules
# (the fact sheet vmadm.md, transcribed independently of backends/vmadm.c
# into the Python checker below):
#   - one payload per zone instance of the target, at HOST/vmadm/ZONE.json;
#   - valid JSON, one object, keys sorted at every level, jansson's fixed
#     indentation, a trailing newline;
#   - uuid = uuid5(NAMESPACE, "target/host/zone"), lowercase, unique;
#   - only properties vmadm accepts for the brand (Appendix A and B), with
#     the right types and limits; required ones present;
#   - max_swap >= max_physical_memory >= max_locked_memory (and the HVM and
#     tmpfs relations): nothing vmadm would silently adjust;
#   - nics: nic_tag characters, ips/gateways syntax, exactly one primary,
#     model for HVM; disks: model per brand, image_uuid + image_size or
#     size, at most one boot disk; IPs unique on a host;
#   - `compile --zone Z --host H` prints exactly the file's bytes (with
#     --redact, a payload that holds a secret is refused instead);
#   - determinism: compiling twice, from another directory and from a copy
#     elsewhere gives the same bytes;
#   - secrets: exactly the payloads that carry a secret (its value, or
#     the placeholder with --redact) are 0600, the same ones either way,
#     and a warning names each.
# The checker first proves it rejects broken payloads.
set -eu
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
NS=10aa668d-5002-49bc-808e-1b651fd176b6
export NS

check_py=$TMPDIR/check.py
cat >"$check_py" <<'EOF'
import ipaddress, json, os, re, sys, uuid

NS = uuid.UUID(os.environ["NS"])
ALL = {"bhyve", "builder", "joyent", "joyent-minimal", "kvm", "lx"}
OS = {"builder", "joyent", "joyent-minimal", "lx"}
HVM = {"kvm", "bhyve"}
NOBHYVE = ALL - {"bhyve"}

# Appendix A: property -> (type, brands, min, max)
TOP = {
    "alias": ("string", ALL), "archive_on_delete": ("boolean", ALL),
    "autoboot": ("boolean", ALL), "bhyve_extra_opts": ("string", {"bhyve"}),
    "billing_id": ("string", ALL), "boot": ("string", HVM),
    "bootrom": ("string", {"bhyve"}), "brand": ("string", ALL),
    "com1": ("string", {"bhyve"}), "com2": ("string", {"bhyve"}),
    "cpu_cap": ("integer", ALL, 0), "cpu_shares": ("integer", ALL, 0),
    "cpu_type": ("string", {"kvm"}),
    "customer_metadata": ("flat-object", ALL),
    "dataset_uuid": ("uuid", OS), "delegate_dataset": ("boolean", OS),
    "disk_driver": ("string", HVM), "disks": ("object-array", HVM),
    "dns_domain": ("string", OS), "do_not_inventory": ("boolean", ALL),
    "docker": ("boolean", {"joyent-minimal", "lx"}),
    "filesystems": ("object-array", OS), "firewall_enabled": ("boolean", ALL),
    "flexible_disk_size": ("integer", {"bhyve"}, 0),
    "fs_allowed": ("list", OS), "hostname": ("string", ALL),
    "image_uuid": ("uuid", ALL), "indestructible_delegated": ("boolean", ALL),
    "indestructible_zoneroot": ("boolean", ALL), "init_name": ("string", OS),
    "internal_metadata": ("flat-object", ALL),
    "internal_metadata_namespaces": ("list", ALL),
    "kernel_version": ("string", {"lx"}), "limit_priv": ("list", ALL),
    "maintain_resolvers": ("boolean", OS),
    "max_locked_memory": ("integer", ALL, 0), "max_lwps": ("integer", ALL, 0),
    "max_msg_ids": ("integer", ALL, 0),
    "max_physical_memory": ("integer", ALL, 0),
    "max_sem_ids": ("integer", ALL, 0), "max_shm_ids": ("integer", ALL, 0),
    "max_shm_memory": ("integer", ALL, 0), "max_swap": ("integer", ALL, 256),
    "mdata_exec_timeout": ("integer", OS, 0), "nic_driver": ("string", HVM),
    "nics": ("object-array", ALL), "nowait": ("boolean", OS),
    "owner_uuid": ("string", ALL), "package_name": ("string", NOBHYVE),
    "package_version": ("string", NOBHYVE),
    "pci_devices": ("object-array", {"bhyve"}),
    "qemu_extra_opts": ("string", {"kvm"}), "qemu_opts": ("string", {"kvm"}),
    "quota": ("integer", ALL, 0), "ram": ("integer", ALL, 0),
    "resolvers": ("list", ALL), "restart_init": ("boolean", OS),
    "routes": ("flat-object", ALL), "spice_opts": ("string", {"kvm"}),
    "spice_password": ("string", {"kvm"}),
    "spice_port": ("integer", {"kvm"}, -1), "tags": ("flat-object", ALL),
    "tmpfs": ("integer", OS, 0), "uuid": ("uuid", ALL),
    "vcpus": ("integer", HVM, 1), "vga": ("string", {"kvm"}),
    "virtio_txburst": ("integer", {"kvm"}, 0),
    "virtio_txtimer": ("integer", {"kvm"}, 0),
    "vnc_password": ("string", HVM), "vnc_port": ("integer", HVM, -1),
    "zfs_data_compression": ("string", OS),
    "zfs_data_recsize": ("integer", OS, 0),
    "zfs_filesystem_limit": ("integer", ALL, 0),
    "zfs_io_priority": ("integer", ALL, 0),
    "zfs_root_compression": ("string", ALL),
    "zfs_root_recsize": ("integer", ALL, 0),
    "zfs_snapshot_limit": ("integer", ALL, 0),
    "zfs_storage_pool_name": ("string", NOBHYVE),
    "zlog_max_size": ("integer", OS, 0), "zone_dataset_uuid": ("uuid", HVM),
    "zonename": ("string", ALL), "zpool": ("string", ALL),
}
# Appendix B
NIC = {
    "allow_dhcp_spoofing": ("boolean", ALL), "allow_ip_spoofing": ("boolean", ALL),
    "allow_mac_spoofing": ("boolean", ALL),
    "allow_restricted_traffic": ("boolean", ALL),
    "allow_unfiltered_promisc": ("boolean", HVM),
    "allowed_dhcp_cids": ("list", NOBHYVE), "allowed_ips": ("list", ALL),
    "blocked_outgoing_ports": ("list", ALL), "dhcp_server": ("boolean", ALL),
    "gateway": ("string", ALL), "gateways": ("list", ALL),
    "interface": ("string", ALL), "ip": ("string", ALL), "ips": ("list", ALL),
    "mac": ("string", ALL), "model": ("string", HVM),
    "mtu": ("integer", ALL, 576, 9000), "netmask": ("string", ALL),
    "network_uuid": ("uuid", ALL), "nic_tag": ("string", ALL),
    "primary": ("boolean", ALL), "vlan_id": ("integer", ALL, 0, 4095),
    "vrrp_primary_ip": ("string", ALL), "vrrp_vrid": ("integer", ALL, 0, 255),
}
DISK = {
    "block_size": ("integer", HVM, 0), "boot": ("boolean", HVM),
    "compression": ("string", HVM), "guest_block_size": ("string", {"bhyve"}),
    "image_name": ("string", {"kvm"}), "image_size": ("integer", HVM, 0),
    "image_uuid": ("uuid", HVM), "media": ("string", HVM),
    "model": ("string", HVM), "nocreate": ("boolean", HVM),
    "notrim": ("boolean", {"bhyve"}), "path": ("string", HVM),
    "pci_slot": ("string", {"bhyve"}), "refreservation": ("integer", HVM, 0),
    "size": ("integer", HVM, 0), "uuid": ("uuid", {"bhyve"}),
    "zpool": ("string", HVM),
}
FS = {k: ("list" if k == "options" else "string", OS)
      for k in ("options", "raw", "source", "target", "type")}
DISK_MODELS = {"kvm": {"virtio", "ide", "scsi"},
               "bhyve": {"virtio", "ahci", "nvme"}}
KVM_NIC_MODELS = {"virtio", "e1000", "rtl8139"}
UUID_RE = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$")
TAG_RE = re.compile(r"^[a-zA-Z0-9_/]+$")
LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")

class Bad(Exception):
    pass

def ipv4(s):
    try:
        ipaddress.IPv4Address(s)
        return True
    except ValueError:
        return False

def cidr(s, lo, hi):
    m = re.fullmatch(r"(\d+\.\d+\.\d+\.\d+)/(\d+)", s)
    return bool(m) and ipv4(m.group(1)) and lo <= int(m.group(2)) <= hi

def typed(where, v, spec, brand):
    kind, brands = spec[0], spec[1]
    if brand not in brands:
        raise Bad(f"{where} is not a {brand} property")
    ok = {
        "string": lambda: isinstance(v, str),
        "boolean": lambda: isinstance(v, bool),
        "integer": lambda: isinstance(v, int) and not isinstance(v, bool),
        "uuid": lambda: isinstance(v, str) and UUID_RE.match(v),
        "list": lambda: isinstance(v, list) and all(
            isinstance(x, (str, int)) and not isinstance(x, bool) and
            "," not in str(x) for x in v),
        "flat-object": lambda: isinstance(v, dict) and all(
            isinstance(x, (str, int, float, bool)) for x in v.values()),
        "object-array": lambda: isinstance(v, list) and all(
            isinstance(x, dict) for x in v),
    }[kind]()
    if not ok:
        raise Bad(f"{where}: not a valid {kind}: {v!r}")
    if kind == "integer":
        if len(spec) > 2 and v < spec[2]:
            raise Bad(f"{where} = {v} is below {spec[2]}")
        if len(spec) > 3 and v > spec[3]:
            raise Bad(f"{where} = {v} is above {spec[3]}")

def members(where, obj, table, brand):
    for k, v in obj.items():
        if k not in table:
            raise Bad(f"{where}.{k} is not a vmadm property")
        typed(f"{where}.{k}", v, table[k], brand)

def sorted_pairs(pairs):
    keys = [k for k, _ in pairs]
    if keys != sorted(keys):
        raise Bad(f"keys not sorted: {keys}")
    if len(set(keys)) != len(keys):
        raise Bad(f"duplicate keys: {keys}")
    return dict(pairs)

def check(text, target, host, zone):
    if not text.endswith("}\n") or text.endswith("\n\n"):
        raise Bad("not one object ending in a single newline")
    p = json.loads(text, object_pairs_hook=sorted_pairs)
    if not isinstance(p, dict):
        raise Bad("not an object")
    if json.dumps(p, indent=2, sort_keys=True, ensure_ascii=False) + "\n" != text:
        raise Bad("not in the fixed 2-space indented form")
    brand = p.get("brand")
    if brand not in ALL:
        raise Bad(f"bad brand {brand!r}")
    for k, v in p.items():
        if k not in TOP:
            raise Bad(f"{k} is not a vmadm create property")
        typed(k, v, TOP[k], brand)
    for k in ["uuid", "hostname", "nics"] + (["image_uuid"] if brand in OS else []) \
            + (["kernel_version"] if brand == "lx" else []):
        if k not in p:
            raise Bad(f"{k} missing")
    want = str(uuid.uuid5(NS, f"{target}/{host}/{zone}"))
    if p["uuid"] != want:
        raise Bad(f"uuid {p['uuid']} is not uuid5(ns, {target}/{host}/{zone}) = {want}")
    h = p["hostname"]
    if len(h) > 63 or not LABEL_RE.match(h):
        raise Bad(f"hostname {h!r} is not a valid host name")
    mem, swap, locked = (p.get("max_physical_memory"), p.get("max_swap"),
                         p.get("max_locked_memory"))
    if None in (mem, swap, locked):
        raise Bad("memory properties missing (vmadm would default them)")
    if not (swap >= mem >= locked) or swap < 256:
        raise Bad(f"memory relation broken: swap {swap}, physical {mem}, locked {locked}")
    if "tmpfs" in p and p["tmpfs"] > mem:
        raise Bad("tmpfs above max_physical_memory")
    if p.get("cpu_shares", 0) > 65535:
        raise Bad("cpu_shares above 65535")
    for r in p.get("resolvers", []):
        if not ipv4(r):
            raise Bad(f"resolver {r!r} is not an address")
    primaries = 0
    ips = []
    for i, n in enumerate(p["nics"]):
        members(f"nics.{i}", n, NIC, brand)
        if not TAG_RE.match(n.get("nic_tag", "")):
            raise Bad(f"nics.{i}: missing or invalid nic_tag")
        if brand in HVM and "model" not in n:
            raise Bad(f"nics.{i}: no model on a {brand} nic")
        if brand == "kvm" and n["model"] not in KVM_NIC_MODELS:
            raise Bad(f"nics.{i}: bad kvm model {n['model']}")
        if "ip" in n or "netmask" in n or "gateway" in n:
            raise Bad(f"nics.{i}: deprecated ip/netmask/gateway (use ips/gateways)")
        if not n.get("ips") or len(n["ips"]) > 20:
            raise Bad(f"nics.{i}: ips missing or more than 20")
        for a in n["ips"]:
            if not cidr(a, 8, 32):
                raise Bad(f"nics.{i}: bad ips entry {a!r}")
            ips.append(a.split("/")[0])
        for g in n.get("gateways", []):
            if not ipv4(g):
                raise Bad(f"nics.{i}: gateway {g!r} is not IPv4")
        if "primary" in n:
            if n["primary"] is not True:
                raise Bad(f"nics.{i}: primary must be true or absent")
            primaries += 1
    if primaries != 1:
        raise Bad(f"{primaries} primary nics")
    if len(set(ips)) != len(ips):
        raise Bad("the same IP on two nics")
    boots = 0
    for i, d in enumerate(p.get("disks", [])):
        members(f"disks.{i}", d, DISK, brand)
        if d.get("model") not in DISK_MODELS[brand]:
            raise Bad(f"disks.{i}: model {d.get('model')!r} invalid for {brand}")
        if "image_uuid" in d:
            if "image_size" not in d or "size" in d or "block_size" in d:
                raise Bad(f"disks.{i}: image_uuid needs image_size, forbids size")
        elif "size" not in d or "image_size" in d:
            raise Bad(f"disks.{i}: needs size")
        boots += d.get("boot", False) is True
    if boots > 1:
        raise Bad("several boot disks")
    if brand in HVM:
        for k in ("max_physical_memory", "max_locked_memory"):
            if p[k] < p.get("ram", 256) + 256:
                raise Bad(f"{k} below ram + 256")
    for i, f in enumerate(p.get("filesystems", [])):
        members(f"filesystems.{i}", f, FS, brand)
        for k in ("source", "target", "type"):
            if k not in f:
                raise Bad(f"filesystems.{i}: {k} missing")
    for dst, gw in p.get("routes", {}).items():
        if not (ipv4(dst) or cidr(dst, 8, 32)):
            raise Bad(f"route destination {dst!r}")
        if not (isinstance(gw, str) and (ipv4(gw) or re.fullmatch(r"nics\[\d+\]", gw))):
            raise Bad(f"route gateway {gw!r}")
    for k in p.get("customer_metadata", {}):
        if k.endswith("_pw"):
            raise Bad(f"customer_metadata key {k} ends in _pw")
    return p, ips

def main():
    if sys.argv[1] == "selftest":
        # each mutation of a good payload must be rejected
        good = open(sys.argv[2]).read()
        target, host, zone = sys.argv[3:6]
        check(good, target, host, zone)
        p = json.loads(good)
        nic0 = dict(p["nics"][0])
        muts = {
            "unsorted": lambda q: good.replace('{\n  "alias"', '{\n  "zzz": 1,\n  "alias"', 1),
            "wrong uuid": lambda q: q.update(uuid=str(uuid.uuid4())),
            "upper uuid": lambda q: q.update(uuid=q["uuid"].upper()),
            "swap < mem": lambda q: q.update(max_swap=q["max_physical_memory"] - 1),
            "locked > mem": lambda q: q.update(max_locked_memory=q["max_physical_memory"] + 1),
            "two primaries": lambda q: q.update(nics=q["nics"] + [nic0]),
            "no primary": lambda q: q.update(nics=[{k: v for k, v in nic0.items() if k != "primary"}]),
            "nic_tag hyphen": lambda q: q.update(nics=[dict(nic0, nic_tag="a-b")]),
            "bare ip": lambda q: q.update(nics=[dict(nic0, ips=["10.0.0.5"])]),
            "kvm-only on os": lambda q: q.update(vcpus=2),
            "unknown prop": lambda q: q.update(memory=512),
            "string int": lambda q: q.update(quota="10"),
            "kernel on joyent": lambda q: q.update(kernel_version="4.3.0"),
            "no image": lambda q: q.pop("image_uuid"),
            "pw in customer": lambda q: q.update(customer_metadata={"root_pw": "x"}),
            "kvm nic without model": lambda q: (q.pop("image_uuid"),
                q.pop("delegate_dataset"), q.update(brand="kvm", ram=256)),
            "trailing data": lambda q: None,
        }
        failed = 0
        for name, mut in muts.items():
            q = json.loads(good)
            r = mut(q)
            text = r if isinstance(r, str) else (
                good + "{}\n" if name == "trailing data" else
                json.dumps(q, indent=2, sort_keys=True, ensure_ascii=False) + "\n")
            try:
                check(text, target, host, zone)
                print(f"selftest: checker accepted a payload with: {name}")
                failed = 1
            except (Bad, ValueError, KeyError, TypeError) as e:
                pass
        sys.exit(failed)
    # check DIR TARGET: every payload under DIR/*/vmadm/
    out, target, instances = sys.argv[2], sys.argv[3], sys.argv[4]
    want = set(l.strip() for l in open(instances) if l.strip())
    got, uuids, bad = set(), {}, 0
    host_ips = {}
    for host in sorted(os.listdir(out)):
        vd = os.path.join(out, host, "vmadm")
        if not os.path.isdir(vd):
            continue
        for f in sorted(os.listdir(vd)):
            zone = f[:-5]
            got.add(f"{zone}@{host}")
            try:
                p, ips = check(open(os.path.join(vd, f), encoding="utf-8").read(),
                               target, host, zone)
                if p["uuid"] in uuids:
                    raise Bad(f"uuid also used by {uuids[p['uuid']]}")
                uuids[p["uuid"]] = f"{host}/{zone}"
                for a in ips:
                    if a in host_ips.get(host, {}):
                        raise Bad(f"IP {a} also used by {host_ips[host][a]}")
                    host_ips.setdefault(host, {})[a] = zone
            except (Bad, ValueError) as e:
                print(f"{out}/{host}/vmadm/{f}: {e}")
                bad = 1
    if got != want:
        print(f"{out}: payloads {sorted(got)} != zone instances {sorted(want)}")
        bad = 1
    sys.exit(bad)

main()
EOF

fail=0
err() { echo "FAIL: $*"; fail=1; }

# the checker must reject broken payloads before its verdicts count
"$ZTOPO" compile "$ROOT/examples/dev.zt" --zone db >"$TMPDIR/good.json"
python3 "$check_py" selftest "$TMPDIR/good.json" dev devbox db || err "checker selftest"

# a copy of the examples at another path, and a directory to run from
mkdir -p "$TMPDIR/copy" "$TMPDIR/elsewhere"
cp "$ROOT"/examples/*.zt "$TMPDIR/copy/"
relroot=$(python3 -c 'import os,sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' \
    "$ROOT" "$TMPDIR/elsewhere")

npayloads=0
for f in "$ROOT"/examples/*.zt; do
	base=$(basename "$f" .zt)
	targets=$(sed -n 's/^target \([A-Za-z0-9_-]*\).*/\1/p' "$f")
	[ -n "$targets" ] || continue		# a library: no target
	for t in $targets; do
		o=$TMPDIR/$base-$t
		mkdir -p "$o"
		"$ZTOPO" compile "$f" -t "$t" --redact -o "$o/a" 2>"$o/a.err" ||
		    { err "$base -t $t: compile failed: $(cat "$o/a.err")"; continue; }
		"$ZTOPO" ir "$f" -t "$t" | python3 -c '
import json, sys
for z in json.load(sys.stdin)["zone_instances"]:
    print(z["zone"] + "@" + z["host"])' >"$o/instances"
		python3 "$check_py" check "$o/a" "$t" "$o/instances" ||
		    err "$base -t $t: payloads break vmadm rules"
		# determinism: again, from elsewhere (relative path), and a copy
		"$ZTOPO" compile "$f" -t "$t" --redact -o "$o/b" 2>/dev/null
		(cd "$TMPDIR/elsewhere" &&
		    "$ZTOPO" compile "$relroot/examples/$base.zt" -t "$t" \
		    --redact -o ../$base-$t/c 2>/dev/null)
		"$ZTOPO" compile "$TMPDIR/copy/$base.zt" -t "$t" --redact \
		    -o "$o/d" 2>/dev/null
		for v in b c d; do
			for p in "$o"/a/*/vmadm/*.json; do
				q=$o/$v/${p#"$o/a/"}
				cmp -s "$p" "$q" || err "$base -t $t: $q differs from $p"
			done
			n1=$(ls "$o"/a/*/vmadm/*.json | wc -l)
			n2=$(ls "$o"/$v/*/vmadm/*.json | wc -l)
			[ "$n1" = "$n2" ] || err "$base -t $t: $v has $n2 payloads, not $n1"
		done
		# --redact: 0600 exactly where a placeholder is; --zone prints
		# exactly the file's bytes
		for p in "$o"/a/*/vmadm/*.json; do
			npayloads=$((npayloads + 1))
			rel=${p#"$o/a/"}
			if grep -q '"@@[A-Z0-9_]*@@"' "$p"; then
				[ "$(stat -c %a "$p")" = 600 ] || err "$rel carries a placeholder, mode $(stat -c %a "$p")"
				grep -q "$rel carries secret" "$o/a.err" ||
				    err "--redact: no warning for $rel"
			else
				[ "$(stat -c %a "$p")" = 644 ] || err "$rel: mode $(stat -c %a "$p") with --redact"
			fi
			host=${p#"$o/a/"}; host=${host%%/*}
			zone=$(basename "$p" .json)
			if grep -q '"@@[A-Z0-9_]*@@"' "$p"; then
				# a payload with a secret is never printed
				# redacted: vmadm would create the placeholder
				if "$ZTOPO" compile "$f" -t "$t" --redact \
				    --zone "$zone" --host "$host" >"$TMPDIR/zone.json" \
				    2>"$TMPDIR/err"; then
					err "--zone $zone --redact printed a payload with a placeholder"
				fi
				grep -q "payload holds secret" "$TMPDIR/err" ||
				    err "--zone $zone --redact: $(cat "$TMPDIR/err")"
				continue
			fi
			"$ZTOPO" compile "$f" -t "$t" --redact --zone "$zone" \
			    --host "$host" >"$TMPDIR/zone.json" 2>"$TMPDIR/err" ||
			    err "--zone $zone --host $host failed: $(cat "$TMPDIR/err")"
			cmp -s "$p" "$TMPDIR/zone.json" ||
			    err "--zone $zone --host $host differs from $p"
		done
		# with secret values: 0600 exactly where a value appears
		envs=()
		while read -r s; do
			[ -n "$s" ] || continue
			envs+=("ZTOPO_SECRET_$(tr 'a-z.-' 'A-Z__' <<<"$s")=v4lue-of-$s")
		done < <("$ZTOPO" ir "$f" -t "$t" | python3 -c '
import json, sys
print("\n".join(json.load(sys.stdin)["secrets"]))')
		env "${envs[@]}" "$ZTOPO" compile "$f" -t "$t" -o "$o/s" \
		    2>"$TMPDIR/err" || { err "$base -t $t with secrets: $(cat "$TMPDIR/err")"; continue; }
		for p in "$o"/s/*/vmadm/*.json; do
			rel=${p#"$o/s/"}
			if grep -q 'v4lue-of-' "$p"; then
				[ "$(stat -c %a "$p")" = 600 ] || err "$rel holds a secret, mode $(stat -c %a "$p")"
				grep -q "$rel carries secret" "$TMPDIR/err" ||
				    err "no warning for $rel"
			else
				[ "$(stat -c %a "$p")" = 644 ] || err "$rel: mode $(stat -c %a "$p")"
			fi
			grep -q '"@@[A-Z0-9_]*@@"' "$p" && err "$rel: placeholder despite a value"
			[ "$(stat -c %a "$p")" = "$(stat -c %a "$o/a/$rel")" ] ||
			    err "$rel: mode differs between --redact and real secrets"
		done
	done
done
# the examples must exercise what is checked above
[ "$npayloads" -ge 20 ] || err "only $npayloads payloads checked"
for b in joyent joyent-minimal lx kvm bhyve; do
	grep -lq "\"brand\": \"$b\"" "$TMPDIR"/*/a/*/vmadm/*.json ||
	    err "no example payload of brand $b"
done
grep -q 'v4lue-of-' "$TMPDIR"/*/s/*/vmadm/*.json 2>/dev/null ||
    err "no example puts a secret into a payload"
echo "$npayloads payloads checked"
exit $fail
