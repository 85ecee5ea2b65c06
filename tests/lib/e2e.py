#!/usr/bin/python3
"""e2e.py -- boot a compiled target's OpenStack control plane for real.

usage: e2e.py --ztopo BIN --zt FILE [-t TARGET] --work DIR
              [--break-grant SERVICE | --break-port SERVICE]

Compiles FILE, then carries out `ztopo plan --format json` step by step on
this Linux machine, with Linux namespaces standing in for SmartOS zones,
and proves the services work together.  Run as root (namespaces, mounts).

A zone is a process tree in namespaces of its own (pid, network, mount,
UTS), held by a pid-1 `sleep`: when the holder dies, for whatever reason,
the kernel kills everything in the zone and the zone's network links go
with its network namespace.  The holder dies with this script (setpriv
--pdeathsig, unshare --kill-child), even on SIGKILL.  The bridge joining
the zones lives in a namespace of its own too, so nothing is added to the
machine's own network, and two runs at once cannot meet.

What stands in for SmartOS, and nothing more (the files and commands ztopo
wrote are used as they are):
  - each zone gets the addresses of its vmadm payload's NICs (the `ips' of
    the payload file, not re-derived), one veth per NIC on the bridge; the
    global zone gets the host's addresses.  Gateways and resolvers are not
    used: no traffic leaves the test's namespaces.
  - the zone's hostname is the payload's; /etc/hosts names it (RabbitMQ's
    node name needs that); /etc/resolv.conf is empty.
  - /opt, /var and /etc are overlays private to the zone, whose writes
    go to a tmpfs of the zone's own; /run and /tmp are fresh tmpfs.
  - a program ztopo names under a service prefix (/opt/local/bin/nova-api,
    /opt/local/sbin/rabbitmq-server) is Debian's program of that name from
    /usr/bin or /usr/sbin, by symlink, with two exceptions: pkgsrc's mysqld
    and mysql are MariaDB's mariadbd and mariadb, and pkgsrc's uwsgi, which
    has Python built in, is Debian's uwsgi_python3.
  - a project's packaged files (Debian's /etc/nova: api-paste.ini and the
    like) are where a pkgsrc package puts them, PREFIX/etc/nova, and
    Debian's /etc/nova is not in the zone, as it is not on SmartOS.
  - SMF: a manifest's start method runs as `/bin/sh -c EXEC', as the
    method_credential's user and group (group nobody is Debian's nogroup),
    in its working directory, with its method_environment plus the HOME,
    USER and LOGNAME of that user and SMF_FMRI, SMF_METHOD -- nothing else
    from this script's environment.  A packaged manifest (pkgsrc's mysql)
    is stood in for by MariaDB: mariadb-install-db into /var/mysql, then
    mariadbd as user mysql on port 3306, socket /run/mysqld/mysqld.sock,
    skip-name-resolve (grants name addresses).
  - the playbook runs a step's command through zlogin, as root in the
    zone: here through nsenter, as root in the zone, with PATH as zlogin's.
  - services placed in the global zone (nova-compute) are not started:
    Debian's nova-compute package brings a hypervisor stack with it.

Then it proves, naming the service when a part fails: keystone issues a
token to the admin user; the catalog holds exactly the endpoints of `ztopo
ir', URL for URL; nova-scheduler and nova-conductor report up; the cell
list shows cell0 and cell1 with the configured database and transport
URLs; the glance, neutron, placement and nova APIs answer with a token;
and MariaDB refuses a granted user from an address the grants do not name
(the global zone's).

The test of the test edits one compiled file by hand before deploying,
and passes only if the run then fails naming SERVICE:
  --break-grant SERVICE  the grants give SERVICE's MySQL account to an
                         address of the pool that no zone has, instead of
                         SERVICE's own;
  --break-port SERVICE   the first URL with a port in SERVICE's secret
                         configuration (its database's) names the next
                         port instead.

Exit status 0: proved (or, with --break-*, failed as expected);
1: a proof failed; 2: usage or setup error.
"""
import argparse
import json
import os
import pwd
import re
import select
import shlex
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

# how long a service may take to listen, a command to finish (seconds)
START_TIMEOUT = 180
COMMAND_TIMEOUT = 900
UP_TIMEOUT = 120
ZLOGIN_ENV = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root",
              "LOGNAME": "root", "USER": "root"}

# a program pkgsrc names differently from Debian
STANDIN_PROGRAM = {
    "mysqld": "/usr/sbin/mariadbd",
    "mysql": "/usr/bin/mariadb",
}
STANDIN_WRAPPER = {
    "uwsgi": "/usr/bin/uwsgi_python3",
}
STANDIN_GROUP = {"nobody": "nogroup"}

HOLDER_SH = r'''
set -eu
z=$1 host=$2 hosts=$3 prefixes=$4 projects=$5
shift 5
# the zone's own files, on a tmpfs of its own: an overlay's upper
# directory cannot be on every filesystem (not on another overlay)
mkdir -p "$z/fs"
mount -t tmpfs -o size=4g,mode=0755 tmpfs "$z/fs"
for d in opt var etc; do
	mkdir -p "$z/fs/upper/$d" "$z/fs/wd/$d"
	mount -t overlay overlay \
	    -o "lowerdir=/$d,upperdir=$z/fs/upper/$d,workdir=$z/fs/wd/$d" "/$d"
done
for p in $prefixes; do
	mkdir -p "$p/bin" "$p/sbin" "$p/etc"
	for proj in $projects; do
		if [ -d "/etc/$proj" ] && [ ! -e "$p/etc/$proj" ]; then
			cp -a "/etc/$proj" "$p/etc/$proj"
		fi
	done
done
for proj in $projects; do rm -rf "/etc/$proj"; done
for l in "$@"; do
	case $l in
	*=exec:*)	# a wrapper: the program under another name
		printf '#!/bin/sh\nexec %s "$@"\n' "${l#*=exec:}" >"${l%%=*}"
		chmod 755 "${l%%=*}" ;;
	*)	ln -sfn "${l#*=}" "${l%%=*}" ;;
	esac
done
hostname "$host"
printf '%s\n' "$host" >/etc/hostname
printf '%s\n' "$hosts" >/etc/hosts
: >/etc/resolv.conf
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t tmpfs -o mode=1777 tmpfs /tmp
ip link set lo up
echo ready
exec sleep infinity >/dev/null
'''


class Fail(Exception):
    """A proof or a step failed; the message names the service."""


def say(msg):
    print("e2e: " + msg, flush=True)


class Zone:
    """A zone instance (or a global zone): namespaces held by a pid 1."""

    def __init__(self, run, name, hostname, addrs, prefixes, links):
        self.run = run
        self.name = name
        self.dir = os.path.join(run.work, "zones", name)
        os.makedirs(self.dir)
        hosts = "127.0.0.1\tlocalhost\n" + "".join(
            "%s\t%s\n" % (a.split("/")[0], hostname) for a in addrs[:1])
        args = ["/usr/bin/setpriv", "--pdeathsig", "KILL",
                "/usr/bin/unshare", "--fork", "--kill-child=KILL", "--pid",
                "--mount-proc", "--net", "--mount", "--uts",
                "--propagation", "private",
                "/bin/sh", "-c", HOLDER_SH, "holder", self.dir, hostname,
                hosts, " ".join(prefixes), " ".join(run.projects)]
        args += ["%s=%s" % (k, v) for k, v in sorted(links.items())]
        self.log = open(os.path.join(run.work, "logs", name + ".zone.log"),
                        "w")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=self.log)
        run.holders.append(self.proc)
        r, _, _ = select.select([self.proc.stdout], [], [], 60)
        line = self.proc.stdout.readline() if r else b""
        if line.strip() != b"ready":
            raise Fail("zone %s: could not be set up (see %s)" %
                       (name, self.log.name))
        self.pid = self.holder_pid()
        self.addrs = addrs

    def holder_pid(self):
        path = "/proc/%d/task/%d/children" % (self.proc.pid, self.proc.pid)
        for _ in range(100):
            with open(path) as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
            time.sleep(0.05)
        raise Fail("zone %s: its holder did not start" % self.name)

    def enter(self, user=None, group=None, wd="/", env=None):
        """The argv prefix of a command in the zone: as root with zlogin's
        environment, or as USER:GROUP with ENV and nothing else -- never
        with this script's environment (TMPDIR would lead outside)."""
        argv = ["/usr/bin/nsenter", "-t", str(self.pid), "-n", "-m", "-u",
                "-p", "--wd=" + wd]
        if user is not None:
            argv += ["/usr/bin/setpriv", "--reuid", user, "--regid", group,
                     "--init-groups", "--"]
        if env is None:
            env = ZLOGIN_ENV
        return argv + ["/usr/bin/env", "-i"] + [
            "%s=%s" % kv for kv in sorted(env.items())]

    def sh(self, cmd, what, env=None, stdin=None, timeout=COMMAND_TIMEOUT,
           check=True):
        """Run sh(1) text in the zone as root, as zlogin would."""
        try:
            p = subprocess.run(self.enter(env=dict(ZLOGIN_ENV, **(env or {})))
                               + ["/bin/sh", "-c", cmd],
                               input=stdin, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Fail("%s: timed out after %ds: %s" % (what, timeout, cmd))
        out = p.stdout.decode("utf-8", "replace")
        with open(os.path.join(self.run.work, "logs",
                               self.name + ".commands.log"), "a") as f:
            f.write("$ %s\n%s[exit %d]\n" % (cmd, out, p.returncode))
        if check and p.returncode != 0:
            raise Fail("%s: `%s` failed (exit %d):\n%s" % (
                what, cmd, p.returncode, masked(tail(out))))
        return p.returncode, out

    def install(self, src, dest, mode, owner=None, group=None):
        with open(src, "rb") as f:
            data = f.read()
        who = ""
        if owner:
            who = " && chown %s %s" % (shlex.quote(
                owner + (":" + std_group(group) if group else "")),
                shlex.quote(dest))
        self.sh('mkdir -p "$(dirname %s)" && cat >%s && chmod %o %s%s' % (
            shlex.quote(dest), shlex.quote(dest), mode, shlex.quote(dest),
            who), "install %s in zone %s" % (dest, self.name), stdin=data)

    def can_connect(self, addr, port):
        p = subprocess.run(self.enter() + [
            "/bin/bash", "-c", "exec 3<>/dev/tcp/%s/%d" % (addr, port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return p.returncode == 0


def socket_aton(dotted):
    return bytes(int(x) for x in dotted.split("."))


def masked(v):
    """V printed with the passwords of the URLs in it hidden."""
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", str(v))


def std_group(g):
    return STANDIN_GROUP.get(g, g)


def tail(text, n=15):
    """The end of a log, after its first line that reads like the cause
    (a traceback at exit often buries it)."""
    lines = text.rstrip("\n").split("\n")
    cause = next((line for line in lines if re.search(
        r"CRITICAL|Error:|error:|ERROR \d|denied|refused", line)), None)
    out = lines[-n:]
    if cause is not None and cause not in out:
        out = [cause, "..."] + out
    return "\n".join("    " + line for line in out)


def file_tail(path, n=25):
    try:
        with open(path, errors="replace") as f:
            return tail(f.read(), n)
    except OSError:
        return "    (no log)"


class Run:
    def __init__(self, a):
        self.a = a
        self.work = os.path.abspath(a.work)
        self.tree = os.path.join(self.work, "tree")
        self.holders = []
        self.zones = {}
        self.services = {}          # running service -> (Popen, log, zone)
        self.manifests = {}         # fmri -> start method
        os.makedirs(os.path.join(self.work, "logs"))

    # -- compile -------------------------------------------------------
    def ztopo(self, *args, env=None):
        p = subprocess.run([self.a.ztopo] + list(args), env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode())
            raise SystemExit("e2e: ztopo %s failed (exit %d)" % (
                " ".join(args), p.returncode))
        return p.stdout.decode()

    def compile(self):
        t = ["-t", self.a.target] if self.a.target else []
        self.secrets = os.path.join(self.work, "secrets")
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("ZTOPO_SECRET")}
        self.ztopo("secrets", "init", self.a.zt, "-o", self.secrets, env=env)
        self.ztopo("compile", self.a.zt, *t, "--secrets", self.secrets,
                   "-o", self.tree, env=env)
        self.plan = json.loads(self.ztopo("plan", self.a.zt, *t,
                                          "--format", "json", env=env))
        self.ir = json.loads(self.ztopo("ir", self.a.zt, *t, env=env))
        self.svc = {s["name"]: s for s in self.ir["services"]}
        self.sinst = {s["id"]: s for s in self.ir["service_instances"]}
        # the projects whose Debian configuration a zone must not see:
        # those ztopo writes a config dir for, PREFIX/etc/PROJECT/...
        projects = set()
        for si in self.ir["service_instances"]:
            cd = si.get("config_dir")
            if cd and cd.startswith(si["prefix"] + "/etc/"):
                projects.add(cd[len(si["prefix"]) + 5:].split("/")[0])
        self.projects = sorted(projects)
        say("compiled target %s: %d steps, %d service instances" % (
            self.plan["target"], len(self.plan["steps"]),
            len(self.ir["service_instances"])))
        if self.a.break_grant:
            self.break_grant(self.a.break_grant)
        if self.a.break_port:
            self.break_port(self.a.break_port)

    def edit(self, path, fn):
        f = os.path.join(self.tree, path)
        with open(f) as fp:
            old = fp.read()
        new = fn(old)
        if new == old:
            raise SystemExit("e2e: nothing to edit in %s" % path)
        with open(f, "w") as fp:
            fp.write(new)

    def spare_address(self):
        """The highest address of a pool that nothing was given."""
        used = {n["address"] for z in self.ir["zone_instances"]
                for n in z["nics"]}
        used |= {a["address"] for h in self.ir["hosts"]
                 for a in h["addresses"]}
        for n in self.ir["networks"]:
            if n.get("pool"):
                lo, hi = (int.from_bytes(socket_aton(x), "big")
                          for x in n["pool"])
                for a in range(hi, lo - 1, -1):
                    dotted = ".".join(str(b) for b in a.to_bytes(4, "big"))
                    if dotted not in used:
                        return dotted
        raise SystemExit("e2e: no spare pool address")

    def break_grant(self, service):
        spare = self.spare_address()
        for c in self.ir["credentials"]:
            if c["kind"] != "mysql":
                continue
            for u in c.get("consumers", []):
                if u["client"].split("@")[0] != service:
                    continue
                server = self.sinst[u["server"]]
                step = next(s for s in self.plan["steps"]
                            if s["action"] == "apply-grants" and
                            s["service"] == server["service"] and
                            s.get("zone") == server["zone"] and
                            s["host"] == server["host"])
                user, addr = "'%s'" % c["user"], "'%s'" % u["client_address"]
                self.edit(step["file"], lambda t: "".join(
                    line.replace(addr, "'%s'" % spare)
                    if user in line and addr in line and
                    not line.startswith("--") else line
                    for line in t.splitlines(True)))
                say("edited %s: %s@%s is now %s@'%s'" % (
                    step["file"], user, addr, user, spare))
                return
        raise SystemExit("e2e: %s has no MySQL account" % service)

    def break_port(self, service):
        pat = re.compile(r"@([0-9.]+):([0-9]+)/")
        where = {(self.sinst[i]["host"], self.sinst[i]["zone"])
                 for i in self.svc[service]["instances"]}
        for s in self.plan["steps"]:
            if s["action"] != "install-config" or (s["host"], s.get(
                    "zone")) not in where or "secret" not in \
                    os.path.basename(s["file"]):
                continue
            with open(os.path.join(self.tree, s["file"])) as f:
                m = pat.search(f.read())
            if m is None:
                continue
            old = m.group(0)
            new = "@%s:%d/" % (m.group(1), int(m.group(2)) + 1)
            self.edit(s["file"], lambda t: t.replace(old, new, 1))
            say("edited %s: %s -> %s" % (s["file"], old, new))
            return
        raise SystemExit("e2e: %s has no URL with a port to edit" % service)

    # -- program stand-ins ---------------------------------------------
    def program_texts(self):
        """Where the tree names programs: the plan's commands, the
        manifests and the scripts (read once)."""
        if not hasattr(self, "_texts"):
            self._texts = [s.get("command", "") for s in self.plan["steps"]]
            for root, _, files in os.walk(self.tree):
                for fn in sorted(files):
                    if fn.endswith((".xml", ".sh")):
                        with open(os.path.join(root, fn),
                                  errors="replace") as f:
                            self._texts.append(f.read())
        return self._texts

    def links(self, prefixes, required=True):
        """PREFIX/(s)bin/NAME -> Debian's NAME, for every one ztopo uses
        (in a global zone, whose services are not started, those there
        are)."""
        texts = self.program_texts()
        pat = re.compile("(%s)/(s?bin)/([A-Za-z0-9_.+-]+)" % "|".join(
            re.escape(p) for p in prefixes))
        links = {}
        for t in texts:
            for m in pat.finditer(t):
                name = m.group(3)
                if name in STANDIN_WRAPPER:
                    target = "exec:" + STANDIN_WRAPPER[name]
                elif name in STANDIN_PROGRAM:
                    target = STANDIN_PROGRAM[name]
                else:
                    target = next((d + "/" + name for d in
                                   ("/usr/bin", "/usr/sbin")
                                   if os.path.exists(d + "/" + name)), None)
                    if target is None and not required:
                        continue
                    if target is None:
                        raise Fail("no Debian program stands in for %s" %
                                   m.group(0))
                links[m.group(0)] = target
        return links

    # -- network ---------------------------------------------------------
    def network(self):
        self.switch = Zone(self, "switch", "switch", [], [], {})
        self.switch_sh("ip link add br0 type bridge && ip link set br0 up")
        self.nveth = 0

    def switch_sh(self, cmd):
        # its network only: `netns PID' names a pid of this pid namespace
        p = subprocess.run(["/usr/bin/nsenter", "-t", str(self.switch.pid),
                            "-n", "/bin/sh", "-c", cmd],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if p.returncode != 0:
            raise Fail("the test's bridge: `%s` failed:\n%s" % (
                cmd, tail(p.stdout.decode())))

    def plug(self, zone, addrs):
        for i, addr in enumerate(addrs):
            self.nveth += 1
            port = "p%d" % self.nveth
            self.switch_sh("ip link add %s type veth peer name eth%d netns %d"
                           " && ip link set %s master br0 up" % (
                               port, i, zone.pid, port))
            zone.sh("ip addr add %s dev eth%d && ip link set eth%d up" % (
                addr, i, i), "zone %s: address %s" % (zone.name, addr))

    def zone_of(self, step):
        name = step.get("zone", "global")
        if name == "global":
            name = "global@" + step["host"]
        return self.zones[name]

    def create_zone(self, step):
        with open(os.path.join(self.tree, step["file"])) as f:
            payload = json.load(f)
        addrs = [ip for nic in payload.get("nics", [])
                 for ip in nic.get("ips", [])]
        prefixes = sorted({self.sinst[s]["prefix"] for zi in
                           self.ir["zone_instances"]
                           if zi["zone"] == step["zone"] and
                           zi["host"] == step["host"] for s in zi["services"]})
        z = Zone(self, step["zone"], payload.get("hostname", step["zone"]),
                 addrs, prefixes, self.links(prefixes))
        self.plug(z, addrs)
        self.zones[step["zone"]] = z
        say("zone %s: %s" % (step["zone"], ", ".join(addrs)))

    def global_zones(self):
        for h in self.ir["hosts"]:
            subnet = {n["name"]: n["subnet"].split("/")[1]
                      for n in self.ir["networks"]}
            addrs = ["%s/%s" % (a["address"], subnet[a["network"]])
                     for a in h["addresses"]]
            prefixes = sorted({self.sinst[s]["prefix"]
                               for s in h["global_services"]})
            z = Zone(self, "global@" + h["name"], h["name"], addrs, prefixes,
                     self.links(prefixes, False) if prefixes else {})
            self.plug(z, addrs)
            self.zones["global@" + h["name"]] = z
            say("global zone of %s: %s" % (h["name"], ", ".join(addrs)))

    # -- services --------------------------------------------------------
    def manifest(self, step):
        with open(os.path.join(self.tree, step["file"])) as f:
            root = ET.parse(f).getroot()
        svc = root.find("service")
        ctx = svc.find("method_context")
        cred = ctx.find("method_credential") if ctx is not None else None
        env = {}
        if ctx is not None:
            for v in ctx.iter("envvar"):
                env[v.get("name")] = v.get("value")
        start = next(m for m in svc.iter("exec_method")
                     if m.get("name") == "start")
        self.manifests[step["fmri"]] = {
            "exec": start.get("exec"),
            "user": cred.get("user") if cred is not None else "root",
            "group": cred.get("group") if cred is not None else "root",
            "wd": ctx.get("working_directory", "/") if ctx is not None
            else "/",
            "env": env,
        }

    def spawn(self, zone, name, argv):
        log = os.path.join(self.work, "logs", "%s.%s.log" % (zone.name, name))
        out = open(log, "ab")
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT)
        self.services[name] = (p, log, zone)
        return p

    def start(self, step):
        name = step["service"]
        zone = self.zone_of(step)
        if step.get("zone", "global") == "global":
            say("not started: %s in the global zone of %s" % (
                name, step["host"]))
            return
        if self.svc[name]["manifest"] == "packaged":
            self.start_packaged(zone, name)
        else:
            m = self.manifests[step["fmri"]]
            pw = pwd.getpwnam(m["user"])
            env = dict(m["env"], HOME=pw.pw_dir, USER=m["user"],
                       LOGNAME=m["user"], SMF_FMRI=step["fmri"],
                       SMF_METHOD="start")
            argv = zone.enter(m["user"], std_group(m["group"]), m["wd"],
                              env) + ["/bin/sh", "-c", m["exec"]]
            self.spawn(zone, name, argv)
        self.wait_listening(zone, name)

    def start_packaged(self, zone, name):
        role = self.svc[name]["role"]
        if role != "mysql":
            raise Fail("%s: no stand-in for the packaged service of role %s"
                       % (name, role))
        zone.sh("mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld && "
                "mariadb-install-db --no-defaults --user=mysql "
                "--datadir=/var/mysql --skip-test-db --skip-name-resolve "
                ">/dev/null", name + ": mariadb-install-db")
        self.spawn(zone, name, zone.enter() + [
            "/usr/sbin/mariadbd", "--no-defaults", "--user=mysql",
            "--datadir=/var/mysql", "--port=3306",
            "--socket=/run/mysqld/mysqld.sock",
            "--pid-file=/run/mysqld/mysqld.pid", "--skip-name-resolve"])

    def wait_listening(self, zone, name):
        p, log, _ = self.services[name] if name in self.services else \
            (None, None, None)
        ports = self.svc[name]["ports"][:1]
        addr = zone.addrs[0].split("/")[0]
        t0 = time.time()
        while True:
            if p is not None and p.poll() is not None:
                raise Fail("%s (zone %s) exited with status %d; its log:\n%s"
                           % (name, zone.name, p.returncode, masked(file_tail(log))))
            if ports and all(zone.can_connect(addr, port) for port in ports):
                break
            if not ports and time.time() - t0 > 3:
                break
            if time.time() - t0 > START_TIMEOUT:
                raise Fail("%s (zone %s) does not listen on %s:%s after %ds;"
                           " its log:\n%s" % (name, zone.name, addr, ports,
                                              START_TIMEOUT, file_tail(log)))
            time.sleep(0.3)
        say("started %s in zone %s (%.1fs)" % (name, zone.name,
                                               time.time() - t0))

    # -- the plan --------------------------------------------------------
    def deploy(self):
        self.network()
        self.global_zones()
        for step in self.plan["steps"]:
            act = step["action"]
            what = "%s (step %d: %s)" % (step.get("service", step.get(
                "zone", "")), step["step"], step["title"])
            if act == "import-image":
                continue
            if act == "create-zone":
                self.create_zone(step)
                continue
            zone = self.zone_of(step)
            if "file" in step and "dest" in step:
                src = os.path.join(self.tree, step["file"])
                zone.install(src, step["dest"],
                             os.stat(src).st_mode & 0o7777,
                             step.get("owner"), step.get("group"))
            if act == "import-manifest":
                self.manifest(step)
            elif act == "start-service":
                self.start(step)
            elif "command" in step:
                if step.get("zone", "global") == "global":
                    continue
                t0 = time.time()
                zone.sh(step["command"], what)
                say("step %d in zone %s: %s (%.1fs)" % (
                    step["step"], zone.name, step["title"],
                    time.time() - t0))

    # -- proofs ----------------------------------------------------------
    def secret(self, cred):
        """The value of credential CRED's password, from the secrets file."""
        with open(self.secrets) as f:
            for line in f:
                k, eq, v = line.partition("=")
                if eq and k.strip() == cred["password"]["secret"]:
                    return v.strip()
        raise SystemExit("e2e: no value for %s" % cred["password"]["secret"])

    def admin_env(self):
        ks = next(s for s in self.ir["services"] if s["role"] == "keystone")
        adm = next(c for c in self.ir["credentials"]
                   if c["name"] == ks["admin"])
        url = self.sinst[ks["instances"][0]]["endpoints"]["internal"]
        return ks, {
            "OS_AUTH_URL": url, "OS_IDENTITY_API_VERSION": "3",
            "OS_USERNAME": adm["user"], "OS_PASSWORD": self.secret(adm),
            "OS_PROJECT_NAME": adm["project"],
            "OS_USER_DOMAIN_NAME": adm["domain"],
            "OS_PROJECT_DOMAIN_NAME": adm["domain"],
            "OS_REGION_NAME": ks["region"],
        }

    def openstack(self, gz, env, args, what):
        _, out = gz.sh("openstack " + args + " -f json", what, env=env,
                       timeout=120)
        return json.loads(out)

    def prove(self):
        gz = self.zones["global@" + self.ir["hosts"][0]["name"]]
        ks, env = self.admin_env()
        failures = []

        def check(what, fn):
            try:
                fn()
                say("proved: " + what)
            except Fail as e:
                failures.append(str(e))
                say("FAILED: %s" % e)

        def token():
            self.token = self.openstack(gz, env, "token issue",
                                        "keystone: token for the admin")["id"]
        check("keystone issues a token to the admin user", token)

        def catalog():
            want = set()
            for s in self.ir["services"]:
                if "catalog" not in s:
                    continue
                for i in s["instances"]:
                    for iface, url in self.sinst[i]["endpoints"].items():
                        want.add((s["catalog"]["name"], s["catalog"]["type"],
                                  iface, ks["region"], url))
            got = {(e["Service Name"], e["Service Type"], e["Interface"],
                    e["Region"], e["URL"]) for e in self.openstack(
                        gz, env, "endpoint list", "keystone: endpoint list")}
            if got != want:
                raise Fail("keystone: the catalog differs from `ztopo ir`:"
                           "\n    missing: %s\n    extra: %s" % (
                               sorted(want - got), sorted(got - want)))
        check("the catalog lists exactly the endpoints of the description",
              catalog)

        def computes():
            want = {s["role"] for s in self.ir["services"]} & {
                "nova-scheduler", "nova-conductor"}
            t0 = time.time()
            while True:
                rows = self.openstack(gz, env, "compute service list",
                                      "nova-api: compute service list")
                up = {r["Binary"] for r in rows if r["State"] == "up" and
                      r["Status"] == "enabled"}
                if want <= up:
                    return
                if time.time() - t0 > UP_TIMEOUT:
                    raise Fail("%s: not up in the compute service list: %s"
                               % (", ".join(sorted(want - up)), rows))
                time.sleep(3)
        check("nova-scheduler and nova-conductor report up", computes)

        def cells():
            api = next(s for s in self.ir["service_instances"]
                       if self.svc[s["service"]]["role"] == "nova-api")
            zone = self.zones[api["zone"]]
            # the fragments the plan installs in its config dir, in order
            conf = read_oslo(sorted(
                os.path.join(self.tree, st["file"])
                for st in self.plan["steps"]
                if st["action"] == "install-config" and
                st["host"] == api["host"] and st.get("zone") == api["zone"]
                and os.path.dirname(st["dest"]) == api["config_dir"] and
                st["dest"].endswith(".conf")))
            db = conf["database"]["connection"]
            mq = conf["DEFAULT"]["transport_url"]
            _, out = zone.sh("nova-manage --config-dir %s cell_v2 list_cells"
                             " --verbose" % api["config_dir"],
                             "nova-api: cell_v2 list_cells")
            rows = {}
            for line in out.splitlines():
                f = [c.strip() for c in line.split("|")]
                if len(f) >= 6 and f[1] in ("cell0", "cell1"):
                    rows[f[1]] = (f[3], f[4])
            base, _, query = db.partition("?")
            cell0 = base + "_cell0" + ("?" + query if query else "")
            want = {"cell0": ("none:///", cell0), "cell1": (mq, db)}
            if rows != want:
                raise Fail("nova-api: cells %s, not %s" % (
                    masked(rows), masked(want)))
        check("the cells are cell0 and cell1 with the configured URLs",
              cells)

        def api(role, path, codes=(200,)):
            def fn():
                for s in self.ir["service_instances"]:
                    if self.svc[s["service"]]["role"] != role:
                        continue
                    url = s["endpoints"]["internal"] + path
                    rc, out = gz.sh(
                        "curl -sS -o /dev/null -w '%%{http_code}' -m 30 "
                        "-H 'X-Auth-Token: %s' %s" % (self.token, url),
                        "%s: GET %s" % (s["service"], url), check=False)
                    if rc != 0 or int(out.strip() or 0) not in codes:
                        raise Fail("%s: GET %s with a token: %s" % (
                            s["service"], url, out.strip()))
            return fn
        for role, path, what in (
                ("glance-api", "/v2/images", "glance lists images"),
                ("neutron-server", "/v2.0/networks", "neutron's API answers"),
                ("placement-api", "/resource_providers",
                 "placement answers with a token"),
                ("nova-api", "/servers", "nova's API answers")):
            if role in {s["role"] for s in self.ir["services"]}:
                check(what, api(role, path))

        def refused():
            db = next(s for s in self.ir["service_instances"]
                      if self.svc[s["service"]]["role"] == "mysql")
            cred = next(c for c in self.ir["credentials"]
                        if c.get("kind") == "mysql" and c["consumers"])
            pw = self.secret(cred)
            rc, out = gz.sh("mariadb --no-defaults -h %s -u %s -p%s -e "
                            "'SELECT 1'" % (db["address"],
                                            shlex.quote(cred["user"]),
                                            shlex.quote(pw)),
                            "mysql", check=False, timeout=60)
            if rc == 0 or ("1045" not in out and "1130" not in out):
                raise Fail("mysql: user %s from the global zone (%s): %s" % (
                    cred["user"], gz.addrs[0], out.strip() or "accepted"))
        check("MariaDB refuses a granted user from an address not granted",
              refused)
        return failures

    def cleanup(self):
        for p in self.holders:
            if p.poll() is None:
                p.kill()
        for p in self.holders:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        for p, _, _ in self.services.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def read_oslo(files):
    """The options of FILES, later files winning, as oslo.config reads a
    config dir."""
    import configparser
    cp = configparser.RawConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    for f in files:
        cp.read(f)
    conf = {"DEFAULT": dict(cp.defaults())}
    for sec in cp.sections():
        conf[sec] = {k: v for k, v in cp.items(sec)}
    return conf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ztopo", required=True)
    ap.add_argument("--zt", required=True)
    ap.add_argument("-t", "--target")
    ap.add_argument("--work", required=True)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--break-grant", metavar="SERVICE")
    g.add_argument("--break-port", metavar="SERVICE")
    a = ap.parse_args()
    expect = a.break_grant or a.break_port
    if os.geteuid() != 0:
        raise SystemExit("e2e: must run as root")
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, lambda s, f: sys.exit(128 + s))
    run = Run(a)
    t0 = time.time()
    failures = []
    try:
        run.compile()
        try:
            run.deploy()
            failures = run.prove()
        except Fail as e:
            failures = [str(e)]
            say("FAILED: %s" % e)
    finally:
        run.cleanup()
    say("%d failure(s) in %.0fs" % (len(failures), time.time() - t0))
    if expect:
        if any(f.split(" ")[0].rstrip(":") == expect for f in failures):
            say("failed as expected, naming %s" % expect)
            return 0
        say("expected a failure naming %s, got: %s" % (
            expect, failures or "none"))
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
