#!/usr/bin/env python3
"""Self-test of scripts/jenkins-check.py: it must pass the real Jenkinsfile and fail,
with the right message, on broken ones.

Two kinds of broken samples: the hand-written files tests/jenkins/*.Jenkinsfile (their
`// expect: ...` lines name the messages the checker must print), and MUTATIONS below,
each the real Jenkinsfile with one defect, so the checker is tested against the file it
guards (a mutation whose text no longer occurs in the Jenkinsfile fails, instead of
silently testing nothing). Mutated samples are written to build/jenkins-samples/ for
inspection. Python 3 standard library only.
"""
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CHECKER = os.path.join(ROOT, "scripts", "jenkins-check.py")
OUT = os.path.join(ROOT, "build", "jenkins-samples")

# (name, text in the Jenkinsfile, replacement, message expected; None: must pass)
MUTATIONS = [
    ("missing-target", "sh 'make smoke-vm'", "sh 'make smoke-the-vm'",
     "make target `smoke-the-vm` does not exist"),
    ("non-literal-target", "sh 'make lint'", "sh 'make $LINT_TARGET'",
     "make target `$LINT_TARGET` is not literal"),
    ("shell-not-make", "sh 'make lint'", "sh 'clang-format --dry-run fcgi-common/pool.c'",
     "every step must be a make target"),
    ("make-then-shell", "sh 'make deb'", "sh 'make deb && scp dist/*.deb vm:'",
     "sh runs `scp dist/*.deb vm:`"),
    ("inline-credential-id", "credentialsId: env.VM_SSH_CREDENTIALS_ID",
     "credentialsId: 'fcgi-users-vm-ssh'", "credentialsId is a string literal"),
    ("undeclared-credential-id", "credentialsId: env.VM_SSH_CREDENTIALS_ID",
     "credentialsId: env.SOME_OTHER_ID", "credentialsId must be env.NAME"),
    ("aws-key-in-environment", "REPORTS    = 'build/reports'",
     "REPORTS    = 'build/reports'\n        AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE'",
     "looks like an AWS access key ID"),
    ("password-in-environment", "REPORTS    = 'build/reports'",
     "REPORTS    = 'build/reports'\n        DB_PASSWORD = 'correct-horse'",
     "looks like a password, secret or token"),
    ("password-in-url", "sh 'make deploy-vm'",
     "sh 'make deploy-vm DATABASE_URI=mysql://app:hunter22@db/users'",
     "looks like a URL with a user and password"),
    ("credentials-helper-in-stage", "stage('Smoke test VM') {",
     "stage('Smoke test VM') {\n            environment { K = credentials('fcgi-users-vm-ssh') }",
     "credentials(...) outside the environment block"),
    ("private-key-inline", "sh 'make smoke-vm'",
     "sh 'make smoke-vm'\n                writeFile file: 'k', text: '-----BEGIN OPENSSH PRIVATE KEY-----'",
     "looks like a private key"),
    ("missing-approval", re.compile(r"        stage\('Approval'\) \{.*?\n        \}\n", re.S), "",
     "required stage missing: approval"),
    ("approval-without-input", re.compile(r"input message:.*?submitter: '[^']*'", re.S),
     "echo 'approved'", "has no input step"),
    ("missing-smoke", "stage('Smoke test VM')", "stage('Look at VM')",
     "required stage missing: smoke test"),
    ("missing-unit-tests", "stage('Unit tests')", "stage('Sanitizers')",
     "required stage missing: unit tests"),
    ("stage-without-make", "sh 'make tf-check'", "echo 'terraform is fine'",
     "stage 'Terraform' runs no make target"),
    ("test-step-not-run", "sh 'make ansible-check'", "sh 'make lint'",
     "make test runs `ansible-check` but no stage does"),
    ("no-timeout", "timeout(time: 28, unit: 'HOURS')", "", "options has no timeout"),
    # Agents (issue 15 g): none while the approval waits, pinned images, locks, milestones.
    ("pipeline-wide-agent", "    agent none\n\n    options", "    agent { label 'fcgi-users' }\n\n    options",
     "use `agent none`"),
    ("approval-on-an-agent", "            // No agent: waiting holds no executor.\n            agent none\n", "",
     "waits for input on an agent"),
    ("no-milestone", "milestone(ordinal: 1, label: 'awaiting approval')", "", "no milestone before the input"),
    ("unpinned-agent-image", 'image "${env.FCGI_USERS_AGENT_IMAGE}"', "image 'debian:12'",
     "not a docker image pinned by digest"),
    ("agent-by-label", re.compile(r"agent \{\n\s*docker \{\n\s*image .*?\n\s*\}\n", re.S),
     "agent { label 'fcgi-users' }\n", "not a docker image pinned by digest"),
    ("no-production-lock", "lock(resource: 'fcgi-users-production', inversePrecedence: true)", "",
     "deploys without a lock"),
    ("no-test-vm-lock", "lock(resource: 'fcgi-users-test-vm')", "", "deploys without a lock"),
    ("no-parameters", re.compile(r"    parameters \{.*?\n    \}\n", re.S), "", "no parameters block"),
    ("no-cleanup", "cleanWs()", "", "does not archive the reports and clean the workspace"),
    ("no-archive", re.compile(r"archiveArtifacts .*?\*'\n", re.S), "", "does not archive"),
    ("no-junit", re.compile(r"^\s*junit .*\n", re.M), "", "no junit step"),
    # Not defects: a commented-out step and a make target named inside a string.
    ("commented-out-step", "sh 'make smoke-vm'",
     "sh 'make smoke-vm'\n                // sh 'make no-such-target'", None),
    ("target-in-message", "ok: 'Deploy'", "ok: 'make no-such-target'", None),
    ("agent-pinned-literally", 'image "${env.FCGI_USERS_AGENT_IMAGE}"',
     "image 'registry.example/fcgi-users/agent@sha256:" + "0" * 64 + "'", None),
]


def run(path):
    res = subprocess.run([sys.executable, CHECKER, path], capture_output=True, text=True)
    return res.returncode, res.stdout + res.stderr


def main():
    failures = 0
    checked = 0

    def verdict(name, ok, why, output):
        nonlocal failures, checked
        checked += 1
        if ok:
            print(f"ok   {name}")
        else:
            failures += 1
            print(f"FAIL {name}: {why}\n" + "".join(f"     | {line}\n" for line in output.splitlines()))

    jenkinsfile = os.path.join(ROOT, "Jenkinsfile")
    rc, out = run(jenkinsfile)
    verdict("Jenkinsfile passes", rc == 0, f"exit {rc}", out)

    with open(jenkinsfile, encoding="utf-8") as f:
        original = f.read()
    os.makedirs(OUT, exist_ok=True)
    for name, old, new, expect in MUTATIONS:
        if isinstance(old, re.Pattern):
            text, n = old.subn(new, original)
        else:
            n = original.count(old)
            text = original.replace(old, new, 1)
        if n == 0:
            verdict(f"mutation {name}", False, "its text is no longer in the Jenkinsfile: update the case", "")
            continue
        path = os.path.join(OUT, f"{name}.Jenkinsfile")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        rc, out = run(path)
        if expect is None:
            verdict(f"mutation {name} (must pass)", rc == 0, f"exit {rc}", out)
        else:
            verdict(f"mutation {name}", rc == 1 and expect in out,
                    f"want exit 1 and '{expect}', got exit {rc}", out)

    for path in sorted(glob.glob(os.path.join(HERE, "*.Jenkinsfile"))):
        with open(path, encoding="utf-8") as f:
            expects = re.findall(r"^// expect: (.+)$", f.read(), re.M)
        rc, out = run(path)
        missing = [e for e in expects if e not in out]
        verdict(f"sample {os.path.basename(path)}", expects and rc == 1 and not missing,
                f"want exit 1 and {missing or expects}, got exit {rc}", out)

    print(f"jenkins-check self-test: {checked - failures} of {checked} cases behave")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
