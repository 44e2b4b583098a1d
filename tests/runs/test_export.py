"""``export`` to CSV and Parquet: the rows are the run's codes and BCE, ``--step`` is the window's interpolation,
and a refused export (bad suffix, folder, read-only or full disk, no pyarrow) leaves an existing file as it was."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from latent3d.analysis.interpolate import codes_at
from latent3d.cli.parser import main
from latent3d.data.catalog import DATASETS
from latent3d.runs import load_run
from latent3d.runs.export import csv_cell, write_rows
from latent3d.runs.table import COLUMNS, run_columns
from latent3d.state.timeline import Timebase
from tests.support.hostile_fixtures import fill, one_sentence, remount_read_only, snapshot, tmpfs
from tests.support.scene_fixtures import make_run

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

OLD = b"an earlier export that must survive\n"


@pytest.fixture(scope="module")
def run_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("export") / "r", epochs=3, n=60)


def _read(path: Path) -> object:
    return pd.read_csv(path, keep_default_na=False, na_values=[""]) if path.suffix == ".csv" else pd.read_parquet(path)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_rows_are_the_codes_and_bce_of_every_snapshot(run_path: Path, tmp_path: Path, suffix: str,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    run = load_run(run_path)
    out = tmp_path / f"all{suffix}"
    assert main(["export", str(run_path), "--out", str(out)]) == 0
    assert f"Wrote {run.n_snapshots * 60:,} rows" in capsys.readouterr().out
    df = _read(out)
    assert list(df.columns) == list(COLUMNS)
    s, n = run.codes.shape[:2]
    assert len(df) == s * n
    np.testing.assert_array_equal(df["snapshot"].to_numpy(), np.repeat(np.arange(s), n))
    np.testing.assert_array_equal(df["step"].to_numpy(), np.repeat(run.steps, n))
    np.testing.assert_array_equal(df["epoch"].to_numpy(), np.repeat(run.snapshot_epochs, n))
    np.testing.assert_array_equal(df["index"].to_numpy(), np.tile(np.arange(n), s))
    np.testing.assert_array_equal(df["label"].to_numpy(), np.tile(run.labels, s))
    assert list(df["class"].astype(str)) == [run.class_names[k] for k in np.tile(run.labels, s)]
    xyz = df[["x", "y", "z"]].to_numpy().astype(np.float32)  # float32-exact in both formats
    np.testing.assert_array_equal(xyz, run.codes.reshape(-1, 3))
    np.testing.assert_array_equal(df["bce"].to_numpy().astype(np.float32), run.test_bce.reshape(-1))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_step_between_snapshots_is_the_windows_interpolation(run_path: Path, tmp_path: Path, suffix: str) -> None:
    run = load_run(run_path)
    step = float(run.steps[2] + run.steps[3]) / 2 + 0.25
    out = tmp_path / f"one{suffix}"
    assert main(["export", str(run_path), "--out", str(out), "--step", str(step)]) == 0
    df = _read(out)
    u = Timebase(run.steps, run.steps_per_epoch).at_step(step)  # what the timeline does with a step
    assert len(df) == 60 and set(df["step"]) == {step} and set(df["snapshot"]) == {round(u)}
    np.testing.assert_array_equal(df[["x", "y", "z"]].to_numpy().astype(np.float32), codes_at(run.codes, u))
    np.testing.assert_array_equal(run.codes_at(step), codes_at(run.codes, u))
    assert 0 < u - 2 < 1 and not np.array_equal(run.codes_at(step), run.codes[2])


def test_train_codes_and_their_absence(run_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", str(run_path), "--out", str(tmp_path / "t.csv"), "--train-codes"]) == 2
    one_sentence(capsys.readouterr().err, "has no training-set codes")
    assert not (tmp_path / "t.csv").exists()
    from latent3d.runs.run import Run
    run = load_run(run_path)
    with_train = Run(**{**run.__dict__, "train_codes": run.codes[-1][:7] + 1, "train_labels": run.labels[:7]})
    table = run_columns(with_train, train_codes=True)
    df = pd.read_csv(write_rows(table, tmp_path / "t.csv"))
    np.testing.assert_array_equal(df[["x", "y", "z"]].to_numpy().astype(np.float32), run.codes[-1][:7] + 1)
    assert df["bce"].isna().all() and set(df["step"]) == {run.last_step}


def test_group_indices_select_rows(run_path: Path) -> None:
    run = load_run(run_path)
    table = run_columns(run, indices=np.array([5, 1]))
    assert table.n_rows == 2 * run.n_snapshots
    np.testing.assert_array_equal(table.codes, run.codes[:, [5, 1]])
    with pytest.raises(ValueError, match="from 0 to 59"):
        run_columns(run, indices=np.array([60]))


def test_dataframe_equals_the_export(run_path: Path, tmp_path: Path) -> None:
    run = load_run(run_path)
    df = run.to_dataframe()
    exported = pd.read_parquet(write_rows(run_columns(run), tmp_path / "x.parquet"))
    pd.testing.assert_frame_equal(df.astype({"class": str}), exported.astype({"class": str}), check_dtype=False)
    assert len(run.to_dataframe(step=1.5)) == 60


def test_dataframe_without_pandas_names_the_install(run_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"`pip install pandas`"):
        load_run(run_path).to_dataframe()


def test_parquet_without_pyarrow_names_the_extra(run_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.parquet"
    out.write_bytes(OLD)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    assert main(["export", str(run_path), "--out", str(out)]) == 2
    one_sentence(capsys.readouterr().err, "pip install latent3d[export]")
    assert out.read_bytes() == OLD


@pytest.mark.parametrize("name, fragment", [("x.txt", "must end in .csv or .parquet"),
                                            ("missing/x.csv", "does not exist"),
                                            ("folder", "is a folder")])
def test_refused_targets_change_nothing(run_path: Path, tmp_path: Path, name: str, fragment: str,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "folder.csv").mkdir()
    target = tmp_path / ("folder.csv" if name == "folder" else name)
    before = snapshot(tmp_path)
    assert main(["export", str(run_path), "--out", str(target)]) == 2
    one_sentence(capsys.readouterr().err, fragment)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_full_disk_keeps_the_old_file(run_path: Path, tmp_path: Path, suffix: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "small") as disk:
        target = disk / f"x{suffix}"
        target.write_bytes(OLD)
        fill(disk)
        before = snapshot(disk)
        assert main(["export", str(run_path), "--out", str(target)]) == 2
        one_sentence(capsys.readouterr().err, f"Could not write {target} (the disk is full)", "unchanged")
        assert snapshot(disk) == before


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_read_only_folder_keeps_the_old_file(run_path: Path, tmp_path: Path, suffix: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    with tmpfs(tmp_path / "ro") as disk:
        target = disk / f"x{suffix}"
        target.write_bytes(OLD)
        remount_read_only(disk)
        assert main(["export", str(run_path), "--out", str(target)]) == 2
        one_sentence(capsys.readouterr().err, "(the file system is read-only)")
        assert os.listdir(disk) == [target.name] and target.read_bytes() == OLD


def test_hostile_but_valid_class_names_stay_one_cell(run_path: Path, tmp_path: Path) -> None:
    run = load_run(run_path)
    names = ('a,b', 'say "hi"', "=HYPERLINK(1)", " edge ", "-1", "+x", "@y", "ok", "tab\u00a0nbsp", "日本")
    run.meta["dataset"] = {**run.meta.get("dataset", {}), "class_names": list(names)}
    out = write_rows(run_columns(run), tmp_path / "h.csv")
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert all(len(r) == len(COLUMNS) for r in rows)
    shown = {r[5] for r in rows[1:]}
    assert shown <= {("'" + n if n[0] in "=+-@" else n) for n in names}
    assert csv_cell("=1") == "'=1" and csv_cell('a"b') == '"a""b"'


def test_bundled_run_names_fashion_mnist() -> None:
    run = load_run(Path(__file__).resolve().parents[2] / "checkpoints" / "fashion-mnist-default")
    assert run.class_names == DATASETS["fashion-mnist"].class_names and run.n_classes == 10
    assert run.dataset == "Fashion-MNIST"


def test_parquet_columns_are_what_embedding_atlas_reads(run_path: Path, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pq.read_schema(write_rows(run_columns(load_run(run_path), 1.0), tmp_path / "a.parquet"))
    assert schema.names == list(COLUMNS)  # `embedding-atlas a.parquet --x x --y y --text class`
    assert all(schema.field(c).type == pa.float32() for c in ("x", "y", "z", "bce"))
    assert pa.types.is_dictionary(schema.field("class").type) and schema.field("class").type.value_type == pa.string()
    assert schema.field("step").type == pa.int64() and schema.field("index").type == pa.int64()
