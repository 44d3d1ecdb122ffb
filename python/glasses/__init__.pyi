import os
from typing import Any, Callable, Dict, Iterable, List, Literal, Optional, Sequence, Union

import numpy as np
import numpy.typing as npt

Progress = Optional[Callable[[float, float], Any]]
Rounding = Literal["near_even", "near_maxMag", "minMag", "min", "max", "stochastic"]

def round(x: npt.ArrayLike, format: str, rounding: Rounding = "near_even", seed: Optional[int] = None) -> npt.NDArray[np.float64]:
    """Round every element of x into format (correctly rounded); float64 array of x's shape."""
def to_bits(x: npt.ArrayLike, format: str) -> npt.NDArray[np.unsignedinteger[Any]]:
    """Bit patterns of values of format (uint8/16/32/64 by the format's width)."""
def from_bits(bits: npt.ArrayLike, format: str) -> npt.NDArray[np.float64]:
    """Values (float64) of bit patterns of format."""
def formats() -> List[Dict[str, Any]]:
    """The named formats: name, p, emin, emax, subnormals, overflow, specials, bits, max, ..."""
def format_info(format: str) -> Dict[str, Any]:
    """formats()'s dict for any format string."""
def roundings() -> List[Dict[str, str]]:
    """The rounding modes: name and description."""
def check_ids() -> List[str]:
    """The ids of the checks of THEORY §3."""

class Model:
    """A transformer: a preset, a JSON config or a Hugging Face folder."""
    @staticmethod
    def preset(spec: str = "default") -> Model:
        """A built-in model, "NAME[:key=value,...]"."""
    @staticmethod
    def from_pretrained(directory: Union[str, os.PathLike[str]]) -> Model:
        """A Hugging Face folder: config.json, model.safetensors, tokenizer.json if present."""
    @staticmethod
    def from_config(path: Union[str, os.PathLike[str]]) -> Model:
        """A synthetic model described by a JSON file (see examples/)."""
    @property
    def origin(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def warnings(self) -> List[str]: ...
    @property
    def config(self) -> Dict[str, Any]: ...
    @property
    def has_tokenizer(self) -> bool: ...
    def tokenize(self, inputs: Union[str, Sequence[int]], add_special_tokens: bool = True) -> List[int]:
        """Token ids of inputs, as forward() reads them."""
    def forward(self, inputs: Union[str, Sequence[int], npt.ArrayLike], policy: str = "fp32",
                positions: Literal["last", "all"] = "last", emit: Literal["logits", "y"] = "logits",
                reference: str = "mpfr:256", seed: int = 0, order: str = "sequential", exact: bool = False,
                add_special_tokens: bool = True,
                trace: bool = False, progress: Progress = None) -> Any:
        """One forward pass: logits or y at the last position (1-D) or every position (2-D);
        interval policies add a last axis [lower, upper]; exact=True gives decimal strings
        that read back exactly (MPFR at its precision, intervals as "lower upper"); trace=True returns
        (values, {"residual": (L+1, n, d), "attention": (L, heads, n, n)})."""

class SweepResult:
    table: Dict[str, np.ndarray]
    summary: Dict[str, Any]
    def __init__(self, raw: Dict[str, Any]) -> None: ...
    def onsets(self) -> Dict[str, Dict[str, Optional[int]]]: ...
    def metric(self, name: str, format: str) -> npt.NDArray[np.float64]: ...
    def to_pandas(self) -> Any: ...
    def save(self, directory: Union[str, os.PathLike[str]]) -> None: ...

def sweep(model: Optional[Model] = None, family: str = "count-ones", n: Iterable[int] = ...,
          formats: Sequence[str] = ("fp16", "bf16", "fp32"), reference: str = "mpfr:256",
          ablate: Optional[str] = None, certify: bool = True, certify_max_n: int = 1024,
          interval_bits: int = 128, interval_bits_limit: int = 2048, seed: int = 0, threads: int = 2,
          family_options: Optional[Dict[str, str]] = None, progress: Progress = None,
          order: str = "sequential", cross_check: bool = False, sink: Optional[float] = None,
          adaptive_temperature: bool = False) -> SweepResult:
    """Collapse sweep over a pair family (glasses sweep)."""
def check(ids: Union[str, Sequence[str]] = "all", quick: bool = True, seed: int = 0, threads: int = 2,
          progress: Progress = None) -> List[Dict[str, Any]]:
    """Checks of THEORY §3, in the schema of glasses check --json."""
def report(suite: str = "quick", out: Union[str, os.PathLike[str]] = "glasses-report", date: Optional[str] = None,
           threads: int = 2, pdf: bool = True, latex_timeout: int = 600, progress: Progress = None) -> Dict[str, Any]:
    """Run a suite and write its LaTeX/PDF report (glasses report)."""
