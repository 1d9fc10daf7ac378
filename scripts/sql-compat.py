#!/usr/bin/env python3
"""Check that the project's SQL stays in what MySQL 8.0 (RDS) and MariaDB 10.11 (here)
both accept, since no MySQL 8 server can be had on this machine.

    scripts/sql-compat.py [FILE...]      (make sql-check; default: sql/*.sql and the
                                          C string literals of fcgi-*/ and contract/)

C files are read for their string literals only (adjacent literals joined, as the
compiler does), so comments and identifiers never match. Each rule is a construct one
of the two servers lacks or deprecates; a hit prints FILE:LINE: what and why, exit 1.
Python 3 standard library only.
"""
import glob
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
I = re.I | re.S
RULES = [
    (r"\bON\s+DUPLICATE\s+KEY\s+UPDATE\b[^;]*?\bVALUES\s*\(",
     "VALUES() in ON DUPLICATE KEY UPDATE is deprecated in MySQL 8.0.20 (use a derived table's column)"),
    (r"\bVALUES\s*\((?:[^()]|\([^()]*\))*\)\s+AS\s+\w+(\s*\([^)]*\))?\s+ON\s+DUPLICATE\s+KEY",
     "a row alias before ON DUPLICATE KEY UPDATE is MySQL's only (MariaDB rejects it)"),
    (r"\bRETURNING\b", "RETURNING is MariaDB's only"),
    (r"\bCREATE\s+OR\s+REPLACE\s+(?!VIEW\b)", "CREATE OR REPLACE (other than VIEW) is MariaDB's only"),
    (r"\bADD\s+(COLUMN\s+|INDEX\s+|KEY\s+|UNIQUE\s+(INDEX\s+|KEY\s+)?)?IF\s+NOT\s+EXISTS\b",
     "ALTER TABLE ... ADD ... IF NOT EXISTS is MariaDB's only"),
    (r"\bDROP\s+(COLUMN|INDEX|KEY|FOREIGN\s+KEY|CONSTRAINT|PARTITION)\s+IF\s+EXISTS\b",
     "ALTER TABLE ... DROP ... IF EXISTS is MariaDB's only"),
    (r"\bCREATE\s+(UNIQUE\s+)?INDEX\s+IF\s+NOT\s+EXISTS\b", "CREATE INDEX IF NOT EXISTS is MariaDB's only"),
    (r"\bDROP\s+INDEX\s+IF\s+EXISTS\b", "DROP INDEX IF EXISTS is MariaDB's only"),
    (r"\b(CREATE|DROP|ALTER)\s+SEQUENCE\b|\bNEXTVAL\s*\(|\bLASTVAL\s*\(|\bNEXT\s+VALUE\s+FOR\b",
     "sequences are MariaDB's only"),
    (r"\buca1400\b", "the uca1400 collations are MariaDB's only"),
    (r"\butf8mb4_0900_\w+", "the 0900 collations are MySQL's only"),
    (r"\bSYSTEM_TIME\b|\bSYSTEM\s+VERSIONING\b", "system-versioned tables are MariaDB's only"),
    (r"\bWAIT\s+\d+\b", "WAIT n (lock wait) is MariaDB's only (MySQL: NOWAIT / innodb_lock_wait_timeout)"),
    (r"\bENGINE\s*=\s*(Aria|ColumnStore|Spider|CONNECT|S3)\b", "that storage engine is MariaDB's only"),
    (r"\b(INET4|INET6|UUID)\s+(NOT\s+NULL|NULL|DEFAULT|PRIMARY|UNIQUE|,|\))",
     "the INET4/INET6/UUID column types are MariaDB's only"),
    (r"\bJSON_(DETAILED|PRETTY_MARIADB|EQUALS|NORMALIZE|LOOSE|COMPACT)\s*\(", "that JSON function is MariaDB's only"),
    (r"/\*M!", "MariaDB executable comments (/*M! ... */)"),
    (r"@\w+\s*:=", "assigning user variables in expressions is deprecated in MySQL 8"),
    (r"\bROWS\s+EXAMINED\b", "LIMIT ROWS EXAMINED is MariaDB's only"),
    (r"\bFETCH\s+(FIRST|NEXT)\s+\d*\s*ROWS?\b", "OFFSET ... FETCH FIRST is MariaDB's only (use LIMIT)"),
    (r"\bMEDIAN\s*\(", "MEDIAN() is MariaDB's only"),
    (r"\bLATERAL\b", "LATERAL derived tables are MySQL's only"),
    (r"\bVALUES\s+ROW\s*\(", "VALUES ROW() (table value constructor) is MySQL's only"),
    (r"\bSHOW\s+EXPLAIN\b|\bANALYZE\s+FORMAT\s*=", "that EXPLAIN form is MariaDB's only"),
]
RULES = [(re.compile(p, I), why) for p, why in RULES]


def c_literals(text):
    """(offset, joined string) of each run of adjacent C string literals."""
    text = re.sub(r"/\*.*?\*/", lambda m: " " * len(m.group()), text, flags=re.S)
    text = re.sub(r"//[^\n]*", lambda m: " " * len(m.group()), text)
    lit = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
    out, pos = [], 0
    while True:
        m = lit.search(text, pos)
        if not m:
            return out
        start, parts, end = m.start(), [m.group(1)], m.end()
        while True:
            n = re.match(r'\s*"((?:[^"\\\n]|\\.)*)"', text[end:])
            if not n:
                break
            parts.append(n.group(1))
            end += n.end()
        out.append((start, "".join(parts)))
        pos = end


def check(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    pieces = c_literals(text) if path.endswith((".c", ".h")) else [(0, text)]
    if path.endswith(".sql"):
        pieces = [(0, re.sub(r"--[^\n]*", lambda m: " " * len(m.group()), text))]
    problems = []
    for off, sql in pieces:
        for pat, why in RULES:
            for m in pat.finditer(sql):
                line = text.count("\n", 0, off + (m.start() if off == 0 else 0)) + 1
                problems.append(f"{os.path.relpath(path, ROOT)}:{line}: {why}: `{' '.join(m.group().split())[:60]}`")
    return problems


def main(argv):
    files = argv or sorted(glob.glob(os.path.join(ROOT, "sql", "*.sql")) +
                           glob.glob(os.path.join(ROOT, "fcgi-*", "*.[ch]")) +
                           glob.glob(os.path.join(ROOT, "contract", "*.[ch]")))
    problems = [p for f in files for p in check(f)]
    for p in problems:
        print(f"sql-check: {p}")
    print(f"sql-check: {len(files)} files, {len(problems)} problem(s) "
          "(SQL must be in what MySQL 8.0 and MariaDB 10.11 both accept)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
