# bash completion for ztopo(1), installed by `make install` as
# $(BASHCOMPDIR)/ztopo.  The commands, options and --format values are
# read from `ztopo --help` when completing, so they are written in one
# place only (compiler/main.c); target names come from the `target`
# lines of the .zt file on the command line.
_ztopo()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local help cmds opts fmts w f=
	help=$("${COMP_WORDS[0]}" --help 2>/dev/null) || return 0
	cmds=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p' <<<"$help")
	opts=$(grep -o -- '--[a-z][a-z-]*' <<<"$help" | sort -u)
	fmts=$(sed -n 's/.*--format \([a-z|]*\)\].*/\1/p' <<<"$help" | tr '|' ' ')
	COMPREPLY=()
	case $prev in
	-t|--target)
		for w in "${COMP_WORDS[@]:1}"; do
			case $w in *.zt) f=$w ;; esac
		done
		[ -n "$f" ] && [ -r "$f" ] && COMPREPLY=($(compgen -W \
		    "$(sed -n 's/^target \([A-Za-z0-9_-]*\).*/\1/p' "$f")" -- "$cur"))
		return 0 ;;
	-o|--output|--live)
		COMPREPLY=($(compgen -d -- "$cur"))
		return 0 ;;
	--secrets|--smf-dtd|--lock)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	--format)
		COMPREPLY=($(compgen -W "$fmts" -- "$cur"))
		return 0 ;;
	--zone|--host|--max-errors)
		return 0 ;;
	esac
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
	elif [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
	elif [ "${COMP_WORDS[1]}" = secrets ] && [ "$COMP_CWORD" -eq 2 ]; then
		COMPREPLY=($(compgen -W init -- "$cur"))
	else
		COMPREPLY=($(compgen -f -X '!*.zt' -- "$cur") $(compgen -d -S / -- "$cur"))
	fi
	return 0
}
complete -o filenames -F _ztopo ztopo
