#!/usr/bin/env bash
# One fact in one place: a role's name and its default ports are literals
# in compiler/roles.c and in no other C source (comments aside; the
# generated nova option table aside), and ztopo(5) lists exactly the roles
# of the table.  The exceptions are other facts that happen to share a
# spelling, each named below.
set -eu
cd "$ROOT"
/usr/bin/env python3 - <<'PY'
import re, sys, glob

def code(path):
    """The file without its comments, string literals kept."""
    s = open(path).read()
    return re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'),
                  s, flags=re.S)

roles = open('compiler/roles.c').read()
roles = roles[roles.index('role_table[ROLE__COUNT]'):]	# not the projects
names = re.findall(r'(?:\.name = |NOVA_ROLE\()"([a-z][a-z0-9-]*)"', roles)
ports = sorted({int(p) for grp in re.findall(r'\.ports = \{([^}]*)\}', roles)
                for p in re.findall(r'\d+', grp)})
if len(names) < 10 or len(ports) < 8:
    sys.exit('could not read the role table: %r %r' % (names, ports))

# same spelling, different fact: a backend's own name, option values, the
# SMF dependency restart_on value, MariaDB's system schema
allowed = {
    ('backends/mysql.c', '.name = "mysql"'),
    ('compiler/resolve_decls.c', '"information_schema", "mysql"'),
    ('backends/rabbitmq.c', '.name = "rabbitmq"'),
    ('backends/oslo.c', '"flavor", "keystone"'),	# paste pipeline
    ('backends/connect.c', 'url(e, "mysql"'),	# a URL scheme
    ('backends/oslo.c', '"auth_strategy", "keystone"'),	# an option value
    ('backends/smf.c', '"none"'),
}
files = [f for f in sorted(glob.glob('compiler/*.[ch]') +
                           glob.glob('backends/*.[ch]') +
                           glob.glob('grammar/*'))
         if f not in ('compiler/roles.c', 'backends/oslo_options.c')]
bad = 0
for f in files:
    for n, line in enumerate(code(f).split('\n'), 1):
        for name in names:
            if '"%s"' % name in line and not any(
                    f == af and frag in line for af, frag in allowed):
                print('%s:%d: role name "%s" outside roles.c: %s'
                      % (f, n, name, line.strip()))
                bad += 1
        for p in ports:
            # well-known ports only: small numbers mean other things
            if p >= 1024 and re.search(r'(?<![\w.])%d(?![\w.])' % p, line):
                print('%s:%d: port %d outside roles.c: %s'
                      % (f, n, p, line.strip()))
                bad += 1

# ztopo(5) documents every role of the table, and no other
man = open('doc/ztopo.5').read()
sec = re.search(r'\.Ss Roles(.*?)(?=\n\.S[sh] )', man, re.S)
if sec is None:
    sys.exit('doc/ztopo.5 has no Roles subsection')
documented = re.findall(r'^\.It Cm ([a-z][a-z0-9-]*)', sec.group(1), re.M)
for name in names:
    if name != 'none' and name not in documented:
        print('doc/ztopo.5: role "%s" is not documented' % name); bad += 1
for name in documented:
    if name not in names:
        print('doc/ztopo.5: documents role "%s", which roles.c lacks' % name)
        bad += 1
# and says, for each, the releases and default ports of its row
rels = {'F': 'Folsom', 'Z': 'Zed'}
for row in re.split(r'\n\t\[ROLE_', roles)[1:]:
    name = re.search(r'(?:\.name = |NOVA_ROLE\()"([a-z][a-z0-9-]*)"', row)
    if name is None or name.group(1) == 'none':
        continue
    name = name.group(1)
    item = re.search(r'^\.It Cm %s\n(.*?)(?=^\.It |^\.El)' % re.escape(name),
                     sec.group(1), re.M | re.S)
    if item is None:
        continue
    text = item.group(1).replace('\n', ' ')
    want = ' and '.join(rels[r] for r in re.findall(
        '[FZ]', re.search(r'\.releases = ([FZ |]+)', row).group(1)))
    if not re.search(r'(^|; |\. )%s;' % want, text):
        print('doc/ztopo.5: role "%s" should say "%s;"' % (name, want))
        bad += 1
    pm = re.search(r'\.ports = \{([^}]*)\}', row)
    want = ', '.join(re.findall(r'\d+', pm.group(1))) if pm else None
    got = re.search(r'ports ([\d, ]+\d)', text)
    if (got.group(1) if got else None) != want:
        print('doc/ztopo.5: role "%s" ports: %s, table: %s'
              % (name, got.group(1) if got else None, want))
        bad += 1
print('%d role names, %d ports checked' % (len(names), len(ports)))
sys.exit(1 if bad else 0)
PY
