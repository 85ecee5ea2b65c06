#!/usr/bin/env bash
# The test suite's own instruments must work before their verdicts count:
# the throwaway MariaDB, nova's option registry checker and the SMF
# validator each prove they accept good input and reject bad input.
set -u
rc=0 skipped=0
for t in mariadb-selftest.sh check-nova-conf-selftest.sh smf-validate-selftest.sh; do
	bash "$ROOT/tests/lib/$t"
	s=$?
	case $s in
	0) ;;
	77) skipped=$((skipped + 1)) ;;
	*) echo "tests/lib/$t failed (exit $s)"; rc=1 ;;
	esac
done
if [ $rc = 0 ] && [ $skipped = 3 ]; then
	echo "SKIP: none of the test instruments is available here"
	exit 77
fi
exit $rc
