"""Build a corpus of hostile and broken run folders: ``python tests/support/make_bad_runs.py OUTDIR``.

Each case is one small valid run (``OUTDIR/good``) with one thing wrong, plus the fragment
of the one-sentence ``RunError`` the loader must give for it. Payload cases hold pickles that,
if anything ever unpickled them, would run code that creates ``OUTDIR/PAYLOAD-RAN``: the tests
assert that file never appears. Nothing here is committed as binary; the tests build the corpus
in a temporary folder.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import re
import shutil
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from latent3d.config.schedule import snapshot_steps
from latent3d.config.train import ModelConfig, TrainConfig
from latent3d.runs.writer import RunWriter

MARKER_NAME = "PAYLOAD-RAN"
EPOCHS = 2
STEPS_PER_EPOCH = 2  # 30 training images at batch 16
STEPS = (0, 1, 2, 3, 4)  # schedule every:1
ARRAYS = ("codes.npy", "labels.npy", "test_bce.npy", "train_codes.npy", "train_labels.npy", "steps.npy",
          "step_loss.npy")
WEIGHTS = tuple(f"weights/step_{s:07d}.safetensors" for s in STEPS)
FIFO = hasattr(os, "mkfifo")


@dataclass(frozen=True)
class BadRun:
    """One corpus entry: the folder, a regex the error sentence must match, and whether it holds a payload."""

    name: str
    path: Path
    expect: str
    payload: bool


class _Payload:
    """Unpickling this runs ``code`` (exec): the proof of execution is the marker file it writes."""

    def __init__(self, code: str) -> None:
        self.code = code

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return (exec, (self.code,))


def payload_code(marker: Path) -> str:
    """Python source that creates ``marker``; what a hostile pickle would run."""
    return f"open({str(marker)!r}, 'w').write('code from a run folder ran')"


def pickle_payload(marker: Path) -> bytes:
    """A pickle that creates ``marker`` when loaded."""
    return pickle.dumps(_Payload(payload_code(marker)))


def object_array_npy(marker: Path) -> bytes:
    """An ``.npy`` object array (what ``np.save(..., allow_pickle=True)`` writes) holding the payload."""
    buf = io.BytesIO()
    np.save(buf, np.array([_Payload(payload_code(marker)), 1], dtype=object), allow_pickle=True)
    return buf.getvalue()


def _npy_with_header(header: str, data: bytes = b"", version: int = 1) -> bytes:
    total = 6 + 2 + (2 if version == 1 else 4) + len(header) + 1
    text = (header + " " * (-total % 64) + "\n").encode("latin1")
    size = struct.pack("<H" if version == 1 else "<I", len(text))
    return b"\x93NUMPY" + bytes([version, 0]) + size + text + data


def _safetensors(header: dict[str, Any], data: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


def make_good_run(target: Path, n: int = 40, m: int = 30) -> Path:
    """A small valid format-2 run (hidden widths 16-8 so the corpus stays tiny): 5 snapshots at steps 0-4 of
    2 epochs of 2 steps, float16 weights, final encoder only."""
    rng = np.random.default_rng(7)
    config = TrainConfig(epochs=EPOCHS, batch_size=16, max_test_images=n, max_train_images=m,
                         model=ModelConfig(hidden=(16, 8)), snapshots="every:1")
    enc, dec = (784, 16, 8, 3), config.model.decoder_widths
    assert tuple(snapshot_steps(config.snapshots, config.steps_per_epoch(m), EPOCHS)) == STEPS

    def dense(widths: tuple[int, ...], prefix: str) -> dict[str, np.ndarray]:
        out = {}
        for i, (a, b) in enumerate(zip(widths[:-1], widths[1:])):
            out[f"{prefix}.{2 * i}.weight"] = rng.normal(0, 0.2, (b, a)).astype(np.float32)
            out[f"{prefix}.{2 * i}.bias"] = rng.normal(0, 0.1, b).astype(np.float32)
        return out

    with RunWriter(target, config, steps_per_epoch=STEPS_PER_EPOCH, weights_dtype="float16",
                   keep_encoder="final") as w:
        for prev, step in zip((0, *STEPS), STEPS):
            bce = rng.uniform(0.2, 0.7, n).astype(np.float32)
            w.add_snapshot(step, rng.normal(0, 1, (n, 3)).astype(np.float32), bce, float(bce.mean()),
                           dense(enc, "encoder") | dense(dec, "decoder"),
                           step_losses=rng.uniform(0.3, 0.6, step - prev).astype(np.float32),
                           train_loss=0.5 / step if step and step % STEPS_PER_EPOCH == 0 else None)
        return w.finish(train_codes=rng.normal(0, 1, (m, 3)).astype(np.float32),
                        train_labels=rng.integers(0, 10, m).astype(np.uint8),
                        labels=rng.integers(0, 10, n).astype(np.uint8))


# -- the cases ------------------------------------------------------------------------------------

Mutation = Callable[[Path, Path], None]  # (run folder, corpus root)
_CASES: list[tuple[str, str, bool, Mutation]] = []


def _case(name: str, expect: str, payload: bool = False) -> Callable[[Mutation], Mutation]:
    def register(fn: Mutation) -> Mutation:
        _CASES.append((name, expect, payload, fn))
        return fn
    return register


def _write(rel: str, blob: bytes) -> Mutation:
    def fn(run: Path, root: Path) -> None:
        (run / rel).write_bytes(blob)
    return fn


def _edit_meta(change: Callable[[dict[str, Any]], Any]) -> Mutation:
    def fn(run: Path, root: Path) -> None:
        meta = json.loads((run / "run.json").read_text())
        change(meta)
        (run / "run.json").write_text(json.dumps(meta))
    return fn


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(meta: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        for p in parents:
            meta = meta[p]
        meta[last] = value
    return change


def _edit_array(rel: str, change: Callable[[np.ndarray], np.ndarray]) -> Mutation:
    def fn(run: Path, root: Path) -> None:
        np.save(run / rel, change(np.load(run / rel)))
    return fn


def _edit_weights(rel: str, change: Callable[[dict[str, np.ndarray]], dict[str, np.ndarray]]) -> Mutation:
    def fn(run: Path, root: Path) -> None:
        from safetensors.numpy import load_file, save_file

        save_file(change(dict(load_file(str(run / rel)))), str(run / rel))
    return fn


def _payload_cases() -> None:
    for rel in ARRAYS:
        _case(f"pickle-as-{rel}", re.escape(f"{rel} is not a plain numpy array file"), True)(
            lambda run, root, rel=rel: (run / rel).write_bytes(pickle_payload(root / MARKER_NAME)))
        _case(f"object-array-as-{rel}", re.escape(f"{rel} holds Python objects"), True)(
            lambda run, root, rel=rel: (run / rel).write_bytes(object_array_npy(root / MARKER_NAME)))
    for rel in WEIGHTS:
        name = rel.split("/")[1]
        _case(f"pickle-as-{name}", re.escape(f"{name} is not a valid safetensors file"), True)(
            lambda run, root, rel=rel: (run / rel).write_bytes(pickle_payload(root / MARKER_NAME)))
    _case("pickle-as-run.json", r"run\.json is not valid JSON", True)(
        lambda run, root: (run / "run.json").write_bytes(pickle_payload(root / MARKER_NAME)))

    @_case("npz-with-object-array-as-codes.npy", r"codes\.npy is not a plain numpy array file", True)
    def npz(run: Path, root: Path) -> None:
        buf = io.BytesIO()
        np.savez(buf, codes=np.array([_Payload(payload_code(root / MARKER_NAME))], dtype=object))
        (run / "codes.npy").write_bytes(buf.getvalue())

    @_case("torch-checkpoint-as-step_0000004.safetensors", r"step_0000004\.safetensors is not a valid safetensors",
           True)
    def torch_zip(run: Path, root: Path) -> None:  # the layout torch.save writes; torch.load would unpickle it
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("archive/data.pkl", pickle_payload(root / MARKER_NAME))
            z.writestr("archive/version", "3\n")
        (run / WEIGHTS[-1]).write_bytes(buf.getvalue())

    @_case("npy-header-with-code", r"labels\.npy is not a plain numpy array file", True)
    def npy_code(run: Path, root: Path) -> None:  # numpy parses the header with ast.literal_eval, never eval
        code = payload_code(root / MARKER_NAME).replace("'", '"')
        header = f"{{'descr': __import__('builtins').exec('{code}'), 'fortran_order': False, 'shape': (40,), }}"
        (run / "labels.npy").write_bytes(_npy_with_header(header, bytes(40)))


def _safetensors_cases() -> None:
    w = WEIGHTS[1]
    _case("safetensors-header-length-2^62", r"step_0000001\.safetensors is not a valid safetensors file")(
        _write(w, struct.pack("<Q", 1 << 62) + b"{}"))
    _case("safetensors-header-garbage", r"step_0000001\.safetensors is not a valid safetensors file")(
        _write(w, struct.pack("<Q", 16) + b"\xff\xfe{not json}\x00\x01\x02"))
    _case("safetensors-header-not-an-object", r"step_0000001\.safetensors is not a valid safetensors file")(
        _write(w, _safetensors([1, 2])))  # type: ignore[arg-type]
    _case("safetensors-declares-40-GB", r"step_0000001\.safetensors is not a valid safetensors file")(
        _write(w, _safetensors({"decoder.0.weight": {"dtype": "F32", "shape": [100000, 100000],
                                                     "data_offsets": [0, 40_000_000_000]}}, bytes(64))))
    _case("safetensors-empty", r"step_0000001\.safetensors is not a valid safetensors file")(_write(w, b""))
    _case("safetensors-bfloat16", r"step_0000001\.safetensors is not a valid safetensors file")(
        _write(w, _safetensors({"decoder.0.weight": {"dtype": "BF16", "shape": [2], "data_offsets": [0, 4]}},
                               bytes(4))))

    @_case("safetensors-truncated", r"step_0000001\.safetensors is not a valid safetensors file")
    def truncated(run: Path, root: Path) -> None:
        blob = (run / w).read_bytes()
        (run / w).write_bytes(blob[: len(blob) // 2])

    @_case("safetensors-over-64-MB", r"step_0000001\.safetensors is refused: it is larger than 64 MB")
    def oversized(run: Path, root: Path) -> None:
        with open(run / w, "r+b") as f:
            f.truncate(65 << 20)  # sparse: costs no disk

    _case("safetensors-int64-tensors", r"step_0000001\.safetensors: tensor \S+ is int64")(
        _edit_weights(w, lambda t: {k: v.astype(np.int64) for k, v in t.items()}))
    _case("safetensors-missing-tensor", r"step_0000001\.safetensors holds the wrong tensors \(missing: \['decoder")(
        _edit_weights(w, lambda t: {k: v for k, v in t.items() if k != "decoder.0.bias"}))
    _case("safetensors-extra-tensor", r"step_0000001\.safetensors holds the wrong tensors .*unexpected: \['evil'\]")(
        _edit_weights(w, lambda t: t | {"evil": np.zeros(3, np.float16)}))
    _case("safetensors-wrong-shape", r"step_0000001\.safetensors: tensor decoder\.0\.weight is float16 \(3, 8\)")(
        _edit_weights(w, lambda t: t | {"decoder.0.weight": np.ascontiguousarray(t["decoder.0.weight"].T)}))
    _case("safetensors-nan-weights", r"step_0000001\.safetensors: tensor decoder\.2\.bias contains NaN")(
        _edit_weights(w, lambda t: t | {"decoder.2.bias": np.full_like(t["decoder.2.bias"], np.nan)}))
    _case("safetensors-final-snapshot-without-encoder", r"step_0000004\.safetensors holds the wrong tensors")(
        _edit_weights(WEIGHTS[-1], lambda t: {k: v for k, v in t.items() if k.startswith("decoder.")}))


def _npy_cases() -> None:
    _case("npy-declares-4-TB", r"labels\.npy declares 4,000,000,000,000 bytes of data but holds 40")(
        _write("labels.npy", _npy_with_header("{'descr': '|u1', 'fortran_order': False, 'shape': (4000000000000,), }",
                                              bytes(40))))
    _case("npy-huge-shape", r"codes\.npy has shape 1000000x1000000x3, expected 5x40x3")(
        _write("codes.npy", _npy_with_header(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000, 1000000, 3), }")))
    _case("npy-header-length-2^31", r"test_bce\.npy is not a plain numpy array file")(
        _write("test_bce.npy", b"\x93NUMPY\x02\x00" + struct.pack("<I", 1 << 31) + b"{"))
    _case("npy-negative-shape", r"labels\.npy has shape -40, expected N")(
        _write("labels.npy", _npy_with_header("{'descr': '|u1', 'fortran_order': False, 'shape': (-40,), }")))
    _case("npy-scalar", r"labels\.npy has shape scalar, expected N")(
        _edit_array("labels.npy", lambda a: np.array(3, np.uint8)))
    _case("npy-garbage", r"test_bce\.npy is not a plain numpy array file")(
        _write("test_bce.npy", np.random.default_rng(1).bytes(500)))
    _case("npy-format-version-3", r"codes\.npy is not a plain numpy array file \(format version 3\.0\)")(
        _write("codes.npy", _npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", version=2)
               .replace(b"NUMPY\x02", b"NUMPY\x03")))

    @_case("npy-truncated", r"codes\.npy declares 2,400 bytes of data but holds 1,680")
    def truncated(run: Path, root: Path) -> None:
        blob = (run / "codes.npy").read_bytes()
        (run / "codes.npy").write_bytes(blob[:-720])

    @_case("npy-padded", r"codes\.npy declares 2,400 bytes of data but holds 2,401")
    def padded(run: Path, root: Path) -> None:
        (run / "codes.npy").write_bytes((run / "codes.npy").read_bytes() + b"\0")

    @_case("npy-over-1-GB", r"train_codes\.npy is refused: it is larger than 1024 MB")
    def oversized(run: Path, root: Path) -> None:
        with open(run / "train_codes.npy", "r+b") as f:
            f.truncate((1 << 30) + 1)  # sparse

    _case("codes-wrong-shape", r"codes\.npy has shape 5x40x2, expected 5x40x3")(
        _edit_array("codes.npy", lambda a: a[..., :2].copy()))
    _case("codes-too-few-snapshots", r"codes\.npy has shape 2x40x3, expected 5x40x3")(
        _edit_array("codes.npy", lambda a: a[:2].copy()))
    _case("codes-float64", r"codes\.npy has dtype float64, expected float32")(
        _edit_array("codes.npy", lambda a: a.astype(np.float64)))
    _case("codes-big-endian", r"codes\.npy has dtype >f4, expected float32")(
        _edit_array("codes.npy", lambda a: a.astype(">f4")))
    _case("labels-int64", r"labels\.npy has dtype int64, expected uint8")(
        _edit_array("labels.npy", lambda a: a.astype(np.int64)))
    _case("codes-nan", r"codes\.npy contains NaN or infinite values")(
        _edit_array("codes.npy", lambda a: np.where(np.arange(a.size).reshape(a.shape) == 77, np.nan, a)
                    .astype(np.float32)))
    _case("test_bce-inf", r"test_bce\.npy contains NaN or infinite values")(
        _edit_array("test_bce.npy", lambda a: np.where(a > 0.5, np.inf, a).astype(np.float32)))
    _case("train_codes-nan", r"train_codes\.npy contains NaN or infinite values")(
        _edit_array("train_codes.npy", lambda a: np.full_like(a, np.nan)))
    _case("labels-above-9", r"labels\.npy must hold class numbers 0-9")(
        _edit_array("labels.npy", lambda a: np.full_like(a, 200)))
    _case("train_labels-above-9", r"train_labels\.npy must hold class numbers 0-9")(
        _edit_array("train_labels.npy", lambda a: np.full_like(a, 10)))
    _case("labels-empty", r"labels\.npy must hold class numbers 0-9 for at least one image")(
        _edit_array("labels.npy", lambda a: a[:0]))


def _json_cases() -> None:
    _case("json-garbage-bytes", r"run\.json is not valid JSON")(
        _write("run.json", np.random.default_rng(2).bytes(300)))
    _case("json-not-utf8", r"run\.json is not valid JSON \('utf-8' codec")(
        _write("run.json", b'{"note": "caf\xe9"}'))
    _case("json-empty", r"run\.json is not valid JSON")(_write("run.json", b""))
    _case("json-array", r"run\.json must hold a JSON object, not a JSON list")(_write("run.json", b"[1, 2]"))
    _case("json-nested-200000-deep", r"run\.json is not valid JSON \(maximum recursion depth")(
        _write("run.json", b"[" * 200_000 + b"]" * 200_000))
    _case("json-5000-digit-number", r"run\.json is not valid JSON \(Exceeds the limit")(
        _write("run.json", b'{"epochs": ' + b"9" * 5000 + b"}"))

    @_case("json-truncated", r"run\.json is not valid JSON")
    def truncated(run: Path, root: Path) -> None:
        blob = (run / "run.json").read_bytes()
        (run / "run.json").write_bytes(blob[: len(blob) // 2])

    @_case("json-over-4-MB", r"run\.json is refused: it is larger than 4 MB")
    def oversized(run: Path, root: Path) -> None:
        blob = (run / "run.json").read_bytes()
        (run / "run.json").write_bytes(blob[:-2] + b" " * (5 << 20) + blob[-2:])

    meta_cases: list[tuple[str, str, Callable[[dict[str, Any]], Any]]] = [
        ("epochs-as-string", r"'epochs' must be a non-negative integer, not '2'", _set("epochs", "2")),
        ("epochs-as-list", r"'epochs' must be a non-negative integer, not \[2\]", _set("epochs", [2])),
        ("epochs-negative", r"'epochs' must be a non-negative integer, not -1", _set("epochs", -1)),
        ("epochs-true", r"'epochs' must be a non-negative integer, not True", _set("epochs", True)),
        ("epochs-float", r"'epochs' must be a non-negative integer, not 2\.0", _set("epochs", 2.0)),
        ("epochs-missing", r"'epochs' must be a non-negative integer, not None", lambda m: m.pop("epochs")),
        ("loss-too-short", r"'train_loss' must be a list of 2 finite numbers", _set("train_loss", [0.3])),
        ("loss-nan", r"'test_loss' must be a list of 2 finite numbers", _set("test_loss", [0.3, float("nan")])),
        ("loss-strings", r"'test_loss' must be a list of 2 finite numbers", _set("test_loss", ["0.3", "0.2"])),
        ("loss-object", r"'train_loss' must be a list of 2 finite numbers", _set("train_loss", {"a": 1})),
        ("initial-loss-list", r"'initial_test_loss' must be a finite number or null", _set("initial_test_loss", [1])),
        ("note-object", r"'note' must be a string", _set("note", {"$ref": "/etc/passwd"})),
        ("created-number", r"'created' must be a string", _set("created", 17)),
        ("format-version-4", r"run\.json has format_version 4; this latent3d reads 1, 2 or 3",
         _set("format_version", 4)),
        ("format-version-3-autoencoder", r"run\.json: format 3 runs must be of kind \"recording\", not None",
         _set("format_version", 3)),
        ("format-version-2.0", r"run\.json has format_version 2\.0; this latent3d reads 1, 2 or 3",
         _set("format_version", 2.0)),
        ("format-version-huge-string", r"format_version 'xxxxx.*\.\.\.; this latent3d reads 1, 2 or 3",
         _set("format_version", "x" * 100_000)),
        ("status-writing", r"is not a complete run \(status 'writing'\)", _set("status", "writing")),
        ("config-missing", r"Training config must be a JSON object, got NoneType", lambda m: m.pop("config")),
        ("config-as-string", r"Training config must be a JSON object, got str", _set("config", "epochs=2")),
        ("config-unknown-key", r"Training config has unknown keys: __class__", _set("config.__class__", "os.system")),
        ("config-lr-string", r"Learning rate must be a number", _set("config.lr", "fast")),
        ("config-batch-float", r"Batch size must be an integer", _set("config.batch_size", 1.5)),
        ("config-hidden-string", r"Hidden layer widths must be a list", _set("config.model.hidden", "16,8")),
        ("config-hidden-infinity", r"layer widths must be whole numbers", _set("config.model.hidden", [float("inf")])),
        ("config-hidden-10^12", r"layer widths must be whole numbers", _set("config.model.hidden", [10**12])),
        ("config-hidden-floats", r"layer widths must be whole numbers", _set("config.model.hidden", [16.0, 8.0])),
        ("config-code-dim-2", r"the model must encode 784 pixels into 3 numbers, not 784 into 2",
         _set("config.model.code_dim", 2)),
    ]
    for name, expect, change in meta_cases:
        _case(f"json-{name}", expect)(_edit_meta(change))


def _missing_cases() -> None:
    for rel in ("run.json", "codes.npy", "labels.npy", "test_bce.npy", "train_codes.npy", "steps.npy", "step_loss.npy",
                WEIGHTS[0], WEIGHTS[2], WEIGHTS[-1]):
        _case(f"missing-{rel.replace('/', '-')}", re.escape(f"is not a complete run: {rel} is missing"))(
            lambda run, root, rel=rel: (run / rel).unlink())
    _case("missing-weights-folder", r"is not a complete run: weights/step_0000000\.safetensors is missing")(
        lambda run, root: shutil.rmtree(run / "weights"))
    _case("weights-folder-is-a-file", r"is not a complete run: weights/step_0000000\.safetensors is missing")(
        lambda run, root: (shutil.rmtree(run / "weights"), (run / "weights").write_text("x")))

    @_case("codes.npy-is-a-folder", r"is refused: codes\.npy is not a regular file")
    def folder(run: Path, root: Path) -> None:
        (run / "codes.npy").unlink()
        (run / "codes.npy").mkdir()

    if FIFO:
        @_case("codes.npy-is-a-fifo", r"is refused: codes\.npy is not a regular file")
        def fifo(run: Path, root: Path) -> None:  # opening a FIFO would block forever
            (run / "codes.npy").unlink()
            os.mkfifo(run / "codes.npy")


def _link_cases() -> None:
    def link(rel: str, target: Callable[[Path, Path], Path | str]) -> Mutation:
        def fn(run: Path, root: Path) -> None:
            dest = target(run, root)
            p = run / rel
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
            p.symlink_to(dest)
        return fn

    refused = r"is refused: {} is a link or points outside the run folder"
    _case("run.json-links-to-good-run", refused.format(r"run\.json"))(
        link("run.json", lambda run, root: root / "good" / "run.json"))
    _case("run.json-links-to-etc-passwd", refused.format(r"run\.json"))(link("run.json", lambda r, o: "/etc/passwd"))
    _case("labels.npy-dangling-link", refused.format(r"labels\.npy"))(
        link("labels.npy", lambda r, o: "/nonexistent/labels.npy"))
    _case("test_bce.npy-links-to-dev-zero", refused.format(r"test_bce\.npy"))(
        link("test_bce.npy", lambda r, o: "/dev/zero"))
    _case("codes.npy-links-inside", refused.format(r"codes\.npy"))(
        link("codes.npy", lambda run, root: (shutil.copy(run / "codes.npy", run / "real.npy"), "real.npy")[1]))
    _case("weights-folder-links-outside", refused.format(r"weights/step_0000000\.safetensors"))(
        link("weights", lambda run, root: root / "good" / "weights"))
    _case("weights-folder-relative-link-up", refused.format(r"weights/step_0000000\.safetensors"))(
        link("weights", lambda r, o: "../good/weights"))
    _case("step_0000001-links-up-to-etc", refused.format(r"weights/step_0000001\.safetensors"))(
        link(WEIGHTS[1], lambda r, o: "../../../../../../../../etc/hostname"))


def _snapshot_cases() -> None:
    """Format 2's steps and per-step losses: wrong shapes, counts that disagree, steps out of order, NaN, huge T."""
    _case("steps-too-short", r"steps\.npy has shape 4, expected 5")(_edit_array("steps.npy", lambda a: a[:4].copy()))
    _case("steps-float64", r"steps\.npy has dtype float64, expected int64")(
        _edit_array("steps.npy", lambda a: a.astype(np.float64)))
    _case("steps-int32", r"steps\.npy has dtype int32, expected int64")(
        _edit_array("steps.npy", lambda a: a.astype(np.int32)))
    _case("steps-not-increasing", r"steps\.npy does not hold the snapshot steps listed in run\.json")(
        _edit_array("steps.npy", lambda a: a[[0, 2, 1, 3, 4]].copy()))
    _case("steps-2d", r"steps\.npy has shape 5x1, expected 5")(_edit_array("steps.npy", lambda a: a[:, None].copy()))
    _case("step_loss-too-short", r"step_loss\.npy has shape 3, expected 4")(
        _edit_array("step_loss.npy", lambda a: a[:3].copy()))
    _case("step_loss-one-per-snapshot", r"step_loss\.npy has shape 5, expected 4")(
        _edit_array("step_loss.npy", lambda a: np.append(a, 0.5).astype(np.float32)))
    _case("step_loss-float64", r"step_loss\.npy has dtype float64, expected float32")(
        _edit_array("step_loss.npy", lambda a: a.astype(np.float64)))
    _case("step_loss-nan", r"step_loss\.npy contains NaN or infinite values")(
        _edit_array("step_loss.npy", lambda a: np.where(np.arange(len(a)) == 2, np.nan, a).astype(np.float32)))
    _case("step_loss-inf", r"step_loss\.npy contains NaN or infinite values")(
        _edit_array("step_loss.npy", lambda a: np.full_like(a, -np.inf)))
    _case("step_loss-declares-10^12-steps", r"step_loss\.npy has shape 1000000000000, expected 4")(
        _write("step_loss.npy", _npy_with_header("{'descr': '<f4', 'fortran_order': False, "
                                                 "'shape': (1000000000000,), }", bytes(16))))
    _case("test_bce-too-few-snapshots", r"test_bce\.npy has shape 3x40, expected 5x40")(
        _edit_array("test_bce.npy", lambda a: a[:3].copy()))

    def snaps(change: Callable[[list[dict[str, Any]]], Any]) -> Callable[[dict[str, Any]], None]:
        return lambda meta: change(meta["snapshots"])

    def drop(i: int) -> Callable[[list[dict[str, Any]]], Any]:
        return lambda s: s.pop(i)

    meta_cases: list[tuple[str, str, Callable[[dict[str, Any]], Any]]] = [
        ("spe-missing", r"'steps_per_epoch' must be a whole number from 1 to 50,000,000, not None",
         lambda m: m.pop("steps_per_epoch")),
        ("spe-string", r"'steps_per_epoch' must be a whole number .*, not '2'", _set("steps_per_epoch", "2")),
        ("spe-zero", r"'steps_per_epoch' must be a whole number .*, not 0", _set("steps_per_epoch", 0)),
        ("spe-true", r"'steps_per_epoch' must be a whole number .*, not True", _set("steps_per_epoch", True)),
        ("spe-10^12", r"'steps_per_epoch' must be a whole number .*, not 1000000000000",
         _set("steps_per_epoch", 10**12)),
        ("spe-huge-total", r"2 epochs of 40000000 steps are 80,000,000 steps, more than the 50,000,000",
         _set("steps_per_epoch", 40_000_000)),
        ("spe-disagrees", r"snapshot 1 has epoch 0\.5, but step 1 of 1 per epoch is epoch 1",
         _set("steps_per_epoch", 1)),
        ("test-images-missing", r"'test_images' must be a whole number of at least 1, not None",
         lambda m: m.pop("test_images")),
        ("test-images-41", r"labels\.npy holds 40 labels, but run\.json says 41 test images",
         _set("test_images", 41)),
        ("snapshots-missing", r"'snapshots' must be a list of 1 to 10,000 objects", lambda m: m.pop("snapshots")),
        ("snapshots-object", r"'snapshots' must be a list of 1 to 10,000 objects", _set("snapshots", {"0": 1})),
        ("snapshots-empty", r"'snapshots' must be a list of 1 to 10,000 objects", _set("snapshots", [])),
        ("snapshots-10001", r"'snapshots' must be a list of 1 to 10,000 objects",
         _set("snapshots", [{"step": 0, "epoch": 0, "test_loss": 0.5}] * 10_001)),
        ("snapshot-a-list", r"snapshot 2 must be an object of a whole 'step'", snaps(lambda s: s.__setitem__(2, [2]))),
        ("snapshot-extra-key", r"snapshot 0 must be an object",
         snaps(lambda s: s[0].__setitem__("__class__", "os.system"))),
        ("snapshot-step-string", r"snapshot 1 must be an object of a whole 'step'",
         snaps(lambda s: s[1].__setitem__("step", "1"))),
        ("snapshot-step-float", r"snapshot 1 must be an object of a whole 'step'",
         snaps(lambda s: s[1].__setitem__("step", 1.0))),
        ("snapshot-step-true", r"snapshot 1 must be an object of a whole 'step'",
         snaps(lambda s: s[1].__setitem__("step", True))),
        ("snapshot-step-negative", r"snapshot 1 must be an object of a whole 'step' from 0 to 4",
         snaps(lambda s: s[1].__setitem__("step", -1))),
        ("snapshot-step-beyond-the-end", r"snapshot 3 must be an object of a whole 'step' from 0 to 4",
         snaps(lambda s: s[3].__setitem__("step", 10**30))),
        ("snapshot-loss-nan", r"snapshot 2 must be an object .* a finite 'test_loss'",
         snaps(lambda s: s[2].__setitem__("test_loss", float("nan")))),
        ("snapshot-loss-string", r"snapshot 2 must be an object", snaps(lambda s: s[2].__setitem__("test_loss", "0"))),
        ("snapshot-epoch-wrong", r"snapshot 3 has epoch 7, but step 3 of 2 per epoch is epoch 1\.5",
         snaps(lambda s: s[3].__setitem__("epoch", 7))),
        ("snapshots-out-of-order", r"snapshot steps must increase strictly from 0 to 4 \(2 epochs of 2 steps\)",
         snaps(lambda s: s.insert(1, s.pop(2)))),
        ("snapshots-repeated-step", r"snapshot steps must increase strictly from 0 to 4",
         snaps(lambda s: s.insert(1, dict(s[1])))),
        ("snapshots-not-from-0", r"snapshot steps must increase strictly from 0 to 4", snaps(drop(0))),
        ("snapshots-short-of-the-end", r"snapshot steps must increase strictly from 0 to 4", snaps(drop(-1))),
        ("snapshots-lack-an-epoch-end", r"the snapshots lack the end of epoch 1 \(step 2\)", snaps(drop(2))),
        ("snapshots-one-fewer-than-arrays", r"codes\.npy has shape 5x40x3, expected 4x40x3", snaps(drop(1))),
        ("epochs-disagree-with-steps", r"snapshot 3 must be an object of a whole 'step' from 0 to 2,",
         lambda m: m.update(epochs=1, train_loss=m["train_loss"][:1], test_loss=m["test_loss"][:1])),
        ("format-1-on-format-2-files", r"codes\.npy has shape 5x40x3, expected 3x40x3", _set("format_version", 1)),
    ]
    for name, expect, change in meta_cases:
        _case(f"json-{name}", expect)(_edit_meta(change))


def _raw_meta(path: str, text: str) -> Mutation:
    """Set ``path`` in run.json to the literal JSON ``text`` (``1e309``, ``NaN``: what json.dumps never writes)."""
    def fn(run: Path, root: Path) -> None:
        meta = json.loads((run / "run.json").read_text())
        _set(path, "@@RAW@@")(meta)
        (run / "run.json").write_text(json.dumps(meta).replace('"@@RAW@@"', text))
    return fn


def _number_cases() -> None:
    """Numbers no float holds, NaN as text, out-of-range seeds and counts, a wrong weights precision (issue #14)."""
    losses = r"'{}' must be a list of 2 finite numbers"
    for name, path, value in (("test-loss-int-10^309", "test_loss", [0.3, 10**309]),
                              ("train-loss-int-10^400", "train_loss", [10**400, 0.2]),
                              ("test-loss-NaN-string", "test_loss", [0.3, "NaN"])):
        _case(f"json-{name}", losses.format(path.split(".")[0]))(_edit_meta(_set(path, value)))
    _case("json-test-loss-literal-1e309", losses.format("test_loss"))(_raw_meta("test_loss", "[0.3, 1e309]"))
    _case("json-initial-loss-int-10^309", r"'initial_test_loss' must be a finite number or null")(
        _edit_meta(_set("initial_test_loss", 10**309)))
    _case("json-epochs-int-10^400", r"'epochs' must be a non-negative integer, not 1000000000")(
        _edit_meta(_set("epochs", 10**400)))
    seed = r"Seed must be an integer from 0 to 4294967295"
    _case("json-config-seed-2^32", seed)(_edit_meta(_set("config.seed", 2**32)))
    _case("json-config-seed-int-10^400", seed)(_edit_meta(_set("config.seed", 10**400)))
    _case("json-config-seed-minus-0.0", seed)(_raw_meta("config.seed", "-0.0"))
    _case("json-config-epochs-int-10^400", r"Epochs must be an integer from 1 to 100,000")(
        _edit_meta(_set("config.epochs", 10**400)))
    _case("json-config-lr-literal-1e309", r"Learning rate must be a number above 0")(_raw_meta("config.lr", "1e309"))
    _case("json-config-lr-literal-NaN", r"Learning rate must be a number above 0")(_raw_meta("config.lr", "NaN"))
    _case("json-config-max-train-images-2^63", r"Max_train_images must be an integer from 1 to 2,147,483,647")(
        _edit_meta(_set("config.max_train_images", 2**63)))
    dtype = r"""'weights\.dtype' must be "float32" or "float16", not {}"""
    _case("json-weights-dtype-float64", dtype.format("'float64'"))(_edit_meta(_set("weights.dtype", "float64")))
    _case("json-weights-missing", dtype.format("None"))(_edit_meta(lambda m: m.pop("weights")))
    _case("json-weights-float32-but-files-float16",
          r"step_0000000\.safetensors: tensor \S+ is float16, but run\.json says the weights are float32")(
        _edit_meta(_set("weights.dtype", "float32")))
    _case("json-dataset-train-images-int-10^400", r"'dataset\.train_images' must be a whole number from 0 to "
          r"2,147,483,647 or null")(_edit_meta(_set("dataset", {"train_images": 10**400})))
    _case("json-dataset-test-images-NaN-string", r"'dataset\.test_images' must be a whole number")(
        _edit_meta(_set("dataset", {"test_images": "NaN"})))
    _case("json-dataset-list", r"'dataset' must be a JSON object or null")(_edit_meta(_set("dataset", [60000])))


_payload_cases()
_snapshot_cases()
_safetensors_cases()
_npy_cases()
_json_cases()
_missing_cases()
_link_cases()
_number_cases()


def build_corpus(root: Path) -> tuple[Path, list[BadRun]]:
    """Write the good run and every bad one under ``root``.

    Parameters
    ----------
    root : Path
        An empty or missing folder; the payload marker would appear at ``root / MARKER_NAME``.

    Returns
    -------
    good : Path
        The valid run every case was copied from.
    cases : list of BadRun
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    good = make_good_run(root / "good")
    out = []
    for name, expect, payload, mutate in _CASES:
        run = root / name
        shutil.copytree(good, run)
        mutate(run, root)
        out.append(BadRun(name, run, expect, payload))
    return good, out


def main(argv: list[str]) -> int:
    """Build the corpus into ``argv[0]`` and print one line per case."""
    if len(argv) != 1:
        print("usage: python tests/support/make_bad_runs.py OUTDIR", file=sys.stderr)
        return 2
    good, cases = build_corpus(Path(argv[0]))
    print(f"good run: {good}")
    for c in cases:
        print(f"{'payload ' if c.payload else '        '}{c.name:48s} expects /{c.expect}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
