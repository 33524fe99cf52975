#!/usr/bin/python3
"""Runs one job of a GitHub Actions workflow here, step by step, as a GitHub runner would.

usage: gha_run.py WORKFLOW JOB --workspace DIR --runner-temp DIR [--input NAME=VALUE]...
                  [--uses ACTION=SCRIPT]... [--path-standin PATH=OTHER]... [--step-timeout S]
                  [--strip-pipefail] --report FILE

What it models (the parts of GitHub's runner the recipes rely on):
- each `run:` step's shell: `shell:` on the step, else `defaults.run.shell` of the job, else of
  the workflow, else GitHub's default for Linux: `bash -e {0}` (no pipefail). `shell: bash` is
  `bash --noprofile --norc -eo pipefail {0}`, `sh` is `sh -e {0}`, anything else with `{0}` is
  run as written. The script is the step's text after `${{ }}` substitution, in a file.
- `${{ }}` in `run:`, `env:`, `with:` and `if:`: the contexts env.X, steps.X.outputs.Y,
  steps.X.outcome / .conclusion, github.event.inputs.X, inputs.X, github.workspace,
  runner.temp; literals, ! && || == != and (); status functions success() failure() always()
  cancelled(). An expression it cannot evaluate stops the run (exit 2): nothing is guessed.
- env: workflow, then job, then step (later wins), plus what earlier steps wrote to $GITHUB_ENV.
- $GITHUB_OUTPUT, $GITHUB_ENV, $GITHUB_PATH, $GITHUB_STEP_SUMMARY: a fresh file per step,
  read after it (NAME=VALUE lines and NAME<<DELIM heredocs); $RUNNER_TEMP and
  $GITHUB_WORKSPACE are real directories, the step's working directory is the workspace.
- `uses:` steps: each is stood in for by the SCRIPT given for its action (the part before @),
  run with `bash -e SCRIPT` and its `with:` inputs as INPUT_<NAME>; an action without a stand-in
  stops the run (exit 2).
- `if:` (default success()), `continue-on-error:`; the job's result is failure when a step's
  conclusion is failure.
--path-standin replaces PATH by OTHER in every run: script (e.g. /dev/kvm by a file, on a test
machine without KVM): a stand-in for the runner's machine, as --uses is for actions.
--strip-pipefail drops every `shell:` and `defaults:`, and `set -o pipefail` lines from the
scripts (the recipe as it was before the fix), to show that this runner sees that bug.
The report (JSON): the job's result and, per step, its name, id, whether it ran, its exit code,
outcome, conclusion, outputs, stdout+stderr, summary.
"""
import argparse
import json
import os
import re
import subprocess
import sys

import yaml


class Stop(Exception):
    """Something this runner does not model: the run stops (exit 2) instead of guessing."""


# ---- expressions ----
TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<num>-?\d+(?:\.\d+)?)|(?P<op>==|!=|&&|\|\||!|\(|\)|,)"
                   r"|(?P<word>[A-Za-z_][A-Za-z0-9_.\-]*(?:\(\))?))")


def tokenize(s):
    pos, out = 0, []
    s = s.strip()
    while pos < len(s):
        m = TOKEN.match(s, pos)
        if not m or m.end() == pos:
            raise Stop("cannot read the expression %r at %r" % (s, s[pos:]))
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


class Expr:
    def __init__(self, text, ctx):
        self.toks = tokenize(text)
        self.i = 0
        self.ctx = ctx
        self.text = text
        self.uses_status = any(k == "word" and v in ("success()", "failure()", "always()", "cancelled()")
                               for k, v in self.toks)

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else (None, None)

    def take(self, op=None):
        t = self.peek()
        if op is not None and t[1] != op:
            raise Stop("expected %r in %r" % (op, self.text))
        self.i += 1
        return t

    def value(self):
        v = self.or_()
        if self.i != len(self.toks):
            raise Stop("trailing tokens in %r" % self.text)
        return v

    def or_(self):
        v = self.and_()
        while self.peek()[1] == "||":
            self.take()
            w = self.and_()
            v = v if truthy(v) else w
        return v

    def and_(self):
        v = self.cmp()
        while self.peek()[1] == "&&":
            self.take()
            w = self.cmp()
            v = w if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek()[1] in ("==", "!="):
            op = self.take()[1]
            w = self.unary()
            eq = loose_eq(v, w)
            v = eq if op == "==" else not eq
        return v

    def unary(self):
        if self.peek()[1] == "!":
            self.take()
            return not truthy(self.unary())
        if self.peek()[1] == "(":
            self.take()
            v = self.or_()
            self.take(")")
            return v
        kind, tok = self.take()
        if kind == "str":
            return tok[1:-1].replace("''", "'")
        if kind == "num":
            return float(tok)
        if kind == "word":
            if tok in ("true", "false"):
                return tok == "true"
            if tok == "null":
                return None
            if tok.endswith("()"):
                return self.ctx.status(tok[:-2])
            return self.ctx.lookup(tok)
        raise Stop("cannot evaluate %r in %r" % (tok, self.text))


def truthy(v):
    return not (v is None or v is False or v == "" or v == 0)


def loose_eq(a, b):
    # GitHub compares strings case-insensitively; null == '' is false there, as here.
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


def to_str(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# ---- the job ----
class Job:
    def __init__(self, args, wf, job):
        self.args = args
        self.wf = wf
        self.job = job
        self.inputs = dict(kv.split("=", 1) for kv in args.input)
        self.env = {}
        self.steps = {}
        self.failed = False
        self.workspace = os.path.abspath(args.workspace)
        self.temp = os.path.abspath(args.runner_temp)
        self.step_env = {}

    # contexts
    def lookup(self, name):
        parts = name.split(".")
        if parts[0] == "env" and len(parts) == 2:
            return self.step_env.get(parts[1], "")
        if parts[0] == "steps" and len(parts) >= 3:
            st = self.steps.get(parts[1])
            if st is None:
                return ""
            if parts[2] == "outputs" and len(parts) == 4:
                return st["outputs"].get(parts[3], "")
            if parts[2] in ("outcome", "conclusion") and len(parts) == 3:
                return st[parts[2]]
        if parts[:3] == ["github", "event", "inputs"] and len(parts) == 4:
            return self.inputs.get(parts[3], "")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs.get(parts[1], "")
        if name == "github.workspace":
            return self.workspace
        if name == "runner.temp":
            return self.temp
        raise Stop("context %r is not modelled" % name)

    def status(self, fn):
        if fn == "always":
            return True
        if fn == "success":
            return not self.failed
        if fn == "failure":
            return self.failed
        if fn == "cancelled":
            return False
        raise Stop("function %s() is not modelled" % fn)

    def subst(self, text):
        def one(m):
            return to_str(Expr(m.group(1), self).value())
        return re.sub(r"\$\{\{(.*?)\}\}", one, str(text), flags=re.S)

    def condition(self, cond):
        if cond is None:
            return not self.failed
        if isinstance(cond, bool):
            return cond and not self.failed
        text = str(cond).strip()
        m = re.fullmatch(r"\$\{\{(.*)\}\}", text, flags=re.S)
        if m:
            text = m.group(1)
        e = Expr(text, self)
        v = truthy(e.value())
        # Without a status function, GitHub ands the condition with success().
        return v if e.uses_status else (v and not self.failed)

    def shell_for(self, step):
        if self.args.strip_pipefail:
            shell = None
        else:
            shell = step.get("shell") or ((self.job.get("defaults") or {}).get("run") or {}).get("shell") \
                or ((self.wf.get("defaults") or {}).get("run") or {}).get("shell")
        if shell is None:
            return ["bash", "-e", "{0}"], "bash -e {0} (no shell: given)"
        shell = str(shell)
        if shell == "bash":
            return ["bash", "--noprofile", "--norc", "-eo", "pipefail", "{0}"], "bash --noprofile --norc -eo pipefail {0}"
        if shell == "sh":
            return ["sh", "-e", "{0}"], "sh -e {0}"
        if "{0}" in shell:
            return shell.split(), shell
        raise Stop("shell %r is not modelled" % shell)

    def run(self):
        report = {"steps": []}
        self.env.update({k: to_str(v) for k, v in (self.wf.get("env") or {}).items()})
        self.step_env = dict(self.env)
        for k, v in (self.job.get("env") or {}).items():
            self.env[k] = self.subst(v)
            self.step_env = dict(self.env)
        for idx, step in enumerate(self.job.get("steps") or []):
            report["steps"].append(self.run_step(idx, step))
        report["result"] = "failure" if self.failed else "success"
        return report

    def run_step(self, idx, step):
        sid = step.get("id") or "__step%d" % idx
        name = step.get("name") or (("Run " + step["uses"]) if "uses" in step else ("Run " + str(step.get("run", "")).split("\n")[0]))
        rec = {"index": idx, "id": step.get("id"), "name": name, "ran": False, "exit": None,
               "outcome": "skipped", "conclusion": "skipped", "outputs": {}, "log": "", "summary": "", "shell": None}
        self.step_env = dict(self.env)
        for k, v in (step.get("env") or {}).items():
            self.step_env[k] = self.subst(v)
        if not self.condition(step.get("if")):
            self.steps[sid] = rec
            return rec
        files = {}
        for var, fname in (("GITHUB_OUTPUT", "output"), ("GITHUB_ENV", "env"), ("GITHUB_PATH", "path"),
                           ("GITHUB_STEP_SUMMARY", "summary")):
            files[var] = os.path.join(self.temp, "_runner_file_commands", "%s_%d" % (fname, idx))
            os.makedirs(os.path.dirname(files[var]), exist_ok=True)
            open(files[var], "w").close()
        env = dict(os.environ)
        env.update(self.step_env)
        env.update(files)
        env.update({"GITHUB_WORKSPACE": self.workspace, "RUNNER_TEMP": self.temp, "CI": "true",
                    "GITHUB_ACTIONS": "true", "RUNNER_OS": "Linux"})
        if "uses" in step:
            action = step["uses"].split("@")[0]
            standin = dict(kv.split("=", 1) for kv in self.args.uses).get(action)
            if standin is None:
                raise Stop("no stand-in for uses: %s" % step["uses"])
            for k, v in (step.get("with") or {}).items():
                env["INPUT_" + k.upper().replace(" ", "_")] = self.subst(v)
            cmd = ["bash", "-e", os.path.abspath(standin)]
            rec["shell"] = "stand-in for " + action
        elif "run" in step:
            script = os.path.join(self.temp, "step_%d.sh" % idx)
            text = self.subst(step["run"])
            if self.args.strip_pipefail:
                text = re.sub(r"(?m)^\s*set -o pipefail\s*$\n?", "", text)
            for kv in self.args.path_standin:
                a, b = kv.split("=", 1)
                text = text.replace(a, b)
            with open(script, "w") as f:
                f.write(text)
            argv, rec["shell"] = self.shell_for(step)
            cmd = [a.replace("{0}", script) for a in argv]
        else:
            raise Stop("step %d has neither run: nor uses:" % idx)
        wd = os.path.join(self.workspace, step.get("working-directory", "")) if step.get("working-directory") else self.workspace
        try:
            p = subprocess.run(cmd, cwd=wd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=self.args.step_timeout)
            rc, log = p.returncode, p.stdout.decode("utf-8", "replace")
        except subprocess.TimeoutExpired as e:
            rc, log = 124, (e.stdout or b"").decode("utf-8", "replace") + "\n(step timed out)"
        rec.update(ran=True, exit=rc, log=log)
        rec["outputs"] = read_kv(files["GITHUB_OUTPUT"])
        self.env.update(read_kv(files["GITHUB_ENV"]))
        with open(files["GITHUB_STEP_SUMMARY"]) as f:
            rec["summary"] = f.read()
        rec["outcome"] = "success" if rc == 0 else "failure"
        coe = step.get("continue-on-error", False)
        if isinstance(coe, str):
            coe = truthy(self.subst(coe)) and self.subst(coe) != "false"
        rec["conclusion"] = "success" if rc == 0 or coe else "failure"
        if rec["conclusion"] == "failure":
            self.failed = True
        self.steps[sid] = rec
        return rec


def read_kv(path):
    out = {}
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not line:
            continue
        m = re.match(r"^([^=<]+)<<(.+)$", line)
        if m:
            val = []
            while i < len(lines) and lines[i] != m.group(2):
                val.append(lines[i])
                i += 1
            if i >= len(lines):
                raise Stop("%s: heredoc %s is not closed" % (path, m.group(2)))
            i += 1
            out[m.group(1)] = "\n".join(val)
        elif "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
        else:
            raise Stop("%s: line %r is neither NAME=VALUE nor NAME<<DELIM" % (path, line))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("workflow")
    ap.add_argument("job")
    ap.add_argument("--workspace", required=True)
    ap.add_argument("--runner-temp", required=True)
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--uses", action="append", default=[])
    ap.add_argument("--path-standin", action="append", default=[])
    ap.add_argument("--step-timeout", type=float, default=120)
    ap.add_argument("--strip-pipefail", action="store_true")
    ap.add_argument("--report", required=True)
    args = ap.parse_args()
    with open(args.workflow) as f:
        wf = yaml.safe_load(f)
    jobs = wf.get("jobs") or {}
    if args.job not in jobs:
        print("gha_run: no job %r in %s (jobs: %s)" % (args.job, args.workflow, " ".join(jobs)), file=sys.stderr)
        return 2
    try:
        report = Job(args, wf, jobs[args.job]).run()
    except Stop as e:
        print("gha_run: %s" % e, file=sys.stderr)
        return 2
    with open(args.report, "w") as f:
        json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
