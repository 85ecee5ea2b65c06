#!/usr/bin/env bash
# A network marked public carries the public endpoints: keystone's and
# glance's public catalog URLs and keystone's www_authenticate_uri use the
# server's address there, internal and admin URLs and every auth_url the
# address clients reach; without a public network both are the same.
set -u
cd "$TMPDIR" || exit 1
cat >pub.zt <<'ZT'
openstack release zed;
network admin { nic_tag admin; subnet 10.0.0.0/24; pool 10.0.0.100 10.0.0.150; }
network outside { nic_tag external; subnet 192.0.2.0/24; public true;
    pool 192.0.2.100 192.0.2.150; }
image base { uuid "c2c31b00-1d60-11e9-9a77-ff9f06554b0f"; brand joyent; }
host h1 { address admin 10.0.0.10; memory 16G; disk 200G; }
secret db-pw; secret gl-pw; secret admin-pw;
credential glance-db { kind mysql; user glance; databases glance; password db-pw; }
credential glance-ks { kind keystone; user glance; password gl-pw; }
credential admin { kind keystone; user admin; project admin; password admin-pw; }
service mysql { role mysql; }
service keystone { role keystone; admin admin; }
service glance-api { role glance-api; uses mysql via glance-db; uses keystone via glance-ks; }
zone db { image base; nic admin; services mysql; }
zone ks { image base; nic admin; nic outside; services keystone; }
zone gl { image base; nic admin; nic outside; services glance-api; }
target t { zone [db, ks, gl] on h1; }
ZT
fail=0
"$ZTOPO" compile pub.zt --redact -o out || exit 1
cat=out/h1/ks/keystone/ztopo-catalog.sh boot=out/h1/ks/keystone/ztopo-bootstrap.sh
gl=out/h1/gl/glance/10-ztopo.conf
has() { grep -qF -- "$2" "$1" || { echo "$1 lacks: $2"; fail=1; }; }
# addresses: admin pool first (db .100, ks .101, gl .102), outside pool
has "$boot" "--bootstrap-internal-url http://10.0.0.101:5000/v3"
has "$boot" "--bootstrap-admin-url http://10.0.0.101:5000/v3"
has "$boot" "--bootstrap-public-url http://192.0.2.100:5000/v3"
has "$cat" "endpoints glance internal http://10.0.0.102:9292"
has "$cat" "endpoints glance admin http://10.0.0.102:9292"
has "$cat" "endpoints glance public http://192.0.2.101:9292"
has "$gl" "www_authenticate_uri = http://192.0.2.100:5000/"
has "$gl" "auth_url = http://10.0.0.101:5000/"
# without a public network, the same address everywhere
sed -i 's/ public true;//' pub.zt
"$ZTOPO" compile pub.zt --redact -o out2 || exit 1
has out2/h1/ks/keystone/ztopo-bootstrap.sh "--bootstrap-public-url http://10.0.0.101:5000/v3"
has out2/h1/ks/keystone/ztopo-catalog.sh "endpoints glance public http://10.0.0.102:9292"
has out2/h1/gl/glance/10-ztopo.conf "www_authenticate_uri = http://10.0.0.101:5000/"
exit $fail
