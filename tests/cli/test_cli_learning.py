"""``info RUN --learning``: the learning summary's keys and types, in JSON and as a table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from latent3d.cli.parser import main
from tests.conftest import make_fake_run


def test_info_learning_json_keys_and_types(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_fake_run(tmp_path / "fake", epochs=2, n=300, snapshots="log")
    assert main(["info", str(path), "--learning", "--json"]) == 0
    s = json.loads(capsys.readouterr().out)["learning"]
    n_snap = len(s["steps"])
    assert n_snap > 2 and s["k"] == 10 and len(s["purity_all"]) == n_snap
    assert s["loss_half_drop_step"] is None or isinstance(s["loss_half_drop_step"], float)
    assert isinstance(s["learned_at"]["never_learned"], int) and s["learned_at"]["fraction_of_drop"] == 0.1
    assert len(s["classes"]) == 10
    for c in s["classes"]:
        assert set(c) == {"class", "name", "separated_at_step", "purity", "images", "never_learned",
                          "median_learned_at_step"}
        assert c["separated_at_step"] is None or isinstance(c["separated_at_step"], float)
        assert len(c["purity"]) == n_snap and all(v is None or 0.0 <= v <= 1.0 for v in c["purity"])
        assert c["median_learned_at_step"] is None or isinstance(c["median_learned_at_step"], float)
    assert sum(c["images"] for c in s["classes"]) == 300
    assert sum(c["never_learned"] for c in s["classes"]) == s["learned_at"]["never_learned"]


def test_info_without_learning_has_no_learning_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_fake_run(tmp_path / "fake", epochs=1, n=100)
    assert main(["info", str(path), "--json"]) == 0
    assert "learning" not in json.loads(capsys.readouterr().out)


def test_info_learning_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_fake_run(tmp_path / "fake", epochs=1, n=200)
    assert main(["info", str(path), "--learning"]) == 0
    out = capsys.readouterr().out
    assert "kNN purity (k = 10)" in out and "Ankle boot" in out and "separated at" in out
