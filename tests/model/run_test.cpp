// run.hpp: every type of numerics::Scalars is reached from the run-time
// spelling of its format, and runs a forward pass under that name.
#include "glasses/model/run.hpp"

#include <boost/test/unit_test.hpp>
#include <string>

#include "glasses/model/presets.hpp"

namespace gm = glasses::model;
namespace gn = glasses::numerics;

BOOST_AUTO_TEST_SUITE(run)

BOOST_AUTO_TEST_CASE_TEMPLATE(each_scalar_is_the_carrier_of_its_own_name, T, gn::Scalars) {
  typename gn::ScalarTraits<T>::Context ctx{};
  const std::string name = gn::ScalarTraits<T>::name(ctx);
  const gm::RunSpec spec = gm::parse_run_spec(name, gn::formats::fp64);
  BOOST_TEST(!spec.execution.site_rounding, name);
  BOOST_TEST(gm::carrier_index(spec.execution) == gn::scalar_index<T>(), name);
  const gm::ModelSource model = gm::make_preset("default");
  const gm::ForwardResult r =
      gm::run_forward(model, spec, gm::make_input(model, gm::parse_tokens(model, "1 1 1", "tokens")), false, false);
  BOOST_TEST(r.scalar == name);
  BOOST_TEST(r.y.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
