// Exercise 06: write the three bodies below (README.md has the tasks, the maths and hints), then run
//   ./scripts/exercise.sh 6
#include "clipping.hpp"

#include "not_implemented.hpp"

#include <algorithm>
#include <cmath>

namespace course {

double clip_by_global_norm(const std::vector<xg::Tensor>& params, double max_norm, double norm_type) {
  throw course::NotImplemented("06-gradient-clipping", "clip_by_global_norm()");
}

void clip_by_value(const std::vector<xg::Tensor>& params, double clip_value) {
  throw course::NotImplemented("06-gradient-clipping", "clip_by_value()");
}

double clipped_training_step(const std::function<xg::Tensor()>& loss, xg::optim::Optimizer& optimizer,
                             const std::vector<xg::Tensor>& params, double max_norm) {
  throw course::NotImplemented("06-gradient-clipping", "clipped_training_step()");
}

}  // namespace course
