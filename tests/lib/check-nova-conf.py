#!/usr/bin/python3
"""tests/lib/check-nova-conf.py - check nova.conf fragments against nova.

usage: /usr/bin/python3 check-nova-conf.py [--release zed|folsom] FILE...

FILEs are nova.conf fragments that together make one configuration (like
nova.conf.d: later files override earlier ones). Run it with Debian's
/usr/bin/python3, which has python3-nova (Zed).

--release zed (default): files are read with oslo.config's own parser and
checked against the option registry nova really uses: nova.conf (imported,
as the services do), the library namespaces of nova's
etc/nova/nova-config-generator.conf (oslo.log, oslo.messaging, ...,
keystonemiddleware.auth_token), and the keystoneauth plugin options that
nova and keystonemiddleware register at run time in every section that has
`auth_type` (the plugin named by that section's auth_type, in the section
named by auth_section if set). Without auth_type, options such as username
or password are not registered, and nova would ignore them, so they fail.
Fails on: an unknown section, an option not registered in its section (a
deprecated alias of another option included), a value that does not convert
to its option's type or does not interpolate, a required option left unset
in a section the files set (the password plugin's auth_url, say). Each
file's values are converted on their own, then once more combined.

--release folsom: Folsom (2012.2) nova read flat [DEFAULT] options. Only
the INI syntax (oslo.config's parser), the key names (an embedded list of
Folsom-era names), and the types of the integer and boolean ones are checked.

Errors go to stderr as `FILE: [section] option: reason`; warnings (options
deprecated for removal) as `FILE: [section] option: warning: ...`.
Exit 0 and `ok: N options in M sections` on stdout when all is well,
1 on errors, 2 on usage errors, 77 (`SKIP: ...`) when nova cannot be
imported.
"""

import argparse
import importlib
import logging
import os
import sys

SKIP = 77
DEBIAN_PYTHON = '/usr/bin/python3'  # the one with python3-nova

# Folsom-era [DEFAULT] option names (name -> type: 'int', 'bool' or None).
FOLSOM_DEFAULT = {
    'sql_connection': None, 'sql_idle_timeout': 'int',
    'sql_max_retries': 'int',
    'rabbit_host': None, 'rabbit_port': 'int', 'rabbit_userid': None,
    'rabbit_password': None, 'rabbit_virtual_host': None,
    'rabbit_durable_queues': 'bool', 'rpc_backend': None,
    'notification_driver': None,
    'glance_api_servers': None, 'glance_host': None, 'glance_port': 'int',
    'auth_strategy': None, 'keystone_ec2_url': None,
    'compute_driver': None, 'connection_type': None, 'libvirt_type': None,
    'instances_path': None, 'allow_resize_to_same_host': 'bool',
    'my_ip': None, 'state_path': None, 'lock_path': None, 'logdir': None,
    'verbose': 'bool', 'debug': 'bool', 'rootwrap_config': None,
    'vncserver_listen': None, 'vncserver_proxyclient_address': None,
    'novncproxy_base_url': None, 'vnc_enabled': 'bool',
    'novncproxy_host': None, 'novncproxy_port': 'int',
    'api_paste_config': None, 'enabled_apis': None,
    'osapi_compute_listen': None, 'osapi_compute_listen_port': 'int',
    'metadata_listen': None, 'metadata_listen_port': 'int',
    'ec2_listen': None, 'ec2_listen_port': 'int', 's3_host': None,
    'scheduler_driver': None, 'quota_driver': None,
    'volume_api_class': None, 'iscsi_helper': None,
    'memcached_servers': None,
    'network_manager': None, 'firewall_driver': None,
    'public_interface': None, 'flat_interface': None,
    'flat_network_bridge': None, 'fixed_range': None, 'network_size': 'int',
    'dhcpbridge': None, 'dhcpbridge_flagfile': None,
    'force_dhcp_release': 'bool',
}
FOLSOM_KEYSTONE_AUTHTOKEN = {
    'auth_host': None, 'auth_port': 'int', 'auth_protocol': None,
    'admin_tenant_name': None, 'admin_user': None, 'admin_password': None,
    'signing_dirname': None, 'auth_uri': None,
}
FOLSOM = {'DEFAULT': FOLSOM_DEFAULT,
          'keystone_authtoken': FOLSOM_KEYSTONE_AUTHTOKEN}

# Library namespaces nova's etc/nova/nova-config-generator.conf lists
# besides nova.conf itself (osprofiler is not packaged in Debian 12 and is
# skipped when absent). The nova.conf namespace is not used: its list_opts
# adds the password plugin's options to every auth section for the sample
# file, while the running services register plugin options per auth_type;
# `import nova.conf` gives the real registry.
NOVA_NAMESPACES = [
    'oslo.log', 'oslo.messaging', 'oslo.policy', 'oslo.privsep',
    'oslo.service.periodic_task', 'oslo.service.service',
    'oslo.middleware', 'oslo.concurrency', 'keystonemiddleware.auth_token',
    'osprofiler',
]


class Checker:
    def __init__(self):
        self.errors = 0

    def error(self, fname, section, key, reason):
        where = '[%s] %s' % (section, key) if key else '[%s]' % section
        print('%s: %s: %s' % (fname, where, reason), file=sys.stderr)
        self.errors += 1

    @staticmethod
    def warn(fname, section, key, reason):
        print('%s: [%s] %s: warning: %s' % (fname, section, key, reason),
              file=sys.stderr)


def parse_files(cfg, files, chk):
    """Read each file with oslo.config's parser.

    Returns [(file, {normalized section: {key: [raw values]}})], or None
    after reporting errors when a file is unreadable or not valid INI.
    """
    parsed = []
    ok = True
    for fname in files:
        sections = {}
        normalized = {}
        parser = cfg.ConfigParser(fname, sections)
        parser._add_normalized(normalized)
        try:
            parser.parse()
        except cfg.iniparser.ParseError as e:
            print('%s: parse error: %s' % (fname, e), file=sys.stderr)
            chk.errors += 1
            ok = False
            continue
        except (OSError, UnicodeDecodeError) as e:
            print('%s: cannot read: %s' % (fname, e), file=sys.stderr)
            chk.errors += 1
            ok = False
            continue
        parsed.append((fname, normalized))
    return parsed if ok else None


def convert_simple(types, kind, value):
    """Folsom values (oslo's parser already removed enclosing quotes)."""
    if kind == 'int':
        types.Integer()(value)
    elif kind == 'bool':
        types.Boolean()(value)


def check_folsom(files):
    cfg, types = need('oslo_config.cfg', 'oslo_config.types')
    chk = Checker()
    parsed = parse_files(cfg, files, chk)
    if parsed is None:
        return 1
    seen = set()
    for fname, sections in parsed:
        for section, keys in sections.items():
            known = FOLSOM.get(section)
            if known is None:
                chk.error(fname, section, None,
                          'unknown section (Folsom nova.conf has only '
                          '[DEFAULT] and [keystone_authtoken])')
                continue
            for key, values in keys.items():
                seen.add((section, key))
                if key not in known:
                    chk.error(fname, section, key,
                              'not a known Folsom-era option')
                    continue
                for raw in values:
                    try:
                        convert_simple(types, known[key], raw)
                    except ValueError as e:
                        chk.error(fname, section, key,
                                  'invalid %s value %r: %s'
                                  % (known[key], raw, e))
    return report(chk, seen)


def report(chk, seen):
    if chk.errors:
        return 1
    print('ok: %d options in %d sections'
          % (len(seen), len({s for s, _ in seen})))
    return 0


def need(*modules):
    """Import modules; re-run under Debian's python or exit SKIP if absent."""
    try:
        return [importlib.import_module(m) for m in modules]
    except Exception as e:  # ImportError and whatever nova raises
        # `python3 check-nova-conf.py` may be a python without nova (pyenv)
        reexec = (sys.executable != DEBIAN_PYTHON
                  and os.access(DEBIAN_PYTHON, os.X_OK)
                  and not os.environ.get('CHECK_NOVA_CONF_REEXEC'))
        if reexec:
            os.environ['CHECK_NOVA_CONF_REEXEC'] = '1'
            os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + sys.argv)
        print('SKIP: %s cannot import %s (%s: %s); install them with '
              'tests/install-deps.sh test'
              % (sys.executable, ', '.join(modules), type(e).__name__, e))
        sys.exit(SKIP)


def register_namespaces(CONF, cfg, generator):
    """Register the library options nova's services register at startup."""
    for namespace in NOVA_NAMESPACES:
        try:
            listed = generator._list_opts([namespace])
        except Exception:
            continue  # namespace not installed (osprofiler)
        for _ns, groups in listed:
            for group, opts in groups:
                gname = getattr(group, 'name', group)
                if gname == 'DEFAULT':
                    gname = None
                for opt in opts:
                    try:
                        CONF.register_opt(opt, group=gname)
                    except cfg.DuplicateOptError:
                        pass  # registered already under another definition


def group_opts(CONF, group):
    """{dest: opt} of the options registered in group, or None."""
    if group == 'DEFAULT':
        return {d: info['opt'] for d, info in CONF._opts.items()}
    g = CONF._groups.get(group)
    if g is None:
        return None
    return {d: info['opt'] for d, info in g._opts.items()}


def get_value(CONF, group, dest):
    return CONF[dest] if group == 'DEFAULT' else CONF[group][dest]


def register_auth_plugins(CONF, cfg, ks_loading, sections, chk, last_file):
    """Register keystoneauth plugin options as nova/keystonemiddleware do.

    sections: the set of sections the files set. For every such section
    with `auth_type` registered: options live in auth_section if set, and
    the plugin is the one that section's auth_type names.
    """
    for group in sorted(sections):
        opts = group_opts(CONF, group)
        if not opts or 'auth_type' not in opts:
            continue
        target = group
        try:
            section = CONF[group].auth_section
            if section:
                target = cfg._normalize_group_name(section)
                for opt in ks_loading.get_auth_common_conf_options():
                    try:
                        CONF.register_opt(opt, group=target)
                    except cfg.DuplicateOptError:
                        pass
            name = CONF[target].auth_type
        except (ValueError, cfg.Error) as e:
            chk.error(last_file(group, 'auth_type'), group, 'auth_type',
                      str(e))
            continue
        if not name:
            continue
        try:
            loader = ks_loading.get_plugin_loader(name)
        except Exception as e:  # keystoneauth1 NoMatchingPlugin
            chk.error(last_file(target, 'auth_type'), target, 'auth_type',
                      'unknown keystoneauth plugin %r (%s)' % (name, e))
            continue
        for opt in ks_loading.get_auth_plugin_conf_options(loader):
            try:
                CONF.register_opt(opt, group=target)
            except cfg.DuplicateOptError:
                pass


def deprecated_aliases(CONF, cfg):
    """{(group, name): ['[group] dest', ...]} for deprecated option names."""
    aliases = {}
    groups = ['DEFAULT'] + list(CONF._groups)
    for group in groups:
        for dest, opt in (group_opts(CONF, group) or {}).items():
            for d in opt.deprecated_opts:
                if not (d.name or d.group):
                    continue
                dgroup = group
                if d.group:
                    dgroup = cfg._normalize_group_name(d.group)
                aliases.setdefault((dgroup, d.name or dest), []).append(
                    '[%s] %s' % (group, dest))
    return aliases


def value_error(e):
    """oslo's message, without the LocationInfo noise where possible."""
    msg = str(e)
    cause = getattr(e, '__cause__', None) or getattr(e, '__context__', None)
    if cause is not None and str(cause):
        msg = str(cause)
    return msg


def check_zed(files):
    # oslo.config logs its own deprecation notices; we report them ourselves
    logging.getLogger('oslo_config').setLevel(logging.ERROR)
    # keystonemiddleware.auth_token registers [keystone_authtoken] options,
    # including the legacy ones used when auth_type is not set
    nova_conf, cfg, generator, _ksm, ks_loading = need(
        'nova.conf', 'oslo_config.cfg', 'oslo_config.generator',
        'keystonemiddleware.auth_token', 'keystoneauth1.loading')
    CONF = nova_conf.CONF
    chk = Checker()
    parsed = parse_files(cfg, files, chk)
    if parsed is None:
        return 1
    register_namespaces(CONF, cfg, generator)

    setters = {}  # (section, key) -> files setting it, in order
    for fname, sections in parsed:
        for section, keys in sections.items():
            setters.setdefault((section, None), []).append(fname)
            for key in keys:
                setters.setdefault((section, key), []).append(fname)

    def last_file(section, key):
        return (setters.get((section, key)) or
                setters.get((section, None)) or files)[-1]

    def load(config_files):
        CONF.clear()
        try:
            CONF(args=[], project='nova', default_config_files=config_files,
                 default_config_dirs=[], use_env=False)
        except cfg.RequiredOptError:
            pass  # raised last, after parsing; checked below per section

    try:
        load(files)
    except cfg.Error as e:
        print('%s: %s' % (' '.join(files), e), file=sys.stderr)
        return 1
    sections = {s for s, k in setters if k is None}
    register_auth_plugins(CONF, cfg, ks_loading, sections, chk, last_file)
    aliases = deprecated_aliases(CONF, cfg)

    # 1. names, and each file's values on their own
    bad = set()
    for fname, sections_ in parsed:
        load([fname])
        for section, keys in sorted(sections_.items()):
            opts = group_opts(CONF, section)
            if opts is None:
                chk.error(fname, section, None,
                          'unknown section (nova registers no such group)')
                bad.update((section, k) for k in keys)
                continue
            for key in sorted(keys):
                opt = opts.get(key)
                if opt is None:
                    bad.add((section, key))
                    alias = aliases.get((section, key))
                    if alias:
                        reason = ('deprecated name: nova reads it as '
                                  + ' and '.join(sorted(alias)))
                    elif 'auth_type' in opts:
                        reason = ('not registered (keystoneauth plugin '
                                  'options need auth_type to name a plugin '
                                  'that has this option)')
                    else:
                        reason = 'not registered in this section'
                    chk.error(fname, section, key, reason)
                    continue
                if opt.deprecated_for_removal:
                    why = ' '.join((opt.deprecated_reason or '').split())
                    chk.warn(fname, section, key, 'deprecated for removal'
                             + (': ' + why if why else ''))
                try:
                    get_value(CONF, section, key)
                except (ValueError, cfg.Error) as e:
                    bad.add((section, key))
                    chk.error(fname, section, key, 'invalid value %r: %s'
                              % (keys[key][-1], value_error(e)))

    # 2. all files combined (interpolation across files)
    load(files)
    for (section, key) in sorted(k for k in setters if k[1] is not None):
        if (section, key) in bad:
            continue
        try:
            get_value(CONF, section, key)
        except (ValueError, cfg.Error) as e:
            chk.error(last_file(section, key), section, key,
                      'invalid value (files combined): %s' % value_error(e))
    # required options (auth_url of the password plugin, say) of the
    # sections the files set; nova would fail when it loads the plugin
    for section in sorted(sections):
        for dest, opt in sorted((group_opts(CONF, section) or {}).items()):
            if (section, dest) in bad or not opt.required:
                continue
            try:
                if get_value(CONF, section, dest) is None:
                    chk.error(last_file(section, None), section, dest,
                              'required option not set')
            except (ValueError, cfg.Error):
                pass  # reported above
    CONF.clear()
    return report(chk, {k for k in setters if k[1] is not None})


def main(argv):
    ap = argparse.ArgumentParser(
        prog=os.path.basename(argv[0]),
        description='Check nova.conf fragments against nova\'s options.')
    ap.add_argument('--release', choices=('zed', 'folsom'), default='zed')
    ap.add_argument('files', nargs='+', metavar='FILE')
    args = ap.parse_args(argv[1:])
    if args.release == 'folsom':
        return check_folsom(args.files)
    return check_zed(args.files)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
