#!/usr/bin/env python3
"""Test of scripts/check2junit.py, the converter the pipeline's JUnit reports come from:
passes, failures and errors keep their counts and messages; a binary that left no log,
or exited non-zero with nothing recorded, becomes an error; the exit status says
whether anything failed. Python 3 standard library only.
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CONVERTER = os.path.join(ROOT, "scripts", "check2junit.py")

CHECK_LOG = """<?xml version="1.0"?>
<testsuites xmlns="http://check.sourceforge.net/ns">
  <datetime>2026-01-01 00:00:00</datetime>
  <suite>
    <title>users</title>
    <test result="{r1}"><path>tests/unit</path><fn>test_users.c:10</fn><id>create</id>
      <iteration>0</iteration><duration>0.25</duration><description>api</description>
      <message>{m1}</message></test>
    <test result="{r2}"><path>tests/unit</path><fn>test_users.c:20</fn><id>delete</id>
      <iteration>0</iteration><duration>-1.000000</duration><description>api</description>
      <message>{m2}</message></test>
  </suite>
</testsuites>
"""


def convert(tmp, files):
    out = os.path.join(tmp, "junit.xml")
    res = subprocess.run([sys.executable, CONVERTER, "--name", "unit", "-o", out, *files],
                         capture_output=True, text=True)
    root = ET.parse(out).getroot() if os.path.exists(out) else None
    return res.returncode, root


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    failures = []
    count = 0

    def expect(name, cond):
        nonlocal count
        count += 1
        print(("ok   " if cond else "FAIL ") + name)
        if not cond:
            failures.append(name)

    with tempfile.TemporaryDirectory() as tmp:
        good = os.path.join(tmp, "test_good.xml")
        write(good, CHECK_LOG.format(r1="success", m1="Passed", r2="success", m2="Passed"))
        rc, root = convert(tmp, [good])
        expect("all passed: exit 0", rc == 0)
        expect("all passed: 2 tests, 0 failures, 0 errors",
               root is not None and (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "0", "0"))
        case = root.find("testsuite/testcase") if root is not None else None
        expect("names: class unit.<binary>.<tcase>, name <test>",
               case is not None and case.get("classname") == "unit.test_good.api" and case.get("name") == "create")
        expect("negative duration clamped to 0",
               root is not None and root.findall("testsuite/testcase")[1].get("time") == "0.000000")

        bad = os.path.join(tmp, "test_bad.xml")
        write(bad, CHECK_LOG.format(r1="failure", m1="Assertion 'status == 201' failed",
                                    r2="error", m2="Received signal 11 (Segmentation fault)"))
        rc, root = convert(tmp, [good, bad])
        expect("a failure: exit 1", rc == 1)
        expect("a failure and an error are counted",
               root is not None and (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1"))
        fail = root.find(".//failure") if root is not None else None
        expect("the failure keeps Check's message and place",
               fail is not None and "test_users.c:10" in fail.text and "status == 201" in fail.get("message"))

        gone = os.path.join(tmp, "test_crashed.xml")
        write(os.path.join(tmp, "test_crashed.rc"), "139\n")
        rc, root = convert(tmp, [good, gone])
        err = root.find(".//error") if root is not None else None
        expect("no log: an error naming the exit status, exit 1",
               rc == 1 and err is not None and "exit status 139" in err.get("message"))

        quiet = os.path.join(tmp, "test_quiet.xml")
        write(quiet, CHECK_LOG.format(r1="success", m1="Passed", r2="success", m2="Passed"))
        write(os.path.join(tmp, "test_quiet.rc"), "1\n")
        rc, root = convert(tmp, [quiet])
        expect("non-zero exit with all tests passed: an error, exit 1",
               rc == 1 and root is not None and root.get("errors") == "1")

        junk = os.path.join(tmp, "test_junk.xml")
        write(junk, "<testsuites><suite>")
        rc, root = convert(tmp, [junk])
        expect("truncated log: an error, exit 1", rc == 1 and root is not None and root.get("errors") == "1")

    print(f"check2junit test: {count - len(failures)} of {count} cases behave")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
