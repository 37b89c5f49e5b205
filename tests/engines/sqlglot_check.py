#!/usr/bin/env python3
"""Checks that sqlglot parses a SQL file in a warehouse dialect.

Usage:
    sqlglot_check.py DIALECT SQL_FILE

DIALECT is snowflake, bigquery, redshift or trino. Every statement is parsed
with error_level=ErrorLevel.RAISE. The exit status is 0 when all parse, and
1 with the reasons on stdout when one does not, or when any node of a parsed
tree is an opaque `exp.Command` (sqlglot's fallback for syntax it does not
know, such as Snowflake `CREATE ALERT`: it accepts anything). 2 on a usage
error, 3 when sqlglot is missing.
"""

import logging
import re
import sys

DIALECTS = ("snowflake", "bigquery", "redshift", "trino")


def main(argv):
    if len(argv) != 3 or argv[1] not in DIALECTS:
        sys.stderr.write(__doc__)
        return 2
    dialect, path = argv[1], argv[2]
    try:
        import sqlglot
        from sqlglot import exp
        from sqlglot.errors import ErrorLevel, ParseError, TokenError
    except ImportError as error:
        sys.stderr.write(
            f"sqlglot_check.py: cannot import sqlglot ({error}): run scripts/setup-engines "
            "and point SCOREC_PYTHON at the venv's python, or run the tests with scripts/test\n"
        )
        return 3
    # The Command fallback is reported below, as an error: not as a warning.
    logging.disable(logging.WARNING)
    with open(path, encoding="utf-8") as file:
        sql = file.read()
    try:
        trees = sqlglot.parse(sql, read=dialect, error_level=ErrorLevel.RAISE)
    except (ParseError, TokenError) as error:
        message = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
        print(f"{path}: does not parse as {dialect}: {message}")
        return 1
    problems = []
    for index, tree in enumerate(trees, start=1):
        if tree is None:
            continue
        for node in tree.walk():
            if isinstance(node, exp.Command):
                text = node.sql(dialect=dialect)
                if len(text) > 200:
                    text = text[:200] + "..."
                problems.append(
                    f"{path}: statement {index} parses as {dialect} only as an opaque "
                    f"Command (sqlglot does not know the syntax): {text}"
                )
    if not trees or all(tree is None for tree in trees):
        problems.append(f"{path}: no statements")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
