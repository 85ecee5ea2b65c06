#!/usr/bin/python3
"""tests/t/nova-registry.py - helper of nova-registry.sh and secrets-tree.sh.

  nova-registry.py secrets FILE.zt-IR.json SECRETS SECRETS.json
      write a --secrets file giving every secret of the IR a hostile value
      (quotes, backslash, $, @, /, %, ;, :, ',', blanks, unicode), and the
      same values as JSON for the checks below.
  nova-registry.py verify IR.json OUTDIR SECRETS.json
      read every nova.conf fragment directory of OUTDIR back the way nova
      does (oslo.config's parser and $-interpolation for Zed; the INI
      parser and string.Template, as Folsom's cfg did, for Folsom), parse
      the URLs back (urllib.parse, plus SQLAlchemy's make_url and
      oslo.messaging's TransportURL for Zed) and check that they match the
      IR: user, password, host, port, database, vhost; that nova-compute
      has no database URL in Zed and sql_connection in Folsom; that
      transport_url lists every rabbitmq instance the service uses; that
      the keystone passwords are the secret; that no secret value is in a
      committed fragment and that every option of a secret fragment holds
      one.  Run it with Debian's /usr/bin/python3 (python3-nova).
"""

import json
import os
import string
import sys
import urllib.parse

# Every value holds "$name" (oslo.config would interpolate it), "\\$" (Zed's
# oslo.config reads it as "$$"), URL delimiters and non-ASCII; they differ
# in what surrounds them (blanks and quotes that oslo's parser strips).
HOSTILE = [
    'p\'q"r\\s$my_ip@u/v%w;x:y,z A\u20ac\\$host$$${state_path}',
    '  lead $my_ip \\$ trail  ',
    '"quoted $my_ip \\$x"',
    'plus+hash#semi;amp&eq=qm?[brackets]$my_ip\\$%2F%40',
    'r@b/b:i%t,$state_path \u00fc \\\\$x %2F%40',
    '\'svc$my_ip pw\\$ \'',
    '\u65e5\u672c\u8a9e \U0001f511 back\\slash$my_ip\\$$',
    '$$$my_ip\\',
]

NOVA_ROLES = {'nova-api', 'nova-scheduler', 'nova-conductor', 'nova-compute',
              'nova-novncproxy', 'nova-consoleauth', 'nova-cert',
              'nova-network'}

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL: ' + msg, file=sys.stderr)


def write_secrets(ir_path, path, json_path):
    ir = json.load(open(ir_path))
    values = {}
    lines = ['# hostile values for the nova tests']
    for i, name in enumerate(ir['secrets']):
        v = HOSTILE[i % len(HOSTILE)]
        values[name] = v
        if v != v.strip(' \t') or v.startswith('"'):
            v = '"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"'
        lines.append('%s = %s' % (name, v))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    json.dump(values, open(json_path, 'w'))


def read_zed(files):
    """{(section, key): value} as nova's oslo.config sees it."""
    from oslo_config import cfg
    raw = {}
    for fname in files:
        sections = {}
        normalized = {}
        p = cfg.ConfigParser(fname, sections)
        p._add_normalized(normalized)
        p.parse()
        for sec, keys in normalized.items():
            for key in keys:
                raw[(sec, key)] = True
    conf = cfg.ConfigOpts()
    for sec, key in raw:
        conf.register_opt(cfg.StrOpt(key),
                          group=None if sec == 'DEFAULT' else sec)
    conf(args=[], project='ztopo-test', default_config_files=files,
         default_config_dirs=[], use_env=False)
    out = {}
    for sec, key in raw:
        out[(sec, key)] = conf[key] if sec == 'DEFAULT' else conf[sec][key]
    return out


def read_folsom(files):
    """Folsom's cfg: the INI parser, then string.Template (no \\$)."""
    from oslo_config import cfg
    out = {}
    for fname in files:
        sections = {}
        normalized = {}
        p = cfg.ConfigParser(fname, sections)
        p._add_normalized(normalized)
        p.parse()
        for sec, keys in normalized.items():
            for key, values in keys.items():
                out[(sec, key)] = values[-1]
    # unescaped $name would interpolate: substitute() against nothing
    # raises KeyError, so every $ must have been doubled
    for k in list(out):
        try:
            out[k] = string.Template(out[k]).substitute({})
        except (KeyError, ValueError) as e:
            fail('%s: [%s] %s: does not interpolate cleanly as Folsom '
                 'would read it: %r (%s)' % (files[0], k[0], k[1],
                                              out[k], e))
    return out


def unq(s):
    return urllib.parse.unquote(s) if s is not None else None


def check_db_url(where, url, scheme, user, password, host, port, dbs):
    u = urllib.parse.urlsplit(url)
    if u.scheme != scheme:
        fail('%s: scheme %r, want %r' % (where, u.scheme, scheme))
    got = (unq(u.username), unq(u.password), u.hostname, u.port,
           u.path[1:])
    want = (user, password, host, port)
    if got[:4] != want or got[4] not in dbs:
        fail('%s: URL gives user/password/host/port/db %r, want %r and a '
             'database of %r' % (where, got, want, dbs))
    if scheme.startswith('mysql+'):
        from sqlalchemy.engine import make_url
        m = make_url(url)
        if (m.username, m.password, m.host, m.port) != want or \
                m.database != got[4]:
            fail('%s: SQLAlchemy reads %r' % (where, (
                m.username, m.password, m.host, m.port, m.database)))
    return got[4]


def verify(ir_path, outdir, secrets_path):
    ir = json.load(open(ir_path))
    secrets = json.load(open(secrets_path))
    release = ir['release']
    creds = {c['name']: c for c in ir['credentials']}
    services = {s['name']: s for s in ir['services']}
    svc_pw = None
    for s in ir['services']:
        for c in s['config']:
            if (c['section'], c['key']) == ('keystone_authtoken',
                                            'password'):
                svc_pw = secrets[c['value']['secret']]
    dirs = {}
    for si in ir['service_instances']:
        role = services[si['service']]['role']
        if role in NOVA_ROLES:
            dirs.setdefault((si['host'], si['zone']), []).append(si)
    if not dirs:
        fail('no nova service instances in the IR')
    checked = 0
    for (host, zone), sis in sorted(dirs.items()):
        d = os.path.join(outdir, host, zone, 'nova')
        files = [os.path.join(d, f) for f in ('10-ztopo.conf',
                                              '20-ztopo-secrets.conf')]
        if sorted(os.listdir(d)) != ['10-ztopo.conf',
                                     '20-ztopo-secrets.conf']:
            fail('%s holds %r' % (d, sorted(os.listdir(d))))
        committed = open(files[0], encoding='utf-8').read()
        for name, v in secrets.items():
            for form in (v, urllib.parse.quote(v, safe='')):
                if form in committed:
                    fail('%s holds the value of secret %s' % (files[0],
                                                             name))
        vals = read_zed(files) if release == 'zed' else read_folsom(files)
        secret_vals = (read_zed([files[1]]) if release == 'zed'
                       else read_folsom([files[1]]))
        for k, v in secret_vals.items():
            if not any(s in v or urllib.parse.quote(s, safe='') in v
                       for s in secrets.values()):
                fail('%s: [%s] %s holds no secret' % (files[1], *k))
        for si in sis:
            checked += 1
            verify_instance(si, services, creds, secrets, svc_pw, release,
                            vals, d)
    print('verified %d nova service instances in %d directories'
          % (checked, len(dirs)))


def verify_instance(si, services, creds, secrets, svc_pw, release, vals,
                    where):
    svc = services[si['service']]
    role = svc['role']
    needed = {(u['service'], u['credential']): u['needed']
              for u in svc['uses']}
    mysql, rabbit = [], []
    for e in si['uses']:
        srv_service = e['server'].split('@')[0]
        srv_role = services[srv_service]['role']
        if e['credential'] is None or not needed[(srv_service,
                                                  e['credential'])]:
            continue
        (mysql if srv_role == 'mysql' else
         rabbit if srv_role == 'rabbitmq' else []).append(e)

    def want(key, value):
        if vals.get(key) != value:
            fail('%s (%s): [%s] %s = %r, want %r' % (
                where, si['service'], key[0], key[1], vals.get(key), value))

    want(('DEFAULT', 'my_ip'), si['address'])
    if release == 'zed':
        want(('DEFAULT', 'host'), si['nodename'])
        dbkeys = [('api_database', 'connection'), ('database', 'connection')]
        if role == 'nova-compute':
            for k in dbkeys:
                if k in vals:
                    fail('%s: Zed nova-compute has [%s] %s' % (where, *k))
        for e in mysql:
            c = creds[e['credential']]
            pw = secrets[c['password']['secret']]
            keys = {'nova-api': dbkeys, 'nova-scheduler': dbkeys,
                    'nova-conductor': dbkeys,
                    'nova-novncproxy': dbkeys[1:]}[role]
            for k in keys:
                if k not in vals:
                    fail('%s (%s): no [%s] %s' % (where, si['service'], *k))
                    continue
                db = check_db_url('%s [%s] %s' % (where, *k), vals[k],
                                  'mysql+pymysql', c['user'], pw,
                                  e['server_address'], 3306,
                                  c['databases'])
                if (k[0] == 'api_database') != db.endswith('_api'):
                    fail('%s: [%s] %s names database %s' % (where, *k, db))
        if rabbit:
            check_transport_url(where, vals.get(('DEFAULT',
                                                 'transport_url')),
                                rabbit, creds, secrets)
        if svc_pw is not None:
            for sec in ('keystone_authtoken', 'service_user', 'placement'):
                if (sec, 'auth_type') in vals:
                    want((sec, 'password'), svc_pw)
    else:
        if role == 'nova-compute' and not mysql:
            fail('%s: Folsom nova-compute does not use the database'
                 % where)
        for e in mysql:
            c = creds[e['credential']]
            k = ('DEFAULT', 'sql_connection')
            if k not in vals:
                fail('%s (%s): no sql_connection' % (where, si['service']))
                continue
            check_db_url(where + ' sql_connection', vals[k], 'mysql',
                         c['user'], secrets[c['password']['secret']],
                         e['server_address'], 3306, c['databases'])
        for e in rabbit:
            c = creds[e['credential']]
            want(('DEFAULT', 'rabbit_host'), e['server_address'])
            want(('DEFAULT', 'rabbit_userid'), c['user'])
            want(('DEFAULT', 'rabbit_password'),
                 secrets[c['password']['secret']])
            want(('DEFAULT', 'rabbit_virtual_host'), c['vhost'])


def check_transport_url(where, url, edges, creds, secrets):
    if url is None:
        fail('%s: no transport_url' % where)
        return
    u = urllib.parse.urlsplit(url)
    got = []
    for part in u.netloc.split(','):
        userinfo, hostport = part.rsplit('@', 1)
        user, pw = userinfo.split(':', 1)
        h, port = hostport.rsplit(':', 1)
        got.append((unq(user), unq(pw), h, int(port)))
    want = []
    for e in edges:
        c = creds[e['credential']]
        want.append((c['user'], secrets[c['password']['secret']],
                     e['server_address'], 5672))
    if sorted(got) != sorted(want):
        fail('%s: transport_url hosts %r, want %r' % (where, got, want))
    vhost = unq(u.path[1:])
    if vhost != creds[edges[0]['credential']]['vhost']:
        fail('%s: transport_url vhost %r' % (where, vhost))
    from oslo_config import cfg
    from oslo_messaging import transport
    t = transport.TransportURL.parse(cfg.ConfigOpts(), url)
    parsed = [(h.username, h.password, h.hostname, h.port) for h in t.hosts]
    if sorted(parsed) != sorted(want) or t.virtual_host != vhost:
        fail('%s: oslo.messaging reads %r vhost %r' % (where, parsed,
                                                      t.virtual_host))


def main(argv):
    if argv[1] == 'secrets':
        write_secrets(argv[2], argv[3], argv[4])
        return 0
    if argv[1] == 'verify':
        verify(argv[2], argv[3], argv[4])
        return 1 if failures else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
