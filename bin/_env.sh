# Sourced by bin/run and bin/manage: the embedded-default environment both run manage.py in.
#
# embedded_defaults ROOT PYTHON exports REGISTRY_VAR_DIR (default ROOT/var, created), DEBUG (default 1) and
# SECRET_KEY (default: the development key kept in $REGISTRY_VAR_DIR/dev-secret-key, generated with PYTHON
# the first time). Whatever the environment already sets wins, so a real configuration is never overridden.

embedded_defaults() {
    local root=$1 py=$2 key_file
    export REGISTRY_VAR_DIR=${REGISTRY_VAR_DIR:-$root/var}
    mkdir -p "$REGISTRY_VAR_DIR"
    export DEBUG=${DEBUG:-1}
    if [[ -z ${SECRET_KEY:-} ]]; then
        key_file=$REGISTRY_VAR_DIR/dev-secret-key
        if [[ ! -s $key_file ]]; then
            (umask 077 && "$py" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
        fi
        SECRET_KEY=$(cat "$key_file")
        export SECRET_KEY
    fi
}
