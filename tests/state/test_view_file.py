"""View files: round trip, hostile files refused in one sentence naming the file and key, atomic save."""

from __future__ import annotations

import copy
import errno
import json
import os
import re
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from latent3d.state.view import Camera, PathSpec, ViewFileError, ViewSpec, load_view, save_view

DROP = object()  # marks a key to delete in with_value()
RAW = "@@raw@@"  # stands for a literal spliced into the JSON text (NaN, 1e400, 30-digit integers)
POSIX = sys.platform != "win32"
ROOT = POSIX and os.geteuid() == 0


def valid() -> dict[str, Any]:
    """A complete, valid view file using every key."""
    return {"format_version": 1, "run": "fashion-mnist-default", "step": 5626, "epoch": 12.5,
            "camera": {"position": [1.5, -2.0, 3.25], "focal_point": [0.0, 0.0, 0.0],
                       "view_up": [0.0, 0.0, 1.0], "view_angle": 30.0},
            "color": "error", "hidden_classes": [0, 3], "selected": 17,
            "path": {"a": 1, "b": 2, "t": 0.25, "samples": 12}, "probe": [0.5, -0.5, 0.5],
            "train_overlay": True, "time_axis": "linear"}


def with_value(key: str, value: Any) -> dict[str, Any]:
    """``valid()`` with the dotted ``key`` set to ``value`` (``DROP`` deletes it; ``x.0`` indexes a list)."""
    d = copy.deepcopy(valid())
    *parents, last = key.split(".")
    node: Any = d
    for p in parents:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if value is DROP:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return d


def write(folder: Path, content: dict[str, Any] | str | bytes, literal: str = "", name: str = "v.json") -> Path:
    """Write a view file; a ``RAW`` value in a dict is replaced by ``literal`` in the JSON text."""
    if isinstance(content, dict):
        content = json.dumps(content).replace(json.dumps(RAW), literal)
    p = folder / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return p


def refused(path: Path | str, key: str | None) -> str:
    """Assert load_view refuses ``path`` with one line, one sentence, naming the file (and ``key``)."""
    with pytest.raises(ViewFileError) as info:
        load_view(path)
    msg = str(info.value)
    assert "\n" not in msg and "\r" not in msg, msg
    assert msg.startswith(f"View file {path}"), msg
    assert msg.endswith(".") and ". " not in msg[len(f"View file {path}"):], msg
    if key is not None:
        assert re.search(rf"'{re.escape(key)}(\[\d+\])*'", msg), msg
    return msg


@contextmanager
def no_hang(seconds: int = 5) -> Iterator[None]:
    """Fail instead of blocking forever (opening a FIFO for reading blocks until a writer comes)."""
    def timeout(*_: Any) -> None:
        pytest.fail("load_view blocked on a file that is not a regular file")  # not an OSError: nothing catches it

    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


# --- Accepted files and the round trip --------------------------------------------------------

def full_spec() -> ViewSpec:
    return ViewSpec(run="fashion-mnist-default", step=5626, epoch=12.5,
                    camera=Camera((1.5, -2.0, 3.25), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0), 42.5),
                    color="movement", hidden_classes=(0, 3, 9), selected=17, path=PathSpec(4, 9000, 0.75, 40),
                    probe=(0.125, -1e6, 1e6), train_overlay=True, time_axis="linear")


def test_round_trip_through_a_file(tmp_path: Path) -> None:
    spec = full_spec()
    save_view(spec, tmp_path / "v.json")
    assert load_view(tmp_path / "v.json") == spec
    assert ViewSpec.from_dict(spec.to_dict(), "mem") == spec
    assert os.listdir(tmp_path) == ["v.json"]


def test_written_file_is_readable_json_with_vectors_on_one_line(tmp_path: Path) -> None:
    spec = ViewSpec(run="odd [1,  2] name", step=None, epoch=3.0, camera=full_spec().camera)
    save_view(spec, tmp_path / "v.json")
    text = (tmp_path / "v.json").read_text("utf-8")
    assert '"position": [1.5, -2.0, 3.25],' in text and '"format_version": 1' in text
    assert json.loads(text)["run"] == "odd [1,  2] name"  # the string is not reformatted
    assert load_view(tmp_path / "v.json") == spec


def test_numpy_scalars_are_saved_as_plain_numbers(tmp_path: Path) -> None:
    f = np.float32
    cam = Camera((f(1.5), f(2), f(3)), (f(0), f(0), f(0)), (f(0), f(0), f(1)), f(30))  # type: ignore[arg-type]
    spec = ViewSpec(run="r", step=np.int64(7), epoch=None, camera=cam, selected=np.int64(3),  # type: ignore[arg-type]
                    hidden_classes=(np.int64(2),))  # type: ignore[arg-type]
    save_view(spec, tmp_path / "v.json")
    got = load_view(tmp_path / "v.json")
    assert got.camera == Camera((1.5, 2.0, 3.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0), 30.0)
    assert (got.step, got.selected, got.hidden_classes) == (7, 3, (2,))
    assert got.camera is not None and type(got.camera.position[0]) is float and type(got.step) is int


def test_minimal_file_gets_the_defaults(tmp_path: Path) -> None:
    d = valid()
    for k in ("step", "path", "probe", "train_overlay", "time_axis"):
        del d[k]
    del d["camera"]["view_angle"]
    d["hidden_classes"], d["selected"] = [], None
    spec = load_view(write(tmp_path, d))
    assert (spec.step, spec.epoch, spec.path, spec.probe, spec.train_overlay, spec.time_axis) == (
        None, 12.5, None, None, False, "log")
    assert spec.camera is not None and spec.camera.view_angle == 30.0
    assert spec.timeline_step(450) == 5625


@pytest.mark.parametrize("key, value", [("epoch", -0.0), ("camera.position", [-0.0, 1.0, 2.0]), ("path.t", -0.0),
                                        ("probe", [-0.0, -0.0, -0.0]), ("step", None), ("epoch", None),
                                        ("path", None), ("probe", None), ("selected", 0), ("step", 2**53),
                                        ("camera.view_up", [0.0, 1.0, 0.001]), ("run", "../runs/x é ü")])
def test_edge_values_are_accepted(tmp_path: Path, key: str, value: Any) -> None:
    spec = load_view(write(tmp_path, with_value(key, value)))
    assert spec.run == with_value(key, value)["run"]


def test_example_in_the_format_doc_loads(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "view-format.md").read_text("utf-8")
    example = re.search(r"```json\n(.*?)```", doc, re.S)
    assert example is not None
    spec = load_view(write(tmp_path, example.group(1)))
    assert spec.path == PathSpec(1, 2, 0.25, 12) and spec.color == "error"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    assert load_view(write(tmp_path, b"\xef\xbb\xbf" + json.dumps(valid()).encode())).selected == 17


def test_step_wins_over_epoch() -> None:
    spec = ViewSpec.from_dict(with_value("epoch", 99.0), "mem")
    assert spec.timeline_step(450) == 5626
    spec.check_against(n_points=10000, last_step=5626, steps_per_epoch=450, source="mem")  # epoch 99 not checked


# --- Hostile values, generated by class ---------------------------------------------------------

WRONG: dict[str, list[Any]] = {  # key -> values of a wrong type or out of range
    "format_version": ["1", 1.0, True, None, 2, 0, [1]],
    "run": [5, None, True, [], {}, "", "x" * 4097, "a\x00b", "a\nb", "\x1b[31m", "\ud800"],
    "step": ["5", 5.5, True, [], {}, -1],
    "epoch": ["1", True, [], -0.5, -1],
    "camera": [None, [], "front", 1],
    "camera.position": [None, [1, 2], [1, 2, 3, 4], ["1", 2, 3], [True, 0, 0], [2e6, 0, 0], [0, 0, -1e6 - 1], {}],
    "camera.focal_point": [[0, 0], "0,0,0", [None, 0, 0]],
    "camera.view_up": [[0, 0, "1"], [0, 0, False], 1],
    "camera.view_angle": [0, 180, -5, 200, "30", True, None, []],
    "color": ["Class", "rainbow", 1, None, ["class"], ""],
    "hidden_classes": [None, 3, "0,3", [10], [-1], [0, 0], [1.0], [True], ["3"], [[1]], list(range(11))],
    "selected": [-1, 1.5, "17", True, [17], {}],
    "path": [[], "a-b", 1, True],
    "path.a": [-1, "1", None, 1.0],
    "path.b": [1, True],  # 1 equals path.a
    "path.t": [-0.1, 1.5, "0.5", None, True],
    "path.samples": [1, 41, 10.0, True, None],
    "probe": [[1, 2], [0, 0, "x"], True, {}, [0, 0, 1e7]],
    "train_overlay": [0, 1, "true", None],
    "time_axis": ["Log", "exp", 0, None],
}
CASES = [(k, v) for k, vs in WRONG.items() for v in vs]


@pytest.mark.parametrize("key, value", CASES, ids=[f"{k}={v!r}"[:50] for k, v in CASES])
def test_wrong_type_or_range_names_the_key(tmp_path: Path, key: str, value: Any) -> None:
    refused(write(tmp_path, with_value(key, value)), key)


@pytest.mark.parametrize("key", ["format_version", "run", "camera", "color", "hidden_classes", "selected",
                                 "camera.position", "camera.focal_point", "camera.view_up", "path.a", "path.b"])
def test_missing_key_is_named(tmp_path: Path, key: str) -> None:
    refused(write(tmp_path, with_value(key, DROP)), key)


def test_missing_timeline_position_names_step(tmp_path: Path) -> None:
    d = valid()
    del d["step"], d["epoch"]
    assert "'epoch'" in refused(write(tmp_path, d), "step")


@pytest.mark.parametrize("key, unknown", [("colour", "colour"), ("camera.fov", "fov"), ("path.c", "c"),
                                          ("layout", "layout")])
def test_unknown_keys_are_named(tmp_path: Path, key: str, unknown: str) -> None:
    refused(write(tmp_path, with_value(key, 1)), unknown)


NUMERIC = ["format_version", "step", "epoch", "selected", "camera.view_angle", "camera.position.0",
           "camera.view_up.2", "path.a", "path.t", "path.samples", "hidden_classes.0", "probe.1"]
LITERALS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "9" * 30, "-" + "9" * 5000, str(2**53 + 1)]
NUM_CASES = [(k, lit) for k in NUMERIC for lit in LITERALS]


@pytest.mark.parametrize("key, literal", NUM_CASES, ids=[f"{k}={lit[:12]}" for k, lit in NUM_CASES])
def test_non_finite_and_huge_numbers_name_the_key(tmp_path: Path, key: str, literal: str) -> None:
    named = re.sub(r"\.\d+$", "", key)  # camera.position.0 -> 'camera.position'
    refused(write(tmp_path, with_value(key, RAW), literal), named)


@pytest.mark.parametrize("camera, key", [
    ({"position": [1, 2, 3], "focal_point": [1, 2, 3]}, "camera.position"),
    ({"position": [0, 0, 1e-12], "focal_point": [0, 0, 0]}, "camera.position"),
    ({"view_up": [0, 0, 0]}, "camera.view_up"),
    ({"position": [0, 0, 5], "view_up": [0, 0, 1]}, "camera.view_up"),
    ({"position": [0, 0, 5], "view_up": [1e-6, 0, -2]}, "camera.view_up"),
])
def test_degenerate_cameras_are_refused(tmp_path: Path, camera: dict[str, Any], key: str) -> None:
    d = valid()
    d["camera"].update(camera)
    refused(write(tmp_path, d), key)


STRUCTURE = [  # (file text, key named or None)
    ("[" * 100000 + "]" * 100000, None),
    ('{"format_version": 1, "run": ' + "[" * 100000 + "]" * 100000 + "}", None),
    ('{"a": ' * 100000 + "1" + "}" * 100000, None),
    (json.dumps(with_value("probe", RAW)).replace(json.dumps(RAW), "[" * 40 + "]" * 40), "probe"),
    (json.dumps(valid())[:-1] + ', "run": "other"}', "run"),
    (json.dumps(valid()).replace('"view_angle": 30.0', '"view_angle": 30.0, "view_up": [0, 1, 0]'), "view_up"),
    ("hello", None), ("{", None), ("{'run': 1}", None), ('{"run": "x",}', None), ("// comment\n{}", None),
    (json.dumps(valid()) + " {}", None), ("[]", None), ('"view"', None), ("1", None), ("null", None),
    ("true", None), ("", None), (" \n\t ", None),
]


@pytest.mark.parametrize("text, key", STRUCTURE, ids=[f"{i}:{t[:20]!r}" for i, (t, _) in enumerate(STRUCTURE)])
def test_malformed_json_is_refused(tmp_path: Path, text: str, key: str | None) -> None:
    refused(write(tmp_path, text), key)


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", json.dumps(valid()).encode("utf-16"),
                                  '{"run": "caf\xe9"}'.encode("latin-1"), b"\x00" * 64])
def test_binary_and_non_utf8_are_refused(tmp_path: Path, data: bytes) -> None:
    refused(write(tmp_path, data), None)


def test_oversized_files_are_refused(tmp_path: Path) -> None:
    padded = json.dumps(valid()) + " " * (1 << 20)  # valid JSON, but over 1 MB
    assert "1 MB" in refused(write(tmp_path, padded), None)
    sparse = tmp_path / "sparse.json"
    with open(sparse, "wb") as f:
        f.truncate(1 << 30)
    refused(sparse, None)


# --- Hostile files -----------------------------------------------------------------------------

def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "does not exist" in refused(tmp_path / "nope.json", None)
    assert "is a folder" in refused(tmp_path, None)
    refused(tmp_path / "v.json" / "below.json", None)
    with pytest.raises(ViewFileError, match="NUL"):
        load_view(str(tmp_path / "a\x00b.json"))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_devices_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    (tmp_path / "to_fifo.json").symlink_to(fifo)
    with no_hang():
        assert "is not a regular file" in refused(fifo, None)
        assert "is not a regular file" in refused(tmp_path / "to_fifo.json", None)
        assert "is not a regular file" in refused("/dev/zero", None)


@pytest.mark.skipif(not POSIX, reason="needs symlinks")
def test_links(tmp_path: Path) -> None:
    (tmp_path / "dangling.json").symlink_to(tmp_path / "gone.json")
    assert "is a link to a file that does not exist" in refused(tmp_path / "dangling.json", None)
    (tmp_path / "to_dir.json").symlink_to(tmp_path)
    refused(tmp_path / "to_dir.json", None)
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    refused(tmp_path / "loop.json", None)
    target = write(tmp_path, valid())
    (tmp_path / "ok.json").symlink_to(target)  # a link to a regular file is fine
    assert load_view(tmp_path / "ok.json").selected == 17


@pytest.mark.skipif(not POSIX or ROOT, reason="root reads any file")
def test_unreadable_file(tmp_path: Path) -> None:
    p = write(tmp_path, valid())
    p.chmod(0)
    assert "ermission" in refused(p, None)


def test_open_failure_is_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = write(tmp_path, valid())

    def denied(*_: Any) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", denied)  # what a file without read permission gives a non-root user
    assert "cannot be read (Permission denied)" in refused(p, None)


def test_file_name_with_control_characters_stays_on_one_line(tmp_path: Path) -> None:
    p = write(tmp_path, "nope", name="bad\nname\x1b.json")
    with pytest.raises(ViewFileError) as info:
        load_view(p)
    assert "\n" not in str(info.value) and "bad\\nname\\x1b.json" in str(info.value)


# --- Checks against the loaded run ---------------------------------------------------------------

@pytest.mark.parametrize("key, value, named", [("selected", 10000, "selected"), ("path.a", 10000, "path.a"),
                                               ("path.b", 12345, "path.b"), ("step", 5627, "step")])
def test_check_against_the_run(key: str, value: int, named: str) -> None:
    spec = ViewSpec.from_dict(with_value(key, value), "v.json")
    with pytest.raises(ViewFileError, match=rf"^View file v\.json: '{re.escape(named)}' is {value} but the run"):
        spec.check_against(n_points=10000, last_step=5626, steps_per_epoch=450, source="v.json")


def test_check_against_epoch_when_no_step() -> None:
    spec = ViewSpec.from_dict(with_value("step", DROP), "v.json")  # epoch 12.5 = step 5625
    spec.check_against(n_points=18, last_step=5625, steps_per_epoch=450, source="v.json")
    with pytest.raises(ViewFileError, match="'epoch' is 12.5 but the run ends at epoch 12.4"):
        spec.check_against(n_points=18, last_step=5580, steps_per_epoch=450, source="v.json")
    with pytest.raises(ViewFileError, match="'selected' is 17 but the run has 17 test images"):
        spec.check_against(n_points=17, last_step=5625, steps_per_epoch=450, source="v.json")


# --- Atomic save ---------------------------------------------------------------------------------

@pytest.mark.parametrize("fail_at, exc, words", [
    ("fsync", OSError(errno.ENOSPC, "No space left on device"), "disk is full"),
    ("replace", PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
    ("fsync", KeyboardInterrupt(), None),
])
def test_failed_save_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           fail_at: str, exc: BaseException, words: str | None) -> None:
    old = write(tmp_path, valid())
    before = old.read_bytes()

    def boom(*_: Any) -> None:
        raise exc

    monkeypatch.setattr(os, fail_at, boom)
    with pytest.raises(ViewFileError if words else KeyboardInterrupt) as info:
        save_view(full_spec(), old)
    monkeypatch.undo()
    if words:
        msg = str(info.value)
        assert msg.startswith(f"View file {old} cannot be written (") and words in msg and "\n" not in msg, msg
    assert old.read_bytes() == before
    assert os.listdir(tmp_path) == ["v.json"]


def test_save_refuses_bad_targets_and_bad_specs(tmp_path: Path) -> None:
    with pytest.raises(ViewFileError, match="folder .* does not exist"):
        save_view(full_spec(), tmp_path / "missing" / "v.json")
    with pytest.raises(ViewFileError, match="is a folder"):
        save_view(full_spec(), tmp_path)
    for bad, key in [(ViewSpec("r", 1, None, None), "camera"), (ViewSpec("r", None, None, full_spec().camera), "step"),
                     (ViewSpec("r", 1, None, full_spec().camera, color="rainbow"), "color"),
                     (ViewSpec("r", 1, None, full_spec().camera, selected=1.5), "selected")]:  # type: ignore[arg-type]
        with pytest.raises(ViewFileError, match=f"'{key}'"):
            save_view(bad, tmp_path / "v.json")
    assert os.listdir(tmp_path) == []


@pytest.mark.skipif(not POSIX or ROOT, reason="root writes anywhere")
def test_save_into_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ViewFileError, match="permission denied; choose another folder"):
            save_view(full_spec(), folder / "v.json")
        assert os.listdir(folder) == []
    finally:
        folder.chmod(0o700)
