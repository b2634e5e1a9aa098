#!/usr/bin/env bash
# The bash completion (contrib/djflow.bash, issue 9 §4): sourced into bash, _djflow is called with
# COMP_WORDS/COMP_CWORD as bash would, and COMPREPLY is checked. Usage: completion_test.sh DJFLOW_BIN SRC_DIR
set -u
bin="$1"
src="$2"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin"
ln -s "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")" "$dir/bin/djflow"
export PATH="$dir/bin:$PATH" LANG=C.UTF-8 LC_ALL= DJFLOW_NOW=2024-03-01
db="$dir/t.db"
djflow --db "$db" init >/dev/null
djflow --db "$db" branch add B01 --name 第一党支部 >/dev/null
djflow --db "$db" person add 张晓东 --branch B01 --born 1998-05-01 >/dev/null
djflow --db "$db" member apply 1 --date 2024-01-10 >/dev/null || { echo "setup failed"; exit 1; }

# shellcheck source=/dev/null
source "$src/contrib/djflow.bash"
failures=0

# complete WORD... : the completions of the last word.
complete_words() {
  COMP_WORDS=(djflow "$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMPREPLY=()
  _djflow
  printf '%s\n' "${COMPREPLY[@]}"
}

expect() {  # expect WANTED WORD... : WANTED is among the completions
  local wanted="$1"
  shift
  local got
  got="$(complete_words "$@")"
  if ! grep -qxF -- "$wanted" <<<"$got"; then
    echo "FAIL: djflow $* <TAB> lacks '$wanted'; got: $(tr '\n' ' ' <<<"$got")"
    failures=$((failures + 1))
  fi
}

refuse() {  # refuse UNWANTED WORD...
  local unwanted="$1"
  shift
  if complete_words "$@" | grep -qxF -- "$unwanted"; then
    echo "FAIL: djflow $* <TAB> offers '$unwanted'"
    failures=$((failures + 1))
  fi
}

expect record ""
expect rectify re
refuse init re
expect apply member ""
expect batch rectify ""
expect add rectify batch ""
expect webhook notify add ""
expect --date record --d
expect --json --j
expect 1 --db "$db" show ""
expect 张晓东 --db "$db" show ""
expect 1 --db "$db" member apply ""
# The steps case 1 allows now, in both languages.
expect talk --db "$db" record 1 ""
expect 派人谈话 --db "$db" record 1 ""
expect 派人谈话 --db "$db" record 1 派
refuse talk --db "$db" record 1 派

if ((failures)); then
  echo "$failures completion check(s) failed"
  exit 1
fi
echo "completion: all checks passed"
