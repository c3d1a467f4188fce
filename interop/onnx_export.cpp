// export_onnx: the module's layers as ONNX nodes (see onnx_export.hpp for the mapping).

#include <xgrad/interop/onnx_export.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>
#include <xgrad/nn/activation.hpp>
#include <xgrad/nn/dropout.hpp>
#include <xgrad/nn/flatten.hpp>
#include <xgrad/nn/linear.hpp>
#include <xgrad/nn/normalization.hpp>
#include <xgrad/nn/sequential.hpp>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <optional>

namespace xg::interop {

namespace {

// Builds the graph one node at a time; `current` names the value the next node reads.
class GraphBuilder {
 public:
  explicit GraphBuilder(onnx::GraphProto& graph, std::string input) : graph_(graph), current_(std::move(input)) {}

  // A float initializer (a parameter, a buffer or a constant) of the given shape.
  const std::string& initializer(const std::string& name, const Shape& shape, const float* values) {
    onnx::TensorProto* tensor = graph_.add_initializer();
    tensor->set_name(name);
    tensor->set_data_type(onnx::TensorProto::FLOAT);
    for (std::size_t dim : shape) tensor->add_dims(static_cast<std::int64_t>(dim));
    std::string bytes(4 * numel_of(shape), '\0');
    std::memcpy(bytes.data(), values, bytes.size());  // ONNX's raw_data is little-endian, as the host
    tensor->set_raw_data(std::move(bytes));
    return name;
  }
  const std::string& scalar(const std::string& name, float value) { return initializer(name, {}, &value); }
  const std::string& vector(const std::string& name, const std::vector<float>& values) {
    return initializer(name, {values.size()}, values.data());
  }
  const std::string& tensor(const std::string& name, const Tensor& tensor) {
    return initializer(name, tensor.shape(), tensor.data().data());
  }

  // Adds a node that reads `inputs` (the current value where an input is empty) and makes it the current value.
  onnx::NodeProto& node(const std::string& op, const std::string& name, std::vector<std::string> inputs) {
    onnx::NodeProto* node = graph_.add_node();
    node->set_op_type(op);
    node->set_name(name);
    for (std::string& input : inputs) node->add_input(input.empty() ? current_ : input);
    current_ = name + "_output";
    node->add_output(current_);
    return *node;
  }

  const std::string& current() const { return current_; }
  void rename_current(const std::string& name) { current_ = name; }

 private:
  onnx::GraphProto& graph_;
  std::string current_;
};

void set_float(onnx::NodeProto& node, const std::string& name, double value) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::FLOAT);
  attribute->set_f(static_cast<float>(value));
}
void set_int(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INT);
  attribute->set_i(value);
}

std::string join_path(const std::string& prefix, const std::string& name) {
  return prefix.empty() ? name : prefix + "." + name;
}

// What the graph knows of the values' width as it goes (the first layer that has one sets the input's).
struct Widths {
  std::optional<std::size_t> input, current;
  bool started = false;  // a layer has seen the input
  void need(std::size_t width) {
    if (!started) input = width;
    started = true;
    current = width;
  }
  void unknown() {
    started = true;
    current.reset();
  }
};

void add_module(GraphBuilder& graph, const nn::Module& module, const std::string& path, Widths& widths) {
  // The node names are the module paths ("0", "3"), as torch.onnx names them ("/0/Gemm").
  const std::string name = path.empty() ? module.name() : path;
  if (const auto* sequential = dynamic_cast<const nn::SequentialImpl*>(&module)) {
    for (const auto& [child_name, child] : sequential->named_children()) {
      add_module(graph, *child, join_path(path, child_name), widths);
    }
  } else if (const auto* linear = dynamic_cast<const nn::LinearImpl*>(&module)) {
    widths.need(linear->in_features);
    std::vector<std::string> inputs{"", graph.tensor(join_path(path, "weight"), linear->weight)};
    if (linear->bias.defined()) inputs.push_back(graph.tensor(join_path(path, "bias"), linear->bias));
    set_int(graph.node("Gemm", name + "/Gemm", inputs), "transB", 1);
    widths.current = linear->out_features;
  } else if (dynamic_cast<const nn::ReLUImpl*>(&module)) {
    graph.node("Relu", name + "/Relu", {""});
  } else if (const auto* leaky = dynamic_cast<const nn::LeakyReLUImpl*>(&module)) {
    set_float(graph.node("LeakyRelu", name + "/LeakyRelu", {""}), "alpha", leaky->negative_slope);
  } else if (dynamic_cast<const nn::TanhImpl*>(&module)) {
    graph.node("Tanh", name + "/Tanh", {""});
  } else if (dynamic_cast<const nn::SigmoidImpl*>(&module)) {
    graph.node("Sigmoid", name + "/Sigmoid", {""});
  } else if (dynamic_cast<const nn::GELUImpl*>(&module)) {
    // torch.onnx's form: x * (erf(x / sqrt 2) + 1) * 0.5.
    const std::string x = graph.current();
    graph.node("Div", name + "/Div", {"", graph.scalar(name + "/sqrt2", static_cast<float>(std::sqrt(2.0)))});
    graph.node("Erf", name + "/Erf", {""});
    graph.node("Add", name + "/Add", {"", graph.scalar(name + "/one", 1.0f)});
    graph.node("Mul", name + "/Mul", {x, ""});
    graph.node("Mul", name + "/Mul_1", {"", graph.scalar(name + "/half", 0.5f)});
  } else if (const auto* batch_norm = dynamic_cast<const nn::BatchNorm1dImpl*>(&module)) {
    const nn::BatchNorm1dOptions& options = batch_norm->options;
    if (!options.track_running_stats()) {
      throw Error("export_onnx: BatchNorm1d at '" + path +
                  "' has no running statistics (track_running_stats false): it has no evaluation form to export");
    }
    const std::size_t c = options.num_features();
    widths.need(c);
    const std::vector<float> ones(c, 1.0f), zeros(c, 0.0f);
    const std::string scale = options.affine() ? graph.tensor(join_path(path, "weight"), batch_norm->weight)
                                               : graph.vector(join_path(path, "weight"), ones);
    const std::string bias = options.affine() ? graph.tensor(join_path(path, "bias"), batch_norm->bias)
                                              : graph.vector(join_path(path, "bias"), zeros);
    onnx::NodeProto& node =
        graph.node("BatchNormalization", name + "/BatchNormalization",
                   {"", scale, bias, graph.tensor(join_path(path, "running_mean"), batch_norm->running_mean),
                    graph.tensor(join_path(path, "running_var"), batch_norm->running_var)});
    set_float(node, "epsilon", options.eps());
    set_float(node, "momentum", 1.0 - options.momentum().value_or(0.1));  // ONNX's momentum is torch's 1 - m
  } else if (const auto* layer_norm = dynamic_cast<const nn::LayerNormImpl*>(&module)) {
    const nn::LayerNormOptions& options = layer_norm->options;
    const Shape& shape = options.normalized_shape();
    if (shape.size() == 1) widths.need(shape[0]);
    const std::vector<float> ones(numel_of(shape), 1.0f), zeros(numel_of(shape), 0.0f);
    const std::string scale = options.elementwise_affine()
                                  ? graph.tensor(join_path(path, "weight"), layer_norm->weight)
                                  : graph.initializer(join_path(path, "weight"), shape, ones.data());
    const std::string bias = options.elementwise_affine()
                                 ? graph.tensor(join_path(path, "bias"), layer_norm->bias)
                                 : graph.initializer(join_path(path, "bias"), shape, zeros.data());
    onnx::NodeProto& node = graph.node("LayerNormalization", name + "/LayerNormalization", {"", scale, bias});
    set_int(node, "axis", -static_cast<std::int64_t>(shape.size()));
    set_float(node, "epsilon", options.eps());
  } else if (const auto* flatten = dynamic_cast<const nn::FlattenImpl*>(&module)) {
    if (flatten->start_dim != 1 || flatten->end_dim != -1) {
      throw Error("export_onnx: Flatten at '" + path + "' merges dimensions " + std::to_string(flatten->start_dim) +
                  ".." + std::to_string(flatten->end_dim) + "; only Flatten(1, -1) is exported");
    }
    set_int(graph.node("Flatten", name + "/Flatten", {""}), "axis", 1);
    widths.unknown();  // what came in may have had more dimensions
  } else if (dynamic_cast<const nn::DropoutImpl*>(&module) || dynamic_cast<const nn::IdentityImpl*>(&module)) {
    // The identity in evaluation: no node.
  } else {
    throw Error("export_onnx: cannot export " + module.name() + " at '" + (path.empty() ? "(the model)" : path) +
                "': ONNX export knows Linear, ReLU, LeakyReLU, Tanh, Sigmoid, GELU, BatchNorm1d, LayerNorm, Flatten, "
                "Dropout, Identity, Sequential and MLP");
  }
}

void check_statistics(const std::optional<std::vector<float>>& values, const char* name,
                      const std::optional<std::size_t>& width, const char* which) {
  if (!values) return;
  if (width && values->size() != *width) {
    throw Error(std::string("export_onnx: ") + name + " holds " + std::to_string(values->size()) +
                " values, but the model's " + which + " has " + std::to_string(*width));
  }
}

void add_value_info(onnx::ValueInfoProto& value, const std::string& name, const std::optional<std::size_t>& width) {
  value.set_name(name);
  onnx::TypeProto_Tensor* type = value.mutable_type()->mutable_tensor_type();
  type->set_elem_type(onnx::TensorProto::FLOAT);
  onnx::TensorShapeProto* shape = type->mutable_shape();
  shape->add_dim()->set_dim_param("batch");
  if (width) {
    shape->add_dim()->set_dim_value(static_cast<std::int64_t>(*width));
  } else {
    shape->add_dim()->set_dim_param("features");
  }
}

}  // namespace

std::string onnx_model_bytes(const nn::Module& module, const OnnxExportOptions& options) {
  if ((options.input_mean().has_value()) != (options.input_stddev().has_value()) ||
      (options.target_mean().has_value()) != (options.target_stddev().has_value())) {
    throw Error("export_onnx: a mean needs its stddev and a stddev its mean");
  }
  onnx::ModelProto model;
  model.set_ir_version(onnx::IR_VERSION);
  model.set_producer_name("xgrad");
  model.set_producer_version("0.1.0");
  onnx::OperatorSetIdProto* opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOnnxOpset);
  onnx::GraphProto& graph_proto = *model.mutable_graph();
  graph_proto.set_name(module.name());

  GraphBuilder graph(graph_proto, options.input_name());
  if (options.input_mean()) {
    graph.node("Sub", "standardize/Sub", {"", graph.vector("input_mean", *options.input_mean())});
    graph.node("Div", "standardize/Div", {"", graph.vector("input_stddev", *options.input_stddev())});
  }
  Widths widths;
  add_module(graph, module, "", widths);
  if (options.input_mean()) {
    const std::size_t features = options.input_mean()->size();
    if (!widths.started) widths.input = widths.current = features;  // a model without a width of its own
    check_statistics(options.input_mean(), "input_mean", widths.input, "input");
    check_statistics(options.input_stddev(), "input_stddev", widths.input, "input");
  }
  if (options.target_mean()) {
    check_statistics(options.target_mean(), "target_mean", widths.current, "output");
    check_statistics(options.target_stddev(), "target_stddev", widths.current, "output");
    graph.node("Mul", "unstandardize/Mul", {"", graph.vector("target_stddev", *options.target_stddev())});
    graph.node("Add", "unstandardize/Add", {"", graph.vector("target_mean", *options.target_mean())});
  }
  // The last node writes the output under its name; a graph without nodes copies its input.
  if (graph_proto.node_size() == 0) graph.node("Identity", "Identity", {""});
  graph_proto.mutable_node(graph_proto.node_size() - 1)->set_output(0, options.output_name());

  add_value_info(*graph_proto.add_input(), options.input_name(), widths.input);
  add_value_info(*graph_proto.add_output(), options.output_name(), widths.current);

  try {
    onnx::checker::check_model(model);
  } catch (const std::exception& error) {
    throw Error(std::string("export_onnx: onnx::checker refused the graph: ") + error.what());
  }
  std::string bytes;
  if (!model.SerializeToString(&bytes)) throw Error("export_onnx: protobuf could not serialize the model");
  return bytes;
}

void export_onnx(const nn::Module& module, const std::string& path, const OnnxExportOptions& options) {
  save_atomically(path, onnx_model_bytes(module, options), "export_onnx");
}

std::vector<std::string> onnx_node_types(const std::string& model_bytes) {
  onnx::ModelProto model;
  if (!model.ParseFromString(model_bytes)) throw Error("onnx_node_types: the bytes are not an ONNX model");
  std::vector<std::string> types;
  for (const onnx::NodeProto& node : model.graph().node()) types.push_back(node.op_type());
  return types;
}

}  // namespace xg::interop
