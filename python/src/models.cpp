// glasses.Model: a model source (preset, config file or Hugging Face
// folder, as `glasses forward --preset/--config/--model` opens it) and its
// forward pass through model/run.hpp.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bindings.hpp"
#include "glasses/model/run.hpp"
#include "glasses/numerics/error.hpp"
#include "glasses/tokenizer/tokenizer.hpp"
#include "model.hpp"
#include "watch.hpp"

namespace glasses::python {
namespace {

namespace py = pybind11;

Model open_model(model::ModelSource source, const std::string& tokenizer_dir) {
  Model m;
  m.source = std::make_shared<const model::ModelSource>(std::move(source));
  if (!tokenizer_dir.empty()) {
    const std::filesystem::path file = std::filesystem::path(tokenizer_dir) / "tokenizer.json";
    std::error_code ec;
    if (std::filesystem::is_regular_file(file, ec)) {
      m.tokenizer = std::make_shared<const tokenizer::Tokenizer>(tokenizer::Tokenizer::load(file));
    }
  }
  return m;
}

// Token ids of `inputs`: a str is text for a model with a tokenizer
// (tokenizer.json) and vocabulary words or ids otherwise (as --text and
// --tokens); a sequence of ints is token ids. Checked against the model.
std::vector<int> input_tokens(const Model& m, const py::object& inputs, bool add_special_tokens) {
  std::string ids;
  std::string what = "inputs";
  if (py::isinstance<py::str>(inputs)) {
    const std::string text = inputs.cast<std::string>();
    if (!m.tokenizer) {
      ids = text;
    } else {
      what = "inputs (token ids from tokenizer.json)";
      for (int id : m.tokenizer->encode(text, add_special_tokens)) ids += std::to_string(id) + " ";
    }
  } else {
    std::vector<long long> list;
    try {
      list = py::cast<std::vector<long long>>(py::module_::import("numpy").attr("asarray")(inputs).attr("tolist")());
    } catch (const py::cast_error&) {
      throw InputError("inputs must be a str or a sequence of token ids (ints)");
    }
    for (long long id : list) ids += std::to_string(id) + " ";
  }
  std::vector<int> tokens = model::parse_tokens(*m.source, ids, what);
  if (tokens.empty()) throw InputError("the input gives no tokens");
  return tokens;
}

// The decimal strings of the values, per position.
py::object exact_values(const std::vector<model::Values>& rows, bool all) {
  py::list out;
  for (const model::Values& v : rows) out.append(py::cast(v.decimal));
  return all ? py::object(out) : py::object(out[0]);
}

// The nearest doubles (intervals: [lower, upper] on a last axis), per position.
py::object nearest_values(const std::vector<model::Values>& rows, bool all, bool interval) {
  const auto width = static_cast<py::ssize_t>(rows.empty() ? 0 : rows[0].nearest.size());
  std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(rows.size()), width};
  if (interval) shape.push_back(2);
  py::array_t<double> out(shape);
  double* o = out.mutable_data();
  for (const model::Values& v : rows) {
    for (std::size_t i = 0; i < v.nearest.size(); ++i) {
      if (interval) {
        *o++ = v.lower[i];
        *o++ = v.upper[i];
      } else {
        *o++ = v.nearest[i];
      }
    }
  }
  if (!all) return py::object(out[py::int_(0)]);
  return out;
}

py::object forward(const Model& m, const py::object& inputs, const std::string& policy, const std::string& positions,
                   const std::string& emit, const std::string& reference, std::uint64_t seed,
                   const std::string& order, bool exact, bool add_special_tokens, bool trace,
                   const py::object& progress) {
  if (positions != "all" && positions != "last") throw InputError("positions must be 'all' or 'last'");
  if (emit != "logits" && emit != "y") throw InputError("emit must be 'logits' or 'y'");
  const bool want_logits = emit == "logits";
  if (want_logits && !m.source->config.has_unembedding) {
    throw InputError("this model has no unembedding, so no logits: use emit='y'");
  }
  const std::vector<int> tokens = input_tokens(m, inputs, add_special_tokens);
  const model::RunSpec spec = model::parse_run_spec(policy, numerics::parse_format(reference), seed,
                                                        model::parse_sum_order(order));
  const model::InputSequence input = model::make_input(*m.source, tokens);
  const bool all = positions == "all";
  const std::shared_ptr<const model::ModelSource> source = m.source;
  Watch watch;
  const model::ForwardResult r = watch.run(progress, [&](Watch&) {
    return model::run_forward(*source, spec, input, all, want_logits, 0, trace);
  });
  const std::vector<model::Values>& rows = want_logits ? r.logits : r.y;
  if (r.issue.found) {
    PyErr_WarnEx(PyExc_RuntimeWarning,
                 ("numerical trouble in " + r.scalar + ": first non-finite value at position " +
                  std::to_string(r.issue.position) +
                  (r.issue.layer >= 0 ? ", layer " + std::to_string(r.issue.layer) : std::string()) + ", " + r.issue.step)
                     .c_str(),
                 1);
  }
  py::object out = exact ? exact_values(rows, all) : nearest_values(rows, all, spec.execution.carrier == model::CarrierKind::interval);
  if (!trace) return out;
  const auto n = static_cast<py::ssize_t>(input.size());
  const auto d = static_cast<py::ssize_t>(m.source->config.d_model);
  py::array_t<double> residual({static_cast<py::ssize_t>(r.residual.size()), n, d});
  double* o = residual.mutable_data();
  for (const std::vector<double>& layer : r.residual) o = std::copy(layer.begin(), layer.end(), o);
  const auto heads = static_cast<py::ssize_t>(r.attention.empty() ? 0 : r.attention[0].size());
  py::array_t<double> attention({static_cast<py::ssize_t>(r.attention.size()), heads, n, n});
  o = attention.mutable_data();
  for (const auto& layer : r.attention) {
    for (const std::vector<double>& head : layer) o = std::copy(head.begin(), head.end(), o);
  }
  py::dict activations;
  activations["residual"] = residual;
  activations["attention"] = attention;
  return py::make_tuple(out, activations);
}

py::dict config_of(const Model& m) {
  const model::ModelConfig& c = m.source->config;
  py::dict d;
  d["d_model"] = c.d_model;
  d["n_layers"] = c.n_layers;
  d["n_heads"] = c.n_heads;
  d["n_kv_heads"] = c.n_kv_heads;
  d["d_head"] = c.d_head;
  d["d_mlp"] = c.d_mlp;
  d["vocab_size"] = c.vocab_size;
  d["max_positions"] = c.max_positions;
  d["causal"] = c.causal;
  d["has_unembedding"] = c.has_unembedding;
  d["description"] = model::describe(c);
  return d;
}

}  // namespace

void bind_models(py::module_& m) {
  py::class_<Model>(m, "Model", "A transformer: a built-in preset, a JSON config or a Hugging Face folder, as `glasses forward --preset/--config/--model` opens it.")
      .def_static("preset", [](const std::string& spec) { return open_model(model::make_preset(spec), ""); },
                  py::arg("spec") = "default",
                  "A built-in model from \"NAME[:key=value,...]\" (presets: default, paper-literal, fig8-a, ...).")
      .def_static("from_pretrained", [](const std::string& dir) { return open_model(model::open_checkpoint(dir), dir); },
                  py::arg("directory"),
                  "A Hugging Face folder: config.json, model.safetensors (F64/F32/F16/BF16) and tokenizer.json if "
                  "present (then a str input to forward() is text).")
      .def_static("from_config", [](const std::string& path) { return open_model(model::load_model_config(path), ""); },
                  py::arg("path"), "A synthetic model described by a JSON file (see examples/).")
      .def_property_readonly("origin", [](const Model& self) { return self.source->origin; })
      .def_property_readonly("description", [](const Model& self) { return self.source->description; })
      .def_property_readonly("warnings", [](const Model& self) { return self.source->warnings; })
      .def_property_readonly("config", &config_of)
      .def_property_readonly("has_tokenizer", [](const Model& self) { return static_cast<bool>(self.tokenizer); })
      .def("tokenize",
           [](const Model& self, const py::object& inputs, bool add_special_tokens) {
             return input_tokens(self, inputs, add_special_tokens);
           },
           py::arg("inputs"), py::arg("add_special_tokens") = true,
           "The token ids forward() reads from inputs: text through tokenizer.json when the model has one, "
           "else vocabulary words or ids; a sequence of ints as ids. Checked against the model.")
      .def("forward", &forward, py::arg("inputs"), py::arg("policy") = "fp32", py::arg("positions") = "last",
           py::arg("emit") = "logits", py::arg("reference") = "mpfr:256", py::arg("seed") = 0,
           py::arg("order") = "sequential", py::arg("exact") = false, py::arg("add_special_tokens") = true, py::arg("trace") = false,
           py::arg("progress") = py::none(),
           "One forward pass (glasses forward). policy: a format (fp32, bf16, fp16, e4m3, mpfr:256, "
           "interval:256, ...) or a policy (mixed:bf16/fp32, ablate:softmax=bf16, sites:...). order: the summation order of every site whose "
           "format names none (sequential, pairwise, blocked:<k>, splitk:<s>, kahan; bf16@kahan names one). "
           "Returns the "
           "logits (or y, emit='y') at the last position as a 1-D float64 array, or at every position "
           "(positions='all') as 2-D; interval policies add a last axis [lower, upper] of certified bounds. "
           "exact=True returns the decimal strings glasses forward prints instead (enough digits to read each "
           "value back exactly: 79 for mpfr:256; intervals as \"lower upper\"). Releases the GIL; Ctrl-C "
           "raises KeyboardInterrupt once the pass ends. trace=True returns (values, activations): activations "
           "is a dict of the residual stream v^(l), an array (L+1, n, d), and the attention weights, (L, heads, "
           "n, n), as nearest doubles.")
      .def("__repr__", [](const Model& self) { return "glasses.Model('" + self.source->origin + "')"; });
}

}  // namespace glasses::python
