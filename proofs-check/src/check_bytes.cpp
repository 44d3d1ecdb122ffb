#include "glasses/proofs/check_bytes.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

#include "glasses/numerics/error.hpp"

namespace glasses::proofs {
namespace {

// Fixed-width little pieces in a row: counts and lengths as uint64,
// doubles as their uint64 bits, enumerators and flags as one byte.
class Writer {
 public:
  void u64(std::uint64_t x) { out_.append(reinterpret_cast<const char*>(&x), sizeof x); }
  void u8(std::uint8_t x) { out_.push_back(static_cast<char>(x)); }
  void f64(double x) { u64(std::bit_cast<std::uint64_t>(x)); }
  void str(const std::string& s) {
    u64(s.size());
    out_ += s;
  }
  template <class T, class F>
  void list(const std::vector<T>& v, F&& each) {
    u64(v.size());
    for (const T& x : v) each(x);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  std::uint64_t u64() {
    std::uint64_t x = 0;
    std::memcpy(&x, bytes(sizeof x).data(), sizeof x);
    return x;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(bytes(1)[0]); }
  double f64() { return std::bit_cast<double>(u64()); }
  std::string str() { return std::string(bytes(count(1))); }
  // An enumerator below `limit`.
  template <class E>
  E enumerator(std::uint8_t limit, const char* what) {
    const std::uint8_t x = u8();
    if (x >= limit) throw Error(std::string("check result bytes: ") + what + " " + std::to_string(x) + " is out of range");
    return static_cast<E>(x);
  }
  template <class T, class F>
  void list(std::vector<T>& v, F&& each) {
    v.resize(count(1));
    for (T& x : v) each(x);
  }
  void finish() const {
    if (!in_.empty()) throw Error("check result bytes: " + std::to_string(in_.size()) + " trailing bytes");
  }

 private:
  std::string_view bytes(std::size_t n) {
    if (in_.size() < n) throw Error("check result bytes: cut short");
    const std::string_view b = in_.substr(0, n);
    in_.remove_prefix(n);
    return b;
  }
  // A count of items of at least `min_bytes` each: never more than the bytes left could hold.
  std::size_t count(std::size_t min_bytes) {
    const std::uint64_t n = u64();
    if (n > in_.size() / min_bytes) throw Error("check result bytes: cut short");
    return static_cast<std::size_t>(n);
  }

  std::string_view in_;
};

void write(Writer& w, const Bounds& b) {
  w.f64(b.lower);
  w.f64(b.upper);
}

void read(Reader& r, Bounds& b) {
  b.lower = r.f64();
  b.upper = r.f64();
}

}  // namespace

std::string to_bytes(const CheckResult& c) {
  Writer w;
  w.str(c.id);
  w.str(c.statement);
  w.u8(static_cast<std::uint8_t>(c.expected));
  w.str(c.hypotheses);
  w.list(c.instances, [&](const Instance& i) {
    w.str(i.description);
    w.str(i.lhs_label);
    w.str(i.rhs_label);
    write(w, i.lhs);
    write(w, i.rhs);
    w.u8(static_cast<std::uint8_t>(i.relation));
    w.f64(i.margin);
    w.u8(static_cast<std::uint8_t>(i.verdict));
    w.str(i.witness);
  });
  w.list(c.data, [&](const Series& s) {
    w.str(s.name);
    w.list(s.columns, [&](const std::string& x) { w.str(x); });
    w.list(s.rows, [&](const std::vector<double>& row) { w.list(row, [&](double x) { w.f64(x); }); });
  });
  w.list(c.figures, [&](const FigureData& f) {
    w.str(f.name);
    w.u8(static_cast<std::uint8_t>(f.section));
    w.list(f.curves, [&](const Curve& k) {
      w.str(k.series);
      w.str(k.x);
      w.str(k.y);
      w.str(k.subject);
      w.u64(k.colour);
      w.u8(k.companion ? 1 : 0);
      w.u8(k.rows ? 1 : 0);
      if (k.rows) {
        w.str(k.rows->column);
        w.f64(k.rows->value);
      }
    });
    w.list(f.levels, [&](double x) { w.f64(x); });
  });
  w.list(c.notes, [&](const std::string& x) { w.str(x); });
  return w.take();
}

CheckResult check_result_from_bytes(std::string_view bytes) {
  Reader r(bytes);
  CheckResult c;
  c.id = r.str();
  c.statement = r.str();
  c.expected = r.enumerator<Expectation>(3, "expectation");
  c.hypotheses = r.str();
  r.list(c.instances, [&](Instance& i) {
    i.description = r.str();
    i.lhs_label = r.str();
    i.rhs_label = r.str();
    read(r, i.lhs);
    read(r, i.rhs);
    i.relation = r.enumerator<Relation>(3, "relation");
    i.margin = r.f64();
    i.verdict = r.enumerator<Verdict>(static_cast<std::uint8_t>(kVerdictNames.size()), "verdict");
    i.witness = r.str();
  });
  r.list(c.data, [&](Series& s) {
    s.name = r.str();
    r.list(s.columns, [&](std::string& x) { x = r.str(); });
    r.list(s.rows, [&](std::vector<double>& row) { r.list(row, [&](double& x) { x = r.f64(); }); });
  });
  r.list(c.figures, [&](FigureData& f) {
    f.name = r.str();
    f.section = r.enumerator<ReportSection>(2, "report section");
    r.list(f.curves, [&](Curve& k) {
      k.series = r.str();
      k.x = r.str();
      k.y = r.str();
      k.subject = r.str();
      k.colour = static_cast<std::size_t>(r.u64());
      k.companion = r.enumerator<std::uint8_t>(2, "flag") != 0;
      if (r.enumerator<std::uint8_t>(2, "flag") != 0) {
        RowFilter filter;
        filter.column = r.str();
        filter.value = r.f64();
        k.rows = filter;
      }
    });
    r.list(f.levels, [&](double& x) { x = r.f64(); });
  });
  r.list(c.notes, [&](std::string& x) { x = r.str(); });
  r.finish();
  return c;
}

}  // namespace glasses::proofs
