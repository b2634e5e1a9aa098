# bash completion for djflow (installed by `cmake --install` into
# share/bash-completion/completions/djflow; or `source contrib/djflow.bash`).
#
# Completes: commands and subcommands (from `djflow --list-commands`, so new commands are known
# without editing this file), options (from the command's --help), case numbers and names after
# show / history / record, the steps a case allows now after `record CASE` (the Chinese names and
# the English ids, both accepted by record), person numbers and names after `member apply` and
# `person show`. A --db given on the command line is used for the look-ups.

_djflow_db_args() {
  local i
  for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
    case "${COMP_WORDS[i]}" in
      --db) printf '%s\n' --db "${COMP_WORDS[i + 1]}" ;;
      --db=*) printf '%s\n' "${COMP_WORDS[i]}" ;;
    esac
  done
}

# Rows of a djflow table, header and rule skipped.
_djflow_rows() {
  "$@" 2>/dev/null | awk 'NR > 2 && NF > 0'
}

_djflow() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local prog="${COMP_WORDS[0]}"
  local -a db
  mapfile -t db < <(_djflow_db_args)

  # The words typed so far, without options and their values: the command path and positionals.
  local -a words=()
  local i w skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      --db | --now | --lang | --actor | --date | --with | --note | --ref | --branch | --workflow | --stage) skip=1 ;;
      -*) ;;
      *) words+=("$w") ;;
    esac
  done

  # The longest prefix of `words` that is a command path.
  local commands path="" candidate n=0
  commands="$("$prog" --list-commands 2>/dev/null)"
  for ((i = 0; i < ${#words[@]}; i++)); do
    candidate="${path:+$path }${words[i]}"
    if grep -qxF -- "$candidate" <<<"$commands"; then
      path="$candidate"
      n=$((i + 1))
    else
      break
    fi
  done
  local -a args=("${words[@]:n}")  # positionals after the command

  if [[ "$cur" == -* ]]; then
    local opts
    # shellcheck disable=SC2086
    opts="$("$prog" --lang en $path --help 2>/dev/null | grep -oE '^ +(-[A-Za-z],)?--[a-z][a-z-]*' | grep -oE -- '--[a-z][a-z-]*')"
    mapfile -t COMPREPLY < <(compgen -W "$opts --help" -- "$cur")
    return
  fi

  local -a reply=()
  case "$path" in
    show | history | record)
      if ((${#args[@]} == 0)); then
        # Case numbers, and the names of member-development subjects.
        mapfile -t reply < <(_djflow_rows "$prog" "${db[@]}" --lang zh list | awk '{print $1} $2 == "发展党员" {print $3}')
      elif [[ "$path" == record && ${#args[@]} -eq 1 ]]; then
        # The steps the case allows now: Chinese names (of the zh `show`) and English ids.
        mapfile -t reply < <(
          "$prog" "${db[@]}" --lang zh show "${args[0]}" 2>/dev/null | sed -n 's/^当前可办理：//p' | tr '、' '\n'
          "$prog" "${db[@]}" --lang en show "${args[0]}" 2>/dev/null | sed -n 's/^allowed now: //p' |
            grep -oE '(^|, )[a-z][a-z-]*' | sed 's/^, //'
        )
      fi
      ;;
    "member apply" | "person show")
      if ((${#args[@]} == 0)); then
        mapfile -t reply < <(_djflow_rows "$prog" "${db[@]}" --lang en person list | awk '{print $1; print $2}')
      fi
      ;;
  esac
  # Subcommands of the path typed so far.
  if ((${#args[@]} == 0)); then
    local prefix="${path:+$path }"
    while IFS= read -r candidate; do
      [[ "$candidate" == "$prefix"* ]] || continue
      candidate="${candidate#"$prefix"}"
      [[ "$candidate" == *" "* ]] || reply+=("$candidate")
    done <<<"$commands"
  fi
  local IFS=$'\n'
  mapfile -t COMPREPLY < <(compgen -W "${reply[*]}" -- "$cur")
}

complete -F _djflow djflow
