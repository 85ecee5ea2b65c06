#!/usr/bin/python3
"""tests/t/pairing.py TREE IR.json - accounts and their users, both ways.

Reads a compiled tree the way its consumers do, using the IR only for the
addresses of each <host>/<zone> directory, and checks:

  MySQL     every account CREATE USER 'u'@'h' of a grants.sql is used by a
            connection URL (an oslo.config file, placement's environment
            file, a custom service's environment file) delivered to a
            service placed at h, naming that server's address, user u and
            the account's password; and every URL has such an account;
  RabbitMQ  every user a setup.sh adds is named by a transport_url or
            ZTOPO_*_URL delivered to some service, at that broker's
            address, with its password and a vhost it has permissions
            on; and every URL's user exists, so, on the broker it names;
  keystone  every service user the catalog script creates logs in from
            some configuration ([keystone_authtoken], [service_user] and
            the client sections, or a custom service's environment) with
            the same project, domain and password; and every login in a
            configuration is a user the catalog creates (or the admin the
            bootstrap creates).

Prints one line per kind with counts; exit 1 and the mismatches otherwise.
"""

import configparser
import glob
import json
import os
import re
import shlex
import sys
import urllib.parse

PROJECT_DIRS = ('nova', 'keystone', 'glance', 'placement', 'neutron')


def places(ir):
    addrs = {}
    for zi in ir['zone_instances']:
        addrs[(zi['host'], zi['zone'])] = {n['address'] for n in zi['nics']}
    for h in ir['hosts']:
        addrs[(h['name'], 'global')] = {a['address'] for a in h['addresses']}
    return addrs


def read_env(path):
    """{NAME: value} of `export NAME='value'` lines, as sh reads them; a
    `. FILE` line reads the companion next to PATH with FILE's name."""
    env = {}
    for line in open(path, encoding='utf-8'):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        words = shlex.split(line)
        if len(words) == 2 and words[0] == '.':
            env.update(read_env(os.path.join(os.path.dirname(path),
                                             os.path.basename(words[1]))))
            continue
        if len(words) != 2 or words[0] != 'export' or '=' not in words[1]:
            raise SystemExit('%s: not an export line: %r' % (path, line))
        k, v = words[1].split('=', 1)
        env[k] = v
    return env


def read_ini(files):
    cp = configparser.RawConfigParser(strict=False, interpolation=None)
    cp.optionxform = str
    for f in files:
        cp.read(f, encoding='utf-8')
    out = {}
    for sec in ['DEFAULT'] + cp.sections():
        items = cp.defaults() if sec == 'DEFAULT' else {
            k: v for k, v in cp.items(sec, raw=True) if k not in cp.defaults()}
        out[sec] = {k: oslo(v) for k, v in items.items()}
    return out


def oslo(v):
    """A value as oslo.config reads it: quotes stripped, $$ -> $."""
    if len(v) >= 2 and v[0] == v[-1] == '"':
        v = v[1:-1]
    return v.replace('$$', '$')


def url_parts(url):
    """[(user, password, host, port)] and path of a (multi-host) URL."""
    scheme, rest = url.split('://', 1)
    netloc, _, path = rest.partition('/')
    hosts = []
    for part in netloc.split(','):
        cred, _, hp = part.rpartition('@')
        user, _, pw = cred.partition(':')
        host, _, port = hp.partition(':')
        hosts.append((urllib.parse.unquote(user), urllib.parse.unquote(pw),
                      host, port))
    return scheme, hosts, urllib.parse.unquote(path.split('?')[0])


def main(tree, irpath):
    ir = json.load(open(irpath))
    addrs = places(ir)
    bad = []

    # ---- what was delivered to each place
    mysql_urls = []     # (place, url)
    mq_urls = []
    logins = []         # (place, where, user, project, domain, password)
    for d in sorted(glob.glob(os.path.join(tree, '*', '*', '*'))):
        host, zone, kind = d.split(os.sep)[-3:]
        place = (host, zone)
        if kind in PROJECT_DIRS:
            files = sorted(glob.glob(d + '/*.conf') + glob.glob(d + '/*.ini'))
            ini = read_ini(files)
            envf = os.path.join(d, 'ztopo-secrets.env')
            if os.path.exists(envf):
                for k, v in read_env(envf).items():
                    m = re.match(r'OS_(.+)__(.+)$', k)
                    sec = m.group(1)
                    sec = 'DEFAULT' if sec == 'DEFAULT' else sec.lower()
                    ini.setdefault(sec, {})[m.group(2).lower()] = v
            for sec, opts in ini.items():
                for k, v in opts.items():
                    if k.endswith('connection') and v.startswith('mysql'):
                        mysql_urls.append((place, v, '%s [%s] %s' % (d, sec, k)))
                    if k == 'transport_url':
                        mq_urls.append((place, v, '%s [%s] %s' % (d, sec, k)))
                if 'username' in opts and opts.get('auth_type') == 'password':
                    logins.append((place, '%s [%s]' % (d, sec),
                                   opts['username'], opts.get('project_name'),
                                   opts.get('user_domain_name'),
                                   opts.get('password')))
        elif kind == 'env':
            for f in sorted(glob.glob(d + '/*.env')):
                if f.endswith('-secrets.env'):
                    continue    # read through the file that loads it
                env = read_env(f)
                for k, v in env.items():
                    if k.endswith('_URL') and v.startswith('mysql://'):
                        mysql_urls.append((place, v, '%s %s' % (f, k)))
                    if k.endswith('_URL') and v.startswith('amqp://'):
                        mq_urls.append((place, v, '%s %s' % (f, k)))
                for k, v in env.items():
                    m = re.match(r'(ZTOPO_.*_)AUTH_URL$', k)
                    if m:
                        p = m.group(1)
                        logins.append((place, '%s %s' % (f, p),
                                       env[p + 'USER'], env[p + 'PROJECT'],
                                       env[p + 'DOMAIN'], env[p + 'PASSWORD']))

    # ---- MySQL accounts
    accounts = []       # (server addrs, user, host, password)
    for f in sorted(glob.glob(os.path.join(tree, '*', '*', 'mysql', 'grants.sql'))):
        host, zone = f.split(os.sep)[-4:-2]
        pw = dict(re.findall(r"^SET @(\w+) = '([^']*)';$", open(
            os.path.join(os.path.dirname(f), 'grants-passwords.sql')).read(),
            re.M))
        for m in re.finditer(r"SET @ztopo_user = '([^']*)', @ztopo_host = "
                             r"'([^']*)', @ztopo_password = @(\w+);",
                             open(f).read()):
            accounts.append((addrs[(host, zone)], m.group(1), m.group(2),
                             pw[m.group(3)], f))
    used = set()
    for place, url, where in mysql_urls:
        _, hosts, db = url_parts(url)
        user, pw, shost, _ = hosts[0]
        hit = [i for i, a in enumerate(accounts) if shost in a[0] and
               a[1] == user and a[2] in addrs[place] and a[3] == pw]
        if not hit:
            bad.append('%s: no MySQL account %s@%s on %s with its password'
                       % (where, user, '|'.join(sorted(addrs[place])), shost))
        used.update(hit)
    for i, a in enumerate(accounts):
        if i not in used:
            bad.append("%s: account '%s'@'%s' is used by no URL"
                       % (a[4], a[1], a[2]))
    print('mysql: %d accounts, %d URLs' % (len(accounts), len(mysql_urls)))

    # ---- RabbitMQ users
    brokers = []        # (addrs, user, password, vhosts)
    for f in sorted(glob.glob(os.path.join(tree, '*', '*', 'rabbitmq', 'setup.sh'))):
        host, zone = f.split(os.sep)[-4:-2]
        text = open(f).read()
        pw = {k: shlex.split(v)[0] for k, v in re.findall(
            r"^(\w+)=(.*)$", open(os.path.join(os.path.dirname(f),
                                               'setup-passwords.sh')).read(),
            re.M)}
        perms = {}
        for m in re.finditer(r"set_permissions -p '([^']*)' '([^']*)'", text):
            perms.setdefault(m.group(2), set()).add(m.group(1))
        for m in re.finditer(r"printf '%s\\n' \"\$(\w+)\" \| rabbitmqctl "
                             r"add_user '([^']*)'", text):
            brokers.append((addrs[(host, zone)], m.group(2), pw[m.group(1)],
                            perms.get(m.group(2), set()), f))
    used = set()
    for place, url, where in mq_urls:
        _, hosts, vhost = url_parts(url)
        for user, pw, shost, _ in hosts:
            hit = [i for i, b in enumerate(brokers) if shost in b[0] and
                   b[1] == user and b[2] == pw and vhost in b[3]]
            if not hit:
                bad.append('%s: no RabbitMQ user %s with its password and '
                           'vhost %r on %s' % (where, user, vhost, shost))
            used.update(hit)
    for i, b in enumerate(brokers):
        if i not in used:
            bad.append('%s: user %s is named by no URL' % (b[4], b[1]))
    print('rabbitmq: %d users, %d URLs' % (len(brokers), len(mq_urls)))

    # ---- keystone users
    users = {}          # name -> (domain, project, password)
    admin = None
    for f in sorted(glob.glob(os.path.join(tree, '*', '*', 'keystone',
                                           'ztopo-catalog.sh'))):
        env = read_env(os.path.join(os.path.dirname(f), 'ztopo-catalog.env'))
        text = open(f).read()
        for line in text.splitlines():
            w = shlex.split(line) if line.startswith('user ') else []
            if len(w) == 5:
                var = w[4].lstrip('$')
                users[w[1]] = (w[2], w[3], env[var])
        boot = open(os.path.join(os.path.dirname(f), 'ztopo-bootstrap.sh')).read()
        m = re.search(r"--bootstrap-username '([^']*)' --bootstrap-project-name "
                      r"'([^']*)'", boot)
        admin = (m.group(1), m.group(2), env['OS_BOOTSTRAP_PASSWORD'])
    seen = set()
    for place, where, user, project, domain, pw in logins:
        if admin and (user, project, pw) == admin:
            continue
        u = users.get(user)
        if u is None or u != (domain, project, pw):
            bad.append('%s: keystone login %s (project %s, domain %s) is no '
                       'user of the catalog with that password'
                       % (where, user, project, domain))
        seen.add(user)
    for name in sorted(set(users) - seen):
        bad.append('catalog: user %s logs in from no configuration' % name)
    print('keystone: %d users, %d logins' % (len(users), len(logins)))

    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:3]))
