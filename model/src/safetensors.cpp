#include "glasses/model/safetensors.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "glasses/numerics/error.hpp"

namespace glasses::model {

static_assert(std::endian::native == std::endian::little, "safetensors data is little-endian");
static_assert(std::numeric_limits<double>::is_iec559 && std::numeric_limits<float>::is_iec559,
              "decoding assumes IEEE binary32 and binary64");

namespace {

using nlohmann::json;

// The safetensors crate refuses headers above 100 MB; so do we.
constexpr std::uint64_t kMaxHeaderBytes = 100'000'000;


[[noreturn]] void fail(const std::filesystem::path& file, const std::string& why) {
  throw InputError("safetensors " + file.string() + ": " + why);
}
[[noreturn]] void fail(const std::filesystem::path& file, std::string_view tensor, const std::string& why) {
  throw InputError("safetensors " + file.string() + ": tensor " + in_quotes(tensor) + ": " + why);
}

// a·b, or false on overflow of size_t.
bool checked_mul(std::size_t a, std::size_t b, std::size_t& out) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) return false;
  out = a * b;
  return true;
}

// A non-negative JSON integer that fits in size_t, or false.
bool as_size(const json& j, std::size_t& out) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v > std::numeric_limits<std::size_t>::max()) return false;
    out = static_cast<std::size_t>(v);
    return true;
  }
  if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    if (v < 0) return false;
    out = static_cast<std::size_t>(v);
    return true;
  }
  return false;
}

const DtypeInfo* find_dtype(std::string_view name) {
  for (const DtypeInfo& d : kDtypes) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::string dtype_list() {
  std::string s;
  for (const DtypeInfo& d : kDtypes) {
    if (!s.empty()) s += ", ";
    s += d.name;
  }
  return s;
}

// The exact binary64 pattern of a binary format with `ebits` exponent and
// `mbits` fraction bits (ebits <= 11, mbits <= 52): same sign, re-biased
// exponent, fraction shifted left; subnormals are normalised first, and the
// all-ones exponent maps to infinity or a NaN with the same payload bits.
std::uint64_t widen_to_binary64(std::uint64_t bits, int ebits, int mbits) {
  const std::uint64_t sign = (bits >> (ebits + mbits)) & 1U;
  const std::uint64_t exp_mask = (std::uint64_t{1} << ebits) - 1;
  const std::uint64_t frac_mask = (std::uint64_t{1} << mbits) - 1;
  std::uint64_t exponent = (bits >> mbits) & exp_mask;
  std::uint64_t fraction = bits & frac_mask;
  const std::uint64_t sign_bit = sign << 63;
  const int shift = 52 - mbits;
  if (exponent == exp_mask) return sign_bit | (std::uint64_t{0x7FF} << 52) | (fraction << shift);
  const std::int64_t bias = (std::int64_t{1} << (ebits - 1)) - 1;
  std::int64_t unbiased = 0;
  if (exponent == 0) {
    if (fraction == 0) return sign_bit;  // ±0
    // Subnormal: fraction · 2^(1 - bias - mbits). Move the leading 1 to bit
    // mbits (s shifts); the value is then 1.f · 2^(1 - bias - s).
    int s = 0;
    while ((fraction & (std::uint64_t{1} << mbits)) == 0) {
      fraction <<= 1;
      ++s;
    }
    fraction &= frac_mask;
    unbiased = 1 - bias - s;
  } else {
    unbiased = static_cast<std::int64_t>(exponent) - bias;
  }
  const auto biased64 = static_cast<std::uint64_t>(unbiased + 1023);
  return sign_bit | (biased64 << 52) | (fraction << shift);
}

// RAII file descriptor.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Parses [first, last) as JSON, rejecting a key repeated at the top level and,
// when `nested` is given, a key repeated inside the top-level object `nested`
// (nlohmann::json would silently keep the last one).
json parse_json_checked(const char* first, const char* last, const std::filesystem::path& file, const char* what,
                        const char* nested = nullptr) {
  std::set<std::string> top_keys;
  std::set<std::string> nested_keys;
  std::string duplicate_top;
  std::string duplicate_nested;
  bool inside_nested = false;
  const json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) {
    if (event != json::parse_event_t::key) return true;
    const std::string key = parsed.get<std::string>();
    if (depth == 1) {
      inside_nested = nested != nullptr && key == nested;
      if (!top_keys.insert(key).second && duplicate_top.empty()) duplicate_top = key;
    } else if (depth == 2 && inside_nested) {
      if (!nested_keys.insert(key).second && duplicate_nested.empty()) duplicate_nested = key;
    }
    return true;
  };
  json j;
  try {
    j = json::parse(first, last, cb);
  } catch (const json::exception& e) {
    fail(file, std::string(what) + " is not valid JSON: " + printable(e.what()));
  }
  if (!duplicate_top.empty()) fail(file, std::string(what) + " names " + in_quotes(duplicate_top) + " twice");
  if (!duplicate_nested.empty()) {
    fail(file, duplicate_nested, std::string("listed twice in \"") + nested + "\"");
  }
  return j;
}

}  // namespace

const DtypeInfo& dtype_info(Dtype dtype) {
  for (const DtypeInfo& d : kDtypes) {
    if (d.dtype == dtype) return d;
  }
  throw Error("dtype_info: unknown Dtype value");
}

double f16_to_double(std::uint16_t bits) { return std::bit_cast<double>(widen_to_binary64(bits, 5, 10)); }
double bf16_to_double(std::uint16_t bits) { return std::bit_cast<double>(widen_to_binary64(bits, 8, 7)); }

std::size_t TensorInfo::element_count() const {
  std::size_t n = 1;
  for (std::size_t s : shape) n *= s;  // overflow excluded when the header was validated
  return n;
}

std::string shape_string(std::span<const std::size_t> shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

// --- SafetensorsFile --------------------------------------------------------

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
  {
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (f.fd < 0) fail(path_, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(f.fd, &st) != 0) fail(path_, std::string("cannot stat: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail(path_, "not a regular file");
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    if (file_size < 8) {
      fail(path_, "file is " + std::to_string(file_size) + " bytes, shorter than the 8-byte header length");
    }
    if (file_size > std::numeric_limits<std::size_t>::max()) fail(path_, "file too large to map");
    size_ = static_cast<std::size_t>(file_size);
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
    if (p == MAP_FAILED) {
      size_ = 0;
      fail(path_, std::string("cannot map: ") + std::strerror(errno));
    }
    data_ = static_cast<const std::byte*>(p);
  }
  try {
    std::uint64_t n = 0;
    std::memcpy(&n, data_, 8);  // little-endian host (static_assert above)
    if (n > kMaxHeaderBytes) {
      fail(path_, "header length " + std::to_string(n) + " exceeds the 100 MB limit (corrupt file?)");
    }
    if (n > size_ - 8) {
      fail(path_, "header length " + std::to_string(n) + " runs beyond the end of the file (" +
                      std::to_string(size_) + " bytes)");
    }
    data_start_ = 8 + static_cast<std::size_t>(n);
    const std::size_t data_size = size_ - data_start_;
    const char* header = reinterpret_cast<const char*>(data_ + 8);
    const json j = parse_json_checked(header, header + n, path_, "header");
    if (!j.is_object()) fail(path_, "header is not a JSON object");

    for (const auto& [name, entry] : j.items()) {
      if (name == "__metadata__") {
        if (!entry.is_object()) fail(path_, "__metadata__ is not an object");
        for (const auto& [key, value] : entry.items()) {
          if (!value.is_string()) fail(path_, "__metadata__ value of " + in_quotes(key) + " is not a string");
          metadata_.emplace(key, value.get<std::string>());
        }
        continue;
      }
      if (!entry.is_object()) fail(path_, name, "entry is not an object");
      TensorInfo t;
      t.name = name;

      const auto dt = entry.find("dtype");
      if (dt == entry.end()) fail(path_, name, "missing \"dtype\"");
      if (!dt->is_string()) fail(path_, name, "\"dtype\" is not a string");
      const std::string dtype_name = dt->get<std::string>();
      const DtypeInfo* info = find_dtype(dtype_name);
      if (info == nullptr) {
        fail(path_, name, "unknown dtype " + in_quotes(dtype_name) + " (known: " + dtype_list() + ")");
      }
      t.dtype = info->dtype;

      const auto sh = entry.find("shape");
      if (sh == entry.end()) fail(path_, name, "missing \"shape\"");
      if (!sh->is_array()) fail(path_, name, "\"shape\" is not an array");
      std::size_t count = 1;
      for (const json& dim : *sh) {
        std::size_t s = 0;
        if (!as_size(dim, s)) fail(path_, name, "\"shape\" entry " + dim.dump() + " is not a non-negative integer");
        t.shape.push_back(s);
        if (!checked_mul(count, s, count)) fail(path_, name, "shape " + sh->dump() + " overflows");
      }
      std::size_t bytes = 0;
      if (!checked_mul(count, info->size, bytes)) fail(path_, name, "shape " + sh->dump() + " overflows");

      const auto off = entry.find("data_offsets");
      if (off == entry.end()) fail(path_, name, "missing \"data_offsets\"");
      if (!off->is_array() || off->size() != 2 || !as_size((*off)[0], t.begin) || !as_size((*off)[1], t.end)) {
        fail(path_, name, "\"data_offsets\" " + off->dump() + " is not two non-negative integers");
      }
      if (t.end < t.begin) fail(path_, name, "data_offsets " + off->dump() + " end before begin");
      if (t.end > data_size) {
        fail(path_, name, "data_offsets " + off->dump() + " out of range: the data section has " +
                              std::to_string(data_size) + " bytes");
      }
      if (t.end - t.begin != bytes) {
        fail(path_, name, "data_offsets " + off->dump() + " span " + std::to_string(t.end - t.begin) +
                              " bytes, but shape " + shape_string(t.shape) + " of " + dtype_name + " needs " +
                              std::to_string(bytes));
      }
      tensors_.push_back(std::move(t));
    }

    // Overlaps: sort the non-empty ranges by begin; each must start at or
    // after the previous one's end.
    std::vector<const TensorInfo*> by_offset;
    for (const TensorInfo& t : tensors_) {
      if (t.end > t.begin) by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
    for (std::size_t i = 1; i < by_offset.size(); ++i) {
      const TensorInfo& a = *by_offset[i - 1];
      const TensorInfo& b = *by_offset[i];
      if (b.begin < a.end) {
        fail(path_, b.name,
             "data [" + std::to_string(b.begin) + ", " + std::to_string(b.end) + ") overlaps tensor " +
                 in_quotes(a.name) + " [" + std::to_string(a.begin) + ", " + std::to_string(a.end) + ")");
      }
    }
    std::sort(tensors_.begin(), tensors_.end(),
              [](const TensorInfo& a, const TensorInfo& b) { return a.name < b.name; });
  } catch (...) {
    release();
    throw;
  }
}

void SafetensorsFile::release() noexcept {
  if (data_ != nullptr) {
    ::munmap(const_cast<std::byte*>(data_), size_);
    data_ = nullptr;
  }
  size_ = 0;
}

SafetensorsFile::~SafetensorsFile() { release(); }

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      data_start_(other.data_start_),
      tensors_(std::move(other.tensors_)),
      metadata_(std::move(other.metadata_)) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
  if (this != &other) {
    release();
    path_ = std::move(other.path_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    data_start_ = other.data_start_;
    tensors_ = std::move(other.tensors_);
    metadata_ = std::move(other.metadata_);
  }
  return *this;
}

const TensorInfo* SafetensorsFile::find(std::string_view name) const {
  const auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                                   [](const TensorInfo& t, std::string_view n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

const TensorInfo& SafetensorsFile::at(std::string_view name) const {
  const TensorInfo* t = find(name);
  if (t == nullptr) fail(path_, name, "not in this file");
  return *t;
}

std::span<const std::byte> SafetensorsFile::raw(const TensorInfo& t) const {
  // Checked against the mapped size when the header was read; re-checked
  // here because `t` may come from elsewhere.
  if (t.end < t.begin || t.end > size_ - data_start_) fail(path_, t.name, "offsets outside this file");
  return {data_ + data_start_ + t.begin, t.end - t.begin};
}

template <class V>
std::vector<V> SafetensorsFile::decode_as(const TensorInfo& t) const {
  const DtypeInfo& info = dtype_info(t.dtype);
  if (!info.decodable) {
    fail(path_, t.name, "dtype " + std::string(info.name) + " cannot be decoded as floating-point weights " +
                            "(F64, F32, F16 or BF16 expected)");
  }
  const std::span<const std::byte> bytes = raw(t);
  const std::size_t n = bytes.size() / info.size;
  std::vector<V> out(n);
  const std::byte* p = bytes.data();
  switch (t.dtype) {
    case Dtype::f64:
      if constexpr (!std::is_same_v<V, double>) {
        fail(path_, t.name, "internal: F64 decoded as binary32");
      } else {
        std::memcpy(out.data(), p, n * sizeof(double));
      }
      break;
    case Dtype::f32:
      for (std::size_t i = 0; i < n; ++i) {
        float x = 0;
        std::memcpy(&x, p + 4 * i, 4);
        out[i] = static_cast<V>(x);
      }
      break;
    case Dtype::f16:
    case Dtype::bf16: {
      const bool half = t.dtype == Dtype::f16;
      for (std::size_t i = 0; i < n; ++i) {
        std::uint16_t b = 0;
        std::memcpy(&b, p + 2 * i, 2);
        out[i] = static_cast<V>(half ? f16_to_double(b) : bf16_to_double(b));
      }
      break;
    }
    default:
      fail(path_, t.name, "internal: undecodable dtype");
  }
  return out;
}

template std::vector<double> SafetensorsFile::decode_as<double>(const TensorInfo&) const;
template std::vector<float> SafetensorsFile::decode_as<float>(const TensorInfo&) const;

// --- SafetensorsArchive -----------------------------------------------------

void SafetensorsArchive::add(std::unique_ptr<SafetensorsFile> file) {
  const SafetensorsFile* f = file.get();
  files_.push_back(std::move(file));
  for (const TensorInfo& t : f->tensors()) {
    const auto [it, inserted] = entries_.emplace(t.name, Entry{f, &t});
    if (!inserted) {
      throw InputError("safetensors " + source_.string() + ": tensor " + in_quotes(t.name) + " is stored twice, in " +
                       it->second.file->path().string() + " and " + f->path().string());
    }
  }
}

SafetensorsArchive SafetensorsArchive::open_file(const std::filesystem::path& file) {
  SafetensorsArchive a;
  a.source_ = file;
  a.add(std::make_unique<SafetensorsFile>(file));
  return a;
}

SafetensorsArchive SafetensorsArchive::open_index(const std::filesystem::path& index_json) {
  SafetensorsArchive a;
  a.source_ = index_json;
  std::ifstream in(index_json, std::ios::binary);
  if (!in) fail(index_json, "cannot open the index");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const json j = parse_json_checked(text.data(), text.data() + text.size(), index_json, "index", "weight_map");
  if (!j.is_object()) fail(index_json, "index is not a JSON object");
  const auto wm = j.find("weight_map");
  if (wm == j.end()) fail(index_json, "index has no \"weight_map\"");
  if (!wm->is_object()) fail(index_json, "\"weight_map\" is not an object");

  const std::filesystem::path dir = index_json.parent_path();
  std::map<std::string, std::vector<std::string>> by_file;  // shard -> tensors mapped to it
  for (const auto& [name, shard] : wm->items()) {
    if (!shard.is_string()) fail(index_json, name, "\"weight_map\" value is not a string");
    const std::string s = shard.get<std::string>();
    if (s.empty() || s == "." || s == ".." || s.find('/') != std::string::npos || s.find('\\') != std::string::npos) {
      fail(index_json, name, "shard " + in_quotes(s) + " is not a plain file name in the index's directory");
    }
    by_file[s].push_back(name);
  }
  if (by_file.empty()) fail(index_json, "\"weight_map\" is empty");

  // Pass 1: every listed shard exists and holds the tensors mapped to it.
  std::map<std::string, std::string, std::less<>> shard_of;  // tensor -> shard
  std::vector<std::pair<std::string, std::unique_ptr<SafetensorsFile>>> shards;
  for (const auto& [shard, names] : by_file) {
    const std::filesystem::path p = dir / shard;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(p, ec)) {
      fail(index_json, names.front(), "mapped to " + in_quotes(shard) + ", which does not exist");
    }
    auto file = std::make_unique<SafetensorsFile>(p);
    for (const std::string& name : names) {
      if (file->find(name) == nullptr) {
        fail(index_json, name, "mapped to " + in_quotes(shard) + " but not stored there");
      }
      shard_of.emplace(name, shard);
    }
    shards.emplace_back(shard, std::move(file));
  }
  // Pass 2: no shard holds a tensor the index maps elsewhere or not at all.
  for (const auto& [shard, file] : shards) {
    for (const TensorInfo& t : file->tensors()) {
      const auto it = shard_of.find(t.name);
      if (it == shard_of.end()) {
        fail(index_json, t.name, "stored in " + in_quotes(shard) + " but not listed in \"weight_map\"");
      }
      if (it->second != shard) {
        fail(index_json, t.name, "stored in " + in_quotes(shard) + " as well as in " + in_quotes(it->second) +
                                     ", to which the index maps it");
      }
    }
  }
  for (auto& [shard, file] : shards) a.add(std::move(file));
  return a;
}

SafetensorsArchive SafetensorsArchive::open_directory(const std::filesystem::path& dir) {
  std::error_code ec;
  const std::filesystem::path single = dir / "model.safetensors";
  if (std::filesystem::exists(single, ec)) return open_file(single);
  const std::filesystem::path index = dir / "model.safetensors.index.json";
  if (std::filesystem::exists(index, ec)) return open_index(index);
  throw InputError("checkpoint " + dir.string() +
                   ": neither model.safetensors nor model.safetensors.index.json is present");
}

std::vector<std::string> SafetensorsArchive::names() const {
  std::vector<std::string> out;
  out.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) out.push_back(name);
  return out;
}

SafetensorsArchive::Entry SafetensorsArchive::find(std::string_view name) const {
  const auto it = entries_.find(name);
  return it == entries_.end() ? Entry{nullptr, nullptr} : it->second;
}

SafetensorsArchive::Entry SafetensorsArchive::at(std::string_view name) const {
  const Entry e = find(name);
  if (e.tensor == nullptr) fail(source_, name, "not in the checkpoint");
  return e;
}

std::vector<double> SafetensorsArchive::decode(std::string_view name) const {
  const Entry e = at(name);
  return e.file->decode(*e.tensor);
}

}  // namespace glasses::model
