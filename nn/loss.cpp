#include <xgrad/nn/loss.hpp>

#include <ostream>
#include <string>

namespace xg::nn {

namespace {

// "none", "mean", "sum" as PyTorch prints them, in the enums' order (loss_options.hpp).
const char* to_string(Reduction reduction) {
  static const char* const names[] = {"none", "mean", "sum"};
  return names[static_cast<int>(reduction)];
}

const char* to_string(KLDivReduction reduction) {
  static const char* const names[] = {"none", "batchmean", "sum", "mean"};
  return names[static_cast<int>(reduction)];
}

// ", weight=[5]" for a weight that is set, nothing otherwise.
std::string weight_note(const char* name, const Tensor& weight) {
  return weight.defined() ? std::string(", ") + name + "=" + xg::to_string(weight.shape()) : std::string();
}

}  // namespace

Tensor CrossEntropyLossImpl::forward(const Tensor& logits, const Labels& labels) {
  return functional::cross_entropy(logits, labels, options);
}
Tensor CrossEntropyLossImpl::forward(const Tensor& logits, const Tensor& labels) {
  return functional::cross_entropy(logits, to_labels(labels, "CrossEntropyLoss"), options);
}
void CrossEntropyLossImpl::pretty_print(std::ostream& out) const {
  out << "CrossEntropyLoss(reduction=" << to_string(options.reduction()) << ", ignore_index=" << options.ignore_index()
      << ", label_smoothing=" << options.label_smoothing() << weight_note("weight", options.weight()) << ")";
}

Tensor NLLLossImpl::forward(const Tensor& log_probs, const Labels& labels) {
  return functional::nll_loss(log_probs, labels, options);
}
Tensor NLLLossImpl::forward(const Tensor& log_probs, const Tensor& labels) {
  return functional::nll_loss(log_probs, to_labels(labels, "NLLLoss"), options);
}
void NLLLossImpl::pretty_print(std::ostream& out) const {
  out << "NLLLoss(reduction=" << to_string(options.reduction()) << ", ignore_index=" << options.ignore_index()
      << weight_note("weight", options.weight()) << ")";
}

Tensor MSELossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::mse_loss(input, target, options.reduction());
}
void MSELossImpl::pretty_print(std::ostream& out) const {
  out << "MSELoss(reduction=" << to_string(options.reduction()) << ")";
}

Tensor L1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::l1_loss(input, target, options.reduction());
}
void L1LossImpl::pretty_print(std::ostream& out) const {
  out << "L1Loss(reduction=" << to_string(options.reduction()) << ")";
}

Tensor HuberLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::huber_loss(input, target, options);
}
void HuberLossImpl::pretty_print(std::ostream& out) const {
  out << "HuberLoss(reduction=" << to_string(options.reduction()) << ", delta=" << options.delta() << ")";
}

Tensor SmoothL1LossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::smooth_l1_loss(input, target, options);
}
void SmoothL1LossImpl::pretty_print(std::ostream& out) const {
  out << "SmoothL1Loss(reduction=" << to_string(options.reduction()) << ", beta=" << options.beta() << ")";
}

Tensor BCELossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::binary_cross_entropy(input, target, options);
}
void BCELossImpl::pretty_print(std::ostream& out) const {
  out << "BCELoss(reduction=" << to_string(options.reduction()) << weight_note("weight", options.weight()) << ")";
}

Tensor KLDivLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::kl_div(input, target, options);
}
void KLDivLossImpl::pretty_print(std::ostream& out) const {
  out << "KLDivLoss(reduction=" << to_string(options.reduction())
      << ", log_target=" << (options.log_target() ? "true" : "false") << ")";
}

Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::binary_cross_entropy_with_logits(input, target, options);
}
void BCEWithLogitsLossImpl::pretty_print(std::ostream& out) const {
  out << "BCEWithLogitsLoss(reduction=" << to_string(options.reduction()) << weight_note("weight", options.weight())
      << weight_note("pos_weight", options.pos_weight()) << ")";
}

}  // namespace xg::nn
