#!/usr/bin/python3
"""tests/bench/bench.py -- `make bench': what ztopo costs as topologies grow.

For each size (hosts; BENCH_SIZES, default "100 1000 10000") it generates
the full layout of tests/bench/gen.py (openstack.zt's control plane on two
controllers, nova-compute and ten zones with a service each on every
host), then times, as medians of BENCH_RUNS runs (default 3; 1 at 10,000
hosts; check and ir, which cost little, BENCH_CHECK_RUNS, default 5, at
every size, so that the scaling ratios rest on more than one run):

  check, ir              the front end and every backend's checks
  compile                compile -o of a new tree (the lock is written
                         first, untimed), on the disk of $TMPDIR
  again                  compile -o of the same, unchanged description
  --check                compile -o DIR --check of the up-to-date tree
  cp -r                  cp -r of the tree compile wrote, on the same disk,
                         run right after each compile (paired)
  tmpfs                  compile -o and cp -r on a tmpfs (/dev/shm), CPU only
                         (at least 3 runs at every size)
  py                     the plain Python writer (pywriter.py) of the
                         payloads of the same zones, on the tmpfs

and reports the peak memory (getrusage ru_maxrss) of the compile against
the bytes of the tree it wrote (file contents).  A vmadm-only description
(the same zones, no services) is then compiled on the tmpfs against the
Python writer of its payloads.  Compiles above BENCH_COMPILE_MAX hosts
(default 10000) are skipped; check and ir always run.

BENCH_TMPFS names the directory that stands for the tmpfs.  Every timed
run starts with the disks synced (untimed).  The check, ir and tmpfs runs
of every size, and the vmadm-only ones, come before the disk runs of any:
the disk's trees stay to the end, and the page cache they fill slows
every file the kernel makes after them.  It measures
and prints; it asserts nothing.  The last table sets each
number beside the goal it is meant to meet.
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
ZTOPO = os.environ.get("ZTOPO", os.path.join(ROOT, "ztopo"))
SIZES = [int(x) for x in os.environ.get("BENCH_SIZES",
                                        "100 1000 10000").split()]
COMPILE_MAX = int(os.environ.get("BENCH_COMPILE_MAX", "10000"))
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
    else sys.executable


def run(argv, ok=(0,)):
    """Run ARGV; (seconds, peak RSS in bytes).  The disks are synced
    first, untimed: no run pays for the writes of the one before (ztopo's
    syncfs would otherwise write out the copy cp -r just made)."""
    os.sync()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    t = time.perf_counter() - t0
    rc = os.waitstatus_to_exitcode(status)
    if rc not in ok:
        sys.exit("bench: %s exited %d" % (" ".join(argv), rc))
    return t, ru.ru_maxrss * 1024


def tree_size(d):
    files = size = 0
    for dirpath, _, names in os.walk(d):
        for n in names:
            files += 1
            size += os.lstat(os.path.join(dirpath, n)).st_size
    return files, size


def tmpfs_dir():
    """A new directory on a tmpfs: in $BENCH_TMPFS when it is set (the
    suite's smoke test gives its own), else in /dev/shm when that is a
    tmpfs; None when there is none."""
    if os.environ.get("BENCH_TMPFS"):
        return tempfile.mkdtemp(prefix="ztopo-bench.",
                                dir=os.environ["BENCH_TMPFS"])
    try:
        with open("/proc/mounts") as f:
            for line in f:
                fields = line.split()
                if fields[1] == "/dev/shm" and fields[2] == "tmpfs":
                    return tempfile.mkdtemp(prefix="ztopo-bench.",
                                            dir="/dev/shm")
    except OSError:
        pass
    return None


class Size:
    def __init__(self, n, work, shm):
        self.n = n
        self.d = os.path.join(work, "full-%d" % n)
        os.mkdir(self.d)
        subprocess.check_call([PY, os.path.join(HERE, "gen.py"), "full",
                               str(n), self.d])
        self.zt = os.path.join(self.d, "bench.zt")
        self.secrets = os.path.join(self.d, "secrets")
        subprocess.check_call([ZTOPO, "secrets", "init", self.zt, "-o",
                               self.secrets], stdout=subprocess.DEVNULL)
        subprocess.check_call([ZTOPO, "lock", self.zt],
                              stdout=subprocess.DEVNULL)
        self.shm = shm
        self.r = {}
        self.runs = int(os.environ.get("BENCH_RUNS",
                                       "1" if n >= 10000 else "3"))
        self.check_runs = int(os.environ.get("BENCH_CHECK_RUNS", "5"))

    def compile_argv(self, out, *extra):
        return [ZTOPO, "compile", self.zt, "--secrets", self.secrets,
                "-o", out] + list(extra)

    def cpu_runs(self):
        """check, ir and the tmpfs runs: before any size's disk runs."""
        r = self.r
        med = statistics.median
        r["check"] = med(run([ZTOPO, "check", self.zt])[0]
                         for _ in range(self.check_runs))
        r["ir"] = med(run([ZTOPO, "ir", self.zt])[0]
                      for _ in range(self.check_runs))
        if self.n <= COMPILE_MAX and self.shm is not None:
            self.tmpfs()

    def tmpfs(self):
        r = self.r
        med = statistics.median
        comp, cp, py = [], [], []
        # at least three: the tmpfs runs are the CPU cost the scaling
        # line sets beside the disk's
        for _ in range(max(self.runs, 3)):
            out = os.path.join(self.shm, "out")
            cpy = os.path.join(self.shm, "copy")
            pyo = os.path.join(self.shm, "py")
            comp.append(run(self.compile_argv(out))[0])
            cp.append(run(["cp", "-r", out, cpy])[0])
            py.append(run([PY, os.path.join(HERE, "pywriter.py"),
                           str(self.n), pyo])[0])
            for x in (out, cpy, pyo):
                shutil.rmtree(x)
        r["shm"], r["shm_cp"], r["py"] = med(comp), med(cp), med(py)

    def disk_runs(self):
        r = self.r
        med = statistics.median
        if self.n > COMPILE_MAX:
            return
        comp, cp, again, chk, rss = [], [], [], [], []
        # nothing is removed on this disk until the end: a file system
        # without a journal (ext4 here) skips the inodes deleted in the
        # last minutes when it allocates new ones, which would make every
        # run slower than the one before, cp -r and compile alike
        for i in range(self.runs):
            out = os.path.join(self.d, "out-%d" % i)
            cpy = os.path.join(self.d, "copy-%d" % i)
            t, m = run(self.compile_argv(out))
            comp.append(t)
            rss.append(m)
            cp.append(run(["cp", "-r", out, cpy])[0])
            again.append(run(self.compile_argv(out))[0])
            chk.append(run(self.compile_argv(out, "--check"))[0])
        r["files"], r["bytes"] = tree_size(out)
        r["compile"], r["cp"] = med(comp), med(cp)
        r["again"], r["tcheck"] = med(again), med(chk)
        r["rss"] = max(rss)


def vmadm_only(n, work, shm, runs):
    """compile -o of the vmadm-only description against pywriter.py."""
    d = os.path.join(work, "vmadm-%d" % n)
    os.mkdir(d)
    subprocess.check_call([PY, os.path.join(HERE, "gen.py"), "vmadm",
                           str(n), d])
    zt = os.path.join(d, "bench.zt")
    subprocess.check_call([ZTOPO, "lock", zt], stdout=subprocess.DEVNULL)
    comp, py = [], []
    for _ in range(runs):
        out = os.path.join(shm, "vout")
        pyo = os.path.join(shm, "vpy")
        comp.append(run([ZTOPO, "compile", zt, "-o", out])[0])
        py.append(run([PY, os.path.join(HERE, "pywriter.py"), str(n),
                       pyo])[0])
        shutil.rmtree(out)
        shutil.rmtree(pyo)
    return statistics.median(comp), statistics.median(py)


def ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def main():
    if not os.access(ZTOPO, os.X_OK):
        sys.exit("bench: %s not built (make)" % ZTOPO)
    work = tempfile.mkdtemp(prefix="ztopo-bench.",
                            dir=os.environ.get("TMPDIR", "/tmp"))
    shm = tmpfs_dir()
    try:
        bench(work, shm)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if shm is not None:
            shutil.rmtree(shm, ignore_errors=True)


def bench(work, shm):
    print("ztopo bench: %s; trees on %s%s" % (
        subprocess.run([ZTOPO, "--version"], capture_output=True,
                       text=True).stdout.strip(), work,
        ", and the tmpfs %s" % shm if shm else " (no tmpfs: /dev/shm)"))
    print("seconds, medians of paired runs; MiB = 2^20 bytes of file "
          "contents\n")
    sizes = []
    hdr = ("%6s %7s %7s %7s | %6s %6s %7s %6s %7s %6s | %6s %6s | %6s %6s"
           % ("hosts", "zones", "files", "MiB", "check", "ir", "compile",
              "again", "--check", "cp -r", "tmpfs", "cp -r", "py", "rssMiB"))
    print(hdr)
    print("-" * len(hdr))
    # every size's check, ir and tmpfs runs first, then the disk's: the
    # trees those leave (kept to the end, below) fill the page cache, and
    # every file the kernel makes after them costs more (a 10,000-host
    # compile on the tmpfs took 17.2 s after a disk's 10,000-host trees,
    # 11.0 s without), which is no cost of the run measured
    for n in SIZES:
        s = Size(n, work, shm)
        s.cpu_runs()
        sizes.append(s)
    vm = {}
    if shm is not None:
        for n in SIZES:
            if n <= COMPILE_MAX and n <= 1000:
                vm[n] = vmadm_only(n, work, shm, 3)
    for s in sizes:
        s.disk_runs()
        n, r = s.n, s.r

        def f(k, fmt="%.3f"):
            return fmt % r[k] if k in r else "-"
        print("%6d %7d %7s %7s | %6s %6s %7s %6s %7s %6s | %6s %6s | %6s "
              "%6s" % (n, n * 10 + 11, f("files", "%d"),
                       "%.1f" % (r["bytes"] / 2**20) if "bytes" in r else "-",
                       f("check"), f("ir"), f("compile"), f("again"),
                       f("tcheck"), f("cp"), f("shm"), f("shm_cp"), f("py"),
                       "%.0f" % (r["rss"] / 2**20) if "rss" in r else "-"))
        sys.stdout.flush()

    print("\nratios (goal in brackets)")
    hdr = ("%6s | %11s %11s %13s %12s %12s | %13s" % (
        "hosts", "compile/cp", "tmpfs/cp", "peak/tree", "again/first",
        "--check/1st", "vmadm py/zt"))
    print(hdr)
    print("%6s | %11s %11s %13s %12s %12s | %13s" % (
        "", "[<=1.5]", "[<=1.5]", "[<=2]", "[<=0.15]", "[<=0.15]",
        "[>=2]"))
    print("-" * len(hdr))
    for s in sizes:
        r = s.r
        v = vm.get(s.n)
        print("%6d | %11s %11s %13s %12s %12s | %13s" % (
            s.n, ratio(r.get("compile"), r.get("cp")),
            ratio(r.get("shm"), r.get("shm_cp")),
            ratio(r.get("rss"), r.get("bytes")),
            ratio(r.get("again"), r.get("compile")),
            ratio(r.get("tcheck"), r.get("compile")),
            ratio(v[1], v[0]) if v else "-"))
    print("\nfull layout, the Python writer of its zones' payloads against "
          "compile on the tmpfs (py/compile):")
    for s in sizes:
        if "py" in s.r:
            print("%6d hosts: py %.3f s, compile %.3f s: %s" % (
                s.n, s.r["py"], s.r["shm"], ratio(s.r["py"], s.r["shm"])))

    print("\nscaling, time(10 N) / time(N) [<=11]; compile on the disk "
          "beside cp -r's own on it, and on the tmpfs (CPU)")
    for a, b in zip(sizes, sizes[1:]):
        if b.n != 10 * a.n:
            continue
        print("%6d -> %6d: check %s, ir %s, compile %s (cp -r %s), "
              "tmpfs compile %s (cp -r %s)" % (
                  a.n, b.n, ratio(b.r["check"], a.r["check"]),
                  ratio(b.r["ir"], a.r["ir"]),
                  ratio(b.r.get("compile"), a.r.get("compile")),
                  ratio(b.r.get("cp"), a.r.get("cp")),
                  ratio(b.r.get("shm"), a.r.get("shm")),
                  ratio(b.r.get("shm_cp"), a.r.get("shm_cp"))))


main()
