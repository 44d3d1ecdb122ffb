// The processes of one glasses run: a singleton, or the ranks of an MPI
// job (mpirun, srun). Under MPI the independent items of `sweep`, `check`
// and `report` are spread over the ranks (distributor()); rank 0 alone
// prints results and writes outputs, which are the same bytes as a
// singleton run's. Built without MPI (GLASSES_MPI=OFF) every run is a
// singleton.
#pragma once

#include <chrono>
#include <exception>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "glasses/numerics/parallel.hpp"

namespace glasses::app {

class Ranks {
 public:
  // Starts MPI when an MPI launcher started this process; otherwise (a
  // plain `glasses …`) MPI is never touched.
  Ranks(int& argc, char**& argv);
  ~Ranks();
  Ranks(const Ranks&) = delete;
  Ranks& operator=(const Ranks&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  // Rank 0 prints results, shows progress and writes every output.
  bool writer() const { return rank_ == 0; }
  // Where independent items run: the ranks in groups of `ranks_per_item`
  // (each group runs one item at a time, its members sharing the rows of
  // every step; groups take items dynamically, longest first), or null for
  // a singleton (this process's thread pool). InputError unless
  // ranks_per_item divides size(). Every rank must ask, in the same order.
  const numerics::Distributor* distributor(int ranks_per_item = 1) const;
  // What this rank's row exchanges cost so far (allgathers of the groups
  // sharing rows; the waits for slower members included), and its wall time.
  struct ExchangeStats {
    long exchanges = 0;
    double bytes = 0, seconds = 0, wall_seconds = 0;
    std::vector<double> speeds;  // the members' relative speeds the splits followed at the end
  };
  ExchangeStats exchange_stats() const;
  // Whether this rank is the first of its group (it logs the group's progress).
  bool leads(int ranks_per_item = 1) const;
  // Rank 0's `bytes` to every rank (the state of an output directory,
  // which other machines may not see).
  void broadcast(std::string& bytes) const;
  // Reports `error` on stderr (naming the rank when there are several) and
  // returns its exit code; with several ranks it ends the whole job with
  // that code instead (MPI_Abort), so that no rank waits forever.
  int fail(const std::exception_ptr& error) const;

 private:
  int rank_ = 0, size_ = 1;
  bool mpi_ = false;
  int thread_level_ = 0;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  mutable std::map<int, std::unique_ptr<numerics::Distributor>> distributors_;  // by ranks per item
};

// The ranks of this process (set up by main()).
const Ranks& ranks();

}  // namespace glasses::app
