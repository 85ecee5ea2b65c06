#!/usr/bin/env bash
# The test suite's own instruments must work before their verdicts count:
# the throwaway MariaDB, the option registry checkers and the SMF
# validator each prove they accept good input and reject bad input.
set -u
rc=0 skipped=0
for t in mariadb-selftest.sh check-oslo-conf-selftest.sh \
    check-oslo-conf-nova-selftest.sh smf-validate-selftest.sh; do
	bash "$ROOT/tests/lib/$t"
	s=$?
	case $s in
	0) ;;
	77) skipped=$((skipped + 1)) ;;
	*) echo "tests/lib/$t failed (exit $s)"; rc=1 ;;
	esac
done
if [ $rc = 0 ] && [ $skipped = 4 ]; then
	echo "SKIP: none of the test instruments is available here"
	exit 77
fi
exit $rc
