#!/usr/bin/env python3
"""Convert Check's XML logs into one JUnit XML report (for Jenkins' junit step).

    scripts/check2junit.py -o reports/junit/unit.xml --name unit reports/check/unit/*.xml

Each input is the file a Check test binary wrote when run with CK_XML_LOG_FILE_NAME.
Next to it, <same name>.rc may hold the binary's exit status (written by
scripts/pipeline/junit-run.sh). A binary that crashed, timed out or exited non-zero
without Check recording a failure becomes an <error> test case, so a report can never
look greener than the run was. Exit status: 0 when every test passed, 1 when any failed
or errored, 2 on bad usage. Python 3 standard library only.
"""
import argparse
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://check.sourceforge.net/ns}"


def text(elem, tag, default=""):
    child = elem.find(NS + tag)
    if child is None:
        child = elem.find(tag)  # tolerate logs without the namespace
    return (child.text or "").strip() if child is not None else default


def read_rc(xml_path):
    rc_path = os.path.splitext(xml_path)[0] + ".rc"
    try:
        with open(rc_path, encoding="utf-8") as f:
            return int(f.read().strip() or "0")
    except FileNotFoundError:
        return None
    except ValueError:
        return 1


def binary_name(xml_path):
    return os.path.splitext(os.path.basename(xml_path))[0]


def error_case(suite_el, classname, name, message):
    case = ET.SubElement(suite_el, "testcase", classname=classname, name=name, time="0")
    err = ET.SubElement(case, "error", message=message)
    err.text = message
    return case


def convert(xml_path, root, prefix):
    """Append one <testsuite> per Check suite of xml_path; return (tests, failures, errors)."""
    binary = binary_name(xml_path)
    rc = read_rc(xml_path)
    totals = [0, 0, 0]
    try:
        tree = ET.parse(xml_path)
        suites = tree.getroot().findall(NS + "suite") or tree.getroot().findall("suite")
    except (OSError, ET.ParseError) as err:
        suite_el = ET.SubElement(root, "testsuite", name=f"{prefix}.{binary}", tests="1",
                                 failures="0", errors="1", time="0")
        why = "no Check XML report" if isinstance(err, OSError) else "unreadable Check XML report"
        status = f"; exit status {rc}" if rc is not None else ""
        error_case(suite_el, f"{prefix}.{binary}", "report",
                   f"{why} ({err}): the test binary crashed or did not run{status}")
        return [1, 0, 1]

    for suite in suites:
        title = text(suite, "title", binary)
        suite_el = ET.SubElement(root, "testsuite", name=f"{prefix}.{binary}.{title}")
        n = f = e = 0
        elapsed = 0.0
        for test in suite.findall(NS + "test") + suite.findall("test"):
            result = test.get("result", "error")
            tcase = text(test, "description", "tcase")
            name = text(test, "id", "test")
            iteration = text(test, "iteration", "0")
            if iteration not in ("", "0"):
                name = f"{name}[{iteration}]"
            try:
                duration = max(0.0, float(text(test, "duration", "0")))
            except ValueError:
                duration = 0.0
            elapsed += duration
            case = ET.SubElement(suite_el, "testcase", classname=f"{prefix}.{binary}.{tcase}",
                                 name=name, time=f"{duration:.6f}")
            where = text(test, "fn")
            message = text(test, "message")
            if result == "failure":
                f += 1
                el = ET.SubElement(case, "failure", message=message)
                el.text = f"{where}: {message}"
            elif result != "success":
                e += 1
                el = ET.SubElement(case, "error", message=message or result)
                el.text = f"{where}: {message or result}"
            n += 1
        suite_el.set("tests", str(n))
        suite_el.set("failures", str(f))
        suite_el.set("errors", str(e))
        suite_el.set("time", f"{elapsed:.6f}")
        totals = [totals[0] + n, totals[1] + f, totals[2] + e]

    # Check only records what it ran; a non-zero exit with nothing recorded as failed
    # (a crash outside a test, a leak check, a timeout of the whole binary) is an error.
    if rc not in (None, 0) and totals[1] + totals[2] == 0:
        suite_el = ET.SubElement(root, "testsuite", name=f"{prefix}.{binary}", tests="1",
                                 failures="0", errors="1", time="0")
        error_case(suite_el, f"{prefix}.{binary}", "exit-status",
                   f"the test binary exited with status {rc} although Check recorded no failure")
        totals = [totals[0] + 1, totals[1], totals[2] + 1]
    return totals


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="Check XML logs (CK_XML_LOG_FILE_NAME)")
    parser.add_argument("-o", "--output", required=True, help="JUnit XML file to write")
    parser.add_argument("--name", default="check", help="prefix of suite and class names")
    args = parser.parse_args(argv)

    root = ET.Element("testsuites", name=args.name)
    totals = [0, 0, 0]
    for path in args.inputs:
        t = convert(path, root, args.name)
        totals = [a + b for a, b in zip(totals, t)]
    root.set("tests", str(totals[0]))
    root.set("failures", str(totals[1]))
    root.set("errors", str(totals[2]))

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    ET.indent(root)
    ET.ElementTree(root).write(args.output, encoding="utf-8", xml_declaration=True)
    print(f"check2junit: {args.output}: {totals[0]} tests, {totals[1]} failures, "
          f"{totals[2]} errors from {len(args.inputs)} Check logs")
    return 0 if totals[1] + totals[2] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
