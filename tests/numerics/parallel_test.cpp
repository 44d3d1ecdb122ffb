// parallel.hpp: run_longest_first runs every job once, longest first on one
// thread, and rethrows the lowest-index failure; PairedWorker runs both
// sides of every pair (the helper on another thread), over many pairs with
// both the spinning and the sleeping hand-over, and rethrows either side's
// exception after both have finished; the single-threaded switch keeps
// both on the caller; row shares tile the rows.
#include "glasses/numerics/parallel.hpp"

#include <atomic>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gn = glasses::numerics;

BOOST_AUTO_TEST_SUITE(parallel)

BOOST_AUTO_TEST_CASE(run_longest_first_runs_each_job_once_in_cost_order) {
  const std::vector<double> costs{1, 5, 3, 5, 0};
  std::vector<std::size_t> order;
  gn::run_longest_first(costs, 1, [&](std::size_t i) { order.push_back(i); });
  BOOST_TEST(order == (std::vector<std::size_t>{1, 3, 2, 0, 4}), boost::test_tools::per_element());
  std::vector<std::atomic<int>> runs(50);
  gn::run_longest_first(std::vector<double>(50, 1.0), 2, [&](std::size_t i) { ++runs[i]; });
  for (const std::atomic<int>& r : runs) BOOST_TEST(r.load() == 1);
  BOOST_CHECK_THROW(gn::run_longest_first(costs, 0, [](std::size_t) {}), glasses::InputError);
}

BOOST_AUTO_TEST_CASE(run_longest_first_rethrows_the_lowest_index_failure) {
  try {
    gn::run_longest_first({1, 2, 3}, 1, [](std::size_t i) {
      if (i >= 1) throw std::runtime_error("job " + std::to_string(i));
    });
    BOOST_FAIL("no exception");
  } catch (const std::runtime_error& e) {
    // One thread, longest first: job 2 runs first, throws, and stops the rest.
    BOOST_TEST(std::string(e.what()) == "job 2");
  }
}

BOOST_AUTO_TEST_CASE(paired_worker_runs_both_sides_on_two_threads) {
  gn::PairedWorker worker;
  long here = 0, there = 0;
  std::thread::id helper;
  for (int k = 1; k <= 20000; ++k) {
    worker.run([&] { here += k; }, [&] {
      there += 2 * k;
      helper = std::this_thread::get_id();
    });
  }
  BOOST_TEST(here == 20000L * 20001 / 2);
  BOOST_TEST(there == 20000L * 20001);
  BOOST_TEST((helper != std::this_thread::get_id()));
  // Pairs further apart than the spin: the helper sleeps and is woken.
  for (int k = 0; k < 3; ++k) {
    std::this_thread::sleep_for(2 * gn::PairedWorker::kSpin);
    worker.run([&] { ++here; }, [&] { ++there; });
  }
  BOOST_TEST(here == 20000L * 20001 / 2 + 3);
  BOOST_TEST(there == 20000L * 20001 + 3);
}

BOOST_AUTO_TEST_CASE(paired_worker_rethrows_after_both_sides_finish) {
  gn::PairedWorker worker;
  bool other_finished = false;
  try {
    worker.run([] { throw std::runtime_error("here"); }, [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      other_finished = true;
    });
    BOOST_FAIL("no exception");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()) == "here");
    BOOST_TEST(other_finished);
  }
  try {
    worker.run([] {}, [] { throw std::runtime_error("there"); });
    BOOST_FAIL("no exception");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()) == "there");
  }
  try {
    worker.run([] { throw std::runtime_error("here first"); }, [] { throw std::runtime_error("there too"); });
    BOOST_FAIL("no exception");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()) == "here first");
  }
  // Still usable afterwards.
  int a = 0, b = 0;
  worker.run([&] { a = 1; }, [&] { b = 2; });
  BOOST_TEST(a + b == 3);
}

BOOST_AUTO_TEST_CASE(single_threaded_runs_everything_on_the_caller) {
  gn::set_single_threaded(true);
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<std::thread::id> seen(20);
  gn::run_longest_first(std::vector<double>(20, 1.0), 8, [&](std::size_t i) { seen[i] = std::this_thread::get_id(); });
  for (const std::thread::id& id : seen) BOOST_TEST((id == caller));
  gn::PairedWorker worker;
  std::thread::id here, there;
  worker.run([&] { here = std::this_thread::get_id(); }, [&] { there = std::this_thread::get_id(); });
  BOOST_TEST((here == caller && there == caller));
  gn::set_single_threaded(false);
  worker.run([&] { here = std::this_thread::get_id(); }, [&] { there = std::this_thread::get_id(); });
  BOOST_TEST((here == caller && there != caller));
}

BOOST_AUTO_TEST_CASE(shares_are_consecutive_and_cover_every_item) {
  // 10 rows over 3 members: [0, 3), [3, 6), [6, 10).
  BOOST_TEST((gn::share_of(10, 0, 3) == std::pair<std::size_t, std::size_t>{0, 3}));
  BOOST_TEST((gn::share_of(10, 1, 3) == std::pair<std::size_t, std::size_t>{3, 6}));
  BOOST_TEST((gn::share_of(10, 2, 3) == std::pair<std::size_t, std::size_t>{6, 10}));
  for (std::size_t n : {1u, 2u, 7u, 64u, 1000u}) {
    for (int size : {1, 2, 3, 8}) {
      std::size_t expected_from = 0;
      for (int r = 0; r < size; ++r) {
        const auto [from, to] = gn::share_of(n, r, size);
        BOOST_TEST(from == expected_from);
        BOOST_TEST(to - from <= n / static_cast<std::size_t>(size) + 1);
        expected_from = to;
      }
      BOOST_TEST(expected_from == n);
    }
  }
}

BOOST_AUTO_TEST_CASE(run_jobs_without_a_distributor_is_the_pool) {
  gn::JobSet jobs;
  jobs.costs = {1, 3, 2};
  std::vector<std::size_t> order;
  jobs.run = [&](std::size_t i) { order.push_back(i); };
  gn::run_jobs(nullptr, jobs, 1);
  BOOST_TEST(order == (std::vector<std::size_t>{1, 2, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()
