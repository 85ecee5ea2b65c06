#!/usr/bin/python3
"""tests/gen-oslo-options.py - generate backends/oslo_options.c.

usage: /usr/bin/python3 tests/gen-oslo-options.py > backends/oslo_options.c

The option registries (backends/oslo_options.h) of the oslo.config files
ztopo writes: for every [section] option its value type, whether it is
secret, deprecated for removal or required, its bounds and choices, and the
deprecated names the service still reads as a current option.  Read from
the services' own (Debian bookworm, Zed) packages:

nova.conf       `import nova.conf` (the registry nova's services use; the
                nova.conf namespace's list_opts is not used: it adds the
                password plugin's options to every auth section for the
                sample file) plus the library namespaces of nova's
                etc/nova/nova-config-generator.conf, registered into it, as
                tests/lib/check-oslo-conf.py does.
other files     the namespaces of the project's oslo-config-generator file,
                listed by oslo_config.generator._list_opts as
                oslo-config-generator does.
folsom          the Folsom-era (2012.2) names of tests/lib/folsom_names.py
                (FOLSOM there): int, bool or str; the keys ending in
                "password" and sql_connection are secret.

Every namespace is named here.  Machine independence: each namespace is
taken only from the distribution named in NAMESPACES (an entry point of the
same name from another distribution is ignored), and of the
`oslo.config.opts.defaults` hooks only the one of that same distribution
runs (placement registers a `nova.conf` hook too: not run for nova).  A
namespace that is missing, cannot be loaded or lists no option is an error
naming the package to install; the output is never a smaller table.

Keystoneauth: into every section that registers one of keystoneauth's own
options (auth_type, auth_section or a `password` plugin option, recognised
by dest *and* help text, so that keystone's [ldap] password or castellan's
[key_manager] auth_type do not count), the common auth options and the
password plugin's options (keystoneauth1.loading) are merged, by dest; the
ones the section does not register itself are flagged OO_AUTH (the
services register them at run time, when auth_type names the plugin).
Their deprecated names (tenant_name, user-name...) become aliases too.

A choice of None (oslo's "may be unset") is left out: no file gives it.
An integer bound a double cannot hold is rounded inwards (commented).

Each registry is read in its own interpreter (several projects in one
process break: DuplicateOptError, NotInitializedError): the script runs
itself as `python3 -I -B gen-oslo-options.py --registry NAME`, which prints
the registry as JSON.

Run it again after upgrading a service or library; tests/t/
oslo-options-table.sh fails when the committed file differs from what this
prints.  Output is sorted by section, then option (strcmp order).
"""

import concurrent.futures
import json
import math
import os
import re
import subprocess
import sys

ME = os.path.abspath(__file__)
HERE = os.path.dirname(ME)
FOLSOM_NAMES = os.path.join(HERE, 'lib', 'folsom_names.py')
REGEN = '/usr/bin/python3 tests/gen-oslo-options.py > backends/oslo_options.c'

# namespace -> (distribution providing it, Debian package)
NAMESPACES = {
    'nova.conf': ('nova', 'python3-nova'),
    'keystone': ('keystone', 'python3-keystone'),
    'glance.api': ('glance', 'python3-glance'),
    'glance.store': ('glance-store', 'python3-glance-store'),
    'glance.multi_store': ('glance-store', 'python3-glance-store'),
    'placement.conf': ('openstack-placement', 'python3-placement'),
    'neutron': ('neutron', 'python3-neutron'),
    'neutron.agent': ('neutron', 'python3-neutron'),
    'neutron.db': ('neutron', 'python3-neutron'),
    'neutron.experimental': ('neutron', 'python3-neutron'),
    'neutron.extensions': ('neutron', 'python3-neutron'),
    'neutron.ml2': ('neutron', 'python3-neutron'),
    'nova.auth': ('neutron', 'python3-neutron'),
    'ironic.auth': ('neutron', 'python3-neutron'),
    'placement.auth': ('neutron', 'python3-neutron'),
    'castellan.config': ('castellan', 'python3-castellan'),
    'os_brick': ('os-brick', 'python3-os-brick'),
    'keystonemiddleware.auth_token': ('keystonemiddleware',
                                      'python3-keystonemiddleware'),
    'osprofiler': ('osprofiler', 'python3-osprofiler'),
    'oslo.cache': ('oslo.cache', 'python3-oslo.cache'),
    'oslo.concurrency': ('oslo.concurrency', 'python3-oslo.concurrency'),
    'oslo.db': ('oslo.db', 'python3-oslo.db'),
    'oslo.limit': ('oslo.limit', 'python3-oslo.limit'),
    'oslo.log': ('oslo.log', 'python3-oslo.log'),
    'oslo.messaging': ('oslo.messaging', 'python3-oslo.messaging'),
    'oslo.middleware': ('oslo.middleware', 'python3-oslo.middleware'),
    'oslo.middleware.cors': ('oslo.middleware', 'python3-oslo.middleware'),
    'oslo.middleware.healthcheck': ('oslo.middleware',
                                    'python3-oslo.middleware'),
    'oslo.middleware.http_proxy_to_wsgi': ('oslo.middleware',
                                           'python3-oslo.middleware'),
    'oslo.policy': ('oslo.policy', 'python3-oslo.policy'),
    'oslo.privsep': ('oslo.privsep', 'python3-oslo.privsep'),
    'oslo.reports': ('oslo.reports', 'python3-oslo.reports'),
    'oslo.service.periodic_task': ('oslo.service', 'python3-oslo.service'),
    'oslo.service.service': ('oslo.service', 'python3-oslo.service'),
    'oslo.service.sslutils': ('oslo.service', 'python3-oslo.service'),
    'oslo.service.wsgi': ('oslo.service', 'python3-oslo.service'),
}

# The Folsom registries: the service of tests/lib/folsom_names.py each is.
FOLSOM_SERVICE = {'oslo_nova_folsom': 'nova', 'oslo_keystone_folsom': 'keystone',
                  'oslo_glance_api_folsom': 'glance-api',
                  'oslo_glance_registry_folsom': 'glance-registry'}

# Besides the namespaces: what every registry reads (the child reports
# their versions; the header comment names them).
LIBRARIES = [('oslo.config', 'python3-oslo.config'),
             ('keystoneauth1', 'python3-keystoneauth1'),
             ('stevedore', 'python3-stevedore')]

# C name, file, project distribution, how, namespaces (of the upstream
# generator file, in its order)
REGISTRIES = [
    ('oslo_nova_zed', 'nova.conf', 'nova', 'nova', [
        # etc/nova/nova-config-generator.conf at 26.2.2
        'nova.conf', 'oslo.limit', 'oslo.log', 'oslo.messaging',
        'oslo.policy', 'oslo.privsep', 'oslo.service.periodic_task',
        'oslo.service.service', 'oslo.middleware', 'oslo.concurrency',
        'oslo.reports', 'keystonemiddleware.auth_token', 'osprofiler']),
    ('oslo_nova_folsom', 'nova.conf', None, 'folsom', []),
    ('oslo_keystone_folsom', 'keystone.conf', None, 'folsom', []),
    ('oslo_glance_api_folsom', 'glance-api.conf', None, 'folsom', []),
    ('oslo_glance_registry_folsom', 'glance-registry.conf', None, 'folsom',
     []),
    ('oslo_keystone_zed', 'keystone.conf', 'keystone', 'namespaces', [
        # config-generator/keystone.conf at 22.0.2
        'keystone', 'oslo.cache', 'oslo.log', 'oslo.messaging',
        'oslo.policy', 'oslo.db', 'oslo.middleware', 'osprofiler']),
    ('oslo_glance_api_zed', 'glance-api.conf', 'glance', 'namespaces', [
        # etc/oslo-config-generator/glance-api.conf
        'castellan.config', 'glance.api', 'glance.store', 'os_brick',
        'glance.multi_store', 'oslo.concurrency', 'oslo.messaging',
        'oslo.db', 'oslo.policy', 'keystonemiddleware.auth_token',
        'oslo.limit', 'oslo.log', 'oslo.middleware.cors',
        'oslo.middleware.healthcheck', 'oslo.middleware.http_proxy_to_wsgi',
        'oslo.reports']),
    ('oslo_placement_zed', 'placement.conf', 'openstack-placement',
     'namespaces', [
         # etc/placement/config-generator.conf
         'placement.conf', 'keystonemiddleware.auth_token', 'oslo.log',
         'oslo.middleware.cors', 'oslo.middleware.http_proxy_to_wsgi',
         'oslo.policy', 'osprofiler']),
    ('oslo_neutron_zed', 'neutron.conf', 'neutron', 'namespaces', [
        # etc/oslo-config-generator/neutron.conf
        'neutron', 'neutron.agent', 'neutron.db', 'neutron.experimental',
        'neutron.extensions', 'nova.auth', 'ironic.auth', 'placement.auth',
        'oslo.log', 'oslo.cache', 'oslo.db', 'oslo.policy', 'oslo.privsep',
        'oslo.concurrency', 'oslo.messaging', 'oslo.middleware.cors',
        'oslo.middleware.healthcheck', 'oslo.middleware.http_proxy_to_wsgi',
        'oslo.reports', 'oslo.service.periodic_task', 'oslo.service.service',
        'oslo.service.sslutils', 'oslo.service.wsgi',
        'keystonemiddleware.auth_token']),
    ('oslo_ml2_zed', 'ml2_conf.ini', 'neutron', 'namespaces', [
        # etc/oslo-config-generator/ml2_conf.ini
        'neutron.ml2', 'oslo.log']),
]

# Flag names in the order they are written.
FLAG_ORDER = ['OO_SECRET', 'OO_AUTH', 'OO_REMOVAL', 'OO_MIN', 'OO_MAX',
              'OO_REQUIRED']
TYPES = ['OO_STR', 'OO_INT', 'OO_BOOL', 'OO_FLOAT', 'OO_LIST', 'OO_DICT',
         'OO_MULTI']


class Fail(Exception):
    """A registry cannot be read completely: the message says why."""


def package_of(namespace):
    return NAMESPACES[namespace][1]


# ---------------------------------------------------------------------------
# child: one registry, in its own interpreter


def dist_key(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def version_of(dist, package):
    import importlib.metadata as md
    try:
        return md.version(dist)
    except md.PackageNotFoundError:
        raise Fail('distribution %s is not installed: install %s'
                   % (dist, package))


def entry_point(group, namespace):
    """The entry point `namespace` of group from NAMESPACES' distribution.

    Returns (entry point or None, [distributions of others of that name]).
    """
    import importlib.metadata as md
    want = dist_key(NAMESPACES[namespace][0])
    mine, others = None, []
    for ep in md.entry_points(group=group, name=namespace):
        dist = ep.dist.name if ep.dist is not None else '?'
        if dist_key(dist) == want and mine is None:
            mine = ep
        else:
            others.append(dist)
    return mine, sorted(others)


def load_namespaces(namespaces, hook_namespaces, note):
    """oslo_config.generator._list_opts(namespaces), made deterministic.

    The loaders are those generator._get_raw_opts_loaders (stevedore) finds,
    restricted to the entry points of NAMESPACES' distributions; the
    defaults hooks run are those of hook_namespaces from the same
    distributions (the generator would run every distribution's hook of
    that name).  Returns [(namespace, [(group, [opt, ...])])] as
    _list_opts does.
    """
    from oslo_config import generator
    expected = {}
    for ns in namespaces:
        ep, others = entry_point('oslo.config.opts', ns)
        if ep is None:
            raise Fail('namespace %s: no oslo.config.opts entry point from '
                       '%s%s: install %s'
                       % (ns, NAMESPACES[ns][0],
                          ' (only from %s)' % ', '.join(others)
                          if others else '', package_of(ns)))
        if others:
            note('namespace %s: ignoring the entry points of %s'
                 % (ns, ', '.join(others)))
        try:
            expected[ns] = ep.load()
        except Exception as e:
            raise Fail('namespace %s (%s) cannot be loaded: %s: %s; '
                       'install %s' % (ns, ep.value, type(e).__name__, e,
                                       package_of(ns)))
    hooks = []
    for ns in hook_namespaces:
        ep, others = entry_point('oslo.config.opts.defaults', ns)
        if others:
            note('defaults hook %s: not running those of %s'
                 % (ns, ', '.join(others)))
        if ep is None:
            continue
        try:
            hooks.append(ep.load())
        except Exception as e:
            raise Fail('defaults hook %s (%s) cannot be loaded: %s: %s; '
                       'install %s' % (ns, ep.value, type(e).__name__, e,
                                       package_of(ns)))

    try:
        found = generator._get_raw_opts_loaders(namespaces)
    except Exception as e:
        raise Fail('stevedore cannot load the namespaces %s: %s: %s'
                   % (' '.join(namespaces), type(e).__name__, e))
    loaders = []
    for ns in namespaces:
        mine = [(n, p) for n, p in found if n == ns and p is expected[ns]]
        if not mine:
            raise Fail('namespace %s: stevedore does not find it; '
                       'install %s' % (ns, package_of(ns)))
        loaders.append(mine[0])

    def update_defaults(_namespaces):
        for hook in hooks:
            hook()

    # _list_opts as the CLI runs it (driver options, duplicate removal,
    # group name normalisation), with the loaders and hooks chosen above
    saved = generator._get_raw_opts_loaders, generator._update_defaults
    generator._get_raw_opts_loaders = lambda _namespaces: loaders
    generator._update_defaults = update_defaults
    try:
        listed = generator._list_opts(namespaces)
    except Exception as e:
        raise Fail('listing the options of %s failed: %s: %s (install %s)'
                   % (' '.join(namespaces), type(e).__name__, e,
                      ' '.join(sorted({package_of(n) for n in namespaces}))))
    finally:
        generator._get_raw_opts_loaders, generator._update_defaults = saved
    for ns in namespaces:
        n = sum(len(opts) for name, groups in listed if name == ns
                for _g, opts in groups)
        if not n:
            raise Fail('namespace %s lists no option (%s)'
                       % (ns, package_of(ns)))
    return listed


def section_name(group):
    """The section of a _list_opts group (already normalised by it)."""
    if not group:
        return 'DEFAULT'
    return getattr(group, 'name', group)


def opt_row(opt, cfg, types):
    """[type, [flags], lo, hi, [choices] or None] of an oslo.config Opt."""
    t = opt.type
    if isinstance(opt, cfg.MultiOpt):
        kind = 'OO_MULTI'
    elif isinstance(t, types.Boolean):
        kind = 'OO_BOOL'
    elif isinstance(t, types.Integer) or t is int:   # types.Port too
        kind = 'OO_INT'
    elif isinstance(t, types.Float) or t is float:
        kind = 'OO_FLOAT'
    elif isinstance(t, types.List):
        kind = 'OO_LIST'
    elif isinstance(t, types.Dict):
        kind = 'OO_DICT'
    else:
        kind = 'OO_STR'
    flags = []
    if opt.secret:
        flags.append('OO_SECRET')
    if opt.deprecated_for_removal:
        flags.append('OO_REMOVAL')
    if opt.required:
        flags.append('OO_REQUIRED')
    lo = hi = None
    if isinstance(t, (types.Integer, types.Float)):
        # types.Port: min/max default to 0..65535 in its constructor
        if t.min is not None:
            flags.append('OO_MIN')
            lo = t.min
        if t.max is not None:
            flags.append('OO_MAX')
            hi = t.max
    choices = None
    if isinstance(t, (types.String, types.Number)) and \
            t.choices is not None:
        choices = []
        for c in t.choices:
            if isinstance(t, types.Integer):
                assert isinstance(c, int) and not isinstance(c, bool), c
                choices.append('%d' % c)
            elif isinstance(t, types.Float):
                choices.append(repr(float(c)))
            elif c is not None:
                # None (oslo's way to allow "unset") is no value a file
                # can give: the file's values are the string choices
                assert isinstance(c, str), (opt.dest, c)
                choices.append(c)
        assert choices, opt.dest
    return [kind, flags, lo, hi, choices]


def registry_tables(groups, cfg, types, ks):
    """groups: [(section, {dest: opt})].  Adds the keystoneauth options.

    Returns (opts, aliases): {section: {key: row}},
    [[section, key, to_section, to_key]].
    """
    common = ks.get_auth_common_conf_options()
    plugin = ks.get_auth_plugin_conf_options('password')
    # keystoneauth's options, recognised by dest and help text: a section
    # with an option of the same name but its own (keystone's [ldap]
    # password, castellan's [key_manager] auth_type) is not a keystoneauth
    # section
    fingerprints = {(o.dest, o.help) for o in common + plugin}
    table = {}
    current = {}    # (section, dest) -> opt, the keystoneauth ones included
    for section, registered in groups:
        rows = table.setdefault(section, {})
        for dest, opt in registered.items():
            rows[dest] = opt_row(opt, cfg, types)
            current[(section, dest)] = opt
        if fingerprints & {(o.dest, o.help) for o in registered.values()}:
            for opt in common + plugin:
                if opt.dest in rows:
                    continue
                row = opt_row(opt, cfg, types)
                row[1].append('OO_AUTH')
                rows[opt.dest] = row
                current[(section, opt.dest)] = opt
    aliases = set()
    for (section, dest), opt in current.items():
        for d in opt.deprecated_opts:
            if not (d.name or d.group):
                continue
            old = (cfg._normalize_group_name(d.group) if d.group else section,
                   d.name or dest)
            if old in current:
                continue
            aliases.add(old + (section, dest))
    return ({s: r for s, r in table.items() if r},
            [list(a) for a in sorted(aliases)])


def nova_groups(namespaces, note):
    """`import nova.conf` plus the library namespaces, registered into it."""
    try:
        import nova.conf
    except Exception as e:
        raise Fail('cannot import nova.conf (%s: %s): install python3-nova'
                   % (type(e).__name__, e))
    from oslo_config import cfg
    if entry_point('oslo.config.opts', 'nova.conf')[0] is None:
        raise Fail('namespace nova.conf: no entry point from nova: '
                   'install python3-nova')
    CONF = nova.conf.CONF
    libs = [n for n in namespaces if n != 'nova.conf']
    for _ns, listing in load_namespaces(libs, namespaces, note):
        for group, opts in listing:
            gname = section_name(group)
            for opt in opts:
                try:
                    CONF.register_opt(
                        opt, group=None if gname == 'DEFAULT' else gname)
                except cfg.DuplicateOptError:
                    pass    # nova registers it already (another definition)
    groups = [('DEFAULT', {d: i['opt'] for d, i in CONF._opts.items()})]
    for name in sorted(CONF._groups):
        groups.append((name, {d: i['opt'] for d, i in
                              CONF._groups[name]._opts.items()}))
    return groups


def namespace_groups(namespaces, note):
    """The union of the namespaces' groups (the first definition wins)."""
    merged = {}
    for ns, listing in load_namespaces(namespaces, namespaces, note):
        for group, opts in listing:
            registered = merged.setdefault(section_name(group), {})
            for opt in opts:
                have = registered.get(opt.dest)
                if have is None:
                    registered[opt.dest] = opt
                elif have != opt:
                    note('[%s] %s: %s defines it differently; keeping the '
                         'first definition' % (section_name(group),
                                               opt.dest, ns))
    return sorted(merged.items())


def folsom_tables(service):
    import importlib.util
    sys.dont_write_bytecode = True  # no __pycache__ in tests/lib
    spec = importlib.util.spec_from_file_location('folsom_names',
                                                  FOLSOM_NAMES)
    chk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(chk)
    table = {}
    for section, keys in chk.FOLSOM[service].items():
        for key, t in keys.items():
            flags = []
            if chk.secret(section, key):
                flags.append('OO_SECRET')
            kind = {'int': 'OO_INT', 'bool': 'OO_BOOL'}.get(t, 'OO_STR')
            table.setdefault(section, {})[key] = [kind, flags, None, None,
                                                  None]
    return table, []


def child(name):
    """Print registry `name` as JSON (stdout only carries the JSON)."""
    out = os.fdopen(os.dup(1), 'w')
    os.dup2(2, 1)   # whatever the libraries print goes to stderr
    import logging
    import warnings
    logging.basicConfig(level=logging.ERROR)
    warnings.simplefilter('ignore')
    reg = {r[0]: r for r in REGISTRIES}[name]
    _cname, fname, project, how, namespaces = reg
    notes = []

    def note(msg):
        notes.append(msg)

    try:
        if how == 'folsom':
            service = FOLSOM_SERVICE[name]
            opts, aliases = folsom_tables(service)
            source = '%s 2012.2 (Folsom-era names of ' \
                'tests/lib/folsom_names.py)' % service.split('-')[0]
            versions = {}
        else:
            from oslo_config import cfg, types
            try:
                from keystoneauth1 import loading as ks
            except ImportError as e:
                raise Fail('cannot import keystoneauth1.loading (%s): '
                           'install python3-keystoneauth1' % e)
            package = NAMESPACES[namespaces[0]][1]
            source = '%s %s' % (project, version_of(project, package))
            if how == 'nova':
                groups = nova_groups(namespaces, note)
            else:
                groups = namespace_groups(namespaces, note)
            opts, aliases = registry_tables(groups, cfg, types, ks)
            versions = {}
            for ns in namespaces:
                dist, package = NAMESPACES[ns]
                versions[dist] = version_of(dist, package)
            for dist, package in LIBRARIES:
                versions[dist] = version_of(dist, package)
    except Fail as e:
        print('%s: %s: %s' % (os.path.basename(ME), name, e),
              file=sys.stderr)
        return 1
    json.dump({'name': name, 'file': fname, 'source': source,
               'namespaces': namespaces, 'opts': opts, 'aliases': aliases,
               'versions': versions, 'notes': notes}, out, sort_keys=True)
    out.close()
    return 0


# ---------------------------------------------------------------------------
# parent: run the children, write C


def c_str(s):
    """s as a C string literal (UTF-8; no trigraphs, no hex run-ons)."""
    out = []
    for b in s.encode('utf-8'):
        c = chr(b)
        if c in '"\\?':
            out.append('\\' + c)
        elif 0x20 <= b < 0x7f:
            out.append(c)
        else:
            out.append('\\%03o' % b)
    return '"%s"' % ''.join(out)


def c_name(s):
    """An identifier-like string (section, key, namespace)."""
    assert s and all(c.isascii() and (c.isalnum() or c in '_-.')
                     for c in s), s
    return '"%s"' % s


def c_double(x, upper):
    """(C literal, exact?) of bound x; 0 when unused.

    repr() of a double reads back identically in C.  An integer bound a
    double cannot hold (keystone's 2**63 - 1) is rounded inwards, so that
    the C table never accepts what oslo.config rejects.
    """
    if x is None:
        return '0', True
    f = float(x)
    assert math.isfinite(f), x
    if upper and f > x:
        f = math.nextafter(f, -math.inf)
    elif not upper and f < x:
        f = math.nextafter(f, math.inf)
    r = repr(f)
    assert float(r) == f
    return r, f == x


def bkey(*parts):
    return tuple(p.encode('utf-8') for p in parts)


def emit(out, reg):
    name = reg['name']
    out.append('/* %s: %s, %s */' % (name, reg['file'], reg['source']))
    out.append('static const char *const %s_namespaces[] = {' % name)
    for ns in reg['namespaces']:
        out.append('\t%s,' % c_name(ns))
    out.append('\tNULL')
    out.append('};')
    rows = []
    for section in reg['opts']:
        for key, row in reg['opts'][section].items():
            rows.append((section, key, row))
    rows.sort(key=lambda r: bkey(r[0], r[1]))
    arrays = {}     # choices tuple -> C name, in order of first use
    for _s, _k, row in rows:
        choices = row[4]
        if choices is not None and tuple(choices) not in arrays:
            cname = '%s_choices%d' % (name, len(arrays))
            arrays[tuple(choices)] = cname
            out.append('static const char *const %s[] = {' % cname)
            line = '\t'
            for c in choices:
                item = c_str(c) + ','
                if len(line) > 1 and len(line) + 1 + len(item) > 72:
                    out.append(line)
                    line = '\t'
                line += (' ' if len(line) > 1 else '') + item
            out.append(line + ' NULL')
            out.append('};')
    out.append('static const struct oslo_opt %s_opts[] = {' % name)
    for section, key, (kind, flags, lo, hi, choices) in rows:
        assert kind in TYPES and all(f in FLAG_ORDER for f in flags), flags
        fl = ' | '.join([kind] + [f for f in FLAG_ORDER if f in flags])
        assert ('OO_MIN' in flags) == (lo is not None)
        assert ('OO_MAX' in flags) == (hi is not None)
        ch = arrays[tuple(choices)] if choices is not None else 'NULL'
        (clo, elo), (chi, ehi) = c_double(lo, False), c_double(hi, True)
        note = ''
        if not (elo and ehi):
            note = ' /* oslo.config: %s */' % ', '.join(
                '%s %d' % (w, b) for w, b, e in (('min', lo, elo),
                                                 ('max', hi, ehi)) if not e)
        out.append('\t{ %s, %s, %s, %s, %s, %s },%s'
                   % (c_name(section), c_name(key), fl, clo, chi, ch, note))
    out.append('};')
    out.append('static const struct oslo_alias %s_aliases[] = {' % name)
    for a in sorted(reg['aliases'], key=lambda a: bkey(*a)):
        out.append('\t{ %s },' % ', '.join(c_name(s) for s in a))
    out.append('\t{ NULL, NULL, NULL, NULL }')
    out.append('};')
    out.append('const struct oslo_registry %s = {' % name)
    out.append('\t.file = %s,' % c_str(reg['file']))
    out.append('\t.source = %s,' % c_str(reg['source']))
    out.append('\t.namespaces = %s_namespaces,' % name)
    out.append('\t.opts = %s_opts,' % name)
    out.append('\t.nopts = sizeof(%s_opts) / sizeof(%s_opts[0]),'
               % (name, name))
    out.append('\t.aliases = %s_aliases,' % name)
    out.append('};')
    out.append('')


def wrap(text, first, rest, width=76):
    lines, line = [], first
    for word in text.split():
        if line not in (first, rest) and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = rest
        line += word if line in (first, rest) else ' ' + word
    lines.append(line)
    return lines


def run_children(names):
    """Read the registries, each in its own interpreter (one per CPU)."""
    env = dict(os.environ, PYTHONHASHSEED='0', LC_ALL='C.UTF-8')

    def run(name):
        return subprocess.run([sys.executable, '-I', '-B', ME,
                               '--registry', name],
                              stdout=subprocess.PIPE, env=env, cwd='/')

    jobs = max(1, len(os.sched_getaffinity(0)))
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        done = list(pool.map(run, names))
    failed = [n for n, p in zip(names, done) if p.returncode != 0]
    if failed:
        sys.exit('%s: cannot read %s (see above); nothing written'
                 % (os.path.basename(ME), ', '.join(failed)))
    regs = [json.loads(p.stdout.decode('utf-8')) for p in done]
    for reg in regs:
        for n in reg['notes']:
            print('%s: %s: note: %s' % (os.path.basename(ME), reg['name'], n),
                  file=sys.stderr)
    return regs


def main(argv):
    if len(argv) == 3 and argv[1] == '--registry':
        return child(argv[2])
    if len(argv) != 1:
        print('usage: %s > backends/oslo_options.c' % argv[0],
              file=sys.stderr)
        return 2
    regs = run_children([r[0] for r in REGISTRIES])
    # every child runs the same interpreter: one set of library versions
    common = {}
    for reg in regs:
        for dist, _package in LIBRARIES:
            if dist in reg['versions']:
                v = common.setdefault(dist, reg['versions'][dist])
                assert v == reg['versions'][dist], (dist, reg['name'])
    out = [
        '/*',
        ' * oslo_options.c -- GENERATED by tests/gen-oslo-options.py from the',
        ' * packages named below.  Do not edit; regenerate:',
        ' *',
        ' *\t' + REGEN,
        ' *',
    ]
    text = 'Read with %s from:' % ', '.join(
        '%s %s' % (d, common[d]) for d, _p in LIBRARIES)
    out += wrap(text, ' * ', ' * ')
    for reg in regs:
        libs = sorted('%s %s' % (d, v) for d, v in reg['versions'].items()
                      if d not in common
                      and reg['source'] != '%s %s' % (d, v))
        text = '%s (%s): %s' % (reg['name'], reg['file'], reg['source'])
        if libs:
            text += '; ' + ', '.join(libs)
        out += wrap(text, ' * - ', ' *   ')
    out += [
        ' *',
        ' * Each table is sorted by section, then key, in strcmp order.',
        ' */',
        '#include <stddef.h>',
        '',
        '#include "oslo_options.h"',
        '',
    ]
    for reg in regs:
        emit(out, reg)
    sys.stdout.write('\n'.join(out).rstrip('\n') + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
