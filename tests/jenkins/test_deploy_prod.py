#!/usr/bin/env python3
"""Self-test of scripts/pipeline/deploy-prod.sh (make deploy-prod) without a cloud:
terraform, aws, kubectl and helm are stand-ins on PATH that answer like the real ones
and record every call. Checks what a first production install depends on:
  - the NetworkPolicies' database CIDR is production's VPC (Terraform's vpc_cidr_block),
  - global.imageRegistry names the ECR registry and the pools' repositories and tag,
  - before the upgrade both images get the tag deployed-<tag> in ECR (the lifecycle
    policy keeps those), a tag already there is fine, a missing image stops the deploy.
Python 3 standard library only.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUTPUTS = {
    "environment": {"value": "production"}, "region": {"value": "eu-west-1"},
    "cluster_name": {"value": "fcgi-users-production"},
    "db_endpoint": {"value": "users.abc.eu-west-1.rds.amazonaws.com"},
    "vpc_cidr_block": {"value": "10.20.0.0/16"},
    "registry": {"value": "123456789012.dkr.ecr.eu-west-1.amazonaws.com"},
    "image_repositories": {"value": {"backend": "fcgi-users/backend", "frontend": "fcgi-users/frontend"}},
}
STUB = """#!/bin/sh
echo "$(basename "$0") $*" >>"$CALLS"
case "$(basename "$0") $1 $2" in
"terraform -chdir="*) case " $* " in *" output "*) cat "$OUTPUTS_FILE" ;; esac ;;
"aws ecr batch-get-image") [ -n "$NO_IMAGE" ] && echo None || echo '{"manifest":1}' ;;
"aws ecr put-image") [ -n "$TAG_EXISTS" ] && { echo "An error occurred (ImageAlreadyExistsException)" >&2; exit 254; } ;;
"helm upgrade --help") echo "  --rollback-on-failure" ;;
esac
exit 0
"""
failures = []


def run(tmp, **env):
    calls = os.path.join(tmp, "calls")
    open(calls, "w").close()
    e = dict(os.environ, PATH=os.path.join(tmp, "bin") + ":" + os.environ["PATH"], CALLS=calls,
             OUTPUTS_FILE=os.path.join(tmp, "outputs.json"), AWS_ACCESS_KEY_ID="x",
             TF_BACKEND_CONFIG=os.path.join(tmp, "backend.hcl"), IMAGE_TAG="0123abcd4567",
             HELM=os.path.join(tmp, "bin", "helm"), DEPLOY_OUT=os.path.join(tmp, "out"),
             DEPLOY_ENV="production", **env)
    p = subprocess.run([os.path.join(ROOT, "scripts/pipeline/deploy-prod.sh"), "deploy"], cwd=ROOT,
                       env=e, capture_output=True, text=True, timeout=60)
    return p, open(calls).read().splitlines()


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + ("" if cond else f": {detail}"))
    if not cond:
        failures.append(name)


with tempfile.TemporaryDirectory() as tmp:
    os.makedirs(os.path.join(tmp, "bin"))
    for tool in ("terraform", "aws", "kubectl", "helm"):
        path = os.path.join(tmp, "bin", tool)
        with open(path, "w") as f:
            f.write(STUB)
        os.chmod(path, 0o755)
    with open(os.path.join(tmp, "outputs.json"), "w") as f:
        json.dump(OUTPUTS, f)
    open(os.path.join(tmp, "backend.hcl"), "w").close()

    p, calls = run(tmp)
    check("deploy succeeds with the stand-ins", p.returncode == 0, p.stderr[-500:])
    upgrade = next((c for c in calls if c.startswith("helm upgrade --install")), "")
    check("the database CIDR is production's VPC from Terraform",
          "networkPolicy.databaseCIDRs={10.20.0.0/16}" in upgrade, upgrade)
    check("the project's registry and tag", "global.imageRegistry=123456789012.dkr.ecr.eu-west-1.amazonaws.com" in upgrade
          and "backend.image.tag=0123abcd4567" in upgrade, upgrade)
    tags = [c for c in calls if c.startswith("aws ecr put-image")]
    check("both images tagged deployed-<tag> in ECR",
          len(tags) == 2 and all("--image-tag deployed-0123abcd4567" in c for c in tags)
          and any("fcgi-users/backend" in c for c in tags) and any("fcgi-users/frontend" in c for c in tags), tags)
    check("tagged before the upgrade", upgrade and tags and calls.index(tags[-1]) < calls.index(upgrade), calls)

    p, calls = run(tmp, TAG_EXISTS="1")
    check("a deployed- tag already there (a redeploy) is fine", p.returncode == 0, p.stderr[-300:])

    p, calls = run(tmp, NO_IMAGE="1")
    check("an image missing from ECR stops the deploy before helm",
          p.returncode != 0 and not any(c.startswith("helm upgrade --install") for c in calls)
          and "is not in the registry" in p.stderr, p.stderr[-300:])

print(f"test_deploy_prod: {7 - len(failures)} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
