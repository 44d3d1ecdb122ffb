// safetensors: reading tensors stored in Hugging Face's safetensors format.
//
// The format (https://github.com/huggingface/safetensors):
//
//   bytes [0, 8)          N, the header length, a little-endian u64
//   bytes [8, 8 + N)      a JSON object, padded with spaces:
//                           {"<name>": {"dtype": "F32", "shape": [48, 32],
//                                       "data_offsets": [begin, end]}, ...,
//                            "__metadata__": {"format": "pt"}}
//   bytes [8 + N, size)   the data section; a tensor's bytes are
//                         [8 + N + begin, 8 + N + end), little-endian, row-major
//
// What is guaranteed
//  1. Opening a file validates its whole header before any tensor is read:
//     the header length fits in the file (and is at most 100 MB), the header
//     is a JSON object with no repeated tensor name, each entry has a string
//     dtype, a shape of non-negative integers and two integer data_offsets,
//     the dtype is one of the known names (kDtypes), end >= begin, end lies
//     within the data section, end - begin = product(shape) × dtype size, and
//     no two tensors of non-zero size overlap. Gaps between tensors and
//     trailing bytes are allowed. `__metadata__`, when present, must map
//     strings to strings. Any violation throws glasses::InputError naming the
//     file and, where there is one, the tensor.
//  2. No byte outside the file is ever read: every offset is checked against
//     the mapped size before use. Tensor data need not be aligned (GPT-2 hub
//     files carry a 4-byte scalar that shifts later tensors off 8-byte
//     boundaries); elements are read with memcpy.
//  3. Decoding is exact: F64, F32, F16 and BF16 all embed in binary64, so
//     `decode` returns the stored values themselves. F16 and BF16 are decoded
//     from their bit fields here (zeros, subnormals, infinities and NaNs
//     included; a NaN keeps its sign and payload bits, shifted into place).
//     Other dtypes (BOOL, U8, I64, F8_*, ...) are accepted in the header, so
//     files carrying integer buffers open, but decoding one throws InputError.
//  4. The file is memory-mapped read-only and never copied; only the tensors
//     that are decoded are touched. The mapping lives as long as the
//     SafetensorsFile. (As with any mmap reader, truncating the file while it
//     is mapped ends the process with SIGBUS; do not edit files in use.)
//
// Sharded checkpoints are described by `model.safetensors.index.json`:
//   {"metadata": {...}, "weight_map": {"<name>": "model-00001-of-00002.safetensors", ...}}
// A SafetensorsArchive opens every listed shard (plain file names in the
// index's directory only) and checks that each mapped tensor is in its file,
// that no tensor is listed twice or stored in two shards, and that no shard
// holds a tensor the index does not list.
//
// Things you should know
//  1. The host must be little-endian with IEEE binary32/binary64 (checked at
//     compile time), as the format stores little-endian IEEE data.
//  2. A 0-dim tensor (`"shape": []`) holds one element.
//  3. Repeated keys inside one tensor's entry follow nlohmann::json (the last
//     one wins); repeated tensor names are rejected.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace glasses::model {

// The safetensors dtypes this reader knows. Only f64, f32, f16 and bf16
// decode to double; the others can be listed and skipped.
enum class Dtype : std::uint8_t {
  f64, f32, f16, bf16,
  i64, i32, i16, i8, u64, u32, u16, u8, boolean,
  f8_e4m3, f8_e5m2, f8_e8m0,
};

struct DtypeInfo {
  std::string_view name;  // as spelled in the header: "F32"
  Dtype dtype;
  std::size_t size;       // bytes per element
  bool decodable;         // exactly representable as double and decoded here
};

inline constexpr std::array kDtypes{
    DtypeInfo{"F64", Dtype::f64, 8, true},         DtypeInfo{"F32", Dtype::f32, 4, true},
    DtypeInfo{"F16", Dtype::f16, 2, true},         DtypeInfo{"BF16", Dtype::bf16, 2, true},
    DtypeInfo{"I64", Dtype::i64, 8, false},        DtypeInfo{"I32", Dtype::i32, 4, false},
    DtypeInfo{"I16", Dtype::i16, 2, false},        DtypeInfo{"I8", Dtype::i8, 1, false},
    DtypeInfo{"U64", Dtype::u64, 8, false},        DtypeInfo{"U32", Dtype::u32, 4, false},
    DtypeInfo{"U16", Dtype::u16, 2, false},        DtypeInfo{"U8", Dtype::u8, 1, false},
    DtypeInfo{"BOOL", Dtype::boolean, 1, false},   DtypeInfo{"F8_E4M3", Dtype::f8_e4m3, 1, false},
    DtypeInfo{"F8_E5M2", Dtype::f8_e5m2, 1, false}, DtypeInfo{"F8_E8M0", Dtype::f8_e8m0, 1, false},
};

const DtypeInfo& dtype_info(Dtype dtype);

// The exact value of an IEEE binary16 / bfloat16 bit pattern.
double f16_to_double(std::uint16_t bits);
double bf16_to_double(std::uint16_t bits);

// One tensor's header entry.
struct TensorInfo {
  std::string name;
  Dtype dtype = Dtype::f32;
  std::vector<std::size_t> shape;  // [] for a scalar
  std::size_t begin = 0;           // byte offsets into the data section
  std::size_t end = 0;

  std::size_t element_count() const;  // product(shape); 1 for a scalar
  std::size_t byte_size() const { return end - begin; }
};

// "[48, 32]"
std::string shape_string(std::span<const std::size_t> shape);

// One memory-mapped .safetensors file. Move-only.
class SafetensorsFile {
 public:
  // Maps `path` and validates its header (guarantee 1); throws InputError.
  explicit SafetensorsFile(const std::filesystem::path& path);
  ~SafetensorsFile();
  SafetensorsFile(SafetensorsFile&& other) noexcept;
  SafetensorsFile& operator=(SafetensorsFile&& other) noexcept;
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::size_t file_size() const { return size_; }
  std::size_t data_start() const { return data_start_; }  // 8 + N

  // Every tensor, sorted by name.
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string, std::less<>>& metadata() const { return metadata_; }

  // nullptr when the file has no tensor of that name.
  const TensorInfo* find(std::string_view name) const;
  // Throws InputError naming the file when absent.
  const TensorInfo& at(std::string_view name) const;

  // The stored bytes of a tensor of this file.
  std::span<const std::byte> raw(const TensorInfo& tensor) const;

  // The values of a tensor in stored (row-major) order, exactly.
  // Throws InputError if its dtype is not F64, F32, F16 or BF16.
  std::vector<double> decode(const TensorInfo& tensor) const { return decode_as<double>(tensor); }
  std::vector<double> decode(std::string_view name) const { return decode(at(name)); }
  // The same as V = float or double; float holds every dtype but F64 exactly
  // (Error for F64).
  template <class V>
  std::vector<V> decode_as(const TensorInfo& tensor) const;

 private:
  void release() noexcept;

  std::filesystem::path path_;
  const std::byte* data_ = nullptr;  // the whole mapped file
  std::size_t size_ = 0;
  std::size_t data_start_ = 0;
  std::vector<TensorInfo> tensors_;
  std::map<std::string, std::string, std::less<>> metadata_;
};

// The tensors of a checkpoint: one file, or the shards of an index.
class SafetensorsArchive {
 public:
  // One .safetensors file.
  static SafetensorsArchive open_file(const std::filesystem::path& file);
  // A `*.safetensors.index.json` and the shards it lists (same directory).
  static SafetensorsArchive open_index(const std::filesystem::path& index_json);
  // `dir/model.safetensors` if present, else `dir/model.safetensors.index.json`;
  // throws InputError if neither exists.
  static SafetensorsArchive open_directory(const std::filesystem::path& dir);

  struct Entry {
    const SafetensorsFile* file;
    const TensorInfo* tensor;
  };

  // Every tensor name, sorted.
  std::vector<std::string> names() const;
  std::size_t size() const { return entries_.size(); }
  const std::vector<std::unique_ptr<SafetensorsFile>>& files() const { return files_; }

  // nullptr entry fields when absent.
  Entry find(std::string_view name) const;
  // Throws InputError when absent.
  Entry at(std::string_view name) const;
  std::vector<double> decode(std::string_view name) const;

  // What was opened (the file or the index), for messages.
  const std::filesystem::path& source() const { return source_; }

 private:
  void add(std::unique_ptr<SafetensorsFile> file);

  std::filesystem::path source_;
  std::vector<std::unique_ptr<SafetensorsFile>> files_;
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace glasses::model
