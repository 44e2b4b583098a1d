"""tensors.tsv text read two ways: pyarrow's reader (when installed) and numpy's give the same numbers and refusals."""

from __future__ import annotations

import numpy as np
import pytest

from latent3d.runs import tsv
from latent3d.runs.tsv import TsvError, parse_rows

HOSTILE = {
    b"1\t2\n3\n": "row 2 holds 1 numbers where row 1 holds 2",
    b"1\t2\n\n3\t4\n": "row 2 holds 0 numbers",
    b"1\t1.2.3\n": "not a decimal number",
    b"1\t1-2\n": "not a decimal number",
    b"1\tnan\n": "NaN and infinite values cannot be drawn",
    b"1\tinf\n": "NaN and infinite values cannot be drawn",
    b"1\t1e999\n": "beyond the range of a float",
    b'1\t"2"\n': "not a decimal number",
    b"1\t2 \n": "not a decimal number",
    b"": "no numbers",
}


def _text(rows: np.ndarray) -> bytes:
    """As torch.utils.tensorboard writes it: str() of each float, tab-separated."""
    return ("\n".join("\t".join(str(v) for v in row) for row in rows.tolist()) + "\n").encode()


@pytest.fixture(params=["pyarrow", "numpy"])
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "pyarrow":
        pytest.importorskip("pyarrow")
    else:
        monkeypatch.setattr(tsv, "_arrow_rows", lambda _data: None)
    return str(request.param)


def test_both_readers_give_the_numbers_written(parser: str) -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(50, 7)) * 10.0 ** rng.integers(-12, 12, (50, 7))
    values, n = parse_rows(_text(rows))
    assert n == 50 and values.dtype == np.float64
    np.testing.assert_array_equal(values, rows)  # str() of a float64 reads back exactly
    values, n = parse_rows(b"1\t-2.5e-3\r\n+3\t.5")  # CR LF line ends, no last line end, signs
    np.testing.assert_array_equal(values, [[1.0, -0.0025], [3.0, 0.5]])


@pytest.mark.parametrize("text", list(HOSTILE))
def test_both_readers_refuse_the_same_text(parser: str, text: bytes) -> None:
    with pytest.raises(TsvError, match=HOSTILE[text]):
        parse_rows(text)


def test_pyarrow_reads_what_it_reads_cleanly_only() -> None:
    pytest.importorskip("pyarrow")
    assert tsv._arrow_rows(b"1\t2\n3\t4\n") is not None
    for text in (b"1\t2\n3\n", b"1\t2\n\n3\t4\n", b"1\t\t2\n", b"1\tx\n"):
        assert tsv._arrow_rows(text) is None  # the numpy path then names what is wrong
