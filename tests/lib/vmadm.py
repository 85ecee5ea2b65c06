#!/usr/bin/python3
"""A stand-in for SmartOS vmadm(8), for the tests: zones are JSON files.

    VMADM_ROOT=DIR vmadm.py create|get|lookup|update|reprovision|delete|
                            start|stop|reboot ...

Each zone is DIR/<uuid>.json, the object `vmadm get` would print; warnings
vmadm would log go to DIR/vmadm.log.  It touches nothing else and needs no
root.  It behaves like the real vmadm where ztopo's diff and rollout
depend on it (facts from vmadm's VM.js and proptable.js, as summarised in
the vmadm update fact sheet):

  - create fills in vmadm's defaults: zonename, zonepath, state, rctl
    defaults, tmpfs/locked/swap from max_physical_memory, HVM max_* from
    ram + overhead, nic interface names, ip/netmask/gateway beside
    ips/gateways, a MAC when none is given, the first nic primary, disk
    paths and sizes, datasets for delegate_dataset; create-only keys that
    are not stored (delegate_dataset, nowait, mdata_exec_timeout) vanish;
  - lookup -j adds `type` and, for OS zones, `ram`, as the CLI does;
  - update drops properties the brand may not update with a log line and
    exit 0; a dropped key the zone has (image_uuid, zpool, ...) or
    cpu_cap 0 on a zone without a cap fails as vmadm's 60 s vminfod wait
    does (without the wait); the whole-object keys are dropped silently;
    set_/remove_ maps, add_/update_/remove_ nics by MAC, disks by path
    (only while stopped, bar compression and refreservation), filesystems
    by target; memory properties move together as fixPayloadMemory moves
    them; an unknown MAC is an error;
  - reprovision takes image_uuid on joyent, joyent-minimal, lx and bhyve
    and refuses kvm; start and stop set autoboot, as vmadm does.

It does not model zonecfg, ZFS, networking or time: what changes when a
zone reboots is not visible here, only what vmadm stores.
"""
import json
import os
import random
import sys

OS_BRANDS = ("joyent", "joyent-minimal", "lx")
HVM_BRANDS = ("kvm", "bhyve")
OVERHEAD = {"kvm": 1024, "bhyve": 1280}
HVM_PRIV = "default,-file_link_any,-net_access,-proc_fork,-proc_info,-proc_session"
ZERO = "00000000-0000-0000-0000-000000000000"

# update permissions (proptable payload.allowed, update action)
UPD_ALL = {"alias", "hostname", "billing_id", "owner_uuid", "autoboot",
           "archive_on_delete", "do_not_inventory", "cpu_shares",
           "zfs_io_priority", "max_lwps", "max_msg_ids", "max_sem_ids",
           "max_shm_ids", "max_shm_memory", "cpu_cap",
           "max_physical_memory", "max_locked_memory", "max_swap", "ram",
           "quota", "zfs_root_compression", "zfs_root_recsize",
           "zfs_filesystem_limit", "zfs_snapshot_limit",
           "indestructible_zoneroot", "indestructible_delegated",
           "firewall_enabled", "resolvers", "limit_priv",
           "internal_metadata_namespaces",
           "add_nics", "update_nics", "remove_nics",
           "set_customer_metadata", "remove_customer_metadata",
           "set_internal_metadata", "remove_internal_metadata",
           "set_tags", "remove_tags", "set_routes", "remove_routes"}
UPD_OS = {"tmpfs", "dns_domain", "maintain_resolvers", "fs_allowed",
          "init_name", "restart_init", "zlog_max_size",
          "zfs_data_compression", "zfs_data_recsize", "add_filesystems",
          "update_filesystems", "remove_filesystems"}
UPD_BRAND = {"lx": {"kernel_version", "docker"},
             "joyent-minimal": {"docker"},
             "kvm": {"vcpus", "boot", "disk_driver", "nic_driver",
                     "vnc_port", "vnc_password", "cpu_type", "vga",
                     "qemu_opts", "qemu_extra_opts", "add_disks",
                     "update_disks", "remove_disks"},
             "bhyve": {"vcpus", "boot", "disk_driver", "nic_driver",
                       "vnc_port", "vnc_password", "bootrom", "com1", "com2",
                       "flexible_disk_size", "add_disks", "update_disks",
                       "remove_disks"}}
# dropped silently, exit 0, even when the zone has them (VM.js ignore list)
IGNORED = {"brand", "hvm", "last_modified", "server_uuid", "uuid",
           "zonename", "nics", "disks", "customer_metadata",
           "internal_metadata", "tags", "routes"}
NIC_UPD = {"allow_dhcp_spoofing", "allow_ip_spoofing", "allow_mac_spoofing",
           "allow_restricted_traffic", "allowed_ips",
           "blocked_outgoing_ports", "dhcp_server", "gateway", "gateways",
           "interface", "ip", "ips", "mac", "mtu", "netmask", "network_uuid",
           "nic_tag", "primary", "vlan_id", "vrrp_primary_ip", "vrrp_vrid"}
NIC_UPD_HVM = {"model", "allow_unfiltered_promisc"}
DISK_UPD = {"kvm": {"boot", "model", "compression", "refreservation"},
            "bhyve": {"boot", "model", "compression", "refreservation",
                      "size", "pci_slot", "uuid", "guest_block_size",
                      "notrim", "dangerous_allow_shrink"}}
DISK_RUNNING_OK = {"path", "compression", "refreservation"}
MEMORY = ("max_physical_memory", "max_locked_memory", "max_swap", "tmpfs",
          "ram")


class Fail(Exception):
    pass


def root():
    r = os.environ.get("VMADM_ROOT")
    if not r or not os.path.isdir(r):
        sys.stderr.write("vmadm stand-in: VMADM_ROOT is not a directory\n")
        sys.exit(2)
    return r


def log(msg):
    with open(os.path.join(root(), "vmadm.log"), "a") as f:
        f.write(msg + "\n")


def path_of(uuid):
    return os.path.join(root(), uuid + ".json")


def load(uuid):
    try:
        with open(path_of(uuid)) as f:
            return json.load(f)
    except FileNotFoundError:
        raise Fail("VM %s not found" % uuid)


def save(vm):
    tmp = path_of(vm["uuid"]) + ".tmp"
    with open(tmp, "w") as f:
        json.dump(vm, f, indent=2, sort_keys=True)
        f.write("\n")
    os.rename(tmp, path_of(vm["uuid"]))


def all_vms():
    out = []
    for n in sorted(os.listdir(root())):
        if n.endswith(".json"):
            with open(os.path.join(root(), n)) as f:
                out.append(json.load(f))
    return out


def read_payload(args):
    if "-f" in args:
        i = args.index("-f")
        name = args[i + 1]
        del args[i:i + 2]
        if name != "-":
            if not os.path.exists(name):
                raise Fail("File: %s does not exist." % name)
            with open(name) as f:
                text = f.read()
            return parse(text)
    if sys.stdin.isatty():
        raise Fail("Will not read from stdin when stdin is a tty.")
    return parse(sys.stdin.read())


def parse(text):
    try:
        p = json.loads(text)
    except ValueError as e:
        raise Fail("Invalid JSON payload: %s" % e)
    if not isinstance(p, dict):
        raise Fail("Invalid JSON payload: not an object")
    return p


def netmask(prefix):
    m = (0xffffffff << (32 - prefix)) & 0xffffffff
    return ".".join(str((m >> s) & 255) for s in (24, 16, 8, 0))


def fix_nic(n, index, brand):
    """vmadm's stored form of one nic."""
    n.setdefault("interface", ("eth%d" if brand == "lx" else "net%d") % index)
    if "mac" not in n:
        n["mac"] = "%02x:%02x:%02x:%02x:%02x:%02x" % (
            0x92, *[random.randrange(256) for _ in range(5)])
    n["mac"] = n["mac"].lower()
    for k in ("ip", "netmask", "gateway"):
        n.pop(k, None)
    for cidr in n.get("ips", []):
        if "/" in cidr and ":" not in cidr:
            a, p = cidr.split("/")
            n["ip"], n["netmask"] = a, netmask(int(p))
            break
    for g in n.get("gateways", []):
        if ":" not in g:
            n["gateway"] = g
            break
    if n.get("primary") is not True:
        n.pop("primary", None)


def fix_memory(vm, given, old):
    """fixPayloadMemory, as far as ztopo's payloads reach it."""
    hvm = vm["brand"] in HVM_BRANDS
    if hvm:
        if "ram" in given:
            for k in ("max_physical_memory", "max_locked_memory", "max_swap"):
                if k not in given:
                    vm[k] = vm["ram"] + OVERHEAD[vm["brand"]]
        floor = vm.get("ram", 0) + 256
        for k in ("max_physical_memory", "max_locked_memory"):
            if vm.get(k, floor) < floor:
                vm[k] = floor
    elif "max_physical_memory" in given and old is not None:
        phys, ophys = vm["max_physical_memory"], old["max_physical_memory"]
        if "max_locked_memory" not in given:
            vm["max_locked_memory"] = phys - (ophys - old["max_locked_memory"])
        if "max_swap" not in given:
            vm["max_swap"] = max(256, phys + (old["max_swap"] - ophys))
        if "tmpfs" not in given and ophys:
            vm["tmpfs"] = int(old["tmpfs"] * phys / ophys)
    if "max_physical_memory" in vm:
        phys = vm["max_physical_memory"]
        if vm.get("max_locked_memory", 0) > phys:
            vm["max_locked_memory"] = phys
        if vm.get("max_swap", phys) < phys:
            vm["max_swap"] = phys
        if not hvm and vm.get("tmpfs", 0) > phys:
            vm["tmpfs"] = phys
        if not hvm:
            vm["max_shm_memory"] = phys


def disk_path(vm, i):
    if vm["brand"] == "bhyve":
        return "/dev/zvol/rdsk/zones/%s/disk%d" % (vm["uuid"], i)
    return "/dev/zvol/rdsk/zones/%s-disk%d" % (vm["uuid"], i)


def fix_disk(vm, d, i):
    d.setdefault("path", disk_path(vm, i))
    if "image_size" in d:
        d.setdefault("size", d["image_size"])
    d.setdefault("media", "disk")
    d.setdefault("zpool", "zones")
    d.setdefault("compression", "off")
    d.setdefault("refreservation", d.get("size", 0))
    d.setdefault("block_size", 8192)
    d["zfs_filesystem"] = d["path"].replace("/dev/zvol/rdsk/", "")


def create(args):
    p = read_payload(args)
    brand = p.get("brand")
    if brand not in OS_BRANDS + HVM_BRANDS:
        raise Fail("Invalid value(s) for: brand")
    uuid = p.get("uuid") or "%08x-0000-4000-8000-%012x" % (
        random.getrandbits(32), random.getrandbits(48))
    if os.path.exists(path_of(uuid)):
        raise Fail("VM with UUID %s already exists" % uuid)
    hvm = brand in HVM_BRANDS
    vm = {"uuid": uuid, "zonename": uuid, "brand": brand,
          "zonepath": "/zones/" + uuid, "zfs_filesystem": "zones/" + uuid,
          "zpool": "zones", "v": 1, "autoboot": True,
          "billing_id": ZERO, "owner_uuid": ZERO,
          "cpu_shares": 100, "zfs_io_priority": 100, "max_lwps": 2000,
          "max_msg_ids": 4096, "max_sem_ids": 4096, "max_shm_ids": 4096,
          "firewall_enabled": False, "resolvers": [],
          "customer_metadata": {}, "internal_metadata": {}, "tags": {},
          "routes": {}, "nics": [], "snapshots": [],
          "zfs_root_recsize": 131072,
          "quota": 1 if brand == "bhyve" else 10,
          "limit_priv": HVM_PRIV if hvm else "default",
          "server_uuid": "564dfd57-1dd4-6fc0-d973-4f137ee12afe",
          "create_timestamp": "2026-01-01T00:00:00.000Z",
          "last_modified": "2026-01-01T00:00:00.000Z"}
    if hvm:
        vm["hvm"] = True
        vm["ram"] = 256
        vm["vcpus"] = 1
        vm["disks"] = []
    else:
        vm["dns_domain"] = "local"
    for k, v in p.items():
        if k in ("nowait", "mdata_exec_timeout", "delegate_dataset"):
            continue
        vm[k] = json.loads(json.dumps(v))
    if p.get("delegate_dataset") is True and not hvm:
        vm["datasets"] = ["zones/%s/data" % uuid]
    if hvm:
        for k in ("max_physical_memory", "max_locked_memory", "max_swap"):
            vm.setdefault(k, vm["ram"] + OVERHEAD[brand])
    else:
        vm.setdefault("max_physical_memory", 256)
        phys = vm["max_physical_memory"]
        vm.setdefault("max_locked_memory", phys)
        vm.setdefault("max_swap", max(phys, 256))
        vm.setdefault("tmpfs", phys)
        vm["max_shm_memory"] = phys
    for i, n in enumerate(vm["nics"]):
        fix_nic(n, i, brand)
    if vm["nics"] and not any(n.get("primary") for n in vm["nics"]):
        vm["nics"][0]["primary"] = True
    for i, d in enumerate(vm.get("disks", [])):
        fix_disk(vm, d, i)
    fix_memory(vm, p, None)
    run = vm["autoboot"]
    vm["state"] = "running" if run else "stopped"
    vm["zone_state"] = "running" if run else "installed"
    save(vm)
    sys.stderr.write("Successfully created VM %s\n" % uuid)


def allowed_update(brand):
    s = set(UPD_ALL)
    if brand in OS_BRANDS:
        s |= UPD_OS
    s |= UPD_BRAND.get(brand, set())
    return s


def update(args):
    uuid = args.pop(0) if args else ""
    if len(uuid) != 36:
        raise Fail("Invalid or missing UUID for update", 2)
    p = read_payload(args)
    vm = load(uuid)
    old = json.loads(json.dumps(vm))
    brand = vm["brand"]
    ok = allowed_update(brand)
    timeout = []
    for k in list(p):
        if k in ok:
            continue
        if k not in IGNORED:
            log("Warning, invalid update property: [%s] removing from "
                "payload." % k)
            if k in vm:
                timeout.append(k)
        del p[k]
    if p.get("cpu_cap") == 0 and "cpu_cap" not in vm:
        timeout.append("cpu_cap")
    running = vm["state"] == "running"
    for k in ("add_disks", "remove_disks"):
        if k in p and vm["state"] != "stopped":
            raise Fail('updates to disks are only allowed when state is '
                       '"stopped", currently: %s' % vm["state"])
    for d in p.get("update_disks", []):
        if running and set(d) - DISK_RUNNING_OK:
            raise Fail('at least one specified update to disks is only '
                       'allowed when state is "stopped"')
    for k, v in p.items():
        if k.startswith("set_"):
            vm.setdefault(k[4:], {}).update(v)
        elif k.startswith("remove_") and k[7:] in ("customer_metadata",
                                                   "internal_metadata",
                                                   "tags", "routes"):
            for key in v:
                vm.setdefault(k[7:], {}).pop(key, None)
    for k, v in p.items():
        if k.startswith(("set_", "remove_", "add_", "update_")):
            continue
        if v is None or v == "":
            vm.pop(k, None)
        elif k == "cpu_cap" and v == 0:
            vm.pop(k, None)
        else:
            vm[k] = v
    # nics
    for mac in p.get("remove_nics", []):
        if not any(n["mac"] == mac for n in vm["nics"]):
            raise Fail("There is no NIC with the MAC address %s" % mac)
        vm["nics"] = [n for n in vm["nics"] if n["mac"] != mac]
    for u in p.get("update_nics", []):
        if "mac" not in u:
            raise Fail("NIC object needs a .mac property to update")
        hits = [n for n in vm["nics"] if n["mac"] == u["mac"]]
        if not hits:
            raise Fail("There is no existing NIC with that mac address")
        nok = NIC_UPD | (NIC_UPD_HVM if brand in HVM_BRANDS else set())
        for k, v in u.items():
            if k not in nok:
                continue
            if k == "primary":
                if v is not True:
                    raise Fail("invalid value for NIC's primary flag: %s "
                               "(must be true)" % json.dumps(v))
                for n in vm["nics"]:
                    n.pop("primary", None)
            hits[0][k] = v
        if "ip" in u and "ips" not in u:
            hits[0]["ips"] = [u["ip"] + "/" + str(
                bin(int("".join("%02x" % int(x) for x in
                    hits[0].get("netmask", "255.255.255.0").split(".")),
                    16)).count("1"))]
        if "gateway" in u and "gateways" not in u:
            hits[0]["gateways"] = [u["gateway"]]
    for n in p.get("add_nics", []):
        vm["nics"].append(json.loads(json.dumps(n)))
    used = set()
    for n in vm["nics"]:
        if "interface" in n:
            used.add(n["interface"])
    for n in vm["nics"]:
        if "interface" not in n:
            i = 0
            while ("eth%d" if brand == "lx" else "net%d") % i in used:
                i += 1
            n["interface"] = ("eth%d" if brand == "lx" else "net%d") % i
            used.add(n["interface"])
        fix_nic(n, 0, brand)
    vm["nics"].sort(key=lambda n: int(n["interface"][3:]))
    # disks
    for path in p.get("remove_disks", []):
        vm["disks"] = [d for d in vm["disks"] if d["path"] != path]
    for u in p.get("update_disks", []):
        hits = [d for d in vm.get("disks", []) if d["path"] == u.get("path")]
        if not hits:
            raise Fail("index (number) is required")
        for k, v in u.items():
            if k in DISK_UPD[brand] and k != "dangerous_allow_shrink":
                if k == "size" and v < hits[0]["size"] and \
                        not u.get("dangerous_allow_shrink"):
                    raise Fail("cannot resize disk: new size must be "
                               "greater than current size")
                hits[0][k] = v
    for d in p.get("add_disks", []):
        vm["disks"].append(json.loads(json.dumps(d)))
        fix_disk(vm, vm["disks"][-1], len(vm["disks"]) - 1)
    # filesystems
    fss = vm.get("filesystems", [])
    for t in p.get("remove_filesystems", []):
        fss = [f for f in fss if f.get("target") != t]
    for u in p.get("update_filesystems", []):
        for f in fss:
            if f.get("target") == u.get("target"):
                f.update(u)
    fss += [json.loads(json.dumps(f)) for f in p.get("add_filesystems", [])]
    if fss:
        vm["filesystems"] = fss
    else:
        vm.pop("filesystems", None)
    fix_memory(vm, p, old)
    save(vm)
    if timeout:
        raise Fail("vminfod watchForChanges (%s) timeout exceeded"
                   % ", ".join(sorted(timeout)))
    sys.stderr.write("Successfully updated VM %s\n" % uuid)


def reprovision(args):
    uuid = args.pop(0) if args else ""
    p = read_payload(args)
    vm = load(uuid)
    if vm["brand"] not in ("joyent", "joyent-minimal", "lx", "bhyve"):
        raise Fail('Failed to reprovision VM %s: brand "%s" does not yet '
                   'support reprovision' % (uuid, vm["brand"]))
    if "image_uuid" not in p:
        raise Fail("Failed to reprovision VM %s: payload is missing "
                   "image_uuid" % uuid)
    if vm["brand"] == "bhyve":
        vm["disks"][0]["image_uuid"] = p["image_uuid"]
    else:
        vm["image_uuid"] = p["image_uuid"]
    save(vm)
    sys.stderr.write("Successfully reprovisioned VM %s\n" % uuid)


def lookup(args):
    js = "-j" in args
    args = [a for a in args if a != "-j"]
    fields = None
    if "-o" in args:
        if not js:
            raise Fail("Cannot specify -o without -j", 2)
        i = args.index("-o")
        fields = args[i + 1].split(",")
        del args[i:i + 2]
    out = []
    for vm in all_vms():
        if all(str(vm.get(k)) == v for k, v in
               (a.split("=", 1) for a in args if "=" in a)):
            vm = dict(vm)
            vm["type"] = {"kvm": "KVM", "bhyve": "BHYV",
                          "lx": "LX"}.get(vm["brand"], "OS")
            if vm["brand"] not in HVM_BRANDS:
                vm["ram"] = vm["max_physical_memory"]
            if fields:
                vm = {k: vm[k] for k in fields if k in vm}
            out.append(vm)
    if js:
        print(json.dumps(out, indent=2, sort_keys=True))
    else:
        for vm in out:
            print(vm["uuid"])


def state(args, cmd):
    uuid = args.pop(0) if args else ""
    vm = load(uuid)
    if cmd == "stop":
        vm["state"], vm["zone_state"], vm["autoboot"] = \
            "stopped", "installed", False
    else:
        vm["state"], vm["zone_state"], vm["autoboot"] = \
            "running", "running", True
    save(vm)
    sys.stderr.write("Successfully completed %s for VM %s\n" % (cmd, uuid))


def main(argv):
    if not argv:
        sys.stderr.write("usage: vmadm <command> [args]\n")
        return 2
    cmd, args = argv[0], argv[1:]
    try:
        if cmd == "create":
            create(args)
        elif cmd == "get":
            print(json.dumps(load(args[0]), indent=2, sort_keys=True))
        elif cmd == "lookup":
            lookup(args)
        elif cmd == "update":
            update(args)
        elif cmd == "reprovision":
            reprovision(args)
        elif cmd == "delete":
            load(args[0])
            os.unlink(path_of(args[0]))
            sys.stderr.write("Successfully deleted VM %s\n" % args[0])
        elif cmd in ("start", "stop", "reboot"):
            state(args, cmd)
        else:
            sys.stderr.write("vmadm: unknown command %s\n" % cmd)
            return 2
    except Fail as e:
        sys.stderr.write(str(e.args[0]) + "\n")
        return e.args[1] if len(e.args) > 1 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
