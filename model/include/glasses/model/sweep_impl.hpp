// Definitions of detail::run_track_as and detail::distance_as, included only
// by the per-type instantiation units (src/instantiate_scalar.cpp.in).
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <type_traits>

#include "glasses/model/run_impl.hpp"
#include "glasses/model/sweep.hpp"

namespace glasses::model::detail {

// The exact value of x as an MPFR number (values of float, double and
// Emulated types are doubles, exactly).
template <class T>
numerics::MpfrReal exact(const T& x) {
  if constexpr (std::is_same_v<T, numerics::MpfrReal>) {
    return x;
  } else if constexpr (std::is_same_v<T, numerics::BinFloat256>) {
    return numerics::to_mpfr(x);
  } else {
    return numerics::MpfrReal(numerics::ScalarTraits<T>::to_double(x), 53);
  }
}

template <class T>
std::vector<numerics::MpfrReal> exact_vector(const std::vector<T>& v) {
  std::vector<numerics::MpfrReal> out;
  out.reserve(v.size());
  for (const T& x : v) out.push_back(exact(x));
  return out;
}

template <class T>
int argmax(const std::vector<T>& v) {
  if (v.empty()) return -1;
  std::size_t best = 0;
  if constexpr (!numerics::ScalarTraits<T>::is_interval) {
    for (std::size_t i = 1; i < v.size(); ++i) {
      if (v[best] < v[i]) best = i;
    }
  }
  return static_cast<int>(best);
}

// What a track keeps of one sequence's last position.
template <class T>
struct LastPosition {
  std::vector<T> y;
  std::vector<T> logits;
  std::vector<std::vector<T>> residual;                  // [l] v^(l)
  std::vector<std::vector<T>> head_outputs_last_layer;   // [h]
  NumericalIssue issue;
};

template <class T>
PointMetrics measure(std::size_t n, const LastPosition<T>& a, const LastPosition<T>& b, const numerics::Format& y_format) {
  PointMetrics p;
  p.n = n;
  p.y_a = exact_vector(a.y);
  const std::vector<numerics::MpfrReal> y_b = exact_vector(b.y);
  const Difference dy = difference(p.y_a, y_b);
  p.d1 = dy.d1;
  p.d2 = dy.d2;
  p.dinf = dy.dinf;
  p.bitwise_equal = dy.identical == a.y.size();
  p.identical_fraction = static_cast<double>(dy.identical) / static_cast<double>(a.y.size());
  double norm = 0;
  for (const numerics::MpfrReal& x : p.y_a) norm = std::max(norm, std::fabs(x.to_double()));
  p.y_norm_inf = norm;
  p.ulp_distance = norm > 0 ? p.dinf / numerics::ulp(y_format, norm) : 0;
  p.argmax_a = argmax(a.logits);
  p.argmax_b = argmax(b.logits);
  for (std::size_t l = 0; l < a.residual.size(); ++l) {
    p.layer_d1.push_back(difference(exact_vector(a.residual[l]), exact_vector(b.residual[l])).d1);
  }
  const std::size_t heads = a.head_outputs_last_layer.size();
  if (heads > 0) {
    p.head_inf_min = std::numeric_limits<double>::infinity();
    p.head_inf_max = 0;
    double sum = 0;
    for (std::size_t h = 0; h < heads; ++h) {
      const double d = difference(exact_vector(a.head_outputs_last_layer[h]), exact_vector(b.head_outputs_last_layer[h])).dinf;
      sum += d;
      p.head_inf_min = std::min(p.head_inf_min, d);
      p.head_inf_max = std::max(p.head_inf_max, d);
    }
    p.head_inf_mean = sum / static_cast<double>(heads);
  }
  const NumericalIssue& issue = a.issue.found ? a.issue : b.issue;
  if (issue.found) {
    p.nonfinite = true;
    p.issue = std::string(a.issue.found ? "s" : "s*") + ": position " + std::to_string(issue.position) +
              (issue.layer >= 0 ? ", layer " + std::to_string(issue.layer) : "") + ", " + issue.step;
  }
  return p;
}

// What the onset predictors read of layer 0 at the last position pushed
// (predict.hpp): every position's values (the projected hook, rows
// overwritten when a walk goes back), the residual input of the last
// position (the input hook), and each head's scores and Z at that position
// (the state hook). Heads are sized up front: two threads may record
// different heads at once. A null record watches nothing.
struct ProbeRecord {
  std::size_t d_model = 0, kv_width = 0, d_head = 0, group = 1, last = 0;
  std::vector<double> values;        // [t · kv_width + i]
  std::vector<double> input;         // v^(0) of the last position pushed
  std::vector<ReferenceHead> heads;  // scores and Z of position `last`

  explicit ProbeRecord(const ModelConfig& c)
      : d_model(static_cast<std::size_t>(c.d_model)),
        kv_width(static_cast<std::size_t>(c.kv_width())),
        d_head(static_cast<std::size_t>(c.d_head)),
        group(static_cast<std::size_t>(c.n_heads / c.n_kv_heads)),
        heads(static_cast<std::size_t>(c.n_heads)) {}

  // Layer 0 of position `last`: its input, and its heads with their values
  // over N(last) = [last + 1 − m, last].
  ReferenceLayer0 last_layer0() const {
    ReferenceLayer0 out{heads, input};
    for (std::size_t h = 0; h < out.heads.size(); ++h) {
      const std::size_t m = out.heads[h].scores.size(), first = last + 1 - m, offset = (h / group) * d_head;
      out.heads[h].values.clear();
      for (std::size_t j = first; j <= last; ++j) {
        const double* row = values.data() + j * kv_width + offset;
        out.heads[h].values.insert(out.heads[h].values.end(), row, row + d_head);
      }
    }
    return out;
  }
};

template <class T>
struct ProbeRecorder : NoStepObserver {
  ProbeRecord* r = nullptr;
  // Layer 0's heads are all computed here, not shared with a row group.
  bool records_heads(std::size_t l) const { return r != nullptr && l == 0; }
  void input(std::size_t, const T* x) {
    if (r == nullptr) return;
    r->input.resize(r->d_model);
    for (std::size_t i = 0; i < r->d_model; ++i) r->input[i] = numerics::ScalarTraits<T>::to_double(x[i]);
  }
  void projected(std::size_t l, std::size_t t, const T*, const T*, const T* v) {
    if (r == nullptr || l != 0) return;
    r->values.resize((t + 1) * r->kv_width);
    for (std::size_t i = 0; i < r->kv_width; ++i) r->values[t * r->kv_width + i] = numerics::ScalarTraits<T>::to_double(v[i]);
    r->last = t;
  }
  void state(std::size_t l, std::size_t t, ForwardStep step, int head, const T* x, std::size_t n) {
    if (r == nullptr || l != 0 || t != r->last || head < 0) return;
    ReferenceHead& h = r->heads[static_cast<std::size_t>(head)];
    if (step == ForwardStep::scores) {
      h.scores.resize(n);
      for (std::size_t j = 0; j < n; ++j) h.scores[j] = numerics::ScalarTraits<T>::to_double(x[j]);
    } else if (step == ForwardStep::denominator) {
      h.denominator = numerics::ScalarTraits<T>::to_double(x[0]);
    }
  }
};

// The probe at n from the reference's outputs y(s), y(s*), layer 0 of
// each, and the model's layer-0 output projection (output_projection()).
template <class T>
ReferenceProbe make_probe(std::size_t n, const std::vector<T>& ya, const std::vector<T>& yb, ReferenceLayer0 a,
                          ReferenceLayer0 b, std::shared_ptr<const OutputProjection> projection) {
  ReferenceProbe probe;
  probe.n = n;
  probe.heads_a = std::move(a.heads);
  probe.heads_b = std::move(b.heads);
  probe.input_a = std::move(a.input);
  probe.input_b = std::move(b.input);
  probe.projection = std::move(projection);
  const std::vector<numerics::MpfrReal> ea = exact_vector(ya), eb = exact_vector(yb);
  probe.dinf = difference(ea, eb).dinf;
  for (std::size_t i = 0; i < ea.size(); ++i) {
    const mpfr_prec_t prec = std::max(mpfr_get_prec(ea[i].data()), mpfr_get_prec(eb[i].data())) + 64;
    numerics::MpfrReal diff(0L, prec);
    mpfr_sub(diff.data(), eb[i].data(), ea[i].data(), MPFR_RNDN);
    probe.delta.push_back(diff.to_double());
    probe.y_a.push_back(ea[i].to_double());
    probe.y_norm_inf = std::max(probe.y_norm_inf, std::fabs(probe.y_a.back()));
  }
  return probe;
}

// A decoder that follows a stream of sequences, keeping the common prefix.
template <class T, class R>
class FollowingDecoder {
 public:
  // With `probe`, the walk records what the onset predictors read (probe_layer0()).
  FollowingDecoder(const PreparedModel<T>& m, Env<T, R>& env, const ModelSource& model,
                   const numerics::RowGroup* group = nullptr, bool probe = false)
      : record_(probe ? std::make_unique<ProbeRecord>(model.config) : nullptr),
        decoder_(m, env, ProbeRecorder<T>{{}, record_.get()}),
        model_(model) {
    decoder_.set_two_threads(true);
    decoder_.set_row_group(group);
  }

  // Brings the decoder to `tokens`; returns the positions pushed. `seen`
  // (when given) receives y of every position pushed, with the length of
  // the prefix it ends.
  std::size_t follow(const std::vector<int>& tokens, const std::function<void(std::size_t, const std::vector<T>&)>& seen = {}) {
    std::size_t k = 0;
    while (k < current_.size() && k < tokens.size() && current_[k] == tokens[k]) ++k;
    if (k == tokens.size() && k == current_.size() && k > 0) return 0;
    if (k == tokens.size()) --k;  // recompute the last position to refresh its state
    decoder_.truncate(k);
    for (std::size_t t = k; t < tokens.size(); ++t) {
      if (model_.rows) {
        const std::vector<double> row = model_.rows->row(static_cast<std::size_t>(tokens[t]));
        decoder_.push_row(row.data());
      } else {
        decoder_.push(tokens[t]);
      }
      if (seen) seen(t + 1, decoder_.last().y);
    }
    current_ = tokens;
    return tokens.size() - k;
  }

  // The sequence followed so far, and y of its last position.
  const std::vector<int>& current() const { return current_; }
  const std::vector<T>& last_y() const { return decoder_.last().y; }

  // Layer 0 at the last position (constructed with `probe`).
  ReferenceLayer0 probe_layer0() const { return record_->last_layer0(); }

  LastPosition<T> last(bool logits) {
    LastPosition<T> p;
    const PositionState<T>& s = decoder_.last();
    p.y = s.y;
    if (logits) p.logits = decoder_.logits();
    p.residual = s.residual;
    if (!s.head_outputs.empty()) p.head_outputs_last_layer = s.head_outputs.back();
    p.issue = decoder_.issue();
    return p;
  }

 private:
  std::unique_ptr<ProbeRecord> record_;
  Decoder<T, R, ProbeRecorder<T>> decoder_;
  const ModelSource& model_;
  std::vector<int> current_;
};

// The n strictly between two points of a thinned sweep whose pairs the
// KV-cache walk computes anyway: when s(m) and s*(m) are both prefixes of
// the sequence walked to (count-ones: every m), their last positions are
// pushed on the way, so collapse at m is tested at the cost of comparing
// two rows. y is kept only until every m that needs it has been tested.
template <class T>
class WalkedPoints {
 public:
  // m = from .. to-1 along a walk to `walked`; none unless every one of them lies on it.
  WalkedPoints(const PairFamily& family, std::size_t from, std::size_t to, const std::vector<int>& walked)
      : from_(from) {
    const auto on_walk = [&](const std::vector<int>& s) {
      return s.size() <= walked.size() && std::equal(s.begin(), s.end(), walked.begin());
    };
    for (std::size_t m = from; m < to; ++m) {
      const SequencePair pair = family.at(m);
      if (!on_walk(pair.a) || !on_walk(pair.b)) {
        pending_.clear();
        return;
      }
      pending_.push_back({m, pair.a.size(), pair.b.size()});
    }
  }

  // y of the walked prefix of `length` tokens.
  void see(std::size_t length, const std::vector<T>& y) {
    if (next_ == pending_.size() || length < needed_from()) return;
    kept_.insert_or_assign(length, y);
    while (next_ < pending_.size()) {
      const Pending& p = pending_[next_];
      const auto a = kept_.find(p.length_a), b = kept_.find(p.length_b);
      if (a == kept_.end() || b == kept_.end()) return;
      if (difference(exact_vector(a->second), exact_vector(b->second)).identical == a->second.size()) {
        collapsed_.push_back(p.m);
      }
      ++next_;
      kept_.erase(kept_.begin(), kept_.lower_bound(needed_from()));
    }
  }

  // Records the walked n in p when every one of them was tested.
  void finish(PointMetrics& p) const {
    if (pending_.empty() || next_ < pending_.size()) return;
    p.walked_from = from_;
    p.walked_collapsed = collapsed_;
  }

 private:
  struct Pending {
    std::size_t m, length_a, length_b;
  };
  // The shortest prefix an untested m still needs.
  std::size_t needed_from() const {
    return next_ < pending_.size() ? std::min(pending_[next_].length_a, pending_[next_].length_b) : 0;
  }

  std::size_t from_;
  std::vector<Pending> pending_;
  std::size_t next_ = 0;
  std::map<std::size_t, std::vector<T>> kept_;  // y by prefix length
  std::vector<std::size_t> collapsed_;
};

// A full forward of one sequence, for models without a causal mask; with
// a row group, its members share every position's rows and heads.
template <class T, class R>
LastPosition<T> last_position_from_scratch(const PreparedModel<T>& m, Env<T, R>& env, const ModelSource& model,
                                           const std::vector<int>& tokens, bool logits,
                                           const numerics::RowGroup* group, ProbeRecord* record = nullptr) {
  ForwardOptions o;
  o.two_threads = true;
  o.group = group;
  o.keep_residual = true;
  o.all_positions = false;
  o.logits = logits;
  const Trace<T> trace = forward(m, env, make_input(model, tokens), o, ProbeRecorder<T>{{}, record});
  LastPosition<T> p;
  p.y.assign(trace.y.row(0), trace.y.row(0) + trace.y.cols);
  if (logits) p.logits.assign(trace.logits.row(0), trace.logits.row(0) + trace.logits.cols);
  const std::size_t last = tokens.size() - 1;
  for (const Matrix<T>& r : trace.residual) p.residual.emplace_back(r.row(last), r.row(last) + r.cols);
  if (!trace.last_head_outputs.empty()) p.head_outputs_last_layer = trace.last_head_outputs.back();
  p.issue = trace.issue;
  return p;
}

template <class T>
std::vector<PointMetrics> run_track_as(const ModelSource& model, const PairFamily& family, const TrackSpec& track,
                                       const SweepSettings& settings, std::size_t first_index,
                                       const std::function<void(const PointMetrics&)>& on_point,
                                       const std::function<void(double)>& on_work, const numerics::RowGroup* group,
                                       const std::function<void(const ReferenceProbe&)>& on_probe) {
  if constexpr (numerics::ScalarTraits<T>::is_interval) {
    throw InputError("intervals are not a sweep format; they certify onsets");
  }
  const auto ctx = make_context<T>(track.run);
  const numerics::Format y_format = track.run.policy.at(Site::activations).format;
  const bool logits = model.config.has_unembedding;
  const bool probing = static_cast<bool>(on_probe);
  std::vector<PointMetrics> points;
  // Points are reported from first_index on, probed from index 0 (a
  // resumed sweep predicts the same onsets).
  const std::size_t start = probing ? 0 : first_index;
  const std::shared_ptr<const OutputProjection> projection = probing ? output_projection(model) : nullptr;
  const auto probe = [&](std::size_t n, const std::vector<T>& ya, const std::vector<T>& yb, ReferenceLayer0 a,
                         ReferenceLayer0 b) {
    on_probe(make_probe(n, ya, yb, std::move(a), std::move(b), projection));
  };
  const auto body = [&](auto& rounder) {
    using R = std::remove_reference_t<decltype(rounder)>;
    Env<T, R> env{ctx, rounder};
    env.orders = track.run.policy.orders();
    const PreparedModel<T> m = prepare(model, env);
    if (model.config.causal) {
      // When s is a prefix of s* (count-ones, repeat-last, commas, ...) one
      // decoder follows s, then s*, then the next s, which often equals the
      // previous s* (count-ones: one push per n); otherwise two decoders.
      // The n between two points are tested on the way when they lie on
      // the walk (nested pairs only; never below the first n asked for).
      FollowingDecoder<T, R> da(m, env, model, group, probing), db(m, env, model, group, probing);
      for (std::size_t i = start; i < settings.ns.size(); ++i) {
        const bool reported = i >= first_index;
        const std::size_t n = settings.ns[i];
        const SequencePair pair = family.at(n);
        const bool nested = pair.a.size() < pair.b.size() && std::equal(pair.a.begin(), pair.a.end(), pair.b.begin());
        const std::size_t previous = i > 0 ? settings.ns[i - 1] : n - 1;
        WalkedPoints<T> walked(family, nested && reported ? previous + 1 : n, n, pair.b);
        const auto seen = [&](std::size_t length, const std::vector<T>& y) { walked.see(length, y); };
        const std::vector<int>& at = da.current();  // its last y is on the walk when `at` is
        if (!at.empty() && at.size() <= pair.b.size() && std::equal(at.begin(), at.end(), pair.b.begin())) {
          walked.see(at.size(), da.last_y());
        }
        const std::size_t pushed_a = da.follow(pair.a, seen);
        const LastPosition<T> last_a = da.last(logits);
        ReferenceLayer0 layer0_a;
        if (probing) layer0_a = da.probe_layer0();
        FollowingDecoder<T, R>& for_b = nested ? da : db;
        const std::size_t pushed_b = for_b.follow(pair.b, seen);
        const LastPosition<T> last_b = for_b.last(logits);
        if (probing) probe(n, last_a.y, last_b.y, std::move(layer0_a), for_b.probe_layer0());
        if (!reported) continue;
        PointMetrics p = measure(n, last_a, last_b, y_format);
        walked.finish(p);
        if (on_point) on_point(p);
        points.push_back(std::move(p));
        if (on_work) {
          on_work(push_work(model.config, pair.a.size() + 1 - pushed_a, pair.a.size()) +
                  push_work(model.config, pair.b.size() + 1 - pushed_b, pair.b.size()));
        }
      }
    } else {
      std::unique_ptr<ProbeRecord> ra, rb;
      if (probing) {
        ra = std::make_unique<ProbeRecord>(model.config);
        rb = std::make_unique<ProbeRecord>(model.config);
      }
      for (std::size_t i = start; i < settings.ns.size(); ++i) {
        const std::size_t n = settings.ns[i];
        const SequencePair pair = family.at(n);
        const LastPosition<T> a = last_position_from_scratch(m, env, model, pair.a, logits, group, probing ? ra.get() : nullptr);
        const LastPosition<T> b = last_position_from_scratch(m, env, model, pair.b, logits, group, probing ? rb.get() : nullptr);
        if (probing) probe(n, a.y, b.y, ra->last_layer0(), rb->last_layer0());
        if (i < first_index) continue;
        PointMetrics p = measure(n, a, b, y_format);
        if (on_point) on_point(p);
        points.push_back(std::move(p));
        if (on_work) on_work(push_work(model.config, 1, pair.a.size()) + push_work(model.config, 1, pair.b.size()));
      }
    }
  };
  with_site_rounder<T>(track.run, ctx, body);
  return points;
}

// Certified bounds of max_i |y_i(a) - y_i(b)| at the last position of two
// sequences (interval_distance): both forwards and the differences in the
// interval type T. A template so that it is compiled in T's own unit (the
// units are generated per list index); for point types there is nothing to
// certify, and the body is not compiled.
template <class T>
DistanceEnclosure distance_as(const ModelSource& model, const RunSpec& spec, const std::vector<int>& a,
                              const std::vector<int>& b, const numerics::RowGroup* group) {
  if constexpr (!numerics::ScalarTraits<T>::is_interval) {
    throw Error("certified distances are computed in interval arithmetic, not in " +
                numerics::ScalarTraits<T>::name(make_context<T>(spec)));
  } else {
    using numerics::abs;
    const auto ctx = make_context<T>(spec);
    NoSiteRounding rounder;
    Env<T, NoSiteRounding> env{ctx, rounder};
    const PreparedModel<T> prepared = prepare(model, env);
    LastPosition<T> ya, yb;
    if (model.config.causal) {
      FollowingDecoder<T, NoSiteRounding> decoder(prepared, env, model, group);
      decoder.follow(a);
      ya = decoder.last(false);
      decoder.follow(b);
      yb = decoder.last(false);
    } else {
      ya = last_position_from_scratch(prepared, env, model, a, false, group);
      yb = last_position_from_scratch(prepared, env, model, b, false, group);
    }
    DistanceEnclosure out;
    out.issue = ya.issue.found ? ya.issue : yb.issue;
    for (std::size_t i = 0; i < ya.y.size(); ++i) {
      const auto [lo, hi] = numerics::ScalarTraits<T>::bounds(abs(ya.y[i] - yb.y[i]));
      out.lower = std::max(out.lower, lo);
      out.upper = std::max(out.upper, hi);
    }
    return out;
  }
}

}  // namespace glasses::model::detail

#define GLASSES_INSTANTIATE_DISTANCE(T)                                                                        \
  template glasses::model::DistanceEnclosure glasses::model::detail::distance_as<T>(                          \
      const glasses::model::ModelSource&, const glasses::model::RunSpec&, const std::vector<int>&,             \
      const std::vector<int>&, const glasses::numerics::RowGroup*);

// Everything a scalar type needs, in its one translation unit.
#define GLASSES_INSTANTIATE_SCALAR(T) \
  GLASSES_INSTANTIATE_MODEL(T)        \
  GLASSES_INSTANTIATE_TRACK(T)        \
  GLASSES_INSTANTIATE_DISTANCE(T)

#define GLASSES_INSTANTIATE_TRACK(T)                                                                           \
  template std::vector<glasses::model::PointMetrics> glasses::model::detail::run_track_as<T>(                  \
      const glasses::model::ModelSource&, const glasses::model::PairFamily&, const glasses::model::TrackSpec&, \
      const glasses::model::SweepSettings&, std::size_t,                                                       \
      const std::function<void(const glasses::model::PointMetrics&)>&, const std::function<void(double)>&, \
      const glasses::numerics::RowGroup*, const std::function<void(const glasses::model::ReferenceProbe&)>&);
