#!/usr/bin/python3
"""tests/bench/gen.py KIND HOSTS DIR -- write a benchmark description.

KIND full: examples/openstack.zt's control plane on two controllers, and
HOSTS hosts each running nova-compute in its global zone and ten zones
(z0..z9, placed on every host by one `zone [...] on [...]'), each zone
running a service of its own that uses mysql through a credential.
KIND vmadm: the ten zones on HOSTS hosts, without services: only vmadm
payloads to write.

Writes DIR/bench.zt (and, for full, DIR/openstack.zt: the example with its
admin network widened to hold every zone) and prints nothing.
"""
import os
import re
import sys

ZONES = 10
NET = """network admin {
    nic_tag admin;
    subnet 10.0.0.0/8;
    gateway 10.0.0.1;
    resolvers [10.0.0.1];
    pool 10.128.0.1 10.255.255.254;
}
"""


def host_addr(i):
    return "10.%d.%d.%d" % (1 + i // 65536, i // 256 % 256, i % 256)


def main():
    kind, hosts, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    root = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    names = ["h%d" % i for i in range(hosts)]
    w = []
    if kind == "full":
        with open(os.path.join(root, "examples", "openstack.zt")) as f:
            text = f.read()
        # the example's /24 holds 100 zones; widen it, nothing else
        text, n = re.subn(r"(?ms)^network admin \{.*?^\}\n", NET, text)
        if n != 1:
            sys.exit("gen.py: no 'network admin' block in openstack.zt")
        with open(os.path.join(out, "openstack.zt"), "w") as f:
            f.write(text)
        w.append('include "openstack.zt";\n')
        w.append("secret app-db-password;\n")
        w.append("credential app-db { kind mysql; user app; databases app; "
                 "password app-db-password; }\n")
        w.append('host ctl1 { address admin 10.0.0.11; memory 64G; '
                 'disk 1T; }\n')
        w.append('host ctl2 { address admin 10.0.0.12; memory 64G; '
                 'disk 1T; }\n')
        image = "base-64"
    else:
        w.append(NET)
        w.append('image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; '
                 'brand joyent; }\n')
        image = "base"
    for z in range(ZONES):
        svc = ""
        if kind == "full":
            w.append('service app%d { start "/opt/app/bin/app%d"; '
                     'uses mysql via app-db; }\n' % (z, z))
            svc = " services app%d;" % z
        w.append("zone z%d { image %s; memory 1G; quota 10G; nic admin;%s "
                 'metadata { role "bench"; } }\n' % (z, image, svc))
    for i, h in enumerate(names):
        w.append("host %s { address admin %s; memory 64G; disk 1T; }\n"
                 % (h, host_addr(i)))
    hl = "[" + ", ".join(names) + "]"
    w.append("target bench {\n")
    if kind == "full":
        w.append("    zone [db, keystone, glance, placement, neutron, "
                 "nova-api] on ctl1;\n")
        w.append("    zone [cache, nova-scheduler, nova-conductor, novnc] "
                 "on ctl2;\n")
        w.append("    zone mq on [ctl1, ctl2];\n")
        w.append("    global nova-compute on %s;\n" % hl)
    w.append("    zone [%s] on %s;\n"
             % (", ".join("z%d" % z for z in range(ZONES)), hl))
    w.append("}\n")
    with open(os.path.join(out, "bench.zt"), "w") as f:
        f.write("".join(w))


main()
