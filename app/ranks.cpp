#include "ranks.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "exit_codes.hpp"
#include "glasses/numerics/error.hpp"

#if GLASSES_MPI
#include <mpi.h>
#endif

namespace glasses::app {
namespace {

const Ranks* the_ranks = nullptr;

// Whether an MPI launcher started this process: Open MPI's mpirun, or a
// PMI/PMIx launcher (srun, hydra). A plain run never initialises MPI (an
// Open MPI singleton would start a daemon).
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

#if GLASSES_MPI

// Rank 0's scheduler answers on its main thread while its own group's job,
// on another thread, exchanges rows with the group: several groups of
// several ranks need MPI_THREAD_MULTIPLE. Otherwise only main threads call
// MPI, and FUNNELED keeps each exchange about 5x cheaper (Open MPI 4.1:
// 5 against 28 µs for a 5 kB allgather on two ranks here). Read from the
// arguments, which are parsed only after MPI_Init.
int thread_level_needed(int argc, char** argv) {
  const char* size_text = std::getenv("OMPI_COMM_WORLD_SIZE");
  const long size = size_text != nullptr ? std::strtol(size_text, nullptr, 10) : 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg(argv[i]);
    std::string_view value;
    if (arg == "--ranks-per-track" && i + 1 < argc) value = argv[i + 1];
    if (arg.starts_with("--ranks-per-track=")) value = arg.substr(std::strlen("--ranks-per-track="));
    if (value.empty()) continue;
    const long per_item = std::strtol(std::string(value).c_str(), nullptr, 10);
    if (per_item > 1 && per_item != size) return MPI_THREAD_MULTIPLE;
  }
  return MPI_THREAD_FUNNELED;
}

enum Tag : int { kReady = 1, kAssign = 2, kResult = 3 };

// MPI counts are ints: longer messages are refused rather than cut.
int message_size(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error("a result of " + std::to_string(bytes) + " bytes is too large for one MPI message");
  }
  return static_cast<int>(bytes);
}

// Rank 0's `bytes` to every rank.
void broadcast_bytes(std::string& bytes, int rank) {
  std::uint64_t length = bytes.size();
  MPI_Bcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
  if (rank != 0) bytes.resize(length);
  MPI_Bcast(bytes.data(), message_size(length), MPI_BYTE, 0, MPI_COMM_WORLD);
}

// The ranks of one group (consecutive ranks of MPI_COMM_WORLD) that share
// the rows of every step of a job. Splits follow the members' measured
// speeds: each exchange carries how long every member computed its share,
// and every member updates the same speed estimates from the same gathered
// numbers, so all derive the same next split. Without it, every exchange
// waits for the slowest member (a core that also serves the kernel or
// another process), and splits only move work, never bits.
class MpiRowGroup final : public numerics::RowGroup {
 public:
  explicit MpiRowGroup(MPI_Comm comm) : comm_(comm) {
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    speeds_.assign(static_cast<std::size_t>(size_), 1.0);
  }
  int size() const override { return size_; }
  int rank() const override { return rank_; }
  std::vector<std::size_t> split(std::size_t n) const override {
    double total = 0;
    for (double s : speeds_) total += s;
    std::vector<std::size_t> bounds{0};
    double before = 0;
    for (int r = 0; r < size_; ++r) {
      before += speeds_[static_cast<std::size_t>(r)];
      const auto at = r + 1 == size_ ? n : static_cast<std::size_t>(std::llround(static_cast<double>(n) * before / total));
      bounds.push_back(std::clamp(at, bounds.back(), n));
    }
    last_split_ = bounds;
    return bounds;
  }
  std::vector<std::string> allgather(std::string_view mine, double seconds) const override {
    const auto start = std::chrono::steady_clock::now();
    std::string message(mine);
    message.append(reinterpret_cast<const char*>(&seconds), sizeof seconds);
    const int length = message_size(message.size());
    std::vector<int> lengths(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
    MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm_);
    std::size_t total = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[static_cast<std::size_t>(r)] = message_size(total);
      total += static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)]);
    }
    std::string all(total, '\0');
    MPI_Allgatherv(message.data(), length, MPI_BYTE, all.data(), lengths.data(), offsets.data(), MPI_BYTE, comm_);
    std::vector<std::string> shares;
    std::vector<double> times;
    for (int r = 0; r < size_; ++r) {
      const std::size_t at = static_cast<std::size_t>(offsets[static_cast<std::size_t>(r)]);
      const std::size_t bytes = static_cast<std::size_t>(lengths[static_cast<std::size_t>(r)]) - sizeof(double);
      shares.push_back(all.substr(at, bytes));
      double t = 0;
      std::memcpy(&t, all.data() + at + bytes, sizeof t);
      times.push_back(t);
    }
    follow_speeds(times);
    const std::lock_guard lock(stats_mutex_);
    ++stats_.exchanges;
    stats_.bytes += static_cast<double>(total);
    stats_.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return shares;
  }
  MPI_Comm comm() const { return comm_; }
  Ranks::ExchangeStats stats() const {
    const std::lock_guard lock(stats_mutex_);
    Ranks::ExchangeStats s = stats_;
    s.speeds = speeds_;
    return s;
  }

 private:
  // Items per second of each member in the last split, relative to their
  // mean, smoothed over exchanges (splits of different sizes and item
  // costs compare by these ratios). Members without items leave it as it is.
  void follow_speeds(const std::vector<double>& times) const {
    if (last_split_.size() != speeds_.size() + 1) return;
    std::vector<double> rates;
    for (std::size_t r = 0; r < speeds_.size(); ++r) {
      const double items = static_cast<double>(last_split_[r + 1] - last_split_[r]);
      if (items == 0 || !(times[r] > 0)) return;
      rates.push_back(items / times[r]);
    }
    double mean = 0;
    for (double x : rates) mean += x / static_cast<double>(rates.size());
    // One interrupted share (a 100 µs share losing a millisecond) must not swing the split: ratios clamped.
    for (std::size_t r = 0; r < speeds_.size(); ++r) speeds_[r] = 0.9 * speeds_[r] + 0.1 * std::clamp(rates[r] / mean, 0.5, 2.0);
  }

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
  mutable std::vector<double> speeds_;             // relative speed of each member
  mutable std::vector<std::size_t> last_split_;    // the split of the exchange under way
  mutable std::mutex stats_mutex_;
  mutable Ranks::ExchangeStats stats_;
};

// The ranks form groups of `per_item` consecutive ranks; a group runs one
// job at a time, its members sharing each step's rows (MpiRowGroup). Rank 0
// schedules the jobs over the groups (dynamic, longest first: a group's
// first rank asks for the next job when the group is free) and works in its
// own group on a thread of its own. With one group there is nothing to
// schedule: every rank runs every job, longest first. Every result is then
// broadcast from rank 0, so that every rank holds every result.
class MpiDistributor final : public numerics::Distributor {
 public:
  MpiDistributor(int rank, int size, int per_item) : rank_(rank), size_(size), per_item_(per_item) {
    if (per_item_ > 1) {
      MPI_Comm comm;
      MPI_Comm_split(MPI_COMM_WORLD, rank_ / per_item_, rank_, &comm);
      group_ = std::make_unique<MpiRowGroup>(comm);
    }
  }

  void run(const numerics::JobSet& jobs, int threads) const override {
    (void)threads;  // one job at a time per group; --threads splits each job's steps (PairedWorker)
    const std::vector<std::size_t> order = longest_first(jobs.costs);
    if (per_item_ == size_) {
      for (std::size_t i : order) jobs.run(i);
      return;
    }
    if (rank_ == 0) {
      schedule(jobs, order);
    } else if (rank_ % per_item_ == 0) {
      lead(jobs);
    } else {
      follow(jobs);
    }
    // No rank starts the next run() before rank 0 has left this one's
    // scheduling loop: without it, a run() with no results to broadcast let
    // a leader's next kReady reach this loop, which answered it with "none
    // left" (a deadlock, seen with --no-certify sweeps in a report).
    MPI_Barrier(MPI_COMM_WORLD);
    broadcast(jobs);
  }

  const numerics::RowGroup* row_group() const override { return group_.get(); }
  Ranks::ExchangeStats stats() const { return group_ ? group_->stats() : Ranks::ExchangeStats{}; }

 private:
  static std::vector<std::size_t> longest_first(const std::vector<double>& costs) {
    std::vector<std::size_t> order(costs.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return costs[a] > costs[b]; });
    return order;
  }

  // The group's first rank tells the others the job (-1: none left).
  void tell_group(std::int64_t& i) const {
    if (group_) MPI_Bcast(&i, 1, MPI_INT64_T, 0, group_->comm());
  }

  void schedule(const numerics::JobSet& jobs, const std::vector<std::size_t>& order) const {
    const std::size_t count = order.size();
    std::mutex mutex;
    std::size_t next = 0;
    const auto take = [&]() -> std::int64_t {
      const std::lock_guard lock(mutex);
      return next < count ? static_cast<std::int64_t>(order[next++]) : -1;
    };
    // Rank 0's own group, on a thread so that this one keeps answering.
    std::atomic<std::size_t> local_done{0};
    std::atomic<bool> local_finished{false};
    std::exception_ptr local_error;
    std::thread local([&] {
      const numerics::MpfrThreadCacheGuard mpfr_caches;
      try {
        while (true) {
          std::int64_t i = take();
          tell_group(i);
          if (i < 0) break;
          jobs.run(static_cast<std::size_t>(i));
          ++local_done;
        }
      } catch (...) {
        local_error = std::current_exception();
      }
      local_finished = true;
    });
    // A failure on this rank ends the job (Ranks::fail): the thread is not
    // waited for.
    struct Detach {
      std::thread& t;
      ~Detach() {
        if (t.joinable()) t.detach();
      }
    } detach{local};
    const int leaders = size_ / per_item_ - 1;
    std::size_t remote_done = 0;
    int stopped = 0;
    std::vector<char> buffer;
    while (remote_done + local_done < count || stopped < leaders || !local_finished) {
      if (local_finished && local_error) std::rethrow_exception(local_error);
      int arrived = 0;
      MPI_Status status;
      MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &arrived, &status);
      if (!arrived) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        continue;
      }
      int bytes = 0;
      MPI_Get_count(&status, MPI_BYTE, &bytes);
      buffer.resize(static_cast<std::size_t>(bytes) + 1);
      MPI_Recv(buffer.data(), bytes, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      if (status.MPI_TAG == kResult) {
        std::int64_t i = 0;
        std::memcpy(&i, buffer.data(), sizeof i);
        jobs.unpack(static_cast<std::size_t>(i),
                    std::string_view(buffer.data() + sizeof i, static_cast<std::size_t>(bytes) - sizeof i));
        ++remote_done;
      }
      const std::int64_t assigned = take();
      if (assigned < 0) ++stopped;
      MPI_Send(&assigned, 1, MPI_INT64_T, status.MPI_SOURCE, kAssign, MPI_COMM_WORLD);
    }
    local.join();
  }

  // The first rank of a group other than rank 0's.
  void lead(const numerics::JobSet& jobs) const {
    MPI_Send(nullptr, 0, MPI_BYTE, 0, kReady, MPI_COMM_WORLD);
    while (true) {
      std::int64_t i = -1;
      MPI_Recv(&i, 1, MPI_INT64_T, 0, kAssign, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      tell_group(i);
      if (i < 0) return;
      jobs.run(static_cast<std::size_t>(i));
      std::string message(sizeof i, '\0');
      std::memcpy(message.data(), &i, sizeof i);
      message += jobs.pack(static_cast<std::size_t>(i));
      MPI_Send(message.data(), message_size(message.size()), MPI_BYTE, 0, kResult, MPI_COMM_WORLD);
    }
  }

  // The other ranks of a group.
  void follow(const numerics::JobSet& jobs) const {
    while (true) {
      std::int64_t i = -1;
      tell_group(i);
      if (i < 0) return;
      jobs.run(static_cast<std::size_t>(i));
    }
  }

  // Rank 0 sends every result (as packed) to every other rank.
  void broadcast(const numerics::JobSet& jobs) const {
    for (std::size_t i = 0; i < jobs.costs.size(); ++i) {
      std::string bytes = rank_ == 0 ? jobs.pack(i) : std::string();
      broadcast_bytes(bytes, rank_);
      if (rank_ != 0) jobs.unpack(i, bytes);
    }
  }

  int rank_, size_, per_item_;
  std::unique_ptr<MpiRowGroup> group_;
};

#endif  // GLASSES_MPI

}  // namespace

Ranks::Ranks(int& argc, char**& argv) {
  the_ranks = this;
  if (!launched_by_mpi()) return;
#if GLASSES_MPI
  MPI_Init_thread(&argc, &argv, thread_level_needed(argc, argv), &thread_level_);
  mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  // Errors end the whole job (fail()), never one rank alone.
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
#else
  (void)argc;
  (void)argv;
  std::cerr << "glasses: warning: started by an MPI launcher, but this glasses was built without MPI "
               "(GLASSES_MPI=OFF): every rank runs the whole command alone\n";
#endif
}

Ranks::~Ranks() {
#if GLASSES_MPI
  if (mpi_) MPI_Finalize();
#endif
  the_ranks = nullptr;
}

void Ranks::broadcast(std::string& bytes) const {
#if GLASSES_MPI
  if (mpi_ && size_ > 1) broadcast_bytes(bytes, rank_);
#else
  (void)bytes;
#endif
}

int Ranks::fail(const std::exception_ptr& error) const {
  const std::string where = size_ > 1 ? " (rank " + std::to_string(rank_) + " of " + std::to_string(size_) + ")" : "";
  int code = kExitInternal;
  try {
    std::rethrow_exception(error);
  } catch (const InputError& e) {
    // Bad input is usually seen by every rank at once: give rank 0 time
    // to end the job with one message.
    if (mpi_ && rank_ != 0) std::this_thread::sleep_for(std::chrono::seconds(2));
    std::cerr << "glasses: error" << where << ": " << e.what() << "\n";
    code = kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << "glasses: internal error" << where << ": " << e.what() << "\n";
  }
#if GLASSES_MPI
  if (mpi_ && size_ > 1) {
    std::cerr << std::flush;
    MPI_Abort(MPI_COMM_WORLD, code);
  }
#endif
  return code;
}

const numerics::Distributor* Ranks::distributor(int ranks_per_item) const {
  if (ranks_per_item < 1 || size_ % ranks_per_item != 0) {
    throw InputError("--ranks-per-track " + std::to_string(ranks_per_item) + " does not divide the " +
                     std::to_string(size_) + " ranks");
  }
  if (size_ == 1) return nullptr;
#if GLASSES_MPI
  const int groups = size_ / ranks_per_item;
  if (ranks_per_item > 1 && groups > 1 && thread_level_ < MPI_THREAD_MULTIPLE) {
    throw InputError("this MPI library does not support MPI_THREAD_MULTIPLE, which --ranks-per-track " +
                     std::to_string(ranks_per_item) + " on " + std::to_string(size_) +
                     " ranks needs; use --ranks-per-track 1 or " + std::to_string(size_));
  }
  std::unique_ptr<numerics::Distributor>& d = distributors_[ranks_per_item];
  if (!d) d = std::make_unique<MpiDistributor>(rank_, size_, ranks_per_item);
  return d.get();
#else
  return nullptr;
#endif
}

Ranks::ExchangeStats Ranks::exchange_stats() const {
  ExchangeStats total;
#if GLASSES_MPI
  for (const auto& [per_item, d] : distributors_) {
    const ExchangeStats s = static_cast<const MpiDistributor&>(*d).stats();
    total.exchanges += s.exchanges;
    total.bytes += s.bytes;
    total.seconds += s.seconds;
    if (!s.speeds.empty()) total.speeds = s.speeds;
  }
#endif
  total.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return total;
}

bool Ranks::leads(int ranks_per_item) const { return rank_ % ranks_per_item == 0; }

const Ranks& ranks() { return *the_ranks; }

}  // namespace glasses::app
