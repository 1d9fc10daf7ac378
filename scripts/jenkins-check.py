#!/usr/bin/env python3
"""Check a declarative Jenkinsfile against the project's pipeline rules.

    scripts/jenkins-check.py [--root DIR] Jenkinsfile

Rules (each problem is one line `FILE:LINE: message`; exit 1 if any, 0 if none):
  - the required stages are present, in order: checkout, build, unit tests,
    integration tests, lint/checks, images, deploy to the test VM, smoke test, approval
    (with an `input` step), deploy to production, post-deploy test;
  - every `sh` step runs only `make` (optionally after VAR=value assignments), every
    stage with steps runs make (or is the approval), and every make target it names
    exists in the project's Makefile (asked of make itself: `make -pRrq`);
  - no credential is written inline: no `credentialsId:` with a string literal (IDs
    are named once, in the `environment` block, and used as env.NAME), no
    `credentials('...')` outside that block, and nothing that looks like a secret (AWS
    access keys, private keys, password/token assignments, user:password@ URLs);
  - every check `make test` runs (TEST_STEPS) is run by some stage too (X-junit counts
    for X), so the pipeline cannot fall behind the checks others add;
  - options has a timeout; there are parameters; JUnit is published;
  - agents: the pipeline itself has `agent none`; every stage agent is a docker agent
    whose image is pinned (a literal `...@sha256:<64 hex>`, or env.FCGI_USERS_AGENT_IMAGE,
    which `make agent-check` refuses unless pinned); the approval stage (input) runs
    with `agent none` outside any stage holding an agent (a day of waiting holds no
    executor) after a milestone (a newer build aborts an older waiting one); the
    deploy stages run under a lock; every stage group with an agent archives its
    reports and cleans its workspace in post { always { ... } }.
Groovy is not parsed in full: comments and string literals are recognised, braces
matched, and the declarative blocks found by name. Python 3 standard library only.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

REQUIRED_STAGES = [
    ("checkout", r"checkout"),
    ("build", r"\bbuild"),
    ("unit tests", r"\bunit"),
    ("integration tests", r"integration"),
    ("lint and infrastructure checks", r"lint|check"),
    ("images", r"image"),
    ("deploy to the test VM", r"deploy.*(vm|test)"),
    ("smoke test", r"smoke"),
    ("approval", r"approv"),
    ("deploy to production", r"deploy.*prod"),
    ("post-deploy test", r"post.?deploy|helm test|verify"),
]

SECRET_PATTERNS = [
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key ID"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"(?i)\b[a-z_]*(password|passwd|secret|token|api_?key)[a-z_]*\s*[:=]\s*['\"][^'\"$]{3,}['\"]"),
     "a password, secret or token assigned a literal"),
    (re.compile(r"(?i)--(password|token|secret)[= ]+['\"]?(?!\$)[^\s'\"]{3,}"), "a secret passed as a literal option"),
    (re.compile(r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+:(?!\$)[^/\s@'\"]+@"), "a URL with a user and password"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"), "a GitHub token"),
]


class Source:
    """The Jenkinsfile with comments blanked out and string literals located."""

    def __init__(self, text):
        self.text = text
        self.strings = []  # (start, end, value): end exclusive, covers the quotes
        code = list(text)
        i, n = 0, len(text)
        while i < n:
            c = text[i]
            if text.startswith("//", i):
                j = text.find("\n", i)
                j = n if j < 0 else j
                code[i:j] = " " * (j - i)
                i = j
            elif text.startswith("/*", i):
                j = text.find("*/", i + 2)
                j = n if j < 0 else j + 2
                code[i:j] = [ch if ch == "\n" else " " for ch in text[i:j]]
                i = j
            elif c in "'\"":
                q = text[i:i + 3] if text[i:i + 3] in ("'''", '"""') else c
                j = i + len(q)
                while j < n and not text.startswith(q, j):
                    j += 2 if text[j] == "\\" else 1
                end = min(n, j + len(q))
                self.strings.append((i, end, text[i + len(q):j]))
                i = end
            else:
                i += 1
        self.code = "".join(code)
        self._in_string = set()
        for s, e, _ in self.strings:
            self._in_string.update(range(s, e))

    def line(self, pos):
        return self.text.count("\n", 0, pos) + 1

    def in_string(self, pos):
        return pos in self._in_string

    def string_at(self, pos):
        """The string literal starting at pos (after spaces), or None."""
        while pos < len(self.code) and self.code[pos] in " \t\r\n":
            pos += 1
        for s, e, v in self.strings:
            if s == pos:
                return s, e, v
        return None

    def match_brace(self, open_pos):
        depth = 0
        for i in range(open_pos, len(self.code)):
            if self.in_string(i):
                continue
            if self.code[i] == "{":
                depth += 1
            elif self.code[i] == "}":
                depth -= 1
                if depth == 0:
                    return i
        return len(self.code) - 1

    def blocks(self, name, start=0, end=None):
        """(name_pos, open, close) of every `name {` (or `name(...) {`) in [start, end)."""
        end = len(self.code) if end is None else end
        pat = re.compile(r"\b" + re.escape(name) + r"\b\s*(\([^)]*\))?\s*\{")
        out = []
        pos = start
        while True:
            m = pat.search(self.code, pos, end)
            if not m:
                return out
            if self.in_string(m.start()):
                pos = m.end()
                continue
            open_pos = m.end() - 1
            close = self.match_brace(open_pos)
            out.append((m.start(), open_pos, close))
            pos = m.end()

    def top_blocks(self, name, start, end):
        """Like blocks, but only those not nested inside another block of the range."""
        out = []
        for b in self.blocks(name, start, end):
            if not any(o[1] < b[0] < o[2] for o in out):
                out.append(b)
        return out


def make_database(root):
    """(targets, TEST_STEPS): every target make knows in root (files and phony) and the
    checks `make test` runs, from make's own database."""
    try:
        res = subprocess.run(["make", "-pRrq", "-C", root, ".jenkins-check-no-such-target"],
                             capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as err:
        sys.exit(f"jenkins-check: cannot ask make for its targets: {err}")
    targets = set()
    steps = []
    not_target = False
    for line in res.stdout.splitlines():
        if line.startswith("TEST_STEPS :="):
            steps = line.split(":=", 1)[1].split()
        if line.startswith("# Not a target"):
            not_target = True
            continue
        m = re.match(r"^([^\s#:=][^:=]*?):(?!=)", line)
        if m and not line.startswith("\t"):
            if not not_target:
                targets.update(m.group(1).split())
        not_target = False
    return targets, steps


def make_calls(command):
    """The make targets named by each line of a shell command; raises ValueError if a
    line runs something other than make."""
    calls = []
    for raw in command.replace("\\\n", " ").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        for part in re.split(r"\s*(?:&&|;)\s*", line):
            if not part:
                continue
            try:
                words = shlex.split(part)
            except ValueError:
                words = part.split()
            while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
                words.pop(0)
            if not words or words[0] != "make":
                raise ValueError(part)
            targets = []
            skip = False
            for w in words[1:]:
                if skip:
                    skip = False
                elif w in ("-C", "-f", "-o", "-W", "-I", "--directory", "--file"):
                    skip = True
                elif w.startswith("-") or "=" in w:
                    continue
                else:
                    targets.append(w)
            calls.append(targets)
    return calls


def check(path, root):
    with open(path, encoding="utf-8") as f:
        src = Source(f.read())
    problems = []

    def problem(pos, msg):
        problems.append(f"{path}:{src.line(pos)}: {msg}")

    pipelines = src.blocks("pipeline")
    if not pipelines:
        problem(0, "no `pipeline { ... }` block: not a declarative pipeline")
        return problems, {}
    _, p_open, p_close = pipelines[0]

    # Options, parameters, environment.
    opts = src.top_blocks("options", p_open + 1, p_close)
    top_opts = [o for o in opts if not any(s[1] < o[0] < s[2] for s in src.blocks("stages", p_open, p_close))]
    opt_text = "".join(src.code[o[1]:o[2]] for o in top_opts)
    if not re.search(r"\btimeout\s*\(", opt_text):
        problem(p_open, "options has no timeout(...): a hung build would hold the agent forever")
    if not src.blocks("parameters", p_open, p_close):
        problem(p_open, "no parameters block (skip production, choose the environment)")

    env_blocks = [b for b in src.top_blocks("environment", p_open + 1, p_close)
                  if not any(s[1] < b[0] < s[2] for s in src.blocks("stages", p_open, p_close))]
    env_ids = {}
    for _, e_open, e_close in env_blocks:
        for m in re.finditer(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", src.code[e_open + 1:e_close], re.M):
            lit = src.string_at(e_open + 1 + m.end())
            if lit:
                env_ids[m.group(1)] = lit[2]

    def in_env(pos):
        return any(o < pos < c for _, o, c in env_blocks)

    # Credentials.
    for m in re.finditer(r"\bcredentialsId\s*:\s*", src.code):
        if src.in_string(m.start()):
            continue
        if src.string_at(m.end()):
            problem(m.start(), "credentialsId is a string literal: name the ID once in the "
                               "environment block and use env.NAME")
            continue
        ref = re.match(r"(?:env\.)?([A-Za-z_][A-Za-z0-9_]*)", src.code[m.end():])
        if not ref or ref.group(1) not in env_ids:
            problem(m.start(), "credentialsId must be env.NAME with NAME set to the ID in the "
                               "environment block")
    for m in re.finditer(r"\bcredentials\s*\(", src.code):
        if not src.in_string(m.start()) and not in_env(m.start()):
            problem(m.start(), "credentials(...) outside the environment block")
    for pat, what in SECRET_PATTERNS:
        for m in pat.finditer(src.text):
            problem(m.start(), f"looks like {what} written inline: use Jenkins' credential store")

    # Stages.
    stages_blocks = src.blocks("stages", p_open, p_close)
    if not stages_blocks:
        problem(p_open, "no stages block")
        return problems, {}
    stage_pat = re.compile(r"\bstage\s*\(\s*")
    stages = []
    for m in stage_pat.finditer(src.code, p_open, p_close):
        if src.in_string(m.start()):
            continue
        lit = src.string_at(m.end())
        if not lit:
            problem(m.start(), "stage name must be a string literal")
            continue
        brace = src.code.find("{", lit[1])
        close = src.match_brace(brace)
        stages.append({"name": lit[2], "pos": m.start(), "open": brace, "close": close})
    for s in stages:
        body = src.code[s["open"]:s["close"]]
        s["parallel"] = bool(re.search(r"\b(parallel|stages)\s*\{", body))
        s["input"] = bool(re.search(r"\binput\b", body)) and not s["parallel"]

    # Shell steps: every one runs make, and every target exists.
    known, test_steps = make_database(root)
    sh_pat = re.compile(r"\bsh\b\s*(\(\s*(script\s*:\s*)?|script\s*:\s*)?")
    calls = []
    for m in sh_pat.finditer(src.code, p_open, p_close):
        if src.in_string(m.start()):
            continue
        lit = src.string_at(m.end())
        if not lit:
            problem(m.start(), "sh step without a literal command: cannot check that it runs make")
            continue
        owner = None
        for s in stages:
            if s["open"] < m.start() < s["close"] and not s["parallel"]:
                owner = s
        try:
            found = make_calls(lit[2])
        except ValueError as err:
            problem(m.start(), f"sh runs `{err}`: every step must be a make target, so that "
                               "Jenkins runs what developers and CI run")
            continue
        for targets in found:
            if not targets:
                problem(m.start(), "`make` without a target: name the target")
            for t in targets:
                if "$" in t:
                    problem(m.start(), f"make target `{t}` is not literal: cannot check it exists")
                elif t not in known:
                    problem(m.start(), f"make target `{t}` does not exist (see `make help`)")
                elif owner is not None:
                    owner.setdefault("targets", []).append(t)
        calls.extend(t for targets in found for t in targets)

    for step in test_steps:
        if step not in calls and f"{step}-junit" not in calls:
            problem(p_open, f"make test runs `{step}` but no stage does: add it to the pipeline")

    leaves = [s for s in stages if not s["parallel"]]
    for s in leaves:
        if not s.get("targets") and not s["input"]:
            problem(s["pos"], f"stage '{s['name']}' runs no make target")

    # Required stages, in order.
    last = -1
    names = [s["name"] for s in stages]
    for label, pat in REQUIRED_STAGES:
        idx = next((i for i, n in enumerate(names) if re.search(pat, n, re.I) and i > last), None)
        if idx is None:
            anywhere = next((i for i, n in enumerate(names) if re.search(pat, n, re.I)), None)
            if anywhere is None:
                problem(stages_blocks[0][0], f"required stage missing: {label}")
            else:
                problem(stages[anywhere]["pos"], f"stage '{names[anywhere]}' ({label}) is out of order")
            continue
        if label == "approval" and not stages[idx]["input"]:
            problem(stages[idx]["pos"], f"stage '{names[idx]}' has no input step: no manual gate")
        last = idx

    # Agents: none for the pipeline; pinned images for stages; none for the approval.
    top_agent = re.search(r"\bagent\s+(none\b|\{)", src.code[p_open:stages_blocks[0][0]])
    if not top_agent or top_agent.group(1) != "none":
        problem(p_open, "the pipeline has an agent of its own: use `agent none` and give the "
                        "stages agents, or the approval holds an executor while it waits")
    holders = []  # stages with an agent of their own
    for s in stages:
        body = src.code[s["open"] + 1:s["close"]]
        inner = [(o["open"] - s["open"] - 1, o["close"] - s["open"] - 1) for o in stages
                 if s["open"] < o["open"] < s["close"]]
        m = next((m for m in re.finditer(r"\bagent\s+(none\b|\{)", body)
                  if not any(a < m.start() < b for a, b in inner)), None)
        if not m:
            continue
        s["agent"] = m.group(1)
        if m.group(1) == "none":
            continue
        holders.append(s)
        a_open = s["open"] + 1 + m.end() - 1
        a_text = src.code[a_open:src.match_brace(a_open)]
        img = re.search(r"\bimage\s+", a_text)
        lit = src.string_at(a_open + img.end()) if img and "docker" in a_text else None
        if not lit or not (re.search(r"@sha256:[0-9a-f]{64}$", lit[2]) or lit[2] in (
                "${env.FCGI_USERS_AGENT_IMAGE}", "${FCGI_USERS_AGENT_IMAGE}")):
            problem(s["pos"], f"stage '{s['name']}': the agent is not a docker image pinned by "
                              "digest (name@sha256:... or env.FCGI_USERS_AGENT_IMAGE)")
        posts = [b for b in src.blocks("post", s["open"], s["close"])
                 if not any(o["open"] < b[0] < o["close"] for o in stages if s["open"] < o["open"] < s["close"])]
        always_text = "".join(src.code[a[1]:a[2]] for b in posts for a in src.blocks("always", b[1], b[2]))
        if not re.search(r"\b(cleanWs|deleteDir)\s*\(", always_text) or "archiveArtifacts" not in always_text:
            problem(s["pos"], f"stage '{s['name']}' holds an agent but its post/always does not "
                              "archive the reports and clean the workspace")
    for s in stages:
        if not s["input"]:
            continue
        if s.get("agent") != "none" or any(h["open"] < s["pos"] < h["close"] for h in holders):
            problem(s["pos"], f"stage '{s['name']}' waits for input on an agent: give it `agent none` "
                              "(an executor would be held for as long as the approval waits)")
        body = src.code[s["open"]:s["close"]]
        mi, ii = body.find("milestone"), re.search(r"\binput\b", body)
        if mi < 0 or (ii and mi > ii.start()):
            problem(s["pos"], f"stage '{s['name']}': no milestone before the input (an older build "
                              "waiting for approval must be superseded by a newer one)")
    for s in stages:
        if re.search(r"deploy", s["name"], re.I) and not s["parallel"]:
            outer = [o for o in stages if o["open"] <= s["open"] and s["close"] <= o["close"]]
            if not any(re.search(r"\block\s*\(", src.code[o["open"]:o["close"]]) for o in outer):
                problem(s["pos"], f"stage '{s['name']}' deploys without a lock(...): two builds could deploy at once")
    if not any(not src.in_string(m.start(1)) for m in
               re.finditer(r"(?m)^\s*(junit)\b\s*[(\w'\"]", src.code[:p_close])):
        problem(p_open, "no junit step: test reports are not published")

    summary = {"stages": len(stages), "make_calls": len(calls), "targets": sorted(set(calls))}
    return problems, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("jenkinsfile")
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."),
                        help="directory of the Makefile (default: the project)")
    args = parser.parse_args(argv)
    try:
        problems, summary = check(args.jenkinsfile, args.root)
    except OSError as err:
        print(f"jenkins-check: {err}", file=sys.stderr)
        return 2
    for p in problems:
        print(f"jenkins-check: {p}")
    if problems:
        print(f"jenkins-check: {args.jenkinsfile}: {len(problems)} problem(s)")
        return 1
    print(f"jenkins-check: {args.jenkinsfile}: ok: {summary['stages']} stages, "
          f"{summary['make_calls']} make calls, all targets exist: {' '.join(summary['targets'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
