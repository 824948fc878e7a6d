"""`targetdesk refresh`, `errors` and `doctor` against the emulator, in subprocesses."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from providers.emulator import Emulator, Fault, FaultAction

DATA = Path(__file__).resolve().parent.parent / "data"
TARGETS_35 = DATA / "targets" / "target_prices_35.csv"
FMP_CANARY = "CANARY_FMP_52b8d0aa"
POLYGON_CANARY = "CANARY_PG_7f3a9c1e"


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    keys = {FMP_CANARY: ("fmp", "starter"), POLYGON_CANARY: ("polygon", "starter")}
    with Emulator(keys=keys) as running:
        yield running


def run(
    tmp_path: Path, emulator: Emulator, *args: str, db: str = "t.db"
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FMP_API_KEY": FMP_CANARY,
        "POLYGON_API_KEY": POLYGON_CANARY,
        "FMP_BASE_URL": emulator.base_url,
        "POLYGON_BASE_URL": emulator.base_url,
        "TARGETDESK_LOG_DIR": str(tmp_path / "logs"),
        "TARGETDESK_CONFIG": str(tmp_path / "config.toml"),
        "TARGETDESK_FMP_PLAN": "starter",
        "TARGETDESK_POLYGON_PLAN": "starter",
    }
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(tmp_path / db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=240,
    )


def test_refresh_resolves_35_live(tmp_path: Path, emulator: Emulator) -> None:
    run(tmp_path, emulator, "import", str(TARGETS_35), "--portfolio", "real")
    result = run(tmp_path, emulator, "refresh")
    assert result.returncode == 0, result.stderr
    assert "35 fmp" in result.stdout
    rows = json.loads(run(tmp_path, emulator, "targets", "--format", "json").stdout)
    assert {r["price_source"] for r in rows} == {"fmp"}
    fmp = [r for r in emulator.requests() if r.provider == "fmp"]
    assert len(fmp) == 1


def test_canary_keys_never_stored_or_shown(tmp_path: Path, emulator: Emulator) -> None:
    faults = [
        Fault(FaultAction.STATUS, provider="fmp", status=403, times=1),
        Fault(FaultAction.RESET, provider="polygon", times=1),
        Fault(FaultAction.HTML_ERROR, provider="polygon", status=502, times=1),
        Fault(FaultAction.STATUS, provider="polygon", status=429, retry_after="1"),
        Fault(FaultAction.MALFORMED_JSON, provider="polygon", times=1),
    ]
    for fault in faults:
        emulator.script(fault)
    outputs = [
        run(tmp_path, emulator, "import", str(TARGETS_35), "--portfolio", "real")
    ]
    outputs.append(run(tmp_path, emulator, "refresh"))
    # A second database, so nothing is cached and the rejected key is used.
    emulator.script(Fault(FaultAction.STATUS, provider="fmp", status=401, times=None))
    outputs.append(
        run(
            tmp_path, emulator, "import", str(TARGETS_35), "--portfolio", "p", db="u.db"
        )
    )
    outputs.append(run(tmp_path, emulator, "refresh", db="u.db"))
    for db in ("t.db", "u.db"):
        outputs.append(run(tmp_path, emulator, "errors", "--format", "json", db=db))
        outputs.append(run(tmp_path, emulator, "errors", "--format", "csv", db=db))
        outputs.append(run(tmp_path, emulator, "doctor", db=db))
    kinds = {e["kind"] for e in json.loads(outputs[4].stdout)}
    kinds |= {e["kind"] for e in json.loads(outputs[7].stdout)}
    expected = {"not_entitled", "transient", "rate_limited", "malformed", "invalid_key"}
    assert kinds >= expected
    texts = [o.stdout + o.stderr for o in outputs]
    texts += [p.read_text(errors="replace") for p in (tmp_path / "logs").glob("*")]
    blobs = [p.read_bytes() for p in tmp_path.glob("*.db*")]
    for canary in (FMP_CANARY, POLYGON_CANARY):
        assert not any(canary in text for text in texts)
        assert not any(canary.encode() in blob for blob in blobs)
    assert any("***" in text or "FMP_API_KEY" in text for text in texts)


def test_errors_persist_into_next_run(tmp_path: Path, emulator: Emulator) -> None:
    emulator.script(Fault(FaultAction.STATUS, provider="fmp", status=401, times=None))
    run(tmp_path, emulator, "import", str(TARGETS_35), "--portfolio", "real")
    refreshed = run(tmp_path, emulator, "refresh")
    listed = run(tmp_path, emulator, "errors", "--format", "json")
    entries = json.loads(listed.stdout)
    # The four mutual funds end on the file's price, so the refresh exits 1.
    assert refreshed.returncode == 1
    assert len(entries) == 1
    assert entries[0]["provider"] == "fmp"
    assert entries[0]["kind"] == "invalid_key"
    assert "FMP_API_KEY" in entries[0]["message"]


def test_doctor_reports_keys_without_values(tmp_path: Path, emulator: Emulator) -> None:
    result = run(tmp_path, emulator, "doctor")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "fmp: key set" in result.stdout
    assert "reachable" in result.stdout
    assert "cache: 0 quotes" in result.stdout


def test_import_check_flags_renames_and_typos(tmp_path: Path) -> None:
    keys = {POLYGON_CANARY: ("polygon", "free"), FMP_CANARY: ("fmp", "free")}
    with Emulator(keys=keys) as emulator:
        result = run(
            tmp_path,
            emulator,
            "import",
            str(DATA / "cases" / "renames_and_typos.csv"),
            "--portfolio",
            "p",
            "--dry-run",
            "--check",
        )
        lookups = [r.endpoint for r in emulator.requests()]
    assert result.returncode == 1
    assert "renames_and_typos.csv:4: symbol='SHO{'" in result.stdout
    assert "FB renamed" in result.stdout
    assert "[suggested: META]" in result.stdout
    zoom = next(line for line in result.stdout.splitlines() if "ZOOM inactive" in line)
    assert "[suggested: ZM" in zoom
    assert lookups.count("grouped") == 1
    assert "SHO{" not in " ".join(r.path for r in emulator.requests())


def test_import_check_incomplete_exits_1(tmp_path: Path) -> None:
    """A symbol check that cannot reach Polygon keeps the rows and exits 1."""
    with Emulator(keys={FMP_CANARY: ("fmp", "free")}) as emulator:
        result = run(
            tmp_path,
            emulator,
            "import",
            str(TARGETS_35),
            "--portfolio",
            "p",
            "--check",
        )
        listed = run(tmp_path, emulator, "targets", "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "symbol check incomplete" in result.stderr
    assert "35 accepted, 0 rejected" in result.stdout
    assert len(json.loads(listed.stdout)) == 35


def test_offline_commands_spend_no_quota(tmp_path: Path) -> None:
    """Connections that fail reach no server, so they leave the quota whole."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    env = {
        **os.environ,
        "FMP_API_KEY": FMP_CANARY,
        "POLYGON_API_KEY": POLYGON_CANARY,
        "FMP_BASE_URL": closed,
        "POLYGON_BASE_URL": closed,
        "TARGETDESK_LOG_DIR": str(tmp_path / "logs"),
        "TARGETDESK_CONFIG": str(tmp_path / "config.toml"),
    }

    def targetdesk(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "tui.cli", "--db", str(tmp_path / "t.db")]
        return subprocess.run(
            [*command, *args], capture_output=True, text=True, env=env, timeout=240
        )

    targetdesk("import", str(TARGETS_35), "--portfolio", "real")
    refreshed = targetdesk("refresh")
    doctor = targetdesk("doctor")
    assert refreshed.returncode == 1, refreshed.stdout + refreshed.stderr
    assert "resolved 35 symbols: 35 user" in refreshed.stdout
    assert "fmp: plan free, 250 of 250 requests left today" in doctor.stdout
    assert "polygon: plan free, 0 requests today" in doctor.stdout


def test_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    """A reader that stops early (`| head`) gets no traceback and exit 141."""
    rows = [f"S{n:05d},LONG,12.50,14.00,9.00,10.00" for n in range(3000)]
    header = "symbol,position_type,target_eoy,target_next_year,downside,current_price"
    source = tmp_path / "many.csv"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    env = {
        **os.environ,
        "TARGETDESK_LOG_DIR": str(tmp_path / "logs"),
        "TARGETDESK_CONFIG": str(tmp_path / "config.toml"),
    }
    command = [sys.executable, "-m", "tui.cli", "--db", str(tmp_path / "t.db")]
    subprocess.run(
        [*command, "import", str(source), "--portfolio", "many"],
        env=env,
        capture_output=True,
        check=True,
        timeout=240,
    )

    with subprocess.Popen(
        [*command, "targets", "--format", "json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        assert process.stdout.read(100)
        process.stdout.close()
        errors = process.stderr.read().decode()
        status = process.wait(timeout=240)

    assert "unexpected error" not in errors
    assert "Traceback" not in errors
    assert status == 141
