#!/usr/bin/python3
"""tests/gen-nova-options.py - generate backends/nova_options.c.

usage: /usr/bin/python3 tests/gen-nova-options.py > backends/nova_options.c

The table ztopo checks a description's nova `config` options against
(backends/novaconf.c): every [section] option per OpenStack release, with
its value type and whether oslo.config marks it secret, and the deprecated
names nova still maps to a current option (for "did you mean").

zed:    read from the nova that is installed (Debian bookworm's python3-nova,
        26.x = Zed) the same way tests/lib/check-nova-conf.py builds its
        registry: `import nova.conf`, the library namespaces of nova's
        nova-config-generator.conf, and the options of the keystoneauth
        `password` plugin in every section that has `auth_type` (the plugin
        ztopo derives; other plugins' options are not in the table).
folsom: the Folsom-era (2012.2) names tests/lib/check-nova-conf.py knows
        (FOLSOM there), so that compile-time checks and the test oracle
        agree.  It is a subset of what Folsom read.

Run it again after upgrading nova; tests/t/nova-options-table.sh fails when
the committed file differs from what this prints.  Output is sorted by
section, then option (strcmp order: novaconf.c binary-searches it).
"""

import importlib.util
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CHECKER = os.path.join(HERE, 'lib', 'check-nova-conf.py')


def load_checker():
    spec = importlib.util.spec_from_file_location('check_nova_conf', CHECKER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def kind(opt, types):
    t = opt.type
    if isinstance(t, types.Boolean):
        return 'NOVA_BOOL'
    if isinstance(t, types.Integer):    # PortOpt's types.Port too
        return 'NOVA_INT'
    if isinstance(t, types.Float):
        return 'NOVA_FLOAT'
    return 'NOVA_STR'   # strings, lists, URIs, addresses: not checked


def zed_registry(chk):
    logging.getLogger('oslo_config').setLevel(logging.ERROR)
    nova_conf, cfg, generator, _ksm, ks, types = chk.need(
        'nova.conf', 'oslo_config.cfg', 'oslo_config.generator',
        'keystonemiddleware.auth_token', 'keystoneauth1.loading',
        'oslo_config.types')
    CONF = nova_conf.CONF
    chk.register_namespaces(CONF, cfg, generator)
    plugin = ks.get_auth_plugin_conf_options(
        ks.get_plugin_loader('password'))
    opts = {}       # (section, key) -> flags
    aliases = {}    # (section, key) -> {(section, key), ...}
    groups = ['DEFAULT'] + sorted(CONF._groups)
    for group in groups:
        registered = chk.group_opts(CONF, group) or {}
        for dest, opt in registered.items():
            flags = [kind(opt, types)]
            if opt.secret:
                flags.append('NOVA_SECRET')
            opts[(group, dest)] = flags
        if 'auth_type' in registered:
            for opt in plugin:
                if (group, opt.dest) in opts:
                    continue
                flags = [kind(opt, types), 'NOVA_AUTH']
                if opt.secret:
                    flags.append('NOVA_SECRET')
                opts[(group, opt.dest)] = flags
    for group in groups:
        for dest, opt in (chk.group_opts(CONF, group) or {}).items():
            for d in opt.deprecated_opts:
                if not (d.name or d.group):
                    continue
                dgroup = cfg._normalize_group_name(d.group) \
                    if d.group else group
                old = (dgroup, d.name or dest)
                if old in opts:
                    continue
                aliases.setdefault(old, set()).add((group, dest))
    return opts, aliases


def folsom_registry(chk):
    opts = {}
    for section, keys in chk.FOLSOM.items():
        for key, t in keys.items():
            flags = [{'int': 'NOVA_INT', 'bool': 'NOVA_BOOL'}.get(
                t, 'NOVA_STR')]
            if key.endswith('password') or key == 'sql_connection':
                flags.append('NOVA_SECRET')
            opts[(section, key)] = flags
    return opts, {}


def c_str(s):
    assert all(c.isalnum() or c in '_-.' for c in s), s
    return '"%s"' % s


def emit(out, name, opts, aliases):
    out.append('const struct nova_opt nova_%s_opts[] = {' % name)
    for (section, key) in sorted(opts, key=lambda k: (k[0].encode(),
                                                       k[1].encode())):
        out.append('\t{ %s, %s, %s },' % (c_str(section), c_str(key),
                                          ' | '.join(opts[(section, key)])))
    out.append('};')
    out.append('const size_t nova_%s_nopts = sizeof(nova_%s_opts) / '
               'sizeof(nova_%s_opts[0]);' % (name, name, name))
    out.append('')
    out.append('const struct nova_alias nova_%s_aliases[] = {' % name)
    rows = sorted((old, new) for old in aliases for new in aliases[old])
    for old, new in sorted(rows, key=lambda r: tuple(
            s.encode() for s in r[0] + r[1])):
        out.append('\t{ %s, %s, %s, %s },' % (c_str(old[0]), c_str(old[1]),
                                              c_str(new[0]), c_str(new[1])))
    out.append('\t{ NULL, NULL, NULL, NULL }')
    out.append('};')
    out.append('')


def main():
    chk = load_checker()
    zed = zed_registry(chk)
    folsom = folsom_registry(chk)
    import nova.version
    out = [
        '/*',
        ' * nova_options.c -- GENERATED by tests/gen-nova-options.py from',
        ' * nova %s (zed) and the Folsom-era names of'
        % nova.version.version_string(),
        ' * tests/lib/check-nova-conf.py (folsom).  Do not edit; regenerate:',
        ' *',
        ' *\t/usr/bin/python3 tests/gen-nova-options.py '
        '> backends/nova_options.c',
        ' *',
        ' * Sorted by section, then option, in strcmp order.',
        ' */',
        '#include <stddef.h>',
        '',
        '#include "nova_options.h"',
        '',
    ]
    emit(out, 'zed', *zed)
    emit(out, 'folsom', *folsom)
    sys.stdout.write('\n'.join(out).rstrip('\n') + '\n')


if __name__ == '__main__':
    main()
