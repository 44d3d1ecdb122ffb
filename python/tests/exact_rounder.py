"""An independent exact rounder for the tests: integer arithmetic on the
binary expansion of a double (float.as_integer_ratio), written from the
definition of each format (THEORY §4) and IEEE 754 / OCP rounding, sharing
no code with glasses."""
import math

INF = math.inf


def max_finite(f):
    # (2^p - 1) 2^(emax-p+1); one ulp less when the top pattern is NaN (OCP E4M3).
    k = 2 if f["specials"] == "finite_nan" else 1
    return math.ldexp((1 << f["p"]) - k, f["emax"] - f["p"] + 1) if f["emax"] <= 1023 else INF


def _infinite(f, negative):
    if f["overflow"] == "saturate":
        mag = max_finite(f)
    elif f["specials"] == "ieee":
        mag = INF
    else:
        return math.nan
    return -mag if negative else mag


def _overflow(f, negative, mode):
    to_infinity = mode in ("near_even", "near_maxMag") or (mode == "max" and not negative) or (
        mode == "min" and negative)
    if to_infinity:
        return _infinite(f, negative)
    return -max_finite(f) if negative else max_finite(f)


def exact_round(x, f, mode):
    """x (a double) rounded into format f (dict with p, emin, emax,
    subnormals, overflow, specials) in a deterministic mode."""
    if math.isnan(x):
        return math.nan
    negative = math.copysign(1.0, x) < 0
    if math.isinf(x):
        return _infinite(f, negative)
    if x == 0:
        return x
    num, den = abs(x).as_integer_ratio()
    s = den.bit_length() - 1  # den = 2^s
    e = num.bit_length() - 1 - s  # 2^e <= |x| < 2^(e+1)
    p, emin = f["p"], f["emin"]
    if f["subnormals"]:
        q = max(e, emin) - p + 1
    else:
        q = e - p + 1 if e >= emin else emin  # below 2^emin only 0 and 2^emin
    shift = -s - q  # |x| / 2^q = num * 2^shift
    if shift >= 0:
        units, rem, half = num << shift, 0, 1
    else:
        d = 1 << -shift
        units, rem = divmod(num, d)
        half = d  # compare 2*rem with d
    if rem == 0:
        up = False
    elif mode == "near_even":
        up = 2 * rem > half or (2 * rem == half and units % 2 == 1)
    elif mode == "near_maxMag":
        up = 2 * rem >= half
    elif mode == "minMag":
        up = False
    elif mode == "min":
        up = negative
    elif mode == "max":
        up = not negative
    else:
        raise ValueError(mode)
    units += up
    mag = math.ldexp(units, q) if units else 0.0
    if mag > max_finite(f):
        return _overflow(f, negative, mode)
    return -mag if negative else mag
