"""``info --compare``, ``render --compare/--align`` and view files with ``align``/``compare``: output and refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pyvista")
imageio = pytest.importorskip("imageio.v2")

from latent3d.cli.parser import main  # noqa: E402
from latent3d.runs import load_run  # noqa: E402
from latent3d.state.view import ViewFileError, load_view, spec_from_state  # noqa: E402
from latent3d.state.viewer_model import ViewerModel  # noqa: E402
from tests.support.hostile_fixtures import one_sentence  # noqa: E402
from tests.support.scene_fixtures import make_run  # noqa: E402


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("cmp")
    a = make_run(root / "a", n=400, epochs=2, seed=0)
    b = make_run(root / "b", n=400, epochs=2, seed=0)
    few = make_run(root / "few", n=50, epochs=2, seed=3)
    return a, b, few


def test_info_compare_json_has_the_documented_keys(runs: tuple[Path, Path, Path],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    a, b, _ = runs
    assert main(["info", str(a), "--compare", str(b), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["shared_images"] == 400 and s["k"] == 10 and s["compare"] == "b"
    assert [p["step"] for p in s["positions"]] == [int(x) for x in load_run(a).steps]
    for p in s["positions"]:
        assert set(p) == {"step", "epoch", "residual", "neighbour_agreement"}
        assert 0 <= p["residual"] <= 1 and 0 <= p["neighbour_agreement"] <= 1
    assert main(["info", str(a), "--compare", str(b)]) == 0
    assert "residual" in capsys.readouterr().out


def test_compare_refusals_are_one_sentence(runs: tuple[Path, Path, Path], tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    a, _, few = runs
    assert main(["info", str(a), "--compare", str(few)]) == 2
    one_sentence(capsys.readouterr().err, "share", "at least 100")
    hostile = tmp_path / "hostile"
    hostile.mkdir()
    (hostile / "run.json").write_text("{not json")
    assert main(["render", str(a), "--compare", str(hostile), "--out", str(tmp_path / "x.png")]) == 2
    one_sentence(capsys.readouterr().err, str(hostile))
    assert not (tmp_path / "x.png").exists()
    with pytest.raises(SystemExit) as exit_info:  # a usage error, as for a missing RUN
        main(["render", str(a), "--compare", str(tmp_path / "missing"), "--out", str(tmp_path / "x.png")])
    assert exit_info.value.code == 2 and "does not exist" in capsys.readouterr().err


def test_render_side_by_side_and_aligned(runs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, b, _ = runs
    out = tmp_path / "side.png"
    assert main(["render", str(a), "--compare", str(b), "--out", str(out), "--size", "402x150",
                 "--color", "agreement"]) == 0
    image = imageio.imread(out)
    assert image.shape[:2] == (150, 402)
    left, right = image[:, :200], image[:, 202:]
    assert (left != left[0, 0]).any(axis=-1).sum() > 100 and (right != right[0, 0]).any(axis=-1).sum() > 100
    aligned = tmp_path / "aligned.png"
    assert main(["render", str(a), "--align", "final", "--epoch", "0", "--out", str(aligned), "--size", "200x150"]) == 0
    plain = tmp_path / "plain.png"
    assert main(["render", str(a), "--epoch", "0", "--out", str(plain), "--size", "200x150"]) == 0
    assert not np.array_equal(imageio.imread(aligned), imageio.imread(plain))


def test_view_file_keeps_align_and_compare(runs: tuple[Path, Path, Path], tmp_path: Path) -> None:
    a, b, few = runs
    model = ViewerModel()
    model.set_run(load_run(a))
    model.compare.other = load_run(b)
    model.compare.align, model.display.color = "previous", "distance"
    model.camera.camera = None
    spec = spec_from_state(model)
    assert spec.align == "previous" and spec.compare is not None
    d = spec.to_dict()
    d["camera"] = {"position": [5, 5, 5], "focal_point": [0, 0, 0], "view_up": [0, 0, 1]}
    view = tmp_path / "v.json"
    view.write_text(json.dumps(d))
    back = load_view(view)
    assert back.align == "previous" and back.compare == spec.compare and back.color == "distance"
    out = tmp_path / "v.png"
    assert main(["render", "--view", str(view), "--out", str(out), "--size", "300x120"]) == 0
    assert imageio.imread(out).shape[:2] == (120, 300)
    for key, value, fragment in (("align", "sideways", "'align'"), ("compare", str(few), "'compare'"),
                                 ("compare", None, "'color'")):
        bad = dict(d, **{key: value})
        view.write_text(json.dumps(bad))
        with pytest.raises(ViewFileError, match=fragment):
            load_view(view) if key != "compare" or value is None else _render_view(view, tmp_path)
    del d["compare"], d["align"]
    d["color"] = "class"
    view.write_text(json.dumps(d))
    assert load_view(view).align == "none" and load_view(view).compare is None  # older files load as before


def _render_view(view: Path, tmp_path: Path) -> None:
    from latent3d.state.view import load_view_compare, load_view_run

    spec = load_view(view)
    load_view_compare(spec, view, load_view_run(spec, view))


def test_a_screenshot_of_the_state_keeps_alignment_and_comparison(runs: tuple[Path, Path, Path]) -> None:
    from latent3d.scene.offscreen.render import render_model
    from latent3d.state.viewer_model import ViewerModel

    a, b, _ = runs
    state = ViewerModel()
    state.set_run(load_run(a), position=0.0)
    state.compare.other = load_run(b)
    state.display.color = "distance"
    plain = render_model(state, (160, 120))
    state.compare.align = "final"
    aligned = render_model(state, (160, 120))
    assert plain.shape == aligned.shape == (120, 160, 3) and not np.array_equal(plain, aligned)
    assert state.compare.other is not None and state.display.color == "distance"  # the copy it renders from is its own
