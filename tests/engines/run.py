#!/usr/bin/env python3
"""Runs SQL files on ClickHouse (chdb) or Spark SQL (pyspark local mode).

Usage:
    run.py ENGINE DATA_DIR SQL_FILE [SQL_FILE ...]

ENGINE is `clickhouse` or `spark`. DATA_DIR holds Parquet files named
`<schema>.<table>.parquet`; each becomes the table `<schema>.<table>` (the
schema is created as a database). Then every SQL_FILE runs in order in the
same session: its statements run one after the other and the last one's
result is printed as one JSON line on stdout:

    {"columns": ["a", ...], "rows": [[...], ...]}

or, when the file fails, {"error": "..."} (the next files still run). The
exit status is 0 when every file ran, 1 when one failed, 2 on a usage or
data error, 3 when the engine's Python package is missing.

Values are canonical, the same as the Rust DuckDB runner
(tests/support/engines.rs) prints them:
- timestamps: "YYYY-MM-DD HH:MM:SS" plus ".ffffff" when the microseconds are
  not zero. A naive timestamp prints its wall clock; a timestamp that is an
  instant (ClickHouse DateTime/DateTime64, Spark TIMESTAMP_LTZ) prints its
  UTC wall clock, whatever the session time zone;
- dates "YYYY-MM-DD"; decimals as strings with the type's scale ("1.5000");
- integers and doubles as JSON numbers (a FLOAT widens to double), NaN and
  infinities as the strings "NaN", "Infinity", "-Infinity"; NULL as null.

The session time zone is America/New_York on purpose in both engines: the
generated SQL must never depend on it, and a UTC session would hide that.

ClickHouse: one chdb session; each table is `ENGINE = Memory` filled from
`file(path, Parquet)`. Schema inference keeps the Parquet nullability
(DuckDB writes every column optional, so they become Nullable) and reads a
naive Parquet TIMESTAMP as DateTime64(6, 'UTC'): the same UTC wall clock.
A SQL file runs as one multi-statement query (ClickHouse's own parser splits
it); the result is read as JSONCompact with date_time_output_format='iso'
(UTC), which changes only how results are printed, not toString().

Spark: one local SparkSession (local[2]) for all the files of a call, since
a session takes about 7 s to start. Each table is an external table
`USING parquet LOCATION`. A naive Parquet TIMESTAMP (isAdjustedToUTC=false,
as DuckDB writes TIMESTAMP) is read as TIMESTAMP_NTZ
(spark.sql.parquet.inferTimestampNTZ.enabled=true, set explicitly), so it
keeps its wall clock whatever spark.sql.session.timeZone says. Statements are
split with sqlglot's Spark tokenizer; temporary views a file creates are
dropped before the next file runs.
"""

import datetime
import decimal
import json
import math
import os
import re
import shutil
import struct
import sys
import tempfile

SESSION_TIME_ZONE = "America/New_York"
SETUP_HINT = (
    "run scripts/setup-engines (it installs chdb, pyspark and sqlglot into a "
    "venv) and point SCOREC_PYTHON at the venv's python, or run the tests "
    "with scripts/test"
)


class DataError(Exception):
    """The data directory cannot be loaded."""


# ---------------------------------------------------------------- values


def timestamp_text(value):
    """The canonical text of a datetime: an aware one as its UTC wall clock."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += f".{value.microsecond:06d}"
    return text


def float_value(value):
    """A double as a JSON number, or a string when it is not finite."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def json_value(value):
    """A Python value (as pyarrow gives it) in its canonical JSON form."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return float_value(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return timestamp_text(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    return str(value)


def arrow_rows(table):
    """A pyarrow table as {"columns", "rows"}; duplicate names are kept."""
    import pyarrow as pa

    columns = []
    for index in range(table.num_columns):
        column = table.column(index)
        # Python datetimes hold microseconds: truncate nanoseconds first.
        if pa.types.is_timestamp(column.type) and column.type.unit == "ns":
            column = column.cast(pa.timestamp("us", column.type.tz), safe=False)
        columns.append([json_value(value) for value in column.to_pylist()])
    return {
        "columns": list(table.column_names),
        "rows": [list(row) for row in zip(*columns)] if columns else [],
    }


# ------------------------------------------------------------ data files


def data_tables(data_dir):
    """(schema, table, absolute path) of every `<schema>.<table>.parquet`."""
    tables = []
    for name in sorted(os.listdir(data_dir)):
        if not name.endswith(".parquet"):
            continue
        parts = name[: -len(".parquet")].split(".")
        if len(parts) != 2 or not all(parts):
            raise DataError(f"{name}: expected <schema>.<table>.parquet")
        tables.append((parts[0], parts[1], os.path.abspath(os.path.join(data_dir, name))))
    if not tables:
        raise DataError(f"{data_dir}: no <schema>.<table>.parquet files")
    return tables


def sql_string(text):
    """A single-quoted SQL string literal (backslash-escaping dialects)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def backquoted(name):
    return "`" + name.replace("`", "``") + "`"


# ------------------------------------------------------------ ClickHouse

CH_OUTPUT_SETTINGS = (
    "SET date_time_output_format = 'iso', output_format_json_quote_decimals = 1, "
    "output_format_json_quote_denormals = 1, output_format_json_quote_64bit_integers = 0"
)
CH_ISO = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$")


def ch_strip(type_name):
    """A ClickHouse type without its Nullable/LowCardinality wrappers."""
    while True:
        match = re.fullmatch(r"(?:Nullable|LowCardinality)\((.*)\)", type_name)
        if not match:
            return type_name
        type_name = match.group(1)


def ch_value(type_name, value):
    """A JSONCompact value of a ClickHouse type in its canonical form."""
    if value is None:
        return None
    type_name = ch_strip(type_name)
    if type_name.startswith("Array(") and isinstance(value, list):
        inner = type_name[len("Array(") : -1]
        return [ch_value(inner, item) for item in value]
    if type_name.startswith("DateTime") and isinstance(value, str):
        match = CH_ISO.match(value)
        if not match:
            return value
        text = f"{match.group(1)} {match.group(2)}"
        fraction = (match.group(3) or "").ljust(6, "0")[:6]
        return text + ("." + fraction if fraction.strip("0") else "")
    if type_name.startswith("Decimal") and isinstance(value, str):
        scale = re.search(r",\s*(\d+)\)$", type_name)
        number = decimal.Decimal(value)
        if scale:
            number = number.quantize(decimal.Decimal(1).scaleb(-int(scale.group(1))))
        return format(number, "f")
    if type_name in ("Float32", "Float64", "BFloat16"):
        if isinstance(value, str):
            special = {"nan": "NaN", "-nan": "NaN", "inf": "Infinity", "+inf": "Infinity"}
            return special.get(value, "-Infinity" if value == "-inf" else value)
        if type_name == "Float32":
            return struct.unpack("f", struct.pack("f", value))[0]
        return float(value)
    return value


def run_clickhouse(data_dir, sql_files, emit):
    try:
        from chdb import session as chdb_session
    except ImportError as error:
        raise SystemExit(f"run.py: cannot import chdb ({error}): {SETUP_HINT}") from None
    tables = data_tables(data_dir)
    work = tempfile.mkdtemp(prefix="scorec-chdb-")
    sess = chdb_session.Session(os.path.join(work, "db"))
    try:
        setup = [f"SET session_timezone = '{SESSION_TIME_ZONE}'", CH_OUTPUT_SETTINGS]
        for schema in sorted({schema for schema, _, _ in tables}):
            setup.append(f"CREATE DATABASE IF NOT EXISTS {backquoted(schema)}")
        for schema, table, path in tables:
            setup.append(
                f"CREATE TABLE {backquoted(schema)}.{backquoted(table)} ENGINE = Memory "
                f"AS SELECT * FROM file({sql_string(path)}, Parquet)"
            )
        for statement in setup:
            try:
                sess.query(statement)
            except Exception as error:  # noqa: BLE001 - chdb raises several types
                raise DataError(f"{statement}: {error}") from None
        ok = True
        for sql_file in sql_files:
            try:
                with open(sql_file, encoding="utf-8") as file:
                    sql = file.read()
                result = json.loads(sess.query(sql, "JSONCompact").bytes() or b"{}")
                meta = result.get("meta", [])
                types = [column["type"] for column in meta]
                emit(
                    {
                        "columns": [column["name"] for column in meta],
                        "rows": [
                            [ch_value(t, v) for t, v in zip(types, row)]
                            for row in result.get("data", [])
                        ],
                    }
                )
            except Exception as error:  # noqa: BLE001
                ok = False
                emit({"error": f"{sql_file}: {error}"})
        return ok
    finally:
        sess.close()
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------- Spark


def split_statements(sql, dialect):
    """The statements of a SQL text, split at `;` tokens of the dialect."""
    from sqlglot.dialects.dialect import Dialect

    tokens = Dialect.get_or_raise(dialect).tokenize(sql)
    statements, start, has_tokens = [], 0, False
    for token in tokens:
        if token.token_type.name == "SEMICOLON":
            if has_tokens:
                statements.append(sql[start : token.start])
            start, has_tokens = token.end + 1, False
        else:
            has_tokens = True
    if has_tokens:
        statements.append(sql[start:])
    return [statement.strip() for statement in statements]


def spark_session(work):
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("scorec-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", SESSION_TIME_ZONE)
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
        .config("spark.sql.warehouse.dir", os.path.join(work, "warehouse"))
        .config("spark.local.dir", os.path.join(work, "local"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("OFF")
    return spark


def run_spark(data_dir, sql_files, emit):
    try:
        import pyspark  # noqa: F401
        import sqlglot  # noqa: F401
    except ImportError as error:
        raise SystemExit(f"run.py: cannot import pyspark/sqlglot ({error}): {SETUP_HINT}") from None
    import logging
    import warnings

    # The error is in the JSON: keep pyspark from logging it again with a
    # Java stack trace (and pandas from warning about its version).
    logging.disable(logging.CRITICAL)
    warnings.filterwarnings("ignore")
    tables = data_tables(data_dir)
    work = tempfile.mkdtemp(prefix="scorec-spark-")
    spark = None
    try:
        try:
            spark = spark_session(work)
        except Exception as error:  # noqa: BLE001
            raise SystemExit(
                f"run.py: cannot start Spark ({error}); pyspark needs Java 17 "
                "(`apt-get install -y openjdk-17-jre-headless`; .ci/run checks it)"
            ) from None
        try:
            for schema in sorted({schema for schema, _, _ in tables}):
                spark.sql(f"CREATE DATABASE IF NOT EXISTS {backquoted(schema)}")
            for schema, table, path in tables:
                spark.sql(
                    f"CREATE TABLE {backquoted(schema)}.{backquoted(table)} "
                    f"USING parquet LOCATION {sql_string(path)}"
                )
        except Exception as error:  # noqa: BLE001
            raise DataError(str(error)) from None
        ok = True
        for sql_file in sql_files:
            try:
                with open(sql_file, encoding="utf-8") as file:
                    statements = split_statements(file.read(), "spark")
                if not statements:
                    raise ValueError("no statements")
                for statement in statements[:-1]:
                    spark.sql(statement).collect()
                emit(arrow_rows(spark.sql(statements[-1]).toArrow()))
            except Exception as error:  # noqa: BLE001
                ok = False
                emit({"error": f"{sql_file}: {error}"})
            for view in spark.catalog.listTables():
                if view.isTemporary:
                    spark.catalog.dropTempView(view.name)
        return ok
    finally:
        if spark is not None:
            spark.stop()
        shutil.rmtree(work, ignore_errors=True)


# ------------------------------------------------------------------ main


def main(argv):
    if len(argv) < 4 or argv[1] not in ("clickhouse", "spark"):
        sys.stderr.write(__doc__)
        return 2
    engine, data_dir, sql_files = argv[1], argv[2], argv[3:]
    # The JVM and chdb may write to file descriptor 1: keep a private copy
    # of stdout for the JSON and send everything else to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    def emit(document):
        out.write(json.dumps(document, ensure_ascii=False, allow_nan=False) + "\n")
        out.flush()

    try:
        run = run_clickhouse if engine == "clickhouse" else run_spark
        return 0 if run(data_dir, sql_files, emit) else 1
    except DataError as error:
        sys.stderr.write(f"run.py: cannot load {data_dir}: {error}\n")
        return 2
    except SystemExit as error:
        sys.stderr.write(f"{error}\n")
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv))
