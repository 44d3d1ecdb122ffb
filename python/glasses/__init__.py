"""glasses: how low-precision rounding makes a transformer unable to tell
inputs apart, from Python.

The C++ toolkit's rounding, models, collapse sweeps, checked theorems and
reports, with numpy in and numpy out:

>>> import numpy as np, glasses
>>> glasses.round(np.array([0.1, 1e5]), "fp16")
array([0.09997559,        inf])
>>> m = glasses.Model.preset("default")
>>> logits = m.forward("count the ones : 1 1 1", policy="bf16")

Bad input raises ValueError with the message the command line prints.
Long calls (forward, sweep, check, report) release the GIL, take an
optional ``progress(done, total)`` callback (called on the calling thread)
and stop on Ctrl-C with KeyboardInterrupt.
"""
from __future__ import annotations

import datetime as _datetime
import json as _json
import os as _os
import tempfile as _tempfile
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Union

import numpy as _np

from . import _glasses
from ._glasses import Model

__all__ = ["round", "to_bits", "from_bits", "formats", "format_info", "roundings", "Model", "sweep",
           "SweepResult", "check", "check_ids", "report"]

Progress = Optional[Callable[[float, float], Any]]


def round(x, format: str, rounding: str = "near_even", seed: Optional[int] = None) -> _np.ndarray:  # noqa: A001
    """Round every element of ``x`` into ``format``; returns a float64 array
    of the same shape holding the rounded values.

    ``format``: any format string of the command line (``glasses.formats()``,
    ``"e4m3:nosat"``, ``"custom:p=5,emax=15"``, ``"mpfr:40"``; at most 53 bits).
    ``rounding``: ``near_even``, ``near_maxMag``, ``minMag``, ``min``, ``max`` or
    ``stochastic``. ``seed`` seeds stochastic rounding (SplitMix64, one draw per
    finite nonzero element in order; ``None`` means 0, the command line's
    default): the same seed gives the same bits.

    Each result is the correctly rounded value (subnormals, overflow to
    infinity or saturation as the format says, NaN kept). Contiguous float64
    and float32 input is read in place; float16, bool and integers of at most
    32 bits are converted exactly first; other dtypes raise ValueError.
    """
    return _glasses.round(_np.asarray(x), format, rounding, seed)


def to_bits(x, format: str) -> _np.ndarray:
    """The bit patterns of the values ``x`` in ``format`` (uint8, uint16,
    uint32 or uint64 by the format's width). Every element must already be a
    value of the format (round it first with ``glasses.round``); NaN gives the
    format's default NaN. Raises ValueError naming the first element that is
    not, or a format without a bit layout (``mpfr:``)."""
    return _glasses.to_bits(_np.asarray(x), format)


def from_bits(bits, format: str) -> _np.ndarray:
    """The values (float64) of the bit patterns ``bits`` (an integer array)
    in ``format``. Raises ValueError for a pattern wider than the format."""
    return _glasses.from_bits(_np.asarray(bits), format)


def formats() -> List[Dict[str, Any]]:
    """The named formats (the table of ``glasses formats``), each a dict:
    name, p, emin, emax, subnormals, overflow, specials, bits,
    exponent_bits, bias, max, min_normal, min_subnormal, unit_roundoff,
    machine_epsilon, description."""
    return _glasses.formats()


def format_info(format: str) -> Dict[str, Any]:
    """The same dict as ``formats()`` gives, for any format string
    (``"e4m3:nosat"``, ``"custom:p=5,emax=15"``, ``"mpfr:256"``); its name is
    the canonical spelling."""
    return _glasses.format_info(format)


def roundings() -> List[Dict[str, str]]:
    """The rounding modes: name and description."""
    return _glasses.roundings()


def check_ids() -> List[str]:
    """The ids of the checks of THEORY §3, in order ("B.1", ...)."""
    return _glasses.check_ids()


class SweepResult:
    """The result of ``glasses.sweep``.

    ``table``: the tidy table (one row per n × format × metric) as a dict of
    numpy columns n, format, group, metric, value. ``summary``: the summary
    (onsets, certifications) as ``glasses sweep`` writes it to summary.json.
    ``to_pandas()``: the table as a pandas DataFrame. ``save(dir)``: writes
    dir/sweep.csv and dir/summary.json, the command line's files.
    """

    def __init__(self, raw: Dict[str, Any]):
        self.table: Dict[str, _np.ndarray] = {
            "n": _np.asarray(raw["n"], dtype=_np.int64),
            "format": _np.asarray(raw["format"], dtype=object),
            "group": _np.asarray(raw["group"], dtype=object),
            "metric": _np.asarray(raw["metric"], dtype=object),
            "value": _np.asarray(raw["value"], dtype=_np.float64),
        }
        self._csv: str = raw["csv"]
        self._summary_json: str = raw["summary_json"]
        self.summary: Dict[str, Any] = _json.loads(self._summary_json)

    def onsets(self) -> Dict[str, Dict[str, Any]]:
        """Per format: onset_first, onset_permanent, onset_confirmed (whether a later grid
        point confirms the permanent onset), onset_predicted."""
        keys = ("onset_first", "onset_permanent", "onset_confirmed", "onset_predicted")
        return {name: {k: entry[k] for k in keys} for name, entry in self.summary["formats"].items()}

    def metric(self, name: str, format: str) -> _np.ndarray:
        """The column of one metric for one format, as an (n, value) array of shape (k, 2)."""
        rows = (self.table["metric"] == name) & (self.table["format"] == format)
        if not rows.any():
            raise ValueError(f"no metric '{name}' for format '{format}' in this sweep")
        return _np.column_stack([self.table["n"][rows], self.table["value"][rows]])

    def to_pandas(self):
        """The tidy table as a pandas DataFrame (needs pandas)."""
        import pandas
        return pandas.DataFrame(self.table)

    def save(self, directory: Union[str, _os.PathLike]) -> None:
        """Write directory/sweep.csv and directory/summary.json (each
        atomically: a temporary file renamed into place)."""
        _os.makedirs(directory, exist_ok=True)
        for name, text in (("sweep.csv", self._csv), ("summary.json", self._summary_json)):
            _write_atomically(_os.path.join(directory, name), text)

    def __repr__(self) -> str:
        return f"<glasses.SweepResult {self.summary['family']}: {len(self.table['n'])} rows>"


def _write_atomically(path: str, text: str) -> None:
    fd, temporary = _tempfile.mkstemp(dir=_os.path.dirname(path) or ".", prefix=".tmp-")
    try:
        with _os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        _os.replace(temporary, path)
    except BaseException:
        _os.unlink(temporary)
        raise


def sweep(model: Optional[Model] = None, family: str = "count-ones", n: Iterable[int] = range(1, 65),
          formats: Sequence[str] = ("fp16", "bf16", "fp32"), reference: str = "mpfr:256",
          ablate: Optional[str] = None, certify: bool = True, certify_max_n: int = 1024,
          interval_bits: int = 128, interval_bits_limit: int = 2048, seed: int = 0, threads: int = 2,
          family_options: Optional[Dict[str, str]] = None, progress: Progress = None,
          order: str = "sequential", cross_check: bool = False, sink: Optional[float] = None,
          adaptive_temperature: bool = False) -> SweepResult:
    """Find where each format makes the pairs of ``family`` indistinguishable
    (``glasses sweep``).

    ``model``: a ``glasses.Model`` (default: the ``default`` preset). ``n``:
    increasing values of n (e.g. ``range(1, 65)`` or ``[1, 2, 4, 8]``).
    ``formats``: formats and policies (``"mixed:bf16/fp32"``). ``ablate``: a low
    format whose rounding sites are tried one at a time. ``order``: the
    summation order of every track's sites that name none (``"pairwise"``,
    ``"blocked:32"``, ``"splitk:4"``, ``"kahan"``; ``"bf16@kahan"`` names
    one for a track). ``family_options``:
    the family's options by their command-line names (``{"sep": "none"}``).
    ``progress(done, total)`` is called with work units as the sweep runs.
    ``cross_check``: also run the independent 256-bit reference (Boost's
    ``cpp_bin_float:256`` for an MPFR reference); ``summary["reference_cross_check"]``
    then states the references' largest disagreement.
    Mitigations (``summary["mitigations"]``): ``sink``, an attention sink of
    that score (a virtual first key with value 0 in every head);
    ``adaptive_temperature``, the adaptive temperature of arXiv 2410.01104.
    """
    if model is None:
        model = Model.preset("default")
    if isinstance(formats, str):
        formats = [formats]
    ns = [int(v) for v in n]
    options = {str(k): str(v) for k, v in (family_options or {}).items()}
    return SweepResult(_glasses.sweep(model, family, ns, list(formats), reference, ablate, certify, certify_max_n,
                                      interval_bits, interval_bits_limit, seed, order, threads, cross_check, sink,
                                      adaptive_temperature, options, progress))


def check(ids: Union[str, Sequence[str]] = "all", quick: bool = True, seed: int = 0, threads: int = 2,
          progress: Progress = None) -> List[Dict[str, Any]]:
    """Check statements of THEORY §3 (``glasses check``); one dict per check
    in the schema of ``glasses check --json`` (id, statement, expected,
    hypotheses, instances, verdicts, worst_margin, notes, failed, witnesses).
    ``ids``: "all", one id or a list (``glasses.check_ids()``)."""
    if isinstance(ids, str):
        ids = [ids]
    return [_json.loads(text) for text in _glasses.check(list(ids), quick, seed, threads, progress)]


def _default_date() -> str:
    epoch = _os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        if not epoch.isdigit():
            raise ValueError(f"SOURCE_DATE_EPOCH='{epoch}' is not a number of seconds since 1970")
        return _datetime.datetime.fromtimestamp(int(epoch), _datetime.timezone.utc).strftime("%Y-%m-%d")
    return _datetime.datetime.now(_datetime.timezone.utc).strftime("%Y-%m-%d")


def report(suite: str = "quick", out: Union[str, _os.PathLike] = "glasses-report", date: Optional[str] = None,
           threads: int = 2, pdf: bool = True, latex_timeout: int = 600, progress: Progress = None) -> Dict[str, Any]:
    """Run a suite (a built-in name such as "quick" or "paper", or a suite
    JSON file) and write its report (``glasses report``): out/report.tex,
    figures and data, and out/report.pdf when ``pdf`` and TeX is installed.
    ``date`` defaults to SOURCE_DATE_EPOCH, else today (UTC). Returns a dict:
    tex, pdf (None when not built), refuted (checks that refuted a statement
    expected to hold)."""
    return _glasses.report(suite, _os.fspath(out), date or _default_date(), threads, pdf, latex_timeout, progress)
