#pragma once
// What the fuzzers load into, shared with make_seeds.cpp so that the valid seed files fit it: a small
// model and an Adam over fixed parameters, with fixed values, gradients and (for Adam) state. Every
// input gets a fresh copy, so no input can change what the next one meets.

#include <xgrad/xgrad.hpp>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace xg_fuzz {

// Fills `values` with distinct, not too round numbers: 0.25 + 0.5 * i - 0.03 * i^2.
inline void fill(xg::Array& values, float shift) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    const float x = static_cast<float>(i);
    values.data()[i] = shift + 0.25f + 0.5f * x - 0.03f * x * x;
  }
}

// Sequential(Linear(3, 2), Linear(2, 1)): four records, "0.weight" [2, 3] to "1.bias" [1]. `shift`
// moves every value, so that a file of another shift changes the model when it loads.
inline xg::nn::Sequential fixed_model(float shift = 0.0f) {
  xg::nn::Sequential model(xg::nn::Linear(3, 2), xg::nn::Linear(2, 1));
  float offset = shift;
  for (auto& [name, parameter] : model.named_parameters()) {
    fill(parameter.data(), offset);
    xg::Array gradient = parameter.data();
    fill(gradient, offset - 1.0f);
    parameter.set_grad(gradient);
    offset += 10.0f;
  }
  return model;
}

// The optimizer of tests/data/v1_adam.xgrad.optim (so that file loads): weight [2, 3] and bias [2] in
// group 0, `extra` [3] in group 1 with its own options and AMSGrad. `steps` steps are taken with
// fixed gradients; `extra` sits out the first, so the two groups' step counts differ.
struct FixedOptimizer {
  std::vector<xg::Tensor> params;
  std::unique_ptr<xg::optim::Adam> adam;
};

inline FixedOptimizer fixed_optimizer(int steps) {
  FixedOptimizer fixed;
  for (const xg::Shape& shape : {xg::Shape{2, 3}, xg::Shape{2}, xg::Shape{3}}) {
    xg::Tensor parameter = xg::zeros(shape, true);
    fill(parameter.data(), static_cast<float>(fixed.params.size()));
    fixed.params.push_back(parameter);
  }
  std::vector<xg::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<xg::Tensor>{fixed.params[0], fixed.params[1]});
  groups.emplace_back(std::vector<xg::Tensor>{fixed.params[2]},
                      std::make_unique<xg::optim::AdamOptions>(xg::optim::AdamOptions(0.05).amsgrad(true)));
  fixed.adam = std::make_unique<xg::optim::Adam>(groups, xg::optim::AdamOptions(0.01));
  for (int step = 0; step < steps; ++step) {
    for (xg::Tensor& parameter : fixed.params) {
      xg::Array gradient = parameter.data();
      fill(gradient, 0.1f * static_cast<float>(step) - 0.5f);
      parameter.set_grad(gradient);
    }
    if (step == 0) fixed.params[2].zero_grad(/*set_to_none=*/true);
    fixed.adam->step();
  }
  // Gradients stay set: a load must leave them as they are.
  for (xg::Tensor& parameter : fixed.params) {
    if (!parameter.has_grad()) parameter.set_grad(parameter.data());
  }
  return fixed;
}

// The schedulers of the scheduler_load seeds, on fixed_optimizer(0)'s Adam (two groups): a
// SequentialLR (LinearLR(0.25, 1, 3), then ExponentialLR(0.9) from epoch 3), which has sub-scheduler
// states, and a ReduceLROnPlateau(min, factor 0.5, patience 1), each stepped `steps` times.
struct FixedSchedulers {
  FixedOptimizer optimizer;
  std::unique_ptr<xg::optim::SequentialLR> sequential;
  std::unique_ptr<xg::optim::ReduceLROnPlateau> plateau;
};

inline FixedSchedulers fixed_schedulers(int steps) {
  FixedSchedulers fixed{fixed_optimizer(0), nullptr, nullptr};
  xg::optim::Optimizer& adam = *fixed.optimizer.adam;
  std::vector<std::unique_ptr<xg::optim::LRScheduler>> parts;
  parts.push_back(std::make_unique<xg::optim::LinearLR>(adam, 0.25, 1.0, 3));
  parts.push_back(std::make_unique<xg::optim::ExponentialLR>(adam, 0.9));
  fixed.sequential = std::make_unique<xg::optim::SequentialLR>(adam, std::move(parts), std::vector<std::int64_t>{3});
  fixed.plateau = std::make_unique<xg::optim::ReduceLROnPlateau>(adam, xg::optim::ReduceLROnPlateau::Mode::min, 0.5, 1);
  for (int step = 0; step < steps; ++step) {
    fixed.sequential->step();
    fixed.plateau->step(1.0 / (1 + step % 3));
  }
  return fixed;
}

// A checkpoint over fixed_model(), an Adam over its parameters that took `steps` steps, a StepLR
// (step size 2, gamma 0.5) stepped as often, and two generators that drew a few numbers ("dropout"
// holds a spare normal). Epoch 3, step `steps`, one note.
struct FixedCheckpoint {
  xg::nn::Sequential model;
  std::unique_ptr<xg::optim::Adam> adam;
  std::unique_ptr<xg::optim::StepLR> scheduler;
  // On the heap, as everything the checkpoint refers to: the struct is returned by value.
  std::unique_ptr<xg::Generator> dropout, shuffle;
  std::unique_ptr<xg::Checkpoint> checkpoint;
};

inline FixedCheckpoint fixed_checkpoint(int steps) {
  FixedCheckpoint fixed{
      fixed_model(), nullptr, nullptr, std::make_unique<xg::Generator>(5), std::make_unique<xg::Generator>(6), nullptr};
  fixed.adam = std::make_unique<xg::optim::Adam>(fixed.model.parameters(), xg::optim::AdamOptions(0.01));
  fixed.scheduler = std::make_unique<xg::optim::StepLR>(*fixed.adam, 2, 0.5);
  for (int step = 0; step < steps; ++step) {
    fixed.adam->step();  // with fixed_model()'s gradients, which stay set
    fixed.scheduler->step();
  }
  fixed.dropout->normal();
  fixed.shuffle->next_u64();
  fixed.checkpoint = std::make_unique<xg::Checkpoint>(fixed.model, *fixed.adam);
  fixed.checkpoint->scheduler(*fixed.scheduler)
      .generator("dropout", *fixed.dropout)
      .generator("shuffle", *fixed.shuffle);
  fixed.checkpoint->epoch = 3;
  fixed.checkpoint->step = steps;
  fixed.checkpoint->notes["run"] = "fuzz";
  return fixed;
}

// An array's shape and values, byte for byte (so a NaN compares equal to itself).
inline void append_bytes(std::string& bytes, const xg::Array& values) {
  bytes += xg::to_string(xg::Shape(values.shape().begin(), values.shape().end()));
  bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
}

inline std::string value_bytes(const std::vector<xg::Tensor>& tensors) {
  std::string bytes;
  for (const xg::Tensor& tensor : tensors) append_bytes(bytes, tensor.data());
  return bytes;
}

inline std::string gradient_bytes(const std::vector<xg::Tensor>& tensors) {
  std::string bytes;
  for (const xg::Tensor& tensor : tensors) {
    if (tensor.has_grad()) {
      append_bytes(bytes, tensor.grad());
    } else {
      bytes += "none";
    }
  }
  return bytes;
}

// A broken promise: prints it and aborts, which libFuzzer reports as a crash and saves the input.
[[noreturn]] inline void fail(const std::string& promise) {
  std::fprintf(stderr, "xgrad fuzz: %s\n", promise.c_str());
  std::abort();
}

}  // namespace xg_fuzz
