"""View-file keys ``decoder_map`` and ``own_images``: round trip, checked as untrusted, applied to the state."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from latent3d.state.own_values import DecoderMapState, OwnImage
from latent3d.state.values import Camera
from latent3d.state.view import ViewFileError, ViewSpec, load_view, save_view

CAM = Camera((3.0, 3.0, 3.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0))
PIX = base64.b64encode(bytes(range(256)) * 3 + bytes(16)).decode()


def _file(tmp_path: Path, **extra: Any) -> Path:
    d = {"format_version": 1, "run": "r", "step": 0, "camera": {"position": [3, 3, 3], "focal_point": [0, 0, 0],
                                                                 "view_up": [0, 0, 1]},
         "color": "class", "hidden_classes": [], "selected": None, **extra}
    p = tmp_path / "v.json"
    p.write_text(json.dumps(d))
    return p


def test_round_trip(tmp_path: Path) -> None:
    img = OwnImage.from_array("my shoe", np.linspace(0, 1, 784))
    spec = ViewSpec("r", 0, None, CAM, decoder_map=DecoderMapState("xz", 20, 0.4), own_images=(img, img))
    save_view(spec, tmp_path / "v.json")
    back = load_view(tmp_path / "v.json")
    assert back.decoder_map == DecoderMapState("xz", 20, 0.4) and back.own_images == (img, img)
    plain = ViewSpec("r", 0, None, CAM)
    assert "decoder_map" not in plain.to_dict() and "own_images" not in plain.to_dict()  # old files unchanged


def test_defaults_and_null(tmp_path: Path) -> None:
    assert load_view(_file(tmp_path, decoder_map={})).decoder_map == DecoderMapState()
    assert load_view(_file(tmp_path, decoder_map=None, own_images=None)).decoder_map is None
    spec = load_view(_file(tmp_path, own_images=[{"name": "a", "pixels": PIX}]))
    assert spec.own_images[0].pixels == base64.b64decode(PIX)


def test_a_hidden_own_trail_is_saved_and_old_files_draw_every_trail(tmp_path: Path) -> None:
    """Issue 32: the optional ``trail`` key; a file without it (written before it existed) opens as before."""
    a = OwnImage.from_array("a", np.linspace(0, 1, 784))
    b = OwnImage("b", a.pixels, trail=False)
    save_view(ViewSpec("r", 0, None, CAM, own_images=(a, b)), tmp_path / "v.json")
    items = json.loads((tmp_path / "v.json").read_text())["own_images"]
    assert "trail" not in items[0] and items[1]["trail"] is False
    assert load_view(tmp_path / "v.json").own_images == (a, b)
    old = load_view(_file(tmp_path, own_images=[{"name": "a", "pixels": PIX}]))
    assert old.own_images[0].trail


@pytest.mark.parametrize(("extra", "key"), [
    ({"decoder_map": 3}, "decoder_map"),
    ({"decoder_map": {"plane": "diagonal"}}, "decoder_map.plane"),
    ({"decoder_map": {"grid": 3}}, "decoder_map.grid"),
    ({"decoder_map": {"grid": 33}}, "decoder_map.grid"),
    ({"decoder_map": {"grid": 12.0}}, "decoder_map.grid"),
    ({"decoder_map": {"opacity": 0}}, "decoder_map.opacity"),
    ({"decoder_map": {"opacity": True}}, "decoder_map.opacity"),
    ({"decoder_map": {"size": 1}}, "size"),
    ({"own_images": {}}, "own_images"),
    ({"own_images": [{"name": "a", "pixels": PIX}] * 17}, "own_images"),
    ({"own_images": [{"name": "a"}]}, "own_images[0].pixels"),
    ({"own_images": [{"name": "", "pixels": PIX}]}, "own_images[0].name"),
    ({"own_images": [{"name": "a\nb", "pixels": PIX}]}, "own_images[0].name"),
    ({"own_images": [{"name": "a", "pixels": "!!!"}]}, "own_images[0].pixels"),
    ({"own_images": [{"name": "a", "pixels": base64.b64encode(b"abc").decode()}]}, "own_images[0].pixels"),
    ({"own_images": [{"name": "a", "pixels": PIX, "code": [1, 2, 3]}]}, "code"),
    ({"own_images": [{"name": "a", "pixels": PIX, "trail": 0}]}, "own_images[0].trail"),
])
def test_hostile_values_name_the_key(tmp_path: Path, extra: dict[str, Any], key: str) -> None:
    with pytest.raises(ViewFileError) as info:
        load_view(_file(tmp_path, **extra))
    text = str(info.value)
    assert key in text and text.endswith(".") and "\n" not in text, text


def test_apply_and_capture(tmp_path: Path) -> None:
    from latent3d.runs import load_run
    from latent3d.state.view import apply_spec, spec_from_state
    from latent3d.state.viewer_model import ViewerModel
    from tests.conftest import make_fake_run

    run = load_run(make_fake_run(tmp_path / "r", epochs=1, n=40))
    model = ViewerModel()
    model.set_run(run)
    img = OwnImage.from_array("x", np.ones(784))
    apply_spec(model, ViewSpec("r", 0, None, CAM, decoder_map=DecoderMapState("yz", 5, 1.0), own_images=(img,)))
    assert model.layers.decoder_map == DecoderMapState("yz", 5, 1.0) and model.layers.own_images == (img,)
    spec = spec_from_state(model)
    assert spec.decoder_map == model.layers.decoder_map and spec.own_images == (img,)
