#include "model_files.hpp"

#include "errors.hpp"

#include <xgrad/interop/onnx_export.hpp>
#include <xgrad/interop/safetensors.hpp>

#include <cstdio>
#include <filesystem>
#include <sstream>

namespace mlp {

namespace {

bool is_safetensors(const std::string& path) { return std::filesystem::path(path).extension() == ".safetensors"; }

const char* const kStatisticKeys[] = {"xgrad.input_mean", "xgrad.input_stddev", "xgrad.target_mean",
                                      "xgrad.target_stddev"};

// "0.5,1.25,-3": exact for float32 (9 significant digits).
std::string to_text(const xg::Array& values) {
  std::string text;
  char number[32];
  for (float value : values) {
    std::snprintf(number, sizeof number, "%.9g", static_cast<double>(value));
    text += (text.empty() ? "" : ",") + std::string(number);
  }
  return text;
}

xg::Array from_text(const std::string& text, const std::string& key, const std::string& path) {
  std::vector<float> values;
  std::istringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      std::size_t used = 0;
      values.push_back(std::stof(item, &used));
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      throw UserError("--load " + path + ": metadata " + key + " holds '" + item + "', not a number");
    }
  }
  xg::Array array = xg::Array::from_shape({values.size()});
  std::copy(values.begin(), values.end(), array.begin());
  return array;
}

std::vector<float> as_vector(const xg::Array& values) { return {values.begin(), values.end()}; }

// The arrays of a model's statistics, in the order files hold them (kStatisticKeys): two for a
// classifier's inputs, four with a regression's targets.
std::vector<const xg::Array*> arrays_of(const Statistics& statistics) {
  std::vector<const xg::Array*> arrays = {&statistics.inputs.mean(), &statistics.inputs.stddev()};
  if (statistics.targets.fitted())
    arrays.insert(arrays.end(), {&statistics.targets.mean(), &statistics.targets.stddev()});
  return arrays;
}

// From two or four arrays (the targets' left unfitted with two).
Statistics statistics_of(std::vector<xg::Array> arrays) {
  Statistics statistics;
  statistics.inputs.set_statistics(std::move(arrays[0]), std::move(arrays[1]));
  if (arrays.size() == 4) statistics.targets.set_statistics(std::move(arrays[2]), std::move(arrays[3]));
  return statistics;
}

// xgrad's model format holds a module's tensors and nothing else (xg::load(net, PATH) must keep working),
// so the statistics of a model in it go beside it, as the optimizer's state does: PATH.standardizer, in
// xgrad's sealed envelope (magic, version, CRC-32) around a u32 number of arrays (2 or 4), then each
// array as a u32 count and as many f32.
// `op` starts its messages: "--load out/model.xgrad.standardizer".
xg::SealedFormat statistics_format(const std::string& op) {
  return {std::string_view("XGSTATS\0", 8), 1, op, "standardizer file"};
}

std::string statistics_path(const std::string& model_path) { return model_path + ".standardizer"; }

void save_statistics_beside(const std::string& model_path, const Statistics* statistics) {
  const std::string path = statistics_path(model_path);
  if (!statistics) {  // a stale file from an earlier model of the same name must not be read as this one's
    std::filesystem::remove(path);
    return;
  }
  xg::LittleEndianWriter out;
  out.u32(static_cast<std::uint32_t>(arrays_of(*statistics).size()));
  for (const xg::Array* array : arrays_of(*statistics)) {
    out.u32(static_cast<std::uint32_t>(array->size()));
    out.f32s(array->data(), array->size());
  }
  xg::save_atomically(path, xg::seal(statistics_format("--save"), out.bytes()), "--save");
}

std::optional<Statistics> load_statistics_beside(const std::string& model_path) {
  const std::string path = statistics_path(model_path);
  if (!std::filesystem::exists(path)) return std::nullopt;
  const std::string bytes = xg::read_file(path, "--load");
  xg::ByteReader in = xg::open_sealed(bytes, statistics_format("--load " + path));
  const std::uint32_t number = in.u32("the number of arrays");
  if (number != 2 && number != 4) in.corrupted("it holds " + std::to_string(number) + " arrays, not 2 or 4");
  std::vector<xg::Array> arrays(number);
  for (std::uint32_t i = 0; i < number; ++i) {
    const std::uint32_t count = in.count(4, kStatisticKeys[i]);
    arrays[i] = xg::Array::from_shape({count});
    in.f32s(arrays[i].data(), count, kStatisticKeys[i]);
  }
  if (!in.at_end()) in.corrupted(std::to_string(in.remaining()) + " bytes follow the arrays");
  return statistics_of(std::move(arrays));
}

}  // namespace

void save_model(const xg::nn::MLP& net, const xg::optim::Optimizer& optimizer, const std::string& path,
                const Statistics* statistics) {
  if (is_safetensors(path)) {
    xg::interop::Metadata metadata;
    if (statistics) {
      const std::vector<const xg::Array*> arrays = arrays_of(*statistics);
      for (std::size_t i = 0; i < arrays.size(); ++i) metadata[kStatisticKeys[i]] = to_text(*arrays[i]);
    }
    xg::interop::save_model(net, path, metadata);
  } else {
    xg::save(net, path);
    save_statistics_beside(path, statistics);
  }
  optimizer.save(path + ".optim");
}

void load_model(xg::nn::MLP& net, const std::string& path) {
  if (is_safetensors(path)) {
    xg::interop::load_model(net, path);  // strict: a torch-made file must be exactly this model
  } else {
    xg::load(net, path);
  }
}

namespace {

std::optional<Statistics> read_statistics(const std::string& path) {
  if (!is_safetensors(path)) return load_statistics_beside(path);
  const xg::interop::Metadata metadata = xg::interop::read_safetensors_header(path, "--load").metadata;
  std::vector<xg::Array> arrays;
  for (const char* key : kStatisticKeys) {
    const auto found = metadata.find(key);
    if (found == metadata.end()) break;
    arrays.push_back(from_text(found->second, key, path));
  }
  if (arrays.size() != 2 && arrays.size() != 4) return std::nullopt;
  return statistics_of(std::move(arrays));
}

}  // namespace

std::optional<Statistics> load_statistics(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::optional<Statistics> statistics = read_statistics(path);
  if (!statistics) {
    // On stdout, which only rank 0 keeps under mpirun (parallel.hpp): every rank reads the file, one says so.
    std::printf(
        "note: %s holds no standardization statistics (a file saved before they were kept, or one that "
        "PyTorch wrote): they are fitted again on this run's training examples\n",
        path.c_str());
  }
  return statistics;
}

void export_onnx(const xg::nn::MLP& net, const std::string& path, const Statistics* statistics) {
  xg::interop::OnnxExportOptions options;
  if (statistics) {
    options.input_mean(as_vector(statistics->inputs.mean())).input_stddev(as_vector(statistics->inputs.stddev()));
  }
  if (statistics && statistics->targets.fitted()) {
    options.output_name("prediction")
        .target_mean(as_vector(statistics->targets.mean()))
        .target_stddev(as_vector(statistics->targets.stddev()));
  }
  net->eval();
  xg::interop::export_onnx(net, path, options);
}

bool load_optimizer_state(xg::optim::Optimizer& optimizer, const std::string& load_path) {
  const std::string path = load_path + ".optim";
  if (load_path.empty() || !std::filesystem::exists(path)) return false;
  const auto flags = optimizer.param_groups()[0].options().hyperparameters();
  optimizer.load(path);
  for (xg::optim::OptimizerParamGroup& group : optimizer.param_groups()) {
    for (const auto& [name, value] : flags) group.options().set_hyperparameter(name, value);
  }
  return true;
}

}  // namespace mlp
