# bash completion for tollgatectl: verbs, sub-verbs, options and parameter names.

_tollgatectl_parameters="SERVER_BILLING_RECORD_ILLEGAL_CALL SS_ENDPOINTREGISTERSUSPEND
SS_ENDPOINTREGISTERRETRY SS_ENDPOINTREGISTERSUSPENDTIME SS_AUTHCHALLENGEMODE
SS_REPLY_UNAUTHORIZED BLACKLIST_ENABLE BLACKLIST_WINDOW BLACKLIST_REGISTER_FAILURES
BLACKLIST_DISTINCT_ENDPOINTS BLACKLIST_ILLEGAL_CALLS BLACKLIST_SCANNER_UA BLACKLIST_DURATION
BLACKLIST_DURATION_MULTIPLIER BLACKLIST_RECIDIVE_WINDOW BLACKLIST_MAX_DURATION
BLACKLIST_IPV6_PREFIX REGISTER_RATE_LIMIT REGISTER_RATE_BURST INSPECT_ENABLE"

_tollgatectl_files() {
  if declare -F _filedir >/dev/null; then
    _filedir
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}

_tollgatectl() {
  local cur prev words cword
  if declare -F _init_completion >/dev/null; then
    _init_completion || return
  else
    # Without the bash-completion package: the plain words, split on blanks.
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
  fi

  local global_options="--socket --switch-socket --json --timeout --help --version"
  local verbs="status check blacklist whitelist suspend param cdr audit registrations trace reload simulate"

  # Find the verb and its sub-verb, skipping global options and their values.
  local i verb="" sub="" verb_index=0
  for ((i = 1; i < cword; i++)); do
    case "${words[i]}" in
      --socket | --switch-socket | --timeout) ((i++)) ;;
      -*) ;;
      *)
        if [[ -z $verb ]]; then
          verb=${words[i]}
          verb_index=$i
        elif [[ -z $sub ]]; then
          sub=${words[i]}
          break
        fi
        ;;
    esac
  done

  case "$prev" in
    --socket | --switch-socket | --pcap | --config | --db)
      _tollgatectl_files
      return
      ;;
    --state-dir)
      if declare -F _filedir >/dev/null; then
        _filedir -d
      else
        COMPREPLY=($(compgen -d -- "$cur"))
      fi
      return
      ;;
    --billing-mode)
      COMPREPLY=($(compgen -W "illegal endpoint gateway none -1 0 1 4" -- "$cur"))
      return
      ;;
    --for)
      COMPREPLY=($(compgen -W "90s 30m 1h 6h 1d 7d 2w" -- "$cur"))
      return
      ;;
    --timeout | --since | --until | --src | --limit | --reason | --ip | --endpoint | --call-id | --set)
      return
      ;;
  esac

  if [[ -z $verb ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "$global_options" -- "$cur"))
    else
      COMPREPLY=($(compgen -W "$verbs" -- "$cur"))
    fi
    return
  fi

  local common="--json --help"
  case "$verb" in
    blacklist)
      case "$sub" in
        "") COMPREPLY=($(compgen -W "list add del flush" -- "$cur")) ;;
        add) COMPREPLY=($(compgen -W "--for --permanent --reason --force $common" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
      esac
      ;;
    whitelist)
      [[ -z $sub ]] && COMPREPLY=($(compgen -W "list add del" -- "$cur")) ||
        COMPREPLY=($(compgen -W "$common" -- "$cur"))
      ;;
    suspend)
      [[ -z $sub ]] && COMPREPLY=($(compgen -W "list clear" -- "$cur")) ||
        COMPREPLY=($(compgen -W "$common" -- "$cur"))
      ;;
    param)
      case "$sub" in
        "") COMPREPLY=($(compgen -W "list get set" -- "$cur")) ;;
        get | set)
          # Only the NAME position takes a parameter name.
          if ((cword == verb_index + 2)); then
            COMPREPLY=($(compgen -W "$_tollgatectl_parameters" -- "$cur"))
          fi
          ;;
        *) COMPREPLY=($(compgen -W "$common" -- "$cur")) ;;
      esac
      ;;
    cdr)
      COMPREPLY=($(compgen -W "--billing-mode --since --until --src --limit --csv --state-dir --db $common" -- "$cur"))
      ;;
    audit)
      COMPREPLY=($(compgen -W "--since --follow $common" -- "$cur"))
      ;;
    trace)
      COMPREPLY=($(compgen -W "--ip --endpoint --call-id --pcap --count --duration $common" -- "$cur"))
      ;;
    simulate)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "--config --set --until --help" -- "$cur"))
      else
        _tollgatectl_files
      fi
      ;;
    check)
      COMPREPLY=($(compgen -W "--config $common" -- "$cur"))
      ;;
    status | registrations | reload)
      COMPREPLY=($(compgen -W "$common" -- "$cur"))
      ;;
  esac
} && complete -F _tollgatectl tollgatectl
