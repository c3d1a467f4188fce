#include <xgrad/optim/adamw.hpp>

namespace xg::optim {

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions defaults)
    : AdamW(std::vector<OptimizerParamGroup>{OptimizerParamGroup(std::move(params))}, std::move(defaults)) {}

AdamW::AdamW(std::vector<OptimizerParamGroup> groups, AdamWOptions defaults)
    : Adam(std::move(groups), std::make_unique<AdamWOptions>(std::move(defaults)), /*decoupled_weight_decay=*/true) {}

}  // namespace xg::optim
