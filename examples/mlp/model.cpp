#include "model.hpp"

#include "errors.hpp"
#include "model_files.hpp"

#include <algorithm>
#include <cstdio>

namespace mlp {

namespace {

std::size_t parameter_count(xg::nn::MLP& net) {
  std::size_t count = 0;
  for (const xg::Tensor& p : net->parameters()) count += p.numel();
  return count;
}

}  // namespace

Setup set_up(Args& args) {
  prepare_process(args);
  std::string decided;
  Data data = load_data(args, decided);
  const std::size_t classes = std::max(data.class_names.size(), count_classes(data.train.labels()));
  std::vector<std::size_t> sizes = {xg::numel_of(data.train.example_shape())};
  sizes.insert(sizes.end(), args.hidden.begin(), args.hidden.end());
  sizes.push_back(classes);

  xg::nn::MLP net = make_mlp(args, sizes);
  std::printf("data: %s: %s, %zu classes\n", data.description.c_str(), example_counts(data).c_str(), classes);
  std::printf("model: MLP %s (ReLU%s), %zu parameters\n", shape_list(sizes).c_str(), layer_extras(args).c_str(),
              parameter_count(net));
  if (!args.load_path.empty()) load_model(net, args.load_path);
  return {std::move(data), sizes, net, decided};
}

std::string example_counts(const Data& data) {
  const std::string val = data.val.size() > 0 ? ", " + std::to_string(data.val.size()) + " validation" : "";
  return std::to_string(data.train.size()) + " training" + val + " and " + std::to_string(data.test.size()) +
         " test examples";
}

void prepare_process(const Args& args) {
  if (args.threads > 0) xg::blas::set_num_threads(args.threads);
  const std::string blas_advice = xg::blas::kernel_advice();
  if (!blas_advice.empty()) std::fprintf(stderr, "note: %s\n", blas_advice.c_str());
  xg::manual_seed(args.seed);  // dropout masks
}

xg::nn::MLP make_mlp(const Args& args, const std::vector<std::size_t>& sizes) {
  xg::Generator init_generator(args.seed);
  return xg::nn::MLP(sizes, xg::nn::Activation::ReLU, args.dropout, xg::nn::norm_from_string(args.norm),
                     init_generator);
}

std::string layer_extras(const Args& args) {
  const std::string norm = args.norm == "none" ? "" : ", " + args.norm + " norm";
  return norm + (args.dropout > 0 ? ", dropout " + xg::format_number(args.dropout) : "");
}

std::string shape_list(const std::vector<std::size_t>& sizes) {
  std::string text;
  for (std::size_t s : sizes) text += (text.empty() ? "" : "-") + std::to_string(s);
  return text;
}

}  // namespace mlp
