#!/usr/bin/python3
"""tests/lib/check-oslo-conf.py - check OpenStack service configuration
against the option registry the service itself uses.

usage: /usr/bin/python3 check-oslo-conf.py --service SERVICE
           [--release zed|folsom] [--env FILE] [--strict] FILE...

SERVICE is one of nova, keystone, glance-api, placement, neutron. The FILEs
together make one configuration, read in order like --config-file /
--config-dir (later files override earlier ones). For neutron they are the
neutron.conf fragments and ml2_conf.ini, merged as neutron-server (its API
and RPC parts alike) reads both. Run it with Debian's /usr/bin/python3,
which has the python3-<service> packages (OpenStack Zed on Debian 12); a
different python3 re-executes this script under /usr/bin/python3 when the
imports fail.

Registry: one service per process (importing two projects into one
interpreter breaks oslo.config's global CONF). For each service the
options come from
  (1) the project's own registration, done here the way the running
      service does it (the modules it imports, the register functions it
      calls before parsing);
  (2) the library namespaces of the project's upstream
      oslo-config-generator file for that config file (openstack-services.md
      section 2.2), without the project's own namespace where (1) covers
      it, and registered the run-time way where the static listing differs:
      keystonemiddleware.auth_token as AuthProtocol registers it
      (auth_token.list_opts(), with the legacy admin_user, identity_uri,
      ... used when auth_type is unset), oslo.limit as
      oslo_limit.opts.register_opts does (auth_type/auth_section, session
      and adapter options, endpoint_id; its list_opts has the password
      plugins' options and no auth_type). Options the namespace loaders
      register on the global CONF merely as import side effects (oslo.cache's
      [cache] from keystonemiddleware, the agents' groups from neutron.opts)
      are unregistered again: a service on the global CONF gets what
      placement's fresh ConfigOpts gets;
  (3) options registered at run time from the configuration itself:
      keystoneauth plugin options (below), glance_store backends.

  nova        `import nova.conf` (nova.conf.CONF; every nova service does
              this) and oslo_messaging (nova.rpc); plus oslo.limit,
              oslo.log, oslo.messaging, oslo.policy, oslo.privsep,
              oslo.service.periodic_task, oslo.service.service,
              oslo.middleware, oslo.concurrency, oslo.reports,
              keystonemiddleware.auth_token, osprofiler
              (etc/nova/nova-config-generator.conf). Not the nova.conf
              namespace: its list_opts puts the password plugin's options
              into every auth section for the sample file. (oslo.limit
              and oslo.reports are loaded too: nova 26 reads [oslo_limit]
              for unified limits.)
  keystone    keystone.conf.configure(), keystone.common.sql.initialize()
              (oslo.db's [database]) and keystone.conf.set_config_defaults(),
              the three calls keystone.server.configure() makes before
              parsing, on keystone.conf.CONF; plus oslo.cache, oslo.log,
              oslo.messaging, oslo.policy, oslo.db, oslo.middleware,
              osprofiler (config-generator/keystone.conf; keystone has no
              keystonemiddleware, so no [keystone_authtoken]).
  glance-api  what glance/cmd/api.py and glance/common/wsgi_app.py do
              (glance.common.config, glance.common.wsgi's CLI and profiler
              options, oslo.log, glance.common.config.set_config_defaults()),
              the API the paste pipeline loads (glance.api.v2.router,
              glance.api.middleware.context) and the modules an image
              import task loads (glance.async_.flows.api_image_import, its
              internal plugins and plugins: glance-api reads
              glance-image-import.conf into the same registry; the
              `glance` namespace is not used, it lists [glance_download_opts]
              where glance reads [glance_download_properties]); plus the
              glance.api namespace, castellan.config, oslo.concurrency,
              os_brick, oslo.messaging, oslo.db, oslo.policy,
              keystonemiddleware.auth_token, oslo.limit, oslo.log,
              oslo.middleware.cors, oslo.middleware.healthcheck,
              oslo.middleware.http_proxy_to_wsgi, oslo.reports
              (etc/oslo-config-generator/glance-api.conf). glance.store and
              glance.multi_store must load but are registered as glance-api
              does once the configuration is read: with [DEFAULT]
              enabled_backends, glance_store's register_store_opts (a group
              per backend, the reserved os_glance_*_store groups,
              [glance_store] default_backend); without, register_opts
              ([glance_store] with the single-store options). (The static
              glance.multi_store listing would add sample groups such as
              [file] and [glance.store.http.store] that glance-api never
              registers.)
  placement   placement.conf.register_opts() on a fresh ConfigOpts and
              osprofiler.opts.set_defaults(), as placement/wsgi.py does
              (placement does not use the global CONF); plus
              keystonemiddleware.auth_token, oslo.log, oslo.middleware.cors,
              oslo.middleware.http_proxy_to_wsgi, oslo.policy, osprofiler
              (etc/placement/config-generator.conf) on that ConfigOpts, as
              keystonemiddleware does through oslo_config_config.
  neutron     neutron.common.config.register_common_config_options() and
              set_config_defaults() (what neutron/server/__init__.py calls),
              neutron.conf.plugins.ml2.config.register_ml2_plugin_opts()
              and the import of the core plugin neutron.plugins.ml2.plugin
              (neutron-server loads it for core_plugin = ml2; it registers
              [QUOTAS], [SECURITYGROUP], [AGENT] root_helper, the privsep
              groups, ...); plus the namespaces of neutron's generator files
              neutron.conf (neutron, neutron.agent, neutron.db,
              neutron.experimental, neutron.extensions, oslo.log,
              oslo.cache, oslo.db, oslo.policy, oslo.privsep,
              oslo.concurrency, oslo.messaging,
              oslo.middleware.cors/.healthcheck/.http_proxy_to_wsgi,
              oslo.reports, oslo.service.periodic_task/.service/.sslutils/
              .wsgi, keystonemiddleware.auth_token) and ml2_conf.ini
              (neutron.ml2, oslo.log). Not nova.auth, placement.auth,
              ironic.auth: they list the password plugin's options in
              [nova], [placement], [ironic], where neutron registers only
              auth_type/auth_section and session (+ adapter for ironic)
              options and loads the plugin's options per auth_type. neutron
              registers some groups in upper case ('AGENT', 'QUOTAS') next
              to lower-case twins; both read the lower-cased file section.

Every module and namespace above must load, or the script exits 77 with
`SKIP: ...` naming the Debian package (tests/install-deps.sh test); it
never checks against a smaller registry.

keystoneauth: in every section the configuration sets whose auth_type is
keystoneauth's (not castellan's [key_manager] auth_type), the options of
the plugin that auth_type names are registered, in the section auth_section
names if set (as keystoneauth1.loading and keystonemiddleware do). Without
auth_type, username, password, auth_url and the like are not registered and
the service ignores them, so they fail. Files must use the dests
(auth_url), not the dashed names (auth-url).

Fails on: INI syntax (oslo.config's parser); an unknown section; an option
not registered in its section (a deprecated alias of another option too:
the current name is reported); a value that does not convert to its
option's type, which oslo's type objects check including min/max of
Integer/Port/Float and choices; a value that does not interpolate; a
required option left unset in a section the configuration sets (the
password plugin's auth_url, say); for glance, an enabled_backends entry
naming a reserved store or an unknown store type. Each file's values are
converted on their own, then once more combined. Options deprecated for
removal give `FILE: [section] option: warning: deprecated for removal...`;
--strict makes every warning an error.

--env FILE: lines `export OS_GROUP__OPTION='value'` (sh single quotes,
'\\'' for a quote; blank lines and # comments allowed; nothing else, and no
value spanning lines) that the service gets in its environment. oslo.config
(oslo_config/sources/_environment.py) reads OS_<GROUP>__<OPTION>, group and
option (the dest) upper-cased, current names only, and prefers them to the
files (only the command line beats them). Each variable must name a
registered option (deprecated names are not read from the environment);
its value is checked like a file value, and takes part in the combined
check (interpolation, auth_type, enabled_backends). Errors are reported as
`ENVFILE: [group] option: reason`. The checker's own environment never
leaks in: without --env the environment source is off, with it the
process's OS_* variables are replaced by the file's.

--release folsom (nova only): Folsom (2012.2) nova read flat [DEFAULT]
options; the INI syntax, the names (the FOLSOM tables of
folsom_names.py, imported from there) and the types of the integer and
boolean ones are checked.

Errors go to stderr as `FILE: [section] option: reason`. Exit 0 and
`ok: N options in M sections` on stdout when all is well (N counts the
distinct options the files and the environment set), 1 on errors, 2 on
usage errors, 77 (`SKIP: ...`) when a module or namespace cannot be loaded.
"""

import argparse
import importlib
import importlib.util
import logging
import os
import re
import sys
import warnings

SKIP = 77
DEBIAN_PYTHON = '/usr/bin/python3'  # the one with python3-nova & co.
REEXEC_VAR = 'CHECK_OSLO_CONF_REEXEC'
HERE = os.path.dirname(os.path.abspath(__file__))

# Debian package of a top-level module (default: python3-<module>)
PACKAGES = {
    'glance_store': 'python3-glance-store',
    'neutron_lib': 'python3-neutron-lib',
    'os_brick': 'python3-os-brick',
    'placement': 'python3-placement',
}
# packages of namespaces whose entry point is missing altogether
NAMESPACE_PACKAGES = {
    'glance.store': 'python3-glance-store',
    'glance.multi_store': 'python3-glance-store',
    'castellan.config': 'python3-castellan',
    'os_brick': 'python3-os-brick',
    'placement.conf': 'python3-placement',
}

OSLO_SERVICE = ['oslo.service.periodic_task', 'oslo.service.service',
                'oslo.service.sslutils', 'oslo.service.wsgi']


def package_of(module):
    top = module.split('.')[0]
    if top.startswith('oslo_'):
        return 'python3-oslo.' + top[len('oslo_'):]
    return PACKAGES.get(top, 'python3-' + top.replace('_', '-'))


def skip(message):
    """Re-run under Debian's python, else exit SKIP."""
    reexec = (sys.executable != DEBIAN_PYTHON
              and os.access(DEBIAN_PYTHON, os.X_OK)
              and not os.environ.get(REEXEC_VAR))
    if reexec:
        os.environ[REEXEC_VAR] = '1'
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON] + sys.argv)
    print('SKIP: %s: %s (tests/install-deps.sh test)'
          % (sys.executable, message))
    sys.exit(SKIP)


def need(name):
    """Import a module or exit SKIP naming its package."""
    try:
        return importlib.import_module(name)
    except Exception as e:  # ImportError and whatever a project raises
        missing = getattr(e, 'name', None)
        pkg = package_of(name)
        if missing and package_of(missing) != pkg:
            pkg += ' (needs %s)' % package_of(missing)
        skip('cannot import %s (%s: %s); install %s'
             % (name, type(e).__name__, e, pkg))


def snapshot(CONF):
    """{(group, dest)} of everything registered on CONF."""
    opts = {('DEFAULT', d) for d in CONF._opts}
    for name, group in CONF._groups.items():
        opts |= {(name, d) for d in group._opts}
    return opts


class Registry:
    """Builds one service's option registry on a ConfigOpts."""

    def __init__(self, cfg):
        self.cfg = cfg
        self.conflicts = []  # (origin, group, dest): kept the service's
        self.loaded = []
        self.explicit = set()  # (group, dest) the namespaces registered
        self.dropped = set()  # import side effects of namespace loaders

    def namespace_package(self, ns):
        from importlib import metadata
        for ep in metadata.entry_points(group='oslo.config.opts'):
            if ep.name == ns:
                return package_of(ep.value.split(':')[0])
        return NAMESPACE_PACKAGES.get(
            ns, package_of(ns.split('.')[0].replace('-', '_')))

    def list_namespace(self, ns):
        generator = need('oslo_config.generator')
        try:
            listed = generator._list_opts([ns])
        except Exception as e:
            skip('namespace %s does not load (%s: %s); install %s'
                 % (ns, type(e).__name__, e, self.namespace_package(ns)))
        if not listed:
            skip('namespace %s is not installed (no oslo.config.opts entry '
                 'point); install %s' % (ns, self.namespace_package(ns)))
        return listed

    def register(self, CONF, opts, group, origin):
        for opt in opts:
            self.explicit.add((group or 'DEFAULT', opt.dest))
            try:
                CONF.register_opt(opt, group=group)
            except self.cfg.DuplicateOptError:
                # registered already under another definition: keep the
                # service's (it was registered first)
                self.conflicts.append((origin, group or 'DEFAULT', opt.dest))

    def namespaces(self, CONF, namespaces):
        """Register the namespaces' listings, and nothing else.

        The loaders import modules that register options on the global
        CONF as a side effect (keystonemiddleware.auth_token adds oslo.cache's
        [cache], neutron.opts the agents' groups); those are not the
        service's and are unregistered again, so that a service on the
        global CONF gets what placement's fresh ConfigOpts gets.
        """
        before = snapshot(CONF)
        groups_before = set(CONF._groups)
        for ns in namespaces:
            runtime = RUNTIME_NAMESPACES.get(ns)
            if runtime is not None:
                self.list_namespace(ns)  # must load all the same
                runtime(self, CONF)
                self.loaded.append(ns + ' (run-time registration)')
                continue
            for _ns, groups in self.list_namespace(ns):
                for group, opts in groups:
                    gname = getattr(group, 'name', group)
                    if gname == 'DEFAULT':
                        gname = None
                    self.register(CONF, opts, gname, ns)
            self.loaded.append(ns)
        self.dropped = snapshot(CONF) - before - self.explicit
        for group, dest in self.dropped:
            g = None if group == 'DEFAULT' else group
            opts = CONF._opts if g is None else CONF._groups[g]._opts
            CONF.unregister_opt(opts[dest]['opt'], group=g)
        for name in set(CONF._groups) - groups_before:
            if not CONF._groups[name]._opts:
                del CONF._groups[name]


def register_oslo_limit(reg, CONF):
    """[oslo_limit] as oslo_limit.opts.register_opts does at run time:
    session, adapter (include_deprecated=False) and auth_type/auth_section
    options and endpoint_id; the plugin's options come from
    load_auth_from_conf_options, i.e. per auth_type (register_auth_plugins).
    (That function registers on the global CONF whatever conf it is given,
    and reads auth_type at import, before any file is parsed.)
    """
    ks = need('keystoneauth1.loading')
    lim = need('oslo_limit.opts')
    opts = (ks.get_session_conf_options()
            + ks.get_adapter_conf_options(include_deprecated=False)
            + ks.get_auth_common_conf_options() + lim._options)
    reg.register(CONF, opts, 'oslo_limit', 'oslo.limit')


def register_auth_token(reg, CONF):
    """[keystone_authtoken] as keystonemiddleware's AuthProtocol registers
    it on the service's ConfigOpts: keystonemiddleware.auth_token.list_opts(),
    which has the legacy options (admin_user, identity_uri, ...) used when
    auth_type is unset; the namespace lists only the current ones."""
    ksm = need('keystonemiddleware.auth_token')
    for group, opts in ksm.list_opts():
        reg.register(CONF, opts, group, 'keystonemiddleware.auth_token')


RUNTIME_NAMESPACES = {
    'oslo.limit': register_oslo_limit,
    'keystonemiddleware.auth_token': register_auth_token,
}


def build_nova(reg):
    CONF = need('nova.conf').CONF
    need('oslo_messaging')  # nova.rpc; registers [oslo_messaging_metrics]
    return CONF


def build_keystone(reg):
    kconf = need('keystone.conf')
    sql = need('keystone.common.sql')
    # keystone.server.configure() without its CONF() call
    kconf.configure()
    sql.initialize()
    kconf.set_config_defaults()
    return kconf.CONF


def build_glance(reg):
    cfg = reg.cfg
    config = need('glance.common.config')
    wsgi = need('glance.common.wsgi')
    oslo_log = need('oslo_log.log')
    CONF = cfg.CONF
    # glance/cmd/api.py and glance/common/wsgi_app.py at import
    CONF.import_group('profiler', 'glance.common.wsgi')
    CONF.import_opt('enabled_backends', 'glance.common.wsgi')
    oslo_log.register_options(CONF)
    wsgi.register_cli_opts()
    config.set_config_defaults()
    # the API the paste pipeline loads (registers [oslo_limit] through
    # oslo_limit.limit, oslo.messaging's groups through glance.notifier)
    need('glance.api.v2.router')
    need('glance.api.middleware.context')
    # what an image import task loads (glance-api reads
    # glance-image-import.conf into the same registry)
    need('glance.async_.flows.api_image_import')
    need('glance.async_.flows._internal_plugins')
    need('glance.async_.flows.plugins.plugin_opts')
    need('glance_store')
    need('glance_store.multi_backend')
    return CONF


def build_placement(reg):
    pconf = need('placement.conf')
    profiler = need('osprofiler.opts')
    CONF = reg.cfg.ConfigOpts()
    pconf.register_opts(CONF)
    profiler.set_defaults(CONF)
    return CONF


def build_neutron(reg):
    config = need('neutron.common.config')
    ml2 = need('neutron.conf.plugins.ml2.config')
    config.register_common_config_options()
    config.set_config_defaults()
    ml2.register_ml2_plugin_opts()
    # the core plugin neutron-server loads for core_plugin = ml2; importing
    # it registers [QUOTAS], [SECURITYGROUP], [AGENT], privsep groups, ...
    need('neutron.plugins.ml2.plugin')
    return reg.cfg.CONF


SERVICES = {
    'nova': {
        'project': 'nova', 'build': build_nova,
        'namespaces': ['oslo.limit', 'oslo.log', 'oslo.messaging',
                       'oslo.policy', 'oslo.privsep',
                       'oslo.service.periodic_task', 'oslo.service.service',
                       'oslo.middleware', 'oslo.concurrency', 'oslo.reports',
                       'keystonemiddleware.auth_token', 'osprofiler'],
    },
    'keystone': {
        'project': 'keystone', 'build': build_keystone,
        'namespaces': ['oslo.cache', 'oslo.log', 'oslo.messaging',
                       'oslo.policy', 'oslo.db', 'oslo.middleware',
                       'osprofiler'],
    },
    'glance-api': {
        'project': 'glance', 'build': build_glance, 'stores': True,
        'namespaces': ['glance.api', 'castellan.config',
                       'oslo.concurrency', 'os_brick', 'oslo.messaging',
                       'oslo.db', 'oslo.policy',
                       'keystonemiddleware.auth_token', 'oslo.limit',
                       'oslo.log', 'oslo.middleware.cors',
                       'oslo.middleware.healthcheck',
                       'oslo.middleware.http_proxy_to_wsgi', 'oslo.reports'],
        # must load, but registered as glance-api does once
        # enabled_backends is known (register_glance_stores)
        'must_load': ['glance.store', 'glance.multi_store'],
    },
    'placement': {
        'project': 'placement', 'build': build_placement,
        'namespaces': ['keystonemiddleware.auth_token', 'oslo.log',
                       'oslo.middleware.cors',
                       'oslo.middleware.http_proxy_to_wsgi', 'oslo.policy',
                       'osprofiler'],
    },
    'neutron': {
        'project': 'neutron', 'build': build_neutron,
        'namespaces': ['neutron', 'neutron.agent', 'neutron.db',
                       'neutron.experimental', 'neutron.extensions',
                       'oslo.log', 'oslo.cache', 'oslo.db', 'oslo.policy',
                       'oslo.privsep', 'oslo.concurrency', 'oslo.messaging',
                       'oslo.middleware.cors', 'oslo.middleware.healthcheck',
                       'oslo.middleware.http_proxy_to_wsgi', 'oslo.reports']
        + OSLO_SERVICE + ['keystonemiddleware.auth_token', 'neutron.ml2'],
    },
}


def quiet():
    """Libraries log (glance: 'Normalizing group name') and warn; the
    protocol owns stderr, and the checker reports what matters itself."""
    logging.disable(logging.CRITICAL)
    warnings.simplefilter('ignore')


def build_registry(service):
    """(CONF, Registry, cfg) for SERVICE, static part only."""
    quiet()
    cfg = need('oslo_config.cfg')
    need('keystoneauth1.loading')
    reg = Registry(cfg)
    spec = SERVICES[service]
    CONF = spec['build'](reg)
    reg.namespaces(CONF, spec['namespaces'])
    for ns in spec.get('must_load', []):
        reg.list_namespace(ns)
    return CONF, reg, cfg


class Checker:
    def __init__(self, strict=False):
        self.errors = 0
        self.strict = strict

    def error(self, fname, section, key, reason):
        where = '[%s] %s' % (section, key) if key else '[%s]' % section
        print('%s: %s: %s' % (fname, where, reason), file=sys.stderr)
        self.errors += 1

    def plain(self, fname, reason):
        print('%s: %s' % (fname, reason), file=sys.stderr)
        self.errors += 1

    def warn(self, fname, section, key, reason):
        if self.strict:
            self.error(fname, section, key, reason + ' (--strict)')
        else:
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
            chk.plain(fname, 'parse error: %s' % e)
            ok = False
            continue
        except (OSError, UnicodeDecodeError) as e:
            chk.plain(fname, 'cannot read: %s' % e)
            ok = False
            continue
        parsed.append((fname, normalized))
    return parsed if ok else None


ENV_LINE = re.compile(r"export ([A-Za-z_][A-Za-z0-9_]*)=((?:'[^']*'|\\')+)")
ENV_PIECE = re.compile(r"'([^']*)'|\\(')")


def parse_env(path, chk):
    """[(name, value)] from an env file, or None after reporting errors."""
    try:
        with open(path, encoding='utf-8') as f:
            lines = f.read().split('\n')
    except (OSError, UnicodeDecodeError) as e:
        chk.plain(path, 'cannot read: %s' % e)
        return None
    if lines and lines[-1] == '':
        lines.pop()
    out = []
    ok = True
    for n, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped or stripped.startswith('#'):
            continue
        m = ENV_LINE.fullmatch(line)
        if not m:
            chk.plain(path, "parse error: line %d: not `export NAME='value'`"
                      " (sh single quotes, '\\'' for a quote): %r" % (n, line))
            ok = False
            continue
        value = ''.join(a if a is not None else b
                        for a, b in ENV_PIECE.findall(m.group(2)))
        out.append((m.group(1), value))
    return out if ok else None


def registered(CONF, section):
    """Names of the registered groups a file's [section] feeds.

    oslo.config lower-cases section names (not DEFAULT), and a group
    registered as 'QUOTAS' (neutron does) reads [quotas]; neutron also has
    a 'quotas' group with the same options.
    """
    if section == 'DEFAULT':
        return ['DEFAULT']
    return sorted(g for g in CONF._groups if g.lower() == section)


def group_opts(CONF, section):
    """{dest: opt} of the options registered for a section, or None."""
    if section == 'DEFAULT':
        return {d: info['opt'] for d, info in CONF._opts.items()}
    names = registered(CONF, section)
    if not names:
        return None
    opts = {}
    for name in names:
        opts.update((d, info['opt'])
                    for d, info in CONF._groups[name]._opts.items())
    return opts


def all_groups(CONF):
    """Sections (normalized group names) with registered options."""
    return ['DEFAULT'] + sorted({g.lower() for g in CONF._groups})


def get_value(CONF, section, dest):
    """The option's value, converted by every group that registers it."""
    if section == 'DEFAULT':
        return CONF[dest]
    value, found = None, False
    for name in registered(CONF, section):
        if dest in CONF._groups[name]._opts:
            value, found = CONF[name][dest], True
    if not found:
        raise KeyError('[%s] %s' % (section, dest))
    return value


def env_name(group, dest):
    """oslo_config.sources._environment's name for an option."""
    return 'OS_%s__%s' % (group.upper(), dest.upper())


def env_map(CONF):
    """{environment variable: (section, dest)} of the registered options."""
    return {env_name(group, dest): (group, dest)
            for group in all_groups(CONF)
            for dest in group_opts(CONF, group) or {}}


def is_ks_auth_type(opt, ks_loading):
    """Is opt keystoneauth's auth_type (not castellan's, say)?"""
    ref = ks_loading.get_auth_common_conf_options()[0]
    return opt.dest == 'auth_type' and opt.help == ref.help


def register_auth_plugins(CONF, reg, ks_loading, sections, chk, last_file):
    """Register keystoneauth plugin options as the services do.

    sections: the sections the configuration sets. For every such section
    with keystoneauth's auth_type registered: options live in auth_section
    if set, and the plugin is the one that section's auth_type names.
    """
    cfg = reg.cfg
    for group in sorted(sections):
        opts = group_opts(CONF, group)
        if not opts or 'auth_type' not in opts:
            continue
        if not is_ks_auth_type(opts['auth_type'], ks_loading):
            continue
        target = group
        try:
            section = (get_value(CONF, group, 'auth_section')
                       if 'auth_section' in opts else None)
            if section:
                target = cfg._normalize_group_name(section)
                reg.register(CONF, ks_loading.get_auth_common_conf_options(),
                             target, 'keystoneauth1')
            name = get_value(CONF, target, 'auth_type')
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
        reg.register(CONF, ks_loading.get_auth_plugin_conf_options(loader),
                     target, 'keystoneauth1 %s' % name)


def register_glance_stores(CONF, reg, chk, last_file):
    """Store options as glance-api registers them (glance/common/wsgi.py
    initialize_multi_store / initialize_glance_store)."""
    cfg = reg.cfg
    glance_store = need('glance_store')
    wsgi = need('glance.common.wsgi')
    from importlib import metadata
    try:
        backends = dict(CONF.enabled_backends or {})
    except (ValueError, cfg.Error):
        return  # reported as a bad value
    if not backends:
        glance_store.register_opts(CONF)
        return
    types = sorted({ep.name for ep in
                    metadata.entry_points(group='glance_store.drivers')})
    where = last_file('DEFAULT', 'enabled_backends')
    for name, kind in sorted(backends.items()):
        if name.startswith('os_glance_'):
            chk.error(where, 'DEFAULT', 'enabled_backends',
                      'backend %r: names starting os_glance_ are reserved '
                      'by glance' % name)
        if kind not in types:
            chk.error(where, 'DEFAULT', 'enabled_backends',
                      'backend %r: unknown store type %r (glance_store has: '
                      '%s)' % (name, kind, ', '.join(types)))
    try:
        glance_store.register_store_opts(
            CONF, reserved_stores=wsgi.RESERVED_STORES)
    except cfg.DuplicateOptError as e:
        chk.error(where, 'DEFAULT', 'enabled_backends',
                  'glance_store cannot register the backends: %s' % e)


def deprecated_aliases(CONF, cfg):
    """{(group, name): ['[group] dest', ...]} for deprecated option names."""
    aliases = {}
    for group in all_groups(CONF):
        for dest, opt in (group_opts(CONF, group) or {}).items():
            for d in opt.deprecated_opts:
                if not (d.name or d.group):
                    continue
                dgroup = group
                if d.group:
                    dgroup = cfg._normalize_group_name(d.group)
                name = (d.name or dest).replace('-', '_')
                aliases.setdefault((dgroup, name), []).append(
                    '[%s] %s' % (group, dest))
    return aliases


def value_error(e):
    """oslo's message, without the LocationInfo noise where possible."""
    msg = str(e)
    cause = getattr(e, '__cause__', None) or getattr(e, '__context__', None)
    if cause is not None and str(cause):
        msg = str(cause)
    return msg


def unregistered_reason(who, opts, key, alias):
    if alias:
        return ('deprecated name: %s reads it as %s'
                % (who, ' and '.join(sorted(alias))))
    if opts and '-' in key and key.replace('-', '_') in opts:
        return ('not registered: oslo.config reads options by dest, write '
                '%s' % key.replace('-', '_'))
    if opts and 'auth_type' in opts:
        return ('not registered (keystoneauth plugin options need auth_type '
                'to name a plugin that has this option)')
    return 'not registered in this section'


def deprecation(chk, fname, section, key, opt):
    if opt.deprecated_for_removal:
        why = ' '.join((opt.deprecated_reason or '').split())
        chk.warn(fname, section, key, 'deprecated for removal'
                 + (': ' + why if why else ''))


def set_environment(env):
    """Make env the only OS_* variables oslo's environment source sees."""
    for name in list(os.environ):
        if name.startswith('OS_'):
            del os.environ[name]
    for name, value in env:
        os.environ[name] = value


def check_service(service, files, envfile, strict):
    spec = SERVICES[service]
    who = service
    CONF, reg, cfg = build_registry(service)
    ks_loading = need('keystoneauth1.loading')
    chk = Checker(strict)
    parsed = parse_files(cfg, files, chk)
    env = []
    if envfile is not None:
        env = parse_env(envfile, chk)
    if parsed is None or env is None:
        return 1

    setters = {}  # (section, key) -> files setting it, in order
    for fname, sections in parsed:
        for section, keys in sections.items():
            setters.setdefault((section, None), []).append(fname)
            for key in keys:
                setters.setdefault((section, key), []).append(fname)

    def last_file(section, key):
        """The file that set the option (or section) last: the environment
        wins over the files."""
        if envfile is not None and key is not None:
            if env_name(section, key) in {n for n, _v in env}:
                return envfile
        return (setters.get((section, key)) or
                setters.get((section, None)) or [envfile or files[-1]])[-1]

    def load(config_files, use_env):
        CONF.clear()
        try:
            CONF(args=[], project=spec['project'],
                 default_config_files=config_files, default_config_dirs=[],
                 use_env=use_env)
        except cfg.RequiredOptError:
            pass  # raised last, after parsing; checked below per section

    set_environment(env)
    use_env = envfile is not None
    try:
        load(files, use_env)
    except cfg.Error as e:
        chk.plain(' '.join(files), str(e))
        return 1

    # sections the configuration sets: the files', and those of the
    # environment's variables that name options (plugin and store options
    # only once registered)
    sections = {s for s, k in setters if k is None}
    env_names = {name for name, _value in env}

    def env_sections():
        return {g for n, (g, _d) in env_map(CONF).items() if n in env_names}

    sections |= env_sections()
    if spec.get('stores'):
        register_glance_stores(CONF, reg, chk, last_file)
        sections |= env_sections()
    register_auth_plugins(CONF, reg, ks_loading, sections, chk, last_file)
    aliases = deprecated_aliases(CONF, cfg)

    # 1. names, and each file's values on their own
    bad = set()
    for fname, sections_ in parsed:
        load([fname], False)
        for section, keys in sorted(sections_.items()):
            opts = group_opts(CONF, section)
            if opts is None:
                aliased = [k for k in keys if aliases.get((section, k))]
                if not aliased:
                    chk.error(fname, section, None,
                              'unknown section (%s registers no such group)'
                              % who)
                    bad.update((section, k) for k in keys)
                    continue
            for key in sorted(keys):
                opt = (opts or {}).get(key)
                if opt is None:
                    bad.add((section, key))
                    alias = aliases.get((section, key))
                    if opts is None and not alias:
                        reason = ('not registered (%s registers no group '
                                  '[%s])' % (who, section))
                    else:
                        reason = unregistered_reason(who, opts, key, alias)
                    chk.error(fname, section, key, reason)
                    continue
                deprecation(chk, fname, section, key, opt)
                try:
                    get_value(CONF, section, key)
                except (ValueError, cfg.Error) as e:
                    bad.add((section, key))
                    chk.error(fname, section, key, 'invalid value %r: %s'
                              % (keys[key][-1], value_error(e)))

    # 2. the environment's names
    by_env = env_map(CONF)
    env_alias = {env_name(g, n): cur for (g, n), cur in aliases.items()}
    env_set = {}  # (group, dest) -> raw value (the last one wins, as in sh)
    for name, value in env:
        if name in by_env:
            env_set[by_env[name]] = value
            continue
        m = re.fullmatch(r'OS_(.+?)__(.+)', name)
        if not m:
            chk.plain(envfile, '%s: not an oslo.config variable '
                      '(OS_<GROUP>__<OPTION>)' % name)
            continue
        group = m.group(1)
        group = 'DEFAULT' if group == 'DEFAULT' else group.lower()
        key = m.group(2).lower()
        opts = group_opts(CONF, group)
        upper = name.upper()
        if upper != name and upper in by_env:
            reason = ('not read: oslo.config looks for %s (upper case)'
                      % upper)
        elif opts is None and not env_alias.get(upper):
            chk.error(envfile, group, key, '%s: unknown section (%s '
                      'registers no such group)' % (name, who))
            continue
        elif env_alias.get(upper):
            reason = ('deprecated name: oslo.config reads the environment '
                      'only under current names: %s'
                      % ', '.join(sorted(env_alias[upper])))
        else:
            reason = unregistered_reason(who, opts, key, None)
        chk.error(envfile, group, key, '%s: %s' % (name, reason))

    # 3. all files combined, with the environment (which wins)
    load(files, use_env)
    for (group, dest), raw in sorted(env_set.items()):
        deprecation(chk, envfile, group, dest,
                    group_opts(CONF, group)[dest])
        try:
            get_value(CONF, group, dest)
        except (ValueError, cfg.Error) as e:
            bad.add((group, dest))
            chk.error(envfile, group, dest, 'invalid value %r: %s'
                      % (raw, value_error(e)))
    for (section, key) in sorted(k for k in setters if k[1] is not None):
        if (section, key) in bad or (section, key) in env_set:
            continue
        try:
            get_value(CONF, section, key)
        except (ValueError, cfg.Error) as e:
            chk.error(last_file(section, key), section, key,
                      'invalid value (files combined): %s' % value_error(e))
    # required options (auth_url of the password plugin, say) of the
    # sections the configuration sets; the service would fail on them
    sections |= {g for g, _d in env_set}
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
    seen = {k for k in setters if k[1] is not None} | set(env_set)
    return report(chk, seen)


def report(chk, seen):
    if chk.errors:
        return 1
    print('ok: %d options in %d sections'
          % (len(seen), len({s for s, _ in seen})))
    return 0


# What Folsom had a registry for here: the files of folsom_names.py.
FOLSOM_FILES = {'nova': 'nova.conf', 'keystone': 'keystone.conf',
                'glance-api': 'glance-api.conf',
                'glance-registry': 'glance-registry.conf'}


def folsom_names():
    """folsom_names.py, imported by path (its FOLSOM tables)."""
    path = os.path.join(HERE, 'folsom_names.py')
    spec = importlib.util.spec_from_file_location('folsom_names', path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def check_folsom(service, files, strict):
    quiet()
    cfg = need('oslo_config.cfg')
    types = need('oslo_config.types')
    folsom = folsom_names().FOLSOM[service]
    chk = Checker(strict)
    parsed = parse_files(cfg, files, chk)
    if parsed is None:
        return 1
    seen = set()
    for fname, sections in parsed:
        for section, keys in sections.items():
            known = folsom.get(section)
            if known is None:
                chk.error(fname, section, None,
                          'unknown section (Folsom %s has only %s)'
                          % (FOLSOM_FILES[service], ', '.join(
                              '[%s]' % s for s in folsom)))
                continue
            for key, values in keys.items():
                seen.add((section, key))
                if key not in known:
                    chk.error(fname, section, key,
                              'not a known Folsom-era option')
                    continue
                kind = known[key]
                convert = {'int': types.Integer(),
                           'bool': types.Boolean()}.get(kind)
                for raw in values:
                    try:
                        if convert is not None:
                            convert(raw)
                    except ValueError as e:
                        chk.error(fname, section, key,
                                  'invalid %s value %r: %s' % (kind, raw, e))
    return report(chk, seen)


def main(argv):
    ap = argparse.ArgumentParser(
        prog=os.path.basename(argv[0]),
        description='Check OpenStack configuration files against the '
                    'options the service registers.')
    ap.add_argument('--service', required=True,
                    choices=sorted(set(SERVICES) | set(FOLSOM_FILES)))
    ap.add_argument('--release', choices=('zed', 'folsom'), default='zed')
    ap.add_argument('--env', metavar='FILE',
                    help="file of export OS_GROUP__OPTION='value' lines")
    ap.add_argument('--strict', action='store_true',
                    help='treat warnings as errors')
    ap.add_argument('files', nargs='+', metavar='FILE')
    args = ap.parse_args(argv[1:])
    if args.release == 'folsom':
        if args.service not in FOLSOM_FILES:
            ap.error('--release folsom is for --service %s'
                     % ', '.join(sorted(FOLSOM_FILES)))
        if args.env is not None:
            ap.error('--env needs --release zed (Folsom nova read no '
                     'OS_* variables)')
        return check_folsom(args.service, args.files, args.strict)
    return check_service(args.service, args.files, args.env, args.strict)


if __name__ == '__main__':
    sys.exit(main(sys.argv))
