#!/usr/bin/env bash
# make install / uninstall under a DESTDIR: the binary, both man pages,
# bash completion and vim syntax land where PREFIX, BINDIR, MANDIR,
# BASHCOMPDIR and VIMDIR say, with their modes; the installed binary runs;
# the man pages format with man -l; the completion loads in bash and
# completes commands, options, --format values and targets (read from
# `ztopo --help` and the .zt file); vim -es loads the syntax and the
# filetype for a .zt file; uninstall removes every file it installed.
set -u
cd "$TMPDIR" || exit 1
fail=0
d=$TMPDIR/root
make -s -C "$ROOT" install DESTDIR="$d" PREFIX=/usr >install.log 2>&1 ||
    { echo "make install failed:"; cat install.log; exit 1; }
want="usr/bin/ztopo 755
usr/share/bash-completion/completions/ztopo 644
usr/share/man/man1/ztopo.1 644
usr/share/man/man5/ztopo.5 644
usr/share/vim/vimfiles/ftdetect/zt.vim 644
usr/share/vim/vimfiles/syntax/zt.vim 644"
got=$(cd "$d" && find . -type f -printf '%P %m\n' | LC_ALL=C sort)
[ "$got" = "$want" ] || { echo "installed files:"; echo "$got"; fail=1; }
"$d/usr/bin/ztopo" --version >/dev/null || { echo "the installed ztopo does not run"; fail=1; }

if command -v man >/dev/null; then
	for m in man1/ztopo.1 man5/ztopo.5; do
		MANWIDTH=80 man -l "$d/usr/share/man/$m" 2>/dev/null | grep -q 'ztopo' ||
		    { echo "man -l $m shows nothing"; fail=1; }
	done
else
	echo "note: man not installed; man pages not formatted here"
fi

comp=$d/usr/share/bash-completion/completions/ztopo
bash -n "$comp" || { echo "completion: bash -n failed"; fail=1; }
complete_() {	# WORDS...: what completing the last word offers
	PATH=$d/usr/bin:$PATH bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _ztopo
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' - "$comp" "$@"
}
has() { # WANT WORDS...
	local w=$1; shift
	complete_ "$@" | grep -qx -- "$w" || { echo "completing '$*' does not offer $w: $(complete_ "$@" | tr '\n' ' ')"; fail=1; }
}
has compile ztopo co
has check ztopo c
has --redact ztopo compile "$ROOT/examples/dev.zt" --re
has json ztopo plan "$ROOT/examples/dev.zt" --format j
has prod ztopo check "$ROOT/examples/prod.zt" -t ""
has init ztopo secrets ""

if command -v vim >/dev/null && vim --version 2>/dev/null | grep -q '+syntax'; then
	printf 'network admin { subnet 10.0.0.0/24; }\n' >x.zt
	vim -es -N -u NONE -i NONE \
	    -c "set rtp^=$d/usr/share/vim/vimfiles" -c 'filetype on' -c 'syntax on' \
	    -c "runtime ftdetect/zt.vim" -c 'e x.zt' \
	    -c 'if &filetype !=# "zt" || get(b:, "current_syntax", "") !=# "zt" | cquit | endif' \
	    -c 'qa!' </dev/null >/dev/null 2>&1 ||
	    { echo "vim does not load the zt filetype and syntax"; fail=1; }
else
	echo "note: vim with syntax not installed; the syntax file is not loaded here"
fi

make -s -C "$ROOT" uninstall DESTDIR="$d" PREFIX=/usr >/dev/null 2>&1 || { echo "make uninstall failed"; fail=1; }
left=$(find "$d" -type f)
[ -z "$left" ] || { echo "uninstall left: $left"; fail=1; }
exit $fail
