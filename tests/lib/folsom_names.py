"""tests/lib/folsom_names.py - the option names of Folsom (2012.2).

Folsom's services read flat [DEFAULT] options and a few sections, with
openstack-common's cfg (which already took --config-dir).  These are the
names (and, for the integer and boolean ones, the types) ztopo's Folsom
registries and the test oracle know, per file: tests/gen-oslo-options.py
writes them into backends/oslo_options.c, tests/lib/check-oslo-conf.py
--release folsom checks against them.  A subset of what Folsom read, from
its sample files (nova.conf.sample, keystone.conf.sample,
glance-api.conf, glance-registry.conf of 2012.2) and the 2012 SmartOS
ports: enough for what ztopo derives and what a description commonly sets.

FOLSOM maps a service to {section: {option: 'int' | 'bool' | None}}.
"""

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
FOLSOM_NOVA = {'DEFAULT': FOLSOM_DEFAULT,
               'keystone_authtoken': FOLSOM_KEYSTONE_AUTHTOKEN}

# keystone.conf (keystone 2012.2, keystone-all)
FOLSOM_KEYSTONE = {
    'DEFAULT': {
        'admin_token': None, 'bind_host': None, 'public_port': 'int',
        'admin_port': 'int', 'compute_port': 'int', 'public_endpoint': None,
        'admin_endpoint': None, 'verbose': 'bool', 'debug': 'bool',
        'log_file': None, 'log_dir': None, 'use_syslog': 'bool',
        'max_param_size': 'int', 'max_token_size': 'int',
        'policy_file': None, 'policy_default_rule': None,
    },
    'sql': {'connection': None, 'idle_timeout': 'int'},
    'identity': {'driver': None},
    'catalog': {'driver': None, 'template_file': None},
    'token': {'driver': None, 'expiration': 'int'},
    'policy': {'driver': None},
    'ec2': {'driver': None},
    'ssl': {'enable': 'bool', 'certfile': None, 'keyfile': None,
            'ca_certs': None, 'cert_required': 'bool'},
    'signing': {'token_format': None, 'certfile': None, 'keyfile': None,
                'ca_certs': None, 'key_size': 'int', 'valid_days': 'int'},
}

# glance-api.conf and glance-registry.conf (glance 2012.2)
FOLSOM_GLANCE_COMMON = {
    'verbose': 'bool', 'debug': 'bool', 'bind_host': None,
    'bind_port': 'int', 'backlog': 'int', 'log_file': None,
    'use_syslog': 'bool', 'sql_connection': None, 'sql_idle_timeout': 'int',
}
FOLSOM_GLANCE_PASTE = {
    'keystone_authtoken': FOLSOM_KEYSTONE_AUTHTOKEN,
    'paste_deploy': {'flavor': None, 'config_file': None},
}
FOLSOM_GLANCE_API = dict(FOLSOM_GLANCE_PASTE, DEFAULT=dict(
    FOLSOM_GLANCE_COMMON, workers='int', default_store=None,
    registry_host=None, registry_port='int',
    registry_client_protocol=None, notifier_strategy=None,
    rabbit_host=None, rabbit_port='int', rabbit_userid=None,
    rabbit_password=None, rabbit_virtual_host=None,
    filesystem_store_datadir=None, image_cache_dir=None,
    image_cache_max_size='int', delayed_delete='bool', scrub_time='int',
    scrubber_datadir=None, enable_v1_api='bool', enable_v2_api='bool',
    show_image_direct_url='bool'))
FOLSOM_GLANCE_REGISTRY = dict(FOLSOM_GLANCE_PASTE, DEFAULT=dict(
    FOLSOM_GLANCE_COMMON, api_limit_max='int', limit_param_default='int'))

FOLSOM = {
    'nova': FOLSOM_NOVA,
    'keystone': FOLSOM_KEYSTONE,
    'glance-api': FOLSOM_GLANCE_API,
    'glance-registry': FOLSOM_GLANCE_REGISTRY,
}


def secret(section, key):
    """Does the Folsom option hold a secret (a password, a DB URL)?"""
    return key.endswith('password') or key in (
        'sql_connection', 'admin_token') or (section, key) == (
        'sql', 'connection')
