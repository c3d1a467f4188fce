// xgrad's ops at the MLP's shapes: matmul and Linear (to hold against raw_sgemm), elementwise ops and
// their backward, CrossEntropyLoss, and one whole training step. Each iteration does what a training
// step does with the op: record the node, run backward, drop the gradients (zero_grad(true), so that
// the next backward moves fresh gradients in rather than adding to old ones).

#include "micro.hpp"

#include <xgrad/xgrad.hpp>

namespace bench {

namespace {

xg::Tensor random_tensor(const xg::Shape& shape, std::uint64_t seed, bool requires_grad = true) {
  xg::Generator generator(seed);
  return xg::uniform(shape, -1.0f, 1.0f, generator, requires_grad);
}

// Keeps an op's result from being optimized away. The handle is taken by reference: data() on a
// temporary handle returns a copy of the values (core/tensor.hpp), which would be timed too.
void keep(const xg::Tensor& result) { benchmark::DoNotOptimize(result.data().data()); }

std::string shape_name(const xg::Shape& shape) {
  std::string name;
  for (std::size_t size : shape) name += (name.empty() ? "" : "x") + std::to_string(size);
  return name;
}

// Each against the raw sgemm calls it makes, on the same input arrays (paired: see micro.hpp).
void register_matmul_and_linear() {
  const auto batch = static_cast<std::size_t>(kBatch);
  for (const Layer& layer : kLayers) {
    const auto in = static_cast<std::size_t>(layer.in), out = static_cast<std::size_t>(layer.out);
    const double flops = layer_flops(layer);
    for (int threads : kThreadCounts) {
      const std::string suffix = "/" + layer.name() + "/t" + std::to_string(threads);
      add(
          "xgrad/matmul_fwd" + suffix, {flops, 0},
          [=](benchmark::State& state) {
            set_blas_threads(threads);
            xg::Tensor a = random_tensor({batch, in}, 1), b = random_tensor({in, out}, 2);
            RawLayer raw(layer);
            raw.read_operands_from(a.data().data(), b.data().data());
            run_paired(
                state, [&] { keep(xg::matmul(a, b)); }, [&] { raw.run("matmul_fwd"); });
          },
          true);
      add(
          "xgrad/matmul_fwd_bwd" + suffix, {3 * flops, 0},
          [=](benchmark::State& state) {
            set_blas_threads(threads);
            xg::Tensor a = random_tensor({batch, in}, 1), b = random_tensor({in, out}, 2);
            const xg::Array grad = random_tensor({batch, out}, 3, false).data();
            RawLayer raw(layer);
            raw.read_operands_from(a.data().data(), b.data().data(), grad.data());
            auto ours = [&] {
              xg::matmul(a, b).backward(grad);
              benchmark::DoNotOptimize(b.grad().data());
              a.zero_grad(true);
              b.zero_grad(true);
            };
            run_paired(state, ours, [&] { raw.matmul_forward_backward(); });
          },
          true);
      add(
          "xgrad/linear_fwd" + suffix, {flops, 0},
          [=](benchmark::State& state) {
            set_blas_threads(threads);
            xg::Tensor x = random_tensor({batch, in}, 1), w = random_tensor({out, in}, 2), b = random_tensor({out}, 4);
            RawLayer raw(layer);
            raw.read_operands_from(x.data().data(), w.data().data(), nullptr, b.data().data());
            run_paired(
                state, [&] { keep(xg::nn::functional::linear(x, w, b)); }, [&] { raw.linear_forward_with_bias(); });
          },
          true);
      add(
          "xgrad/linear_fwd_bwd" + suffix, {3 * flops, 0},
          [=](benchmark::State& state) {
            set_blas_threads(threads);
            xg::Tensor x = random_tensor({batch, in}, 1), w = random_tensor({out, in}, 2), b = random_tensor({out}, 4);
            const xg::Array grad = random_tensor({batch, out}, 3, false).data();
            RawLayer raw(layer);
            raw.read_operands_from(x.data().data(), w.data().data(), grad.data(), b.data().data());
            auto ours = [&] {
              xg::nn::functional::linear(x, w, b).backward(grad);
              benchmark::DoNotOptimize(w.grad().data());
              x.zero_grad(true);
              w.zero_grad(true);
              b.zero_grad(true);
            };
            run_paired(state, ours, [&] { raw.linear_forward_backward_with_bias(); });
          },
          true);
    }
  }
}

// Elementwise ops on the MLP's largest activation, [128, 256] (128 KB per array: L2-resident, as in
// training). Bytes are what the op must read and write at least: a unary forward reads x and writes y
// (8 per element), its backward reads the gradient and x or y and writes dx (12).
void register_elementwise() {
  const xg::Shape shape = {128, 256};
  const auto n = static_cast<double>(xg::numel_of(shape));
  const xg::Shape bias_shape = {shape[1]};
  struct Unary {
    const char* name;
    xg::Tensor (*op)(const xg::Tensor&);
  };
  const Unary unary[] = {{"relu", [](const xg::Tensor& x) { return xg::relu(x); }},
                         {"sigmoid", [](const xg::Tensor& x) { return xg::sigmoid(x); }},
                         {"tanh", [](const xg::Tensor& x) { return xg::tanh(x); }},
                         {"exp", [](const xg::Tensor& x) { return xg::exp(x); }},
                         {"gelu", [](const xg::Tensor& x) { return xg::gelu(x); }}};
  for (const Unary& u : unary) {
    const std::string suffix = std::string("/") + u.name + "/" + shape_name(shape) + "/t1";
    add("xgrad/unary_fwd" + suffix, {0, 8 * n}, [=](benchmark::State& state) {
      xg::Tensor x = random_tensor(shape, 1);
      for (auto _ : state) keep(u.op(x));
    });
    add("xgrad/unary_fwd_bwd" + suffix, {0, 20 * n}, [=](benchmark::State& state) {
      xg::Tensor x = random_tensor(shape, 1);
      const xg::Array grad = random_tensor(shape, 3, false).data();
      for (auto _ : state) {
        u.op(x).backward(grad);
        benchmark::DoNotOptimize(x.grad().data());
        x.zero_grad(true);
      }
    });
  }
  // Binary ops: forward reads a and b, writes y (12 per element). Backward of add writes da and db
  // from the gradient (12); of mul also reads a and b (20). The bias add broadcasts a row [256].
  struct Binary {
    const char* name;
    xg::Shape shape_b;
    double forward_bytes, backward_bytes;
    xg::Tensor (*op)(const xg::Tensor&, const xg::Tensor&);
  };
  const Binary binary[] = {
      {"add", shape, 12, 12, [](const xg::Tensor& a, const xg::Tensor& b) { return a + b; }},
      {"mul", shape, 12, 20, [](const xg::Tensor& a, const xg::Tensor& b) { return a * b; }},
      {"add_bias_row", bias_shape, 8, 12, [](const xg::Tensor& a, const xg::Tensor& b) { return a + b; }}};
  for (const Binary& op : binary) {
    const std::string suffix = std::string("/") + op.name + "/" + shape_name(shape) + "/t1";
    add("xgrad/binary_fwd" + suffix, {0, op.forward_bytes * n}, [=](benchmark::State& state) {
      xg::Tensor a = random_tensor(shape, 1), b = random_tensor(op.shape_b, 2);
      for (auto _ : state) keep(op.op(a, b));
    });
    add("xgrad/binary_fwd_bwd" + suffix, {0, (op.forward_bytes + op.backward_bytes) * n}, [=](benchmark::State& state) {
      xg::Tensor a = random_tensor(shape, 1), b = random_tensor(op.shape_b, 2);
      const xg::Array grad = random_tensor(shape, 3, false).data();
      for (auto _ : state) {
        op.op(a, b).backward(grad);
        benchmark::DoNotOptimize(b.grad().data());
        a.zero_grad(true);
        b.zero_grad(true);
      }
    });
  }
}

void register_cross_entropy() {
  const xg::Shape shape = {static_cast<std::size_t>(kBatch), 10};
  xg::data::Labels labels(shape[0]);
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i] = static_cast<std::int64_t>(i % shape[1]);
  add("xgrad/cross_entropy_fwd/128x10/t1", {}, [=](benchmark::State& state) {
    xg::Tensor logits = random_tensor(shape, 1);
    xg::nn::CrossEntropyLoss loss_fn;
    for (auto _ : state) benchmark::DoNotOptimize(loss_fn(logits, labels).item());
  });
  add("xgrad/cross_entropy_fwd_bwd/128x10/t1", {}, [=](benchmark::State& state) {
    xg::Tensor logits = random_tensor(shape, 1);
    xg::nn::CrossEntropyLoss loss_fn;
    for (auto _ : state) {
      loss_fn(logits, labels).backward();
      benchmark::DoNotOptimize(logits.grad().data());
      logits.zero_grad(true);
    }
  });
}

// One whole training step of the MLP 784-256-128-10 at batch 128 with AdamW, on a fixed random
// batch: forward, loss, zero_grad, backward, step; paired with its 8 GEMMs made raw, its floor.
// "mlp_step_set_to_none" calls zero_grad(true) (PyTorch 2's default) instead of zero_grad() (1.13's,
// ours): backward then moves each gradient in rather than adding it to zeros.
void register_training_step() {
  for (const bool set_to_none : {false, true}) {
    for (int threads : kThreadCounts) {
      if (set_to_none && threads > 1) continue;
      const std::string name = std::string("xgrad/") + (set_to_none ? "mlp_step_set_to_none" : "mlp_step") + "/b128/t" +
                               std::to_string(threads);
      add(
          name, {mlp_step_flops(), 0},
          [threads, set_to_none](benchmark::State& state) {
            set_blas_threads(threads);
            xg::Generator generator(0);
            xg::nn::MLP net({784, 256, 128, 10}, xg::nn::Activation::ReLU, 0.0, generator);
            xg::optim::AdamW optimizer(net->parameters(), xg::optim::AdamWOptions(2e-3).weight_decay(0.05));
            xg::nn::CrossEntropyLoss loss_fn;
            const xg::Tensor input = random_tensor({static_cast<std::size_t>(kBatch), 784}, 1, false);
            xg::data::Labels labels(kBatch);
            for (std::int64_t& label : labels) label = static_cast<std::int64_t>(generator.randint(10));
            std::vector<RawLayer> raw(std::begin(kLayers), std::end(kLayers));
            auto ours = [&] {
              xg::Tensor loss = loss_fn(net(input), labels);
              optimizer.zero_grad(set_to_none);
              loss.backward();
              optimizer.step();
              benchmark::DoNotOptimize(loss.item());
            };
            auto gemms = [&] {
              for (std::size_t i = 0; i < raw.size(); ++i) raw[i].linear_forward_backward(i > 0);
            };
            run_paired(state, ours, gemms);
          },
          true);
    }
  }
}

// The DataLoader's work per batch: gather 128 random rows of 784 floats from a [60000, 784] data set
// (188 MB, so rows come from main memory) into a fresh batch.
void register_data_loading() {
  add("xgrad/dataloader_batch/b128/t1", {0, 2.0 * kBatch * 784 * sizeof(float)}, [](benchmark::State& state) {
    constexpr std::size_t kExamples = 60000;
    xg::Generator generator(0);
    xg::data::TensorDataset dataset(xg::uniform({kExamples, 784}, 0.0f, 1.0f, generator).data(),
                                    xg::data::Labels(kExamples, 0));
    xg::data::DataLoader loader(dataset, xg::data::DataLoaderOptions(kBatch).shuffle(true).seed(0));
    auto batch = loader.begin();
    for (auto _ : state) {
      if (++batch == loader.end()) batch = loader.begin();
      benchmark::DoNotOptimize(batch->input.data().data());
    }
  });
}

// What recording an op and differentiating it costs beyond its arithmetic: the same ops on one element,
// where the arithmetic is nothing (allocations, the graph node, the backward engine's bookkeeping).
void register_op_overhead() {
  add("xgrad/op_overhead/linear_fwd/1x1/t1", {}, [](benchmark::State& state) {
    xg::Tensor x = random_tensor({1, 1}, 1), w = random_tensor({1, 1}, 2), b = random_tensor({1}, 4);
    for (auto _ : state) keep(xg::nn::functional::linear(x, w, b));
  });
  add("xgrad/op_overhead/linear_fwd_bwd/1x1/t1", {}, [](benchmark::State& state) {
    xg::Tensor x = random_tensor({1, 1}, 1), w = random_tensor({1, 1}, 2), b = random_tensor({1}, 4);
    const xg::Array grad = random_tensor({1, 1}, 3, false).data();
    for (auto _ : state) {
      xg::nn::functional::linear(x, w, b).backward(grad);
      benchmark::DoNotOptimize(w.grad().data());
      x.zero_grad(true);
      w.zero_grad(true);
      b.zero_grad(true);
    }
  });
  add("xgrad/op_overhead/relu_fwd_bwd/1/t1", {}, [](benchmark::State& state) {
    xg::Tensor x = random_tensor({1}, 1);
    const xg::Array grad = random_tensor({1}, 3, false).data();
    for (auto _ : state) {
      xg::relu(x).backward(grad);
      benchmark::DoNotOptimize(x.grad().data());
      x.zero_grad(true);
    }
  });
}

}  // namespace

void register_ops() {
  register_matmul_and_linear();
  register_elementwise();
  register_cross_entropy();
  register_training_step();
  register_data_loading();
  register_op_overhead();
}

}  // namespace bench
