#!/usr/bin/python3
"""tests/bench/pywriter.py HOSTS DIR -- the plain Python writer `make bench'
compares ztopo with.

What a user would write instead of ztopo for the bench's zones: a loop
over HOSTS hosts and the ten zones of each (tests/bench/gen.py), building
each zone's vmadm payload as a dict -- the keys, value types and sizes of
ztopo's payload for the same zone, the address from a counter, the uuid
and MAC from uuid5 -- and writing it to DIR/<host>/vmadm/<zone>.json with
the json module, as ztopo lays them out.  Nothing more: no MANIFEST, no
fsync, no checks.
"""
import json
import os
import sys
import uuid

ZONES = 10


def main():
    hosts, out = int(sys.argv[1]), sys.argv[2]
    ns = uuid.NAMESPACE_URL
    addr = (10 << 24) | (128 << 16) | 1
    for h in range(hosts):
        host = "h%d" % h
        d = os.path.join(out, host, "vmadm")
        os.makedirs(d, exist_ok=True)
        for z in range(ZONES):
            zone = "z%d" % z
            name = "bench/%s/%s" % (host, zone)
            mac = uuid.uuid5(ns, name + "/nic/admin").hex[:12]
            mac = "%02x" % (int(mac[:2], 16) & 0xfc | 2) + mac[2:]
            ip = "%d.%d.%d.%d" % (addr >> 24, addr >> 16 & 255,
                                  addr >> 8 & 255, addr & 255)
            addr += 1
            payload = {
                "alias": "%s-%s" % (zone, host),
                "autoboot": True,
                "brand": "joyent",
                "cpu_shares": 100,
                "customer_metadata": {"role": "bench"},
                "delegate_dataset": False,
                "firewall_enabled": False,
                "hostname": "%s-%s" % (zone, host),
                "image_uuid": "c2c31b00-1d60-11e9-9a77-ff9f06554b0f",
                "max_locked_memory": 1024,
                "max_lwps": 2000,
                "max_physical_memory": 1024,
                "max_swap": 1024,
                "nics": [{
                    "gateways": ["10.0.0.1"],
                    "ips": [ip + "/8"],
                    "mac": ":".join(mac[i:i + 2] for i in range(0, 12, 2)),
                    "nic_tag": "admin",
                    "primary": True,
                }],
                "quota": 10,
                "resolvers": ["10.0.0.1"],
                "tags": {"ztopo_target": "bench"},
                "uuid": str(uuid.uuid5(ns, name)),
                "zfs_io_priority": 100,
            }
            with open(os.path.join(d, zone + ".json"), "w") as f:
                json.dump(payload, f, indent=2, sort_keys=True)
                f.write("\n")


main()
