#include <xgrad/optim/state_dict.hpp>

#include <xgrad/core/binary_io.hpp>
#include <xgrad/core/error.hpp>

#include <istream>
#include <iterator>
#include <ostream>

namespace xg::optim {
namespace {

const SealedFormat kFormat{std::string_view("XGOPTIM\0", 8), 1, "read_state_dict", "optimizer state"};

std::string encode_payload(const OptimizerStateDict& dict) {
  LittleEndianWriter w;
  w.string(dict.optimizer);
  w.u32(static_cast<std::uint32_t>(dict.param_groups.size()));
  for (const OptimizerStateDict::ParamGroup& group : dict.param_groups) {
    w.u32(static_cast<std::uint32_t>(group.options.size()));
    for (const auto& [name, value] : group.options) {
      w.string(name);
      w.f64(value);
    }
    w.u32(static_cast<std::uint32_t>(group.param_shapes.size()));
    for (const Shape& shape : group.param_shapes) {
      w.u32(static_cast<std::uint32_t>(shape.size()));
      for (std::size_t size : shape) w.u64(size);
    }
  }
  w.u64(dict.state.size());
  for (const auto& [index, state] : dict.state) {
    w.u64(index);
    w.i64(state.step);
    w.u32(static_cast<std::uint32_t>(state.buffers.size()));
    for (const auto& [name, buffer] : state.buffers) {
      w.string(name);
      w.u64(buffer.size());
      w.f32s(buffer.data(), buffer.size());
    }
  }
  return w.bytes();
}

OptimizerStateDict decode_payload(ByteReader& r) {
  OptimizerStateDict dict;
  dict.optimizer = r.string("the optimizer name");
  const std::uint32_t group_count = r.count(8, "param groups");
  for (std::uint32_t g = 0; g < group_count; ++g) {
    const std::string group_label = "param group " + std::to_string(g);
    OptimizerStateDict::ParamGroup group;
    const std::uint32_t option_count = r.count(12, group_label + " hyperparameters");
    for (std::uint32_t i = 0; i < option_count; ++i) {
      std::string name = r.string(group_label + " hyperparameter " + std::to_string(i));
      group.options.emplace_back(name, r.f64(group_label + " hyperparameter '" + name + "'"));
    }
    const std::uint32_t param_count = r.count(4, group_label + " parameters");
    for (std::uint32_t i = 0; i < param_count; ++i) {
      const std::string label = group_label + " parameter " + std::to_string(i);
      const std::uint32_t rank = r.u32(label + " (dimensions)");
      // The file holds only the shape: the values are the model's.
      group.param_shapes.push_back(r.shape(rank, label, kMaxArrayDimension, 0));
    }
    dict.param_groups.push_back(std::move(group));
  }
  const std::uint64_t state_count = r.u64("the state count");
  if (state_count > r.remaining() / 20) {
    r.corrupted(std::to_string(state_count) + " parameter states cannot fit in the " + std::to_string(r.remaining()) +
                " bytes left");
  }
  for (std::uint64_t s = 0; s < state_count; ++s) {
    const std::string state_label = "state " + std::to_string(s);
    const std::uint64_t index = r.u64(state_label + " (parameter index)");
    OptimizerParamState state;
    state.step = r.i64(state_label + " (step)");
    const std::uint32_t buffer_count = r.count(12, state_label + " buffers");
    for (std::uint32_t b = 0; b < buffer_count; ++b) {
      const std::string name = r.string(state_label + " buffer " + std::to_string(b) + " (name)");
      const std::string label = state_label + " buffer '" + name + "'";
      // Saved as a flat count; load_state_dict gives it the parameter's shape after checking the count.
      const Shape shape = r.shape(1, label, kMaxArrayDimension, sizeof(float));
      Array values = Array::from_shape(shape);
      r.f32s(values.data(), values.size(), label);
      if (!state.buffers.emplace(name, std::move(values)).second) r.corrupted(label + " appears twice");
    }
    if (!dict.state.emplace(static_cast<std::size_t>(index), std::move(state)).second) {
      r.corrupted("the state of parameter " + std::to_string(index) + " appears twice");
    }
  }
  if (!r.at_end()) r.corrupted(std::to_string(r.remaining()) + " unread bytes at the end of the payload");
  return dict;
}

}  // namespace

void write_state_dict(const OptimizerStateDict& dict, std::ostream& out) {
  const std::string bytes = encode_state_dict(dict);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) throw Error("write_state_dict: writing the optimizer state failed");
}

std::string encode_state_dict(const OptimizerStateDict& dict) { return seal(kFormat, encode_payload(dict)); }

OptimizerStateDict read_state_dict(std::istream& in) {
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("read_state_dict: reading the optimizer state failed");
  return decode_state_dict(bytes);
}

OptimizerStateDict decode_state_dict(std::string_view bytes) {
  ByteReader payload = open_sealed(bytes, kFormat);
  return decode_payload(payload);
}

}  // namespace xg::optim
