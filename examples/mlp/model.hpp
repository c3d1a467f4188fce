#pragma once
// The network the flags describe (--hidden, --dropout, --norm), on the data it is to learn, with the
// --load weights in it.

#include "args.hpp"
#include "data.hpp"
#include "parallel.hpp"

#include <xgrad/xgrad.hpp>

#include <string>
#include <vector>

namespace mlp {

// What every classification run works on: the data and the network.
struct Setup {
  Data data;
  std::vector<std::size_t> sizes;  // the inputs, the hidden layers, the classes
  xg::nn::MLP net;
  std::string decided;  // what fit_to_data set (defaults.hpp), for the "training:" line
};

// Sets up the process (prepare_process), loads the data, builds the network, prints what it has
// ("data: ...", "model: ...") and loads --load.
// Without --epochs, first fits args.epochs (and maybe a validation split and early stopping) to the
// data (defaults.hpp).
Setup set_up(Args& args);
// "1000 training, 100 validation and 500 test examples".
std::string example_counts(const Data& data);

// Before anything else: --threads for BLAS (with a note when OpenBLAS chose kernels below the CPU's),
// and the default generator (dropout masks) seeded with --seed.
void prepare_process(const Args& args);
// An MLP of these sizes with the flags' activation, dropout and norm, initialised from --seed.
xg::nn::MLP make_mlp(const Args& args, const std::vector<std::size_t>& sizes);
// ", batch norm, dropout 0.1": what the flags add to the plain ReLU MLP, for the "model:" line.
std::string layer_extras(const Args& args);
// {784, 256, 10} -> "784-256-10".
std::string shape_list(const std::vector<std::size_t>& sizes);

}  // namespace mlp
