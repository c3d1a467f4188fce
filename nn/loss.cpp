#include <xgrad/nn/loss.hpp>

#include <ostream>

namespace xg::nn {

namespace {

// "mean", "sum", "none" as PyTorch prints them.
const char* to_string(Reduction reduction) {
  switch (reduction) {
    case Reduction::None:
      return "none";
    case Reduction::Mean:
      return "mean";
    case Reduction::Sum:
      return "sum";
  }
  return "?";
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
      << ", label_smoothing=" << options.label_smoothing() << ")";
}

Tensor NLLLossImpl::forward(const Tensor& log_probs, const Labels& labels) {
  return functional::nll_loss(log_probs, labels, options);
}
Tensor NLLLossImpl::forward(const Tensor& log_probs, const Tensor& labels) {
  return functional::nll_loss(log_probs, to_labels(labels, "NLLLoss"), options);
}
void NLLLossImpl::pretty_print(std::ostream& out) const {
  out << "NLLLoss(reduction=" << to_string(options.reduction()) << ", ignore_index=" << options.ignore_index() << ")";
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

Tensor BCEWithLogitsLossImpl::forward(const Tensor& input, const Tensor& target) {
  return functional::binary_cross_entropy_with_logits(input, target, options.reduction());
}
void BCEWithLogitsLossImpl::pretty_print(std::ostream& out) const {
  out << "BCEWithLogitsLoss(reduction=" << to_string(options.reduction()) << ")";
}

}  // namespace xg::nn
