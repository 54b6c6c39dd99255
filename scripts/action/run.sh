#!/usr/bin/env bash
# The GitHub Action's logic (action.yml runs it): turns the action's inputs into one
# `agcupload` command line and runs it (two with listing-dir and a package: the listing is
# applied first, so a refused listing stops the job before the package is sent). The tool itself checks every value, writes the step
# outputs ($GITHUB_OUTPUT: object-id, package-id, version-id, sha256, failed-step), the step
# summary and the `::error` annotation; this script adds the `exit-code` output.
#
# Inputs come as GitHub names them for actions: INPUT_ + the input's name in upper case, with
# dashes kept (INPUT_APP-ID). Such names are not shell variables, so they are read with
# printenv (bash keeps them in the environment; dash drops them: this script needs bash).
# action.yml sets them itself, as composite actions do not get them from the runner.
#
# Secrets never come as inputs: AGC_SERVICE_ACCOUNT_JSON, or AGC_CLIENT_ID and
# AGC_CLIENT_SECRET, from the step's `env`, read by the tool. AGCUPLOAD names the tool
# (default: agcupload on PATH).
set -euo pipefail

TOOL=${AGCUPLOAD:-agcupload}

# One input, trimmed of surrounding white space (as actions/toolkit's getInput does); empty
# when not given.
input() {
  local name value
  name=$(printf '%s' "$1" | tr '[:lower:]' '[:upper:]')
  value=$(printenv "INPUT_$name" || true)
  value="${value#"${value%%[![:space:]]*}"}"
  value="${value%"${value##*[![:space:]]}"}"
  printf '%s' "$value"
}

# This script's own annotation: an `::error` workflow command, its message escaped as the
# runner requires (%, CR, LF), then exit 2 (a usage error, as the tool's).
refuse() {
  local msg=$1
  msg=${msg//'%'/'%25'}
  msg=${msg//$'\r'/'%0D'}
  msg=${msg//$'\n'/'%0A'}
  if [ "${GITHUB_ACTIONS:-}" = true ]; then
    printf '::error title=agcupload action::%s\n' "$msg" >&2
  fi
  printf 'agcupload action: %s\n' "$1" | sed 's/^[[:space:]]*::/\\::/' >&2
  set_output exit-code 2
  exit 2
}

set_output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

command -v "$TOOL" >/dev/null 2>&1 || refuse "the agcupload tool ($TOOL) is not on PATH"

app_id=$(input app-id)
file=$(input file)
cmd=$(input command)
cmd=${cmd:-publish}
listing_dir=$(input listing-dir)
[ -n "$app_id" ] || refuse "the input app-id is required"

# More options, one per line: each must be an option (--name or --name=value), so that a line
# cannot slip in an app id, a file or a command; the tool checks the rest.
extra=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [ -n "$line" ] || continue
  case "$line" in
    --[a-z]*) extra+=("$line") ;;
    *) refuse "each line of the input args must be one option, --name or --name=value; not '$line'" ;;
  esac
done < <(input args)

# `agcupload listing apply|plan` of listing-dir; its exit code in $status.
listing() {
  local api_base
  api_base=$(input api-base)
  local cmdline=(listing "$1" "--dir=$listing_dir")
  if [ -n "$api_base" ]; then cmdline+=("--api-base=$api_base"); fi
  status=0
  "$TOOL" "${cmdline[@]}" -- "$app_id" || status=$?
}

case "$cmd" in
  listing | listing-plan)
    [ -n "$listing_dir" ] || refuse "the input listing-dir is required for command: $cmd"
    # The package's inputs would be dropped: refused, as the tool refuses a flag it does not take.
    for name in file file-name kind mainland release-type notes-dir release-time phased remark test-type \
      test-desc test-groups test-start test-end timeout-min poll-interval resume-file args; do
      [ -z "$(input "$name")" ] || refuse "the input $name is not for command: $cmd"
    done
    case "$(input notify)" in "" | false) ;; *) refuse "the input notify is not for command: $cmd" ;; esac
    if [ "$cmd" = listing ]; then listing apply; else listing plan; fi
    set_output exit-code "$status"
    exit "$status"
    ;;
esac
[ -n "$file" ] || refuse "the input file is required"

args=()
# An option and its value, when the input is given, as one argument `--opt=value`: a value
# that starts with a dash ("-rc1 nightly", a remark "- fixed ...") is then never read as an
# option. Every value this script passes goes this way. Whether the option fits the command
# is the tool's to decide (it refuses, for example, --notes-dir without --submit).
opt() {
  local value
  value=$(input "$2")
  if [ -n "$value" ]; then args+=("$1=$value"); fi
}

test_type=$(input test-type)
case "$cmd" in
  upload) args=(upload) ;;
  publish) args=(publish) ;;
  submit) args=(publish --submit) ;;
  test) args=(publish "--test=${test_type:-invite}") ;;
  *) refuse "the input command must be upload, publish, submit, test, listing or listing-plan" ;;
esac
# What this script maps itself: refused where it would be dropped.
if [ -n "$test_type" ] && [ "$cmd" != test ]; then
  refuse "the input test-type is for command: test"
fi
if [ "$cmd" = upload ] && [ -n "$(input timeout-min)$(input poll-interval)" ]; then
  refuse "the inputs timeout-min and poll-interval are not for command: upload (it does not wait for AGC)"
fi

opt --api-base api-base
opt --file-name file-name
opt --kind kind
opt --mainland mainland
opt --release-type release-type
opt --timeout-min timeout-min
opt --poll-interval poll-interval
opt --notes-dir notes-dir
opt --release-time release-time
opt --phased phased
opt --remark remark
opt --test-desc test-desc
opt --test-start test-start
opt --test-end test-end
# Test groups: separated by commas, spaces or new lines.
read -r -d '' -a groups < <(input test-groups | tr ',' ' ') || true
for group in ${groups[@]+"${groups[@]}"}; do
  args+=("--test-group=$group")
done
case "$(input notify)" in
  "" | false) ;;
  true) args+=(--notify) ;;
  *) refuse "the input notify must be true or false" ;;
esac

resume=$(input resume-file)
if [ -n "$resume" ]; then
  if ! "$TOOL" publish --help 2>/dev/null | grep -q -- '--resume-file'; then
    refuse "the input resume-file needs an agcupload that supports --resume-file; this one ($("$TOOL" version 2>/dev/null | head -n 1)) does not"
  fi
  args+=("--resume-file=$resume")
fi

args+=(${extra[@]+"${extra[@]}"})

# The listing first: a refused listing stops the job before the package is sent.
if [ -n "$listing_dir" ]; then
  listing apply
  if [ "$status" != 0 ]; then
    set_output exit-code "$status"
    exit "$status"
  fi
fi

# `--` ends the options: an app id or a file name that starts with a dash stays a value.
args+=(-- "$app_id" "$file")

status=0
"$TOOL" "${args[@]}" || status=$?
set_output exit-code "$status"
exit "$status"
