# Test helper for completion-shells.test.ts, run as: zsh -f zsh-completion-driver.zsh MODE SCRIPT OUTDIR LINE...
# Runs an interactive zsh on a pseudo-terminal (zsh's own zpty module), loads the completion
# SCRIPT (MODE source: sourced after compinit; MODE fpath: autoloaded from its directory),
# types each LINE and presses ^T, bound to a widget that runs complete-word. compadd is
# wrapped to record every candidate that matched. For line N it writes OUTDIR/out.N (the
# candidates), OUTDIR/buffer.N (the edited line) and OUTDIR/done.N. Every wait is bounded.
mode=$1 script=$2 outdir=$3; shift 3
zmodload zsh/zpty zsh/zselect || exit 2
zpty z zsh -f -i
[[ $mode == fpath ]] && zpty -w z "fpath=(${(q)script:h} \$fpath)"
zpty -w z "PS1='> '; unsetopt beep; autoload -Uz compinit; compinit -u -D"
[[ $mode == source ]] && zpty -w z "source ${(q)script}"
zpty -w z 'typeset -ga __hits; compadd() { if (( ${@[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi; local -a __m; builtin compadd -A __m "$@"; __hits+=("${__m[@]}"); builtin compadd "$@"; }'
zpty -w z "__capture() { __hits=(); zle complete-word; print -rl -- \"\${__hits[@]}\" > ${(q)outdir}/out.\$__n; print -r -- \"\$BUFFER\" > ${(q)outdir}/buffer.\$__n; : > ${(q)outdir}/done.\$__n; }; zle -N __capture; bindkey '^T' __capture"
n=0
for line in "$@"; do
  n=$((n + 1))
  zpty -w z "__n=$n"
  zpty -w -n z "$line"$'\C-t'
  # Wait for the widget (at most 20s), reading what the terminal shows so it never fills up.
  for i in {1..400}; do
    while zpty -r -t z __shown; do :; done
    [[ -e $outdir/done.$n ]] && break
    zselect -t 5
  done
  zpty -w -n z $'\C-u'
done
zpty -d z
