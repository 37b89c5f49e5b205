#!/usr/bin/env python3
"""Translates a SQL file from one dialect to another with sqlglot.

Usage:
    sqlglot_transpile.py FROM TO SQL_FILE

Prints the translated statements, each ending with `;`. Used to run SQL of
warehouses that cannot run here (Redshift, BigQuery) on engines that can
(PostgreSQL, DuckDB): a second, independent check of their semantics, on
top of the parse check. Exit 1 when sqlglot cannot parse or translate, 3
when sqlglot is missing.
"""

import sys


def main(argv):
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    source, target, path = argv[1], argv[2], argv[3]
    try:
        import sqlglot
        from sqlglot.errors import ErrorLevel
    except ImportError as e:
        print(f"sqlglot is not installed: {e}")
        return 3
    with open(path, encoding="utf-8") as f:
        sql = f.read()
    try:
        out = sqlglot.transpile(
            sql,
            read=source,
            write=target,
            error_level=ErrorLevel.RAISE,
            unsupported_level=ErrorLevel.RAISE,
        )
    except Exception as e:  # noqa: BLE001 - report any sqlglot failure
        print(f"{type(e).__name__}: {e}")
        return 1
    sys.stdout.write(";\n".join(out) + ";\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
