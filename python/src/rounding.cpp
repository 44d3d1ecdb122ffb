// glasses.round, to_bits, from_bits, formats, roundings: numpy arrays through
// numerics/bulk_round.hpp and numerics/bits.hpp.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "glasses/numerics/bits.hpp"
#include "glasses/numerics/bulk_round.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/numerics/format.hpp"

namespace glasses::python {
namespace {

namespace py = pybind11;
using namespace glasses::numerics;

// Arrays above this size are rounded with the GIL released.
constexpr py::ssize_t kReleaseGil = 1 << 14;

std::vector<py::ssize_t> shape_of(const py::array& a) { return {a.shape(), a.shape() + a.ndim()}; }

// x as a float64 or float32 array whose conversion from x was exact:
// float16/32/64, bool and integers of at most 32 bits. Contiguous float32
// and float64 arrays are used in place.
py::array exact_float_array(const py::array& x, const char* what) {
  const py::dtype dt = x.dtype();
  const char kind = dt.kind();
  const auto size = dt.itemsize();
  if (kind == 'f' && size == 4) return py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(x);
  if ((kind == 'f' && size <= 8) || kind == 'b' || ((kind == 'i' || kind == 'u') && size <= 4)) {
    return py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(x);
  }
  throw InputError(std::string(what) + ": an array of dtype " + dt.attr("name").cast<std::string>() +
                   " does not convert exactly to float64; give float16, float32, float64, bool or integers of at "
                   "most 32 bits");
}

Rounding mode_of(const std::string& rounding) { return parse_rounding(rounding); }

py::array_t<double> round_values(const py::array& x, const std::string& format, const std::string& rounding,
                                 std::optional<std::uint64_t> seed) {
  const Format f = parse_format(format);
  if (f.p > 53) throw InputError("glasses.round: format '" + format + "' has more than 53 bits; values of float64 "
                                 "are already exact in it");
  RoundingContext ctx{mode_of(rounding), {}, SplitMix64{seed.value_or(0)}};
  const py::array in = exact_float_array(x, "glasses.round");
  py::array_t<double> out(shape_of(in));
  const auto n = static_cast<std::size_t>(in.size());
  std::span<double> o(out.mutable_data(), n);
  if (py::isinstance<py::array_t<float>>(in) && fits_binary32(f)) {
    // Rounded in binary32 (the fast kernels), widened exactly.
    std::vector<float> rounded(n);
    const std::span<const float> i(static_cast<const float*>(in.data()), n);
    {
      std::optional<py::gil_scoped_release> release;
      if (in.size() > kReleaseGil) release.emplace();
      round_array(f, i, rounded, ctx);
      for (std::size_t k = 0; k < n; ++k) o[k] = rounded[k];
    }
    return out;
  }
  std::optional<py::array_t<double>> widened;
  const double* data = nullptr;
  if (py::isinstance<py::array_t<float>>(in)) {
    widened = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(in);
    data = widened->data();
  } else {
    data = static_cast<const double*>(in.data());
  }
  {
    std::optional<py::gil_scoped_release> release;
    if (in.size() > kReleaseGil) release.emplace();
    round_array(f, std::span<const double>(data, n), o, ctx);
  }
  return out;
}

py::dtype bits_dtype(int total_bits) {
  if (total_bits <= 8) return py::dtype::of<std::uint8_t>();
  if (total_bits <= 16) return py::dtype::of<std::uint16_t>();
  if (total_bits <= 32) return py::dtype::of<std::uint32_t>();
  return py::dtype::of<std::uint64_t>();
}

py::array to_bits(const py::array& x, const std::string& format) {
  const BitCodec codec(parse_format(format));
  const py::array_t<double> in =
      py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(exact_float_array(x, "glasses.to_bits"));
  py::array_t<std::uint64_t> wide(shape_of(in));
  std::uint64_t* w = wide.mutable_data();
  const double* v = in.data();
  for (py::ssize_t i = 0; i < in.size(); ++i) {
    try {
      w[i] = codec.encode(v[i]);
    } catch (const Error&) {
      throw InputError("glasses.to_bits: element " + std::to_string(i) + " (" + py::repr(py::float_(v[i])).cast<std::string>() +
                       ") is not a value of " + format + "; round it first with glasses.round");
    }
  }
  return wide.attr("astype")(bits_dtype(codec.total_bits()));
}

py::array_t<double> from_bits(const py::array& bits, const std::string& format) {
  const BitCodec codec(parse_format(format));
  if (bits.dtype().kind() != 'u' && bits.dtype().kind() != 'i') {
    throw InputError("glasses.from_bits: bit patterns must be an integer array, not " + bits.dtype().attr("name").cast<std::string>());
  }
  const py::array_t<std::uint64_t> in = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>::ensure(bits);
  py::array_t<double> out(shape_of(in));
  double* o = out.mutable_data();
  const std::uint64_t* b = in.data();
  for (py::ssize_t i = 0; i < in.size(); ++i) {
    if ((b[i] & ~codec.mask()) != 0) {
      throw InputError("glasses.from_bits: element " + std::to_string(i) + " (" + std::to_string(b[i]) +
                       ") is not a " + std::to_string(codec.total_bits()) + "-bit pattern of " + format);
    }
    o[i] = codec.decode(b[i]);
  }
  return out;
}

py::dict describe(std::string_view name, const Format& f, std::string_view description) {
  py::dict d;
  d["name"] = std::string(name);
  d["p"] = f.p;
  d["emin"] = f.emin;
  d["emax"] = f.emax;
  d["subnormals"] = f.subnormals;
  d["overflow"] = f.overflow == Overflow::saturate ? "saturate" : f.has_infinity() ? "infinity" : "NaN";
  d["specials"] = f.specials == Specials::ieee ? "ieee" : "finite_nan";
  const std::optional<Encoding> e = encoding(f);
  d["bits"] = e ? py::object(py::int_(e->total_bits())) : py::object(py::none());
  d["exponent_bits"] = e ? py::object(py::int_(e->exponent_bits)) : py::object(py::none());
  d["bias"] = e ? py::object(py::int_(e->bias)) : py::object(py::none());
  d["max"] = max_finite(f);
  d["min_normal"] = min_normal(f);
  d["min_subnormal"] = min_subnormal(f);
  d["unit_roundoff"] = unit_roundoff(f);
  d["machine_epsilon"] = machine_epsilon(f);
  d["description"] = std::string(description);
  return d;
}

}  // namespace

void bind_rounding(py::module_& m) {
  m.def("round", &round_values, py::arg("x"), py::arg("format"), py::arg("rounding") = "near_even",
        py::arg("seed") = py::none());
  m.def("to_bits", &to_bits, py::arg("x"), py::arg("format"));
  m.def("from_bits", &from_bits, py::arg("bits"), py::arg("format"));
  m.def("formats", [] {
    py::list out;
    for (const NamedFormat& n : kNamedFormats) out.append(describe(n.name, n.format, n.description));
    return out;
  });
  m.def("format_info", [](const std::string& spec) { return describe(to_string(parse_format(spec)), parse_format(spec), ""); },
        py::arg("format"));
  m.def("roundings", [] {
    py::list out;
    for (const NamedRounding& r : kNamedRoundings) {
      py::dict d;
      d["name"] = std::string(r.name);
      d["description"] = std::string(r.description);
      out.append(d);
    }
    return out;
  });
}

}  // namespace glasses::python
